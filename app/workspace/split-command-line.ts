/**
 * Splits a gate command line from the config ("npm test -- --ci") into words the way a shell would for
 * simple commands: whitespace separates, single quotes are literal, double quotes allow \" and \\,
 * a backslash escapes one character. Anything that needs a shell to mean what it says (pipes, lists,
 * redirection, substitution, globs, variables) is refused rather than passed on literally, because a
 * command that silently means something else would give a gate result nobody asked for.
 */
import { SandboxError } from './workspace.js';

const SHELL_OPERATORS: Record<string, string> = {
  '|': 'a pipe (|)',
  '&': 'a background or && list (&)',
  ';': 'a command list (;)',
  '<': 'a redirection (<)',
  '>': 'a redirection (>)',
  '(': 'a subshell ( ( )',
  ')': 'a subshell ( ) )',
  '`': 'command substitution (backticks)',
  $: 'variable or command substitution ($)',
  '\n': 'a second line',
  '\r': 'a second line',
};

const GLOB_CHARACTERS: Record<string, string> = {
  '*': 'a glob (*)',
  '?': 'a glob (?)',
  '[': 'a glob ([)',
  '{': 'brace expansion ({)',
  '}': 'brace expansion (})',
};

function refuse(commandLine: string, feature: string): never {
  throw new SandboxError(
    'bad-argument',
    `The command line \`${commandLine}\` uses ${feature}, which needs a shell; autodev runs commands without one. ` +
      'Put the command in a script in package.json (e.g. "scripts": { "check": "…" }) and use `npm run check` in .github/autodev.yml; quote arguments meant literally.',
  );
}

export function splitCommandLine(commandLine: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;

  for (let i = 0; i < commandLine.length; i++) {
    const char = commandLine[i] as string;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && /["\\$`]/.test(commandLine[i + 1] ?? '')) word += commandLine[++i];
      else if (char === '$' || char === '`') refuse(commandLine, SHELL_OPERATORS[char] as string);
      else word += char;
      continue;
    }
    if (char === ' ' || char === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
      continue;
    }
    if (char === '\\') {
      const next = commandLine[i + 1];
      if (next === undefined || next === '\n') refuse(commandLine, 'a line continuation (\\)');
      word += next;
      i++;
      inWord = true;
      continue;
    }
    const operator = SHELL_OPERATORS[char] ?? GLOB_CHARACTERS[char];
    if (operator !== undefined) refuse(commandLine, operator);
    if (!inWord && (char === '#' || char === '~')) {
      refuse(commandLine, char === '#' ? 'a comment (#)' : 'home directory expansion (~)');
    }
    if (char === '=' && words.length === 0 && !word.startsWith('-')) {
      refuse(commandLine, 'an environment assignment (NAME=value)');
    }
    word += char;
    inWord = true;
  }
  if (quote !== undefined) {
    throw new SandboxError(
      'bad-argument',
      `The command line \`${commandLine}\` has an unclosed ${quote} quote.`,
    );
  }
  if (inWord) words.push(word);
  if (words.length === 0) {
    throw new SandboxError('bad-argument', 'The command line is empty; set a command such as `npm test`.');
  }
  return words;
}
