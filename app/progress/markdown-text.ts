/**
 * Putting text into GitHub markdown that autodev writes (the progress comment, the pull request body).
 *
 * Text that people or models wrote is escaped so it can neither break the layout nor act: HTML is
 * inert (`<` → `&lt;`), markdown punctuation (and `$`, which GitHub pairs into math) is
 * backslash-escaped, control and bidi characters are dropped, and every `@` is followed by a
 * zero-width space so `@everyone` or `@org/team` notifies nobody. Identifiers (task ids, agents,
 * backends, branches, commands) go in code spans, where GitHub renders nothing.
 */

/** Flattens to one line, drops control and bidi characters, and cuts at `max` characters. */
export function clean(text: string, max: number): string {
  // Control and bidi-override characters could reorder or hide the text around them.
  const flat = text
    .replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(flat);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : flat;
}

export function escapeText(text: string, max: number): string {
  return clean(text, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]~|$]/g, '\\$&')
    .replace(/@/g, '@\u200b');
}

/** Inside a list item, a leading `#`, `-`, `+` or `1.` would start a heading or a nested list (`>` is already `&gt;`). */
export function escapeLineStart(text: string): string {
  return text.replace(/^([#+=-])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
}

export function codeSpan(text: string, max = 80): string {
  const content = clean(text, max) || ' ';
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = content.startsWith('`') || content.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** A markdown link when `target` is an http(s) URL; other text (e.g. a bare branch name) as code. */
export function link(label: string, target: string | undefined): string | undefined {
  if (!target) return undefined;
  try {
    const url = new URL(target);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    // Parentheses would end the link destination early; everything else URL.href already encodes.
    return `[${label}](${url.href.replace(/\(/g, '%28').replace(/\)/g, '%29')})`;
  } catch {
    return `${label} ${codeSpan(target)}`;
  }
}

/** Logins are a closed alphabet; anything else is shown as text rather than trusted as a mention. */
export function mention(login: string): string {
  return /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/.test(login) ? `@${login}` : escapeText(login, 40);
}

export function formatTokens(tokens: number): string {
  return String(Math.round(tokens)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatCost(usd: number): string {
  return usd > 0 && usd < 0.005 ? '<$0.01' : `$${usd.toFixed(2)}`;
}
