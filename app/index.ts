/** The Probot app: wires webhook events to handlers. Nothing else belongs here. */
import type { ApplicationFunction } from 'probot';
import type { Log } from './core/logger.js';
import { createDashboard } from './dashboard/dashboard-handler.js';
import { recordWebhook, RequestGauge } from './handlers/record-webhook.js';
import type { WebhookResult } from './observability/metrics.js';
import { metricsHandler } from './observability/metrics-handler.js';
import { type AutodevOptions, createRuntime } from './runtime/probot-runtime.js';

export type { AutodevOptions, AutodevRuntime } from './runtime/probot-runtime.js';

export function autodevApp(options: AutodevOptions): ApplicationFunction {
  return (app, probot) => {
    const gauge = new RequestGauge();
    const runtime = createRuntime(app, options, () => gauge.busy());
    const kick = () => runtime.worker.kick();
    app.on(['issues', 'issue_comment', 'workflow_run'], async (context) => {
      const started = performance.now();
      let result: WebhookResult = 'error';
      try {
        result = await recordWebhook(
          { store: runtime.store, kick, gauge },
          { id: context.id, name: context.name, payload: context.payload },
        );
      } finally {
        runtime.metrics.webhookReceived(context.name, result, (performance.now() - started) / 1000);
      }
    });
    // `probot.load(app)` with no options (an app tested alone) gives no addHandler: nothing is served then.
    const dashboard = createDashboard({
      store: runtime.store,
      log: app.log as unknown as Log,
      ...options.dashboard,
    });
    probot?.addHandler?.(dashboard.handle);
    probot?.addHandler?.(
      metricsHandler({
        metrics: runtime.metrics,
        token: options.metricsToken,
        log: app.log as unknown as Log,
      }),
    );
    runtime.worker.startSweeping();
    options.onRuntime?.(runtime);
  };
}
