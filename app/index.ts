/** The Probot app: wires webhook events to handlers. Nothing else belongs here. */
import type { ApplicationFunction } from 'probot';
import { recordWebhook, RequestGauge } from './handlers/record-webhook.js';
import { type AutodevOptions, createRuntime } from './runtime/probot-runtime.js';

export type { AutodevOptions, AutodevRuntime } from './runtime/probot-runtime.js';

export function autodevApp(options: AutodevOptions): ApplicationFunction {
  return (app) => {
    const gauge = new RequestGauge();
    const runtime = createRuntime(app, options, () => gauge.busy());
    const kick = () => runtime.worker.kick();
    app.on(['issues', 'issue_comment', 'workflow_run'], async (context) => {
      await recordWebhook(
        { store: runtime.store, kick, gauge },
        { id: context.id, name: context.name, payload: context.payload },
      );
    });
    runtime.worker.startSweeping();
    options.onRuntime?.(runtime);
  };
}
