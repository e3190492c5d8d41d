/**
 * The dashboard's HTML: the page shell (filled in by static/dashboard.js from the live feed), the login
 * form and the "dashboard is off" page. Plain strings with every dynamic part HTML-escaped; no inline
 * script or style, so the Content-Security-Policy can forbid both.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function document(title: string, body: string, options: { script?: boolean } = {}): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    '<link rel="stylesheet" href="/dashboard/assets/dashboard.css">',
    options.script ? '<script src="/dashboard/assets/dashboard.js" defer></script>' : '',
    '</head>',
    `<body>${body}</body>`,
    '</html>',
    '',
  ].join('\n');
}

export function dashboardPage(): string {
  return document(
    'autodev · runs',
    `
<a class="skip" href="#runs">Skip to the runs</a>
<header class="top">
  <h1>autodev runs</h1>
  <p id="connection" class="connection" role="status">Connecting…</p>
  <form method="post" action="/dashboard/logout"><button type="submit">Log out</button></form>
</header>
<main>
  <section id="bottlenecks-section" aria-labelledby="bottlenecks-heading" hidden>
    <h2 id="bottlenecks-heading">Bottlenecks</h2>
    <ul id="bottlenecks" class="bottlenecks"></ul>
  </section>
  <div class="columns">
    <section id="runs" aria-labelledby="runs-heading" tabindex="-1">
      <h2 id="runs-heading">Runs by repository</h2>
      <p class="hint">Arrow keys move between runs; Enter opens one.</p>
      <div id="repositories"><p class="empty">No runs yet.</p></div>
    </section>
    <section id="detail" aria-labelledby="detail-heading" tabindex="-1">
      <h2 id="detail-heading">Run details</h2>
      <div id="detail-body"><p class="empty">Select a run to see its timeline.</p></div>
    </section>
  </div>
</main>
<div id="announcer" class="visually-hidden" aria-live="polite" aria-atomic="true"></div>
`,
    { script: true },
  );
}

export function loginPage(message?: string): string {
  const error = message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : '';
  return document(
    'autodev · log in',
    `
<main class="login">
  <h1>autodev dashboard</h1>
  <p>Enter the dashboard token (AUTODEV_DASHBOARD_TOKEN; <code>autodev sandbox</code> prints one).</p>
  ${error}
  <form method="post" action="/dashboard/login">
    <input type="text" name="username" value="autodev dashboard" autocomplete="username" hidden>
    <label for="token">Dashboard token</label>
    <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
    <button type="submit">Log in</button>
  </form>
</main>
`,
  );
}

export function disabledPage(reason: string): string {
  return document(
    'autodev · dashboard off',
    `
<main class="login">
  <h1>autodev dashboard</h1>
  <p class="error">${escapeHtml(reason)}</p>
</main>
`,
  );
}
