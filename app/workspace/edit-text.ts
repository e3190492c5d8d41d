/**
 * Exact search/replace for editFile. An edit applies only when the search text occurs exactly once:
 * a guess at which occurrence was meant, or a fuzzy match, would put a change where the agent did not
 * look. When it fails, the message says what to do next, since it goes straight back to the model.
 */
import { SandboxError } from './workspace.js';

function occurrences(content: string, search: string): number[] {
  const found: number[] = [];
  for (let at = content.indexOf(search); at !== -1; at = content.indexOf(search, at + search.length)) {
    found.push(at);
  }
  return found;
}

function lineOf(content: string, index: number): number {
  let line = 1;
  for (let i = content.indexOf('\n'); i !== -1 && i < index; i = content.indexOf('\n', i + 1)) line++;
  return line;
}

function listLines(lines: number[]): string {
  const shown = lines.slice(0, 10).join(', ');
  return lines.length > 10 ? `${shown} …` : shown;
}

/** Where the search text's first non-blank line appears, ignoring indentation, for the hint. */
function nearMisses(content: string, search: string): number[] {
  const firstLine = search
    .split('\n')
    .find((line) => line.trim() !== '')
    ?.trim();
  if (firstLine === undefined) return [];
  const lines: number[] = [];
  content.split('\n').forEach((line, i) => {
    if (line.includes(firstLine)) lines.push(i + 1);
  });
  return lines;
}

export function applyEdit(content: string, search: string, replace: string, path: string): string {
  if (search === '') {
    throw new SandboxError(
      'edit-anchor',
      `The search text for \`${path}\` is empty; give the exact text to replace, or use writeFile for a new file.`,
    );
  }
  let from = search;
  let to = replace;
  let found = occurrences(content, from);
  // Models write \n; a file with CRLF line endings would otherwise never match.
  if (found.length === 0 && content.includes('\r\n') && !search.includes('\r')) {
    from = search.replace(/\n/g, '\r\n');
    to = replace.replace(/\r?\n/g, '\r\n');
    found = occurrences(content, from);
  }
  if (found.length === 1) {
    const at = found[0] as number;
    // Slicing rather than String.replace, which would interpret `$&` and `$1` in the replacement.
    return content.slice(0, at) + to + content.slice(at + from.length);
  }
  if (found.length === 0) {
    const near = nearMisses(content, search);
    const hint =
      near.length > 0
        ? ` Its first line appears at line ${listLines(near)} with different surrounding text or indentation: read those lines and copy them exactly.`
        : ' Read the file (or the lines around your change) and copy the text to replace exactly, including indentation.';
    throw new SandboxError('edit-anchor', `The search text was not found in \`${path}\`.${hint}`);
  }
  throw new SandboxError(
    'edit-anchor',
    `The search text occurs ${found.length} times in \`${path}\` (lines ${listLines(found.map((at) => lineOf(content, at)))}); include more surrounding lines so it matches exactly once.`,
  );
}
