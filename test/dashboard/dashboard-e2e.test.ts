/**
 * The dashboard in a real browser: the sandbox (GitHub simulator, the app, the runner emulator with
 * scripted agents) runs a labelled spec issue while headless Chromium — Debian's, driven by
 * playwright-core — watches /dashboard. The run must show up in planning and reach succeeded with the
 * page never reloading, and the page must work from the keyboard. Leaves a screenshot in
 * test-artifacts/dashboard.png.
 *
 * Needs /usr/bin/chromium (`apt-get install chromium`); AUTODEV_SKIP_BROWSER_TESTS=1 skips it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { type Sandbox, startSandbox } from '../../app/cli/sandbox-command.js';
import { outlinePlanner } from '../../app/planner/scripted-planner.js';
import type { Planner } from '../../app/planner/planner.js';
import { deliverWebhook } from '../sandbox/deliver-webhook.js';

/** Debian's Chromium, else the first `chromium` on PATH. */
const CHROMIUM = [
  '/usr/bin/chromium',
  ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'chromium')),
].find((path) => existsSync(path));
const SKIP = process.env.AUTODEV_SKIP_BROWSER_TESTS === '1';
const TOKEN = 'e2e-dashboard-token-0123456789abcdef';
const ROOT = join(import.meta.dirname, '..', '..');
const SCREENSHOT = join(ROOT, 'test-artifacts', 'dashboard.png');
const fixtures = join(ROOT, 'test', 'fixtures', 'sandbox');

/** Plans like the sandbox does, but only once the test lets it, so "planning" stays on screen. */
function gatedPlanner(): { planner: Planner; release(): void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    release,
    planner: {
      async plan(request) {
        await gate;
        return outlinePlanner.plan(request);
      },
    },
  };
}

/** Waits for the run's row to show a state; on timeout says what the page and the store show instead. */
async function shows(page: Page, state: string, timeoutMs: number): Promise<void> {
  try {
    await page.waitForSelector(`tr[data-run-id][data-state="${state}"]`, { timeout: timeoutMs });
  } catch {
    const onPage = await page
      .getAttribute('tr[data-run-id]', 'data-state', { timeout: 1000 })
      .catch(() => null);
    const [stored] = (await sandbox?.store.listRuns()) ?? [];
    throw new Error(
      `the dashboard did not show a ${state} run within ${timeoutMs} ms: the page shows ` +
        `${onPage ?? 'no run'}, the store has ${stored ? `${stored.state} (${stored.reason ?? 'no reason'})` : 'no run'}`,
    );
  }
}

let sandbox: Sandbox | undefined;
let context: BrowserContext | undefined;
let profile: string | undefined;
const gate = gatedPlanner();

