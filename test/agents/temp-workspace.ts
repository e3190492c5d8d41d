/**
 * A small Workspace over a temporary folder, for agent tests until the sandboxed implementation lands:
 * the same contract (paths stay inside, allowlisted programs without a shell, SandboxError refusals),
 * none of the hardening.
 */
import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { SandboxError } from '../../app/workspace/workspace.js';
import type { CommandResult, SearchHit, Workspace } from '../../app/workspace/workspace.js';

export interface TempWorkspace extends Workspace {
  /** Every command run through the workspace, as "program arg …". */
  readonly commands: string[];
  remove(): Promise<void>;
}

export async function tempWorkspace(
  files: Record<string, string>,
  options: { allowedCommands?: string[] } = {},
): Promise<TempWorkspace> {
  const root = await mkdtemp(join(tmpdir(), 'autodev-agent-'));
  const allowed = options.allowedCommands ?? ['node'];
  const commands: string[] = [];
  // Killed on remove(), so a command a test abandoned (the wall-time test) does not outlive it.
  const running = new Set<ChildProcess>();
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }

  const inside = (path: string): string => {
    const absolute = resolve(root, path);
    if (absolute !== root && !absolute.startsWith(root + sep)) {
      throw new SandboxError('path-escape', `${path} is outside the worktree; use a path inside it.`);
    }
    return absolute;
  };
  const read = async (path: string): Promise<string> => {
    try {
      return await readFile(inside(path), 'utf8');
    } catch (error) {
      if (error instanceof SandboxError) throw error;
      throw new SandboxError('not-found', `${path} does not exist.`);
    }
  };
  const walk = async (dir: string): Promise<string[]> => {
    const entries = await readdir(dir, { withFileTypes: true });
    const nested = await Promise.all(
      entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)])),
    );
    return nested.flat();
  };
  const run = (program: string, args: string[]): Promise<CommandResult> => {
    if (!allowed.includes(program)) {
      return Promise.reject(new SandboxError('command-not-allowed', `${program} is not an allowed command.`));
    }
    commands.push([program, ...args].join(' '));
    const started = Date.now();
    return new Promise((done) => {
      const child = execFile(program, args, { cwd: root, timeout: 10_000 }, (error, stdout, stderr) => {
        running.delete(child);
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        done({
          command: [program, ...args].join(' '),
          exitCode: code,
          durationMs: Date.now() - started,
          output: `${stdout}${stderr}`,
          timedOut: false,
        });
      });
      running.add(child);
    });
  };

  const listFiles = async (dir?: string): Promise<string[]> => {
    const files = await walk(inside(dir ?? '.'));
    return files.map((f) => relative(root, f).split(sep).join('/')).sort();
  };

  return {
    root,
    branch: 'autodev/run1/task1',
    commands,
    resolve: (path) => Promise.resolve(inside(path)),
    listFiles,
    async readFile(path, range) {
      const text = await read(path);
      if (!range) return text;
      return text
        .split('\n')
        .slice(range.from - 1, range.to)
        .join('\n');
    },
    async writeFile(path, content) {
      const target = inside(path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    },
    async editFile(path, search, replace) {
      const text = await read(path);
      if (text.split(search).length !== 2) {
        throw new SandboxError('edit-anchor', `the search text must occur exactly once in ${path}.`);
      }
      await writeFile(
        inside(path),
        text.replace(search, () => replace),
      );
    },
    async search(pattern, options) {
      const hits: SearchHit[] = [];
      const regex = new RegExp(pattern);
      for (const file of await listFiles()) {
        const lines = (await read(file)).split('\n');
        lines.forEach((text, i) => {
          if (regex.test(text)) hits.push({ path: file, line: i + 1, text });
        });
      }
      return hits.slice(0, options?.maxHits ?? 100);
    },
    run: (program, args) => run(program, args),
    runCommandLine: (line) => {
      const [program = '', ...args] = line.split(/\s+/).filter(Boolean);
      return run(program, args);
    },
    remove: () => {
      for (const child of running) child.kill('SIGKILL');
      return rm(root, { recursive: true, force: true });
    },
  };
}
