/** Repository map, conventions and memory, read through a Workspace over a temporary repository. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { buildRepoMap, exportedSymbols, noMemory, readConventions } from '../../app/agents/agent-context.js';
import { task } from './agent-fixtures.js';
import { tempWorkspace } from './temp-workspace.js';
import type { TempWorkspace } from './temp-workspace.js';

let workspace: TempWorkspace;
afterEach(() => workspace?.remove());

const REPO = {
  'src/app.ts': [
    "import { health } from './routes/health.js';",
    'export interface AppOptions { port: number }',
    'export type Handler = () => void;',
    'export async function createApp(options: AppOptions) {}',
    'export const VERSION = "1.0.0";',
    'export default class Server {}',
    'function internal() {}',
    '',
  ].join('\n'),
  'src/routes/health.js': 'export function health() {}\nexport class HealthCheck {}\n',
  'src/types.d.ts': 'export interface Ignored {}\n',
  'tools/report.py':
    'def build_report():\n    pass\n\nclass Reporter:\n    def method(self):\n        pass\n\ndef _private():\n    pass\n',
  'cmd/main.go': 'package main\n\nfunc main() {}\n\nfunc (s *Server) Start() error { return nil }\n',
  'README.md': '# App\n',
  'node_modules/left-pad/index.js': 'export function leftPad() {}\n',
  'dist/app.js': 'export function createApp() {}\n',
};

describe('exportedSymbols', () => {
  it('finds exports in TypeScript and JavaScript, top-level defs in Python and funcs in Go', () => {
    expect(exportedSymbols('src/app.ts', REPO['src/app.ts'])).toEqual([
      'AppOptions',
      'Handler',
      'createApp',
      'VERSION',
      'Server',
    ]);
    expect(exportedSymbols('tools/report.py', REPO['tools/report.py'])).toEqual(['build_report', 'Reporter']);
    expect(exportedSymbols('cmd/main.go', REPO['cmd/main.go'])).toEqual(['main', 'Server.Start']);
    expect(exportedSymbols('README.md', 'export function notCode() {}')).toEqual([]);
  });
});

describe('buildRepoMap', () => {
  it('lists files with their exported symbols and leaves out dependencies and build output', async () => {
    workspace = await tempWorkspace(REPO);

    expect(await buildRepoMap(workspace)).toBe(
      [
        'cmd/main.go: main, Server.Start',
        'README.md',
        'src/app.ts: AppOptions, Handler, createApp, VERSION, Server',
        'src/routes/health.js: health, HealthCheck',
        'src/types.d.ts',
        'tools/report.py: build_report, Reporter',
      ].join('\n'),
    );
  });

  it('stays within maxChars and says how many files it left out', async () => {
    const many = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [
        `src/module-${String(i).padStart(3, '0')}.ts`,
        `export const value${i} = ${i};\n`,
      ]),
    );
    workspace = await tempWorkspace(many);

    const map = await buildRepoMap(workspace, { maxChars: 500 });

    expect(map.length).toBeLessThanOrEqual(500);
    expect(map.split('\n')[0]).toBe('src/module-000.ts: value0');
    expect(map).toMatch(/\n… \d+ more files not shown$/);
  });
});

describe('readConventions', () => {
  it('reads AGENTS.md, CLAUDE.md and CONTRIBUTING.md (also under .github/) under their paths', async () => {
    workspace = await tempWorkspace({
      'AGENTS.md': 'Use pnpm.\n',
      '.github/CONTRIBUTING.md': 'Sign your commits.\n',
      'README.md': 'Not a convention file.\n',
    });

    expect(await readConventions(workspace)).toBe(
      '# AGENTS.md\n\nUse pnpm.\n\n# .github/CONTRIBUTING.md\n\nSign your commits.',
    );
  });

  it('is empty without convention files, and clips long ones to share the cap', async () => {
    workspace = await tempWorkspace({ 'README.md': '# App\n' });
    expect(await readConventions(workspace)).toBe('');
    await workspace.remove();

    workspace = await tempWorkspace({ 'AGENTS.md': 'a'.repeat(5000), 'CLAUDE.md': 'Short.\n' });
    const conventions = await readConventions(workspace, { maxChars: 1000 });

    expect(conventions).toContain('characters omitted');
    expect(conventions).toContain('# CLAUDE.md\n\nShort.');
    expect(conventions.length).toBeLessThan(1200);
  });
});

describe('noMemory', () => {
  it('recalls nothing', async () => {
    await expect(noMemory.recall({ repo: 'octo/app', task, k: 5 })).resolves.toEqual([]);
  });
});
