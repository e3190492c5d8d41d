/** Keeping agent output safe and small before it reaches a model, a comment or a log. */

export const REDACTED = '[redacted]';

/**
 * Replaces every occurrence of each secret. Longest first, so a secret that contains another is not
 * half-replaced; very short values are skipped because replacing "a" everywhere would garble the text
 * without protecting anything.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const values = [...new Set(secrets.map((s) => s.trim()).filter((s) => s.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
  let out = text;
  for (const value of values) out = out.split(value).join(REDACTED);
  return out;
}

/** The last `max` characters, marked when something was cut: command output matters most at its end. */
export function tailText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `[… ${text.length - max} earlier characters omitted …]\n${text.slice(text.length - max)}`;
}

/**
 * The start and the end of `text` within `max` characters. A file's head and a command's tail are both
 * worth more than its middle, and the marker tells the model how to ask for the rest.
 */
export function clipMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.6);
  const tail = max - head;
  const omitted = text.length - head - tail;
  return (
    `${text.slice(0, head)}\n[… ${omitted} characters omitted; read a line range or narrow the search …]\n` +
    text.slice(text.length - tail)
  );
}
