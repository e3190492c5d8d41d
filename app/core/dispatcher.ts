/** Dispatcher: starts the agents of a run once its plan is approved. Actions dispatch comes next. */
import type { AutodevConfig } from '../config/config-schema.js';
import type { Run } from '../runs/run.js';
import type { RunEvent } from '../runs/transitions.js';
import type { Scm } from '../scm/scm.js';

export interface DispatchContext {
  scm: Scm;
  config: AutodevConfig;
}

export interface Dispatcher {
  /**
   * Starts the run's ready tasks and answers the events that record it (wave dispatched, tasks
   * started); throws DispatchError with a user-facing reason when it cannot.
   */
  dispatch(run: Run, context: DispatchContext): Promise<RunEvent[]>;
}

export class DispatchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DispatchError';
  }
}

/** Used when no runner is set up, so a run ends with a reason instead of waiting forever. */
export const noRunnerDispatcher: Dispatcher = {
  async dispatch() {
    throw new DispatchError(
      'No agent runner is set up for this installation, so the plan cannot be carried out yet. ' +
        'Set up the autodev Actions workflow (see the README) and ask again.',
    );
  },
};
