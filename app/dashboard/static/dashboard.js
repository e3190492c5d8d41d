/* global document, window, CSS, EventSource, URLSearchParams, history, location, setInterval */
// The dashboard page: renders the runs the server pushes over /dashboard/events, without reloading.
// Every piece of text from the server goes in through textContent, never as HTML.
'use strict';

(() => {
  const STATE_LABELS = {
    planning: 'Planning',
    'awaiting-approval': 'Awaiting approval',
    running: 'Running',
    integrating: 'Integrating',
    succeeded: 'Succeeded',
    failed: 'Failed',
    cancelled: 'Cancelled',
    queued: 'Queued',
    skipped: 'Skipped',
  };

  let snapshot = null;
  let selected = new URLSearchParams(location.hash.slice(1)).get('run');
  /** Server clock minus ours, so live durations agree with the server's. */
  let skewMs = 0;

  const $ = (id) => document.getElementById(id);

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'className') node.className = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof window.Node ? child : String(child));
    }
    return node;
  }

  function link(href, text, key) {
    return href ? el('a', { href, 'data-key': key, rel: 'noreferrer' }, text) : null;
  }

  function formatDuration(ms) {
    const seconds = Math.max(0, Math.round(ms / 1000));
    if (seconds < 60) return `${seconds}s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
    return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
  }
  const formatCost = (usd) => `$${usd > 0 && usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;
  const formatTokens = (n) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n));

  /** A duration that keeps counting on the page while its clock runs (no `to`). */
  function duration(from, to, ms, key) {
    const live = from && !to;
    return el('span', { 'data-from': live ? from : null, 'data-key': key }, formatDuration(ms ?? 0));
  }

  function tick() {
    const now = Date.now() + skewMs;
    for (const node of document.querySelectorAll('[data-from]')) {
      node.textContent = formatDuration(now - Date.parse(node.getAttribute('data-from')));
    }
  }

  function allRuns() {
    return snapshot ? snapshot.repositories.flatMap((r) => r.runs) : [];
  }

  function badge(state) {
    return el('span', { className: `badge state-${state}` }, STATE_LABELS[state] || state);
  }

  function renderRepositories() {
    const container = $('repositories');
    container.replaceChildren();
    if (!snapshot || snapshot.repositories.length === 0) {
      container.append(el('p', { className: 'empty' }, 'No runs yet.'));
      return;
    }
    for (const repository of snapshot.repositories) {
      const headingId = `repo-${repository.repo.replace(/[^A-Za-z0-9_-]/g, '-')}`;
      const rows = repository.runs.map((run) =>
        el(
          'tr',
          {
            tabindex: 0,
            className: run.id === selected ? 'selected' : '',
            'aria-selected': run.id === selected ? 'true' : 'false',
            'data-run-id': run.id,
            'data-state': run.state,
            'data-key': `row:${run.id}`,
            onclick: () => openRun(run.id, false),
            onkeydown: (event) => rowKey(event, run.id),
          },
          el('td', {}, `#${run.issueNumber}`),
          el('td', {}, run.title),
          el('td', { className: 'state' }, badge(run.state)),
          el('td', {}, `${run.taskCounts.succeeded} of ${run.tasks.length}`),
          el('td', {}, duration(run.createdAt, run.finishedAt, run.durationMs)),
          el('td', {}, formatCost(run.costUsd)),
        ),
      );
      container.append(
        el(
          'section',
          { className: 'repository', 'aria-labelledby': headingId },
          el('h3', { id: headingId }, link(repository.url, repository.repo, `repo:${repository.repo}`)),
          el(
            'table',
            { className: 'runs' },
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                ['Issue', 'Title', 'State', 'Tasks done', 'Elapsed', 'Cost'].map((h) =>
                  el('th', { scope: 'col' }, h),
                ),
              ),
            ),
            el('tbody', {}, rows),
          ),
        ),
      );
    }
  }

  function rowKey(event, runId) {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      openRun(runId, true);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const rows = [...document.querySelectorAll('tr[data-run-id]')];
      const index = rows.indexOf(event.currentTarget) + (event.key === 'ArrowDown' ? 1 : -1);
      rows[Math.max(0, Math.min(rows.length - 1, index))]?.focus();
    }
  }

  function openRun(runId, moveFocus) {
    selected = runId;
    history.replaceState(null, '', `#run=${encodeURIComponent(runId)}`);
    render();
    if (moveFocus) document.getElementById('detail-title')?.focus();
  }

  function renderBottlenecks() {
    const list = $('bottlenecks');
    const items = snapshot ? snapshot.bottlenecks : [];
    $('bottlenecks-section').hidden = items.length === 0;
    list.replaceChildren(...items.map((b) => el('li', { className: `bottleneck ${b.kind}` }, b.message)));
  }

  function renderDetail() {
    const body = $('detail-body');
    const run = allRuns().find((r) => r.id === selected);
    body.replaceChildren();
    if (!run) {
      body.append(
        el(
          'p',
          { className: 'empty' },
          selected ? `Run ${selected} is no longer listed.` : 'Select a run to see its timeline.',
        ),
      );
      return;
    }
    const tokens = `${formatTokens(run.tokens)} tokens`;
    body.append(
      el(
        'h3',
        { id: 'detail-title', tabindex: -1, 'data-run-id': run.id, 'data-state': run.state },
        `${run.repo}#${run.issueNumber} · ${run.title}`,
      ),
      el(
        'p',
        { className: 'run-state' },
        badge(run.state),
        run.reason ? ` ${run.reason}` : '',
        ` · run `,
        el('code', {}, run.id),
      ),
      el(
        'dl',
        { className: 'stats' },
        el('dt', {}, 'Tokens'),
        el('dd', {}, tokens),
        el('dt', {}, 'Cost'),
        el('dd', {}, formatCost(run.costUsd)),
        el('dt', {}, 'Elapsed'),
        el('dd', {}, duration(run.createdAt, run.finishedAt, run.durationMs)),
        el('dt', {}, 'Tasks'),
        el('dd', {}, `${run.taskCounts.succeeded} of ${run.tasks.length} succeeded`),
      ),
      el('h4', {}, 'Links'),
      el(
        'ul',
        { className: 'links' },
        el('li', {}, link(run.links.issue, `Issue #${run.issueNumber}`, 'link:issue')),
        run.links.pullRequest
          ? el('li', {}, link(run.links.pullRequest, `Pull request #${run.pullRequest.number}`, 'link:pr'))
          : null,
        run.waveDetails.flatMap((wave) =>
          wave.workflowRuns.map((w) =>
            el(
              'li',
              {},
              link(w.url, `Wave ${wave.number} workflow run ${w.id}`, `link:wave:${w.id}`) ||
                `Wave ${wave.number} workflow run ${w.id}`,
            ),
          ),
        ),
      ),
      el('h4', {}, 'Bottlenecks'),
      run.bottlenecks.length === 0
        ? el('p', { className: 'empty' }, 'None.')
        : el(
            'ul',
            { className: 'bottlenecks' },
            run.bottlenecks.map((b) => el('li', { className: `bottleneck ${b.kind}` }, b.message)),
          ),
      el('h4', {}, 'Timeline'),
      timeline(run),
      el('h4', {}, 'Tasks'),
      taskTable(run),
    );
  }

  function timeline(run) {
    const start = Date.parse(run.createdAt);
    const span = Math.max(run.durationMs, 1000);
    const byId = new Map(run.tasks.map((t) => [t.id, t]));
    const inWave = new Set(run.waves.flatMap((w) => w.taskIds));
    const groups = run.waves.map((wave) => ({
      label: `Wave ${wave.number} · ${wave.taskIds.length} ${wave.taskIds.length === 1 ? 'task' : 'tasks'} · ${wave.completedAt ? formatDuration(wave.durationMs) : 'running'}`,
      tasks: wave.taskIds.map((id) => byId.get(id)).filter(Boolean),
    }));
    const waiting = run.tasks.filter((t) => !inWave.has(t.id));
    if (waiting.length > 0) groups.push({ label: 'Not dispatched yet', tasks: waiting });
    if (groups.length === 0)
      return el(
        'p',
        { className: 'empty' },
        run.state === 'planning' ? 'Planning: no tasks yet.' : 'No tasks.',
      );
    return el(
      'div',
      { className: 'timeline' },
      groups.map((group) =>
        el(
          'div',
          { className: 'wave' },
          el('p', { className: 'wave-label' }, group.label),
          el(
            'ul',
            { className: 'bars' },
            group.tasks.map((task) => {
              const left = task.startedAt ? ((Date.parse(task.startedAt) - start) / span) * 100 : 0;
              const width = task.startedAt ? Math.max(((task.durationMs ?? 0) / span) * 100, 1) : 0;
              const retries =
                task.retries > 0 ? ` · ${task.retries} ${task.retries === 1 ? 'retry' : 'retries'}` : '';
              const bar = el('span', { className: `bar state-${task.state}`, 'aria-hidden': 'true' });
              bar.style.marginLeft = `${Math.max(0, Math.min(99, left))}%`;
              bar.style.width = `${Math.min(100, width)}%`;
              return el(
                'li',
                { className: 'bar-row', 'data-task-id': task.id, 'data-state': task.state },
                el(
                  'span',
                  { className: 'bar-label' },
                  `${task.id} ${STATE_LABELS[task.state] || task.state}`,
                  task.startedAt ? ' · ' : '',
                  task.startedAt ? duration(task.startedAt, task.finishedAt, task.durationMs) : '',
                  retries,
                ),
                el('span', { className: 'track' }, bar),
              );
            }),
          ),
        ),
      ),
    );
  }

  function taskTable(run) {
    if (run.tasks.length === 0) return el('p', { className: 'empty' }, 'No tasks yet.');
    const head = [
      'Task',
      'Title',
      'State',
      'Agent',
      'Backend',
      'Duration',
      'Retries',
      'Tokens',
      'Cost',
      'Log',
    ];
    return el(
      'table',
      { className: 'tasks' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          head.map((h) => el('th', { scope: 'col' }, h)),
        ),
      ),
      el(
        'tbody',
        {},
        run.tasks.map((task) => {
          const details = run.taskDetails[task.id] || { links: {} };
          return el(
            'tr',
            { 'data-task-id': task.id, 'data-state': task.state },
            el('td', {}, el('code', {}, task.id)),
            el(
              'td',
              {},
              task.title,
              task.reason ? el('span', { className: 'reason' }, ` — ${task.reason}`) : '',
            ),
            el('td', {}, badge(task.state)),
            el('td', { className: 'nowrap' }, task.agent || '—'),
            el(
              'td',
              { className: 'nowrap' },
              task.backend || '—',
              details.reassignedTo ? ` → ${details.reassignedTo}` : '',
            ),
            el(
              'td',
              {},
              task.startedAt ? duration(task.startedAt, task.finishedAt, task.durationMs) : '—',
              task.overEstimate ? ' (over estimate)' : '',
            ),
            el('td', {}, String(task.retries)),
            el('td', {}, formatTokens(task.tokens)),
            el('td', {}, formatCost(task.costUsd)),
            el('td', {}, link(details.links.jobLog, 'job log', `log:${task.id}`) || '—'),
          );
        }),
      ),
    );
  }

  function render() {
    // Re-rendering replaces the nodes; keep keyboard focus on the element that stands for the same thing.
    const focusKey = document.activeElement?.getAttribute('data-key');
    const focusTitle = document.activeElement?.id === 'detail-title';
    renderBottlenecks();
    renderRepositories();
    renderDetail();
    if (focusKey) document.querySelector(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
    else if (focusTitle) document.getElementById('detail-title')?.focus();
  }

  function announceChanges(previous, next) {
    if (!previous) return;
    const before = new Map(previous.repositories.flatMap((r) => r.runs).map((run) => [run.id, run.state]));
    const messages = [];
    for (const run of next.repositories.flatMap((r) => r.runs)) {
      const was = before.get(run.id);
      if (was === run.state) continue;
      messages.push(
        was
          ? `${run.repo}#${run.issueNumber}: ${STATE_LABELS[was] || was} → ${STATE_LABELS[run.state] || run.state}`
          : `New run on ${run.repo}#${run.issueNumber}: ${STATE_LABELS[run.state] || run.state}`,
      );
    }
    if (messages.length > 0) $('announcer').textContent = messages.slice(0, 3).join('. ');
  }

  function connect() {
    const status = $('connection');
    const source = new EventSource('/dashboard/events');
    source.addEventListener('open', () => {
      status.textContent = 'Live';
      status.className = 'connection live';
    });
    source.addEventListener('runs', (event) => {
      const next = JSON.parse(event.data);
      skewMs = Date.parse(next.generatedAt) - Date.now();
      announceChanges(snapshot, next);
      snapshot = next;
      render();
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        status.replaceChildren(
          'Disconnected. ',
          el('a', { href: '/dashboard/login' }, 'Log in again'),
          ' or reload the page.',
        );
        status.className = 'connection down';
      } else {
        status.textContent = 'Reconnecting…';
        status.className = 'connection waiting';
      }
    });
  }

  connect();
  setInterval(tick, 1000);
})();
