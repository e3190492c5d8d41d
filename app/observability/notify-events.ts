/** What a notification webhook can subscribe to (config `notifications[].events`). */
export const NOTIFY_EVENTS = [
  'run.succeeded',
  'run.failed',
  'run.cancelled',
  'task.failed',
  'budget.reached',
] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** Subscribed when a webhook lists no events: how runs end, and spending hitting the budget. */
export const DEFAULT_NOTIFY_EVENTS: NotifyEvent[] = [
  'run.succeeded',
  'run.failed',
  'run.cancelled',
  'budget.reached',
];

/** `env:NAME` takes the URL from the app's environment; the name must mention WEBHOOK. */
export const ENV_URL_PATTERN = /^env:([A-Z_][A-Z0-9_]*WEBHOOK[A-Z0-9_]*)$/;