(SKIP ? describe.skip : describe)('the dashboard in headless Chromium', () => {
  beforeAll(async () => {
    if (!CHROMIUM) {
      throw new Error(
        "Chromium is not installed (no /usr/bin/chromium, no chromium on PATH): install Debian's package " +
          '(sudo apt-get install --no-install-recommends chromium) ' +
          'to run the dashboard end-to-end test, or set AUTODEV_SKIP_BROWSER_TESTS=1 to skip it.',
      );
    }
    profile = await mkdtemp(join(tmpdir(), 'autodev-chromium-'));
    // Both start at once; whichever started is closed in afterAll even when the other failed.
    const [started, launched] = await Promise.allSettled([
      startSandbox({
        secret: 'development',
        logLevel: 'fatal',
        planner: gate.planner,
        dashboardToken: TOKEN,
      }),
      chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1280, height: 860 },
        // The machine has no network: without these Chromium stalls on its own background requests.
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      }),
    ]);
    if (started.status === 'fulfilled') sandbox = started.value;
    if (launched.status === 'fulfilled') context = launched.value;
    for (const result of [started, launched]) if (result.status === 'rejected') throw result.reason;
  }, 60_000);

  afterAll(async () => {
    gate.release();
    await context?.close();
    await sandbox?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('logs in, follows a run from planning to succeeded without reloading, by keyboard', async () => {
    const page: Page = context!.pages()[0] ?? (await context!.newPage());
    const dashboardUrl = sandbox!.dashboard.url;
    const text = async (selector: string) => (await page.textContent(selector)) ?? '';
    // Evaluated in the page (this project's types have no DOM, hence the string).
    const focused = () =>
      page.evaluate<string>(
        `(() => { const a = document.activeElement; return a ? a.tagName.toLowerCase() + '#' + a.id + '[' + (a.getAttribute('data-run-id') ?? '') + ']' : ''; })()`,
      );

    const refused = await page.goto(dashboardUrl);
    expect(refused?.status()).toBe(401);
    await page.getByLabel('Dashboard token').fill(TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(dashboardUrl);
    await page.waitForSelector('#connection.live', { timeout: 10_000 });

    // Anything that reloads the page loses this marker and fires another load event.
    await page.evaluate(`window.autodevMarker = 'set once'`);
    let loads = 0;
    page.on('load', () => loads++);

    const payload = JSON.parse(await readFile(join(fixtures, 'issue-labeled.json'), 'utf8')) as unknown;
    const delivered = await deliverWebhook({
      url: sandbox!.app.webhookUrl,
      secret: 'development',
      name: 'issues',
      payload,
    });
    expect(delivered.status).toBe(200);

    await shows(page, 'planning', 10_000);
    const runId = await page.getAttribute('tr[data-run-id]', 'data-run-id');
    expect(await text('tr[data-run-id] .state')).toBe('Planning');
    expect(await text('#repositories h3')).toBe('octo-org/hello-world');

    // Keyboard: the row takes focus with Tab, Enter opens the run and moves focus to its heading.
    await page.focus('#runs');
    await page.keyboard.press('Tab'); // the repository link
    await page.keyboard.press('Tab');
    expect(await focused()).toBe(`tr#[${runId}]`);
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('h3#detail-title[' + runId + ']');
    expect(await text('#detail-title')).toContain('octo-org/hello-world#1');
    expect(await text('#detail-body')).toContain('Planning: no tasks yet.');

    gate.release();
    // The whole loop takes a few seconds; the margin is for a machine busy with other work.
    await shows(page, 'succeeded', 60_000);
    await page.waitForSelector('#detail-title[data-state="succeeded"]', { timeout: 5_000 });
    expect(await text('#announcer')).toContain('Succeeded');
    // Focus stayed on the open run's heading through every live update.
    expect(await focused()).toBe('h3#detail-title[' + runId + ']');

    // The open run updated in place: its timeline, tasks, spend and links.
    expect(await page.locator('#detail-body .bar-row[data-state="succeeded"]').count()).toBe(3);
    expect(await text('#detail-body .wave-label')).toMatch(/^Wave 1 · 3 tasks · (\d+m )?\d+s$/);
    expect(await page.locator('#detail-body table.tasks tbody tr').count()).toBe(3);
    const pullRequest = page.getByRole('link', { name: /^Pull request #\d+$/ });
    expect(await pullRequest.getAttribute('href')).toMatch(
      new RegExp(`^${sandbox!.github.url}/octo-org/hello-world/pull/\\d+$`),
    );
    expect(await page.getByRole('link', { name: 'Issue #1' }).getAttribute('href')).toBe(
      `${sandbox!.github.url}/octo-org/hello-world/issues/1`,
    );
    expect(await text('#detail-body dl.stats')).toMatch(/Tokens.*tokens.*Cost\$/);

    expect(await page.evaluate('window.autodevMarker')).toBe('set once');
    expect(loads).toBe(0);
    expect(page.url()).toBe(`${dashboardUrl}#run=${runId}`);

    await mkdir(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(sandbox!.github.violations).toEqual([]);
  }, 120_000);
});
