import { describe, expect, test } from '@jest/globals';
import { redactSecrets, secretValuesFromEnv } from '../../app/workspace/redact.js';

const SECRET = 'ghp_Zx9/q+Pw=7Lm';

describe('redactSecrets', () => {
  test('hides the value wherever it appears', () => {
    expect(redactSecrets(`token=${SECRET}; again ${SECRET}`, [SECRET])).toBe('token=***; again ***');
  });

  test('hides base64 forms at every byte offset, in both alphabets', () => {
    for (const prefix of ['', 'x', 'xy', 'user:', 'x-access-token:']) {
      const encoded = Buffer.from(`${prefix}${SECRET}!`).toString('base64');
      const urlSafe = Buffer.from(`${prefix}${SECRET}!`).toString('base64url');
      for (const text of [encoded, urlSafe]) {
        const out = redactSecrets(`Authorization: Basic ${text}`, [SECRET]);
        expect(out).toContain('***');
        // What is left is at most the characters that mix in the neighbours' bits.
        expect(out.length).toBeLessThan(`Authorization: Basic ${text}`.length - 10);
      }
    }
  });

  test('hides the URL-encoded form', () => {
    const url = `https://x:${encodeURIComponent(SECRET)}@github.com/o/r.git`;
    expect(redactSecrets(url, [SECRET])).toBe('https://x:***@github.com/o/r.git');
  });

  test('leaves secrets under 6 characters alone so ordinary text survives', () => {
    expect(redactSecrets('true main 8080', ['true', 'main', '8080'])).toBe('true main 8080');
  });

  test('replaces longer secrets first', () => {
    expect(redactSecrets('abcdefgh-12345', ['abcdefgh', 'abcdefgh-12345'])).toBe('***');
  });

  test('replacement text is literal', () => {
    expect(redactSecrets('a $& secret123 b', ['secret123'])).toBe('a $& *** b');
  });
});

describe('secretValuesFromEnv', () => {
  test('takes values of secret-looking names of at least 6 characters', () => {
    const values = secretValuesFromEnv({
      GITHUB_TOKEN: 'ghs_abcdef',
      OPENAI_API_KEY: 'sk-123456',
      DB_PASSWORD: 'hunter2-long',
      AUTH_HEADER: 'Bearer x',
      SHORT_TOKEN: 'abc',
      PATH: '/usr/bin:/bin',
      HOME: '/home/runner',
      EMPTY_SECRET: undefined,
    });
    expect(values.sort()).toEqual(['Bearer x', 'ghs_abcdef', 'hunter2-long', 'sk-123456'].sort());
  });
});
