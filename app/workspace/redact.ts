/**
 * Secret redaction for everything a command prints before it leaves the workspace (tool answers,
 * logs, comments). Mirrors what GitHub Actions masks: the value itself and the encodings a program is
 * likely to print it in (base64 at any byte offset, as in a Basic auth header; URL-encoded, as in a
 * clone URL).
 */

/** Variable names that look like they hold a secret. Shared with the environment scrubber. */
export const SECRET_NAME_PATTERN = /TOKEN|SECRET|KEY|PASSWORD|PASSWD|CREDENTIAL|AUTH|PRIVATE/i;

/** Shorter values would shred ordinary text ("true", "main", a port number) for no real protection. */
export const MIN_SECRET_LENGTH = 6;

export const REDACTED = '***';

/** Every string to hide for these secrets, longest first so no form is left half-replaced. */
export function redactionForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) forms.add(encoded);
    for (const form of base64Forms(secret)) forms.add(form);
  }
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/** Replaces every form of every secret (≥ 6 characters) with `***`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return redactWithForms(text, redactionForms(secrets));
}

/** As redactSecrets, with forms computed once (the command runner redacts many chunks). */
export function redactWithForms(text: string, forms: readonly string[]): string {
  let out = text;
  // split/join rather than a RegExp: secrets are full of characters a pattern would need escaped.
  for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
  return out;
}

/** Values of variables whose names look secret, long enough to redact without shredding text. */
export function secretValuesFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < MIN_SECRET_LENGTH) continue;
    if (SECRET_NAME_PATTERN.test(name)) values.add(value);
  }
  return [...values];
}

/**
 * The base64 text of a secret depends on where it starts in the encoded stream (byte offset mod 3):
 * `user:token` encodes the token at offset 1 or 2. For each offset, keep only the characters that
 * depend on the secret's bytes alone, so the form matches whatever surrounds it. Both alphabets.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: string[] = [];
  for (const offset of [0, 1, 2]) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const encoded = padded.toString('base64').replace(/=+$/, '');
    // Leading characters that mix in the padding bytes: none, 2 or 3 (see the 6-bit groups).
    const skip = [0, 2, 3][offset] as number;
    // A trailing partial group's last character mixes in whatever byte follows the secret.
    const tailMixed = padded.length % 3 === 0 ? 0 : 1;
    const core = encoded.slice(skip, encoded.length - tailMixed);
    forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}
