/**
 * The agent's workspace with every action it takes written to the audit trail: files written and
 * edited, commands run (with their exit codes), and actions the sandbox refused. Reads and searches
 * change nothing and are not recorded. Details are redacted before they leave; recording never blocks
 * or fails the agent.
 */
import type { Workspace } from '../workspace/workspace.js';

/** One agent action, as the audit trail stores it. */
export interface AgentAction {
  action: 'agent.write' | 'agent.edit' | 'agent.run' | 'agent.refused';
  detail: Record<string, unknown>;
}

export function auditedWorkspace(
  workspace: Workspace,
  record: (action: AgentAction) => void,
  redact: (text: string) => string,
): Workspace {
  const note = (action: AgentAction['action'], detail: Record<string, unknown>) => {
    try {
      record({ action, detail: JSON.parse(redact(JSON.stringify(detail))) as Record<string, unknown> });
    } catch {
      // The audit trail is told what it can be told; the agent goes on either way.
    }
  };
  const refused = (what: string) => (error: unknown) => {
    note('agent.refused', { what, error: error instanceof Error ? error.message : String(error) });
    throw error;
  };
  return {
    get root() {
      return workspace.root;
    },
    get branch() {
      return workspace.branch;
    },
    resolve: (path, intent) => workspace.resolve(path, intent),
    listFiles: (dir) => workspace.listFiles(dir),
    readFile: (path, range) => workspace.readFile(path, range),
    search: (pattern, options) => workspace.search(pattern, options),
    async writeFile(path, content) {
      await workspace.writeFile(path, content).catch(refused(`write ${path}`));
      note('agent.write', { path, chars: content.length });
    },
    async editFile(path, search, replace) {
      await workspace.editFile(path, search, replace).catch(refused(`edit ${path}`));
      note('agent.edit', { path, removedChars: search.length, addedChars: replace.length });
    },
    async run(program, args, options) {
      const result = await workspace.run(program, args, options).catch(refused(`run ${program}`));
      note('agent.run', { command: [program, ...args].join(' '), exitCode: result.exitCode });
      return result;
    },
    async runCommandLine(commandLine, options) {
      const result = await workspace
        .runCommandLine(commandLine, options)
        .catch(refused(`run ${commandLine}`));
      note('agent.run', { command: commandLine, exitCode: result.exitCode });
      return result;
    },
  };
}
