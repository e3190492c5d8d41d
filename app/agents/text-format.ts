/** Agent output made small and readable before it reaches a model, a comment or a log. */

/**
 * The start and the end of `text` within `max` characters. A file's head and a command's tail are both
 * worth more than its middle, and the marker says how much is missing.
 */
export function clipMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.6);
  const tail = max - head;
  const omitted = text.length - head - tail;
  return `${text.slice(0, head)}\n[… ${omitted} characters omitted …]\n${text.slice(text.length - tail)}`;
}

/** "300 ms", "45 s", "20 min": limits as a maintainer would write them. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
