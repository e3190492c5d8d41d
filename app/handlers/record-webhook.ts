/**
 * The webhook request path: keep only events that might ask for work, record them durably, and
 * return so the acknowledgement goes out. Everything else happens in the DeliveryWorker.
 */
import { mightTrigger } from '../core/detect-trigger.js';
import { actionOf, repoOfPayload } from '../core/event-fields.js';
import type { Store } from '../store/store.js';
import { compactPayload } from './compact-payload.js';

export interface IncomingEvent {
  id: string;
  name: string;
  payload: unknown;
}

/** Counts webhook requests being answered, so background work can wait for a quiet moment. */
export class RequestGauge {
  private inFlight = 0;
  enter(): void {
    this.inFlight++;
  }
  exit(): void {
    this.inFlight--;
  }
  busy(): boolean {
    return this.inFlight > 0;
  }
}

export async function recordWebhook(
  deps: { store: Store; kick(): void; gauge?: RequestGauge },
  event: IncomingEvent,
): Promise<'recorded' | 'redelivery' | 'skipped'> {
  if (!mightTrigger({ name: event.name, payload: event.payload })) return 'skipped';
  deps.gauge?.enter();
  try {
    return await record(deps, event);
  } finally {
    deps.gauge?.exit();
  }
}

async function record(
  deps: { store: Store; kick(): void },
  event: IncomingEvent,
): Promise<'recorded' | 'redelivery'> {
  const repo = repoOfPayload(event.payload);
  const action = actionOf(event.payload);
  const recorded = await deps.store.recordDelivery({
    id: event.id,
    event: event.name,
    ...(action ? { action } : {}),
    repo: repo ? `${repo.owner}/${repo.repo}` : '',
    payload: compactPayload(event.payload),
  });
  if (!recorded) return 'redelivery';
  deps.kick();
  return 'recorded';
}
