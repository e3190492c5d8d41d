/**
 * The JSON object in a model's answer. Models wrap it in a ```json fence, put a sentence before it, or
 * both; none of that is worth a retry, so those are read through. Anything else is reported in words
 * the model can act on.
 */

export type ExtractResult = { ok: true; value: unknown } | { ok: false; error: string };

export function extractJson(text: string): ExtractResult {
  const candidates: string[] = [];
  for (const match of text.matchAll(/```[a-zA-Z]*[ \t]*\r?\n([\s\S]*?)```/g)) candidates.push(match[1] ?? '');
  const object = firstObject(text);
  if (object !== undefined) candidates.push(object);
  let firstError: string | undefined;
  for (const candidate of candidates) {
    try {
      return { ok: true, value: JSON.parse(candidate) };
    } catch (error) {
      firstError ??= error instanceof Error ? error.message : String(error);
    }
  }
  if (firstError !== undefined)
    return { ok: false, error: `the answer's JSON does not parse: ${firstError}` };
  return {
    ok: false,
    error: 'the answer holds no JSON object; answer with one JSON object that follows the schema',
  };
}

/**
 * The text from the first `{` to the brace that closes it, skipping braces inside strings, so prose
 * after the object ("Let me know if …") does not spoil it. An unclosed object runs to the end.
 */
function firstObject(text: string): string | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return text.slice(start);
}
