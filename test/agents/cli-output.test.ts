/** Reading usage, cost and the final message from each CLI's output, including the shapes tests rarely hit. */
import { describe, expect, it } from '@jest/globals';
import { parseAiderOutput, parseClaudeOutput, parseCodexOutput } from '../../app/agents/cli-output.js';

describe('parseClaudeOutput', () => {
  it('falls back to the text when the output is not a JSON result', () => {
    expect(parseClaudeOutput('Done: edited two files.\n')).toEqual({
      summary: 'Done: edited two files.',
      tokens: 0,
      costUsd: 0,
      turns: 0,
    });
  });

  it('reads the result line after other JSON lines, and reports is_error as an error', () => {
    const stdout = [
      JSON.stringify({ type: 'system', subtype: 'init' }),
      JSON.stringify({
        type: 'result',
        subtype: 'error_during_execution',
        is_error: true,
        total_cost_usd: 0.2,
      }),
    ].join('\n');

    expect(parseClaudeOutput(stdout)).toMatchObject({
      status: 'error',
      summary: 'claude stopped with error_during_execution',
      costUsd: 0.2,
    });
  });

  it('reports a budget stop as a dollar limit', () => {
    const stdout = JSON.stringify({ type: 'result', subtype: 'error_max_budget_usd', is_error: true });
    expect(parseClaudeOutput(stdout)).toMatchObject({ status: 'limit', limit: 'dollars' });
  });
});

describe('parseCodexOutput', () => {
  it('reads early assistant_message items and reports a failed turn', () => {
    const stdout = [
      'not json: progress',
      JSON.stringify({
        type: 'item.completed',
        item: { item_type: 'assistant_message', text: 'partial work' },
      }),
      JSON.stringify({ type: 'error', message: 'Reconnecting... 1/5' }),
      JSON.stringify({ type: 'turn.failed', error: { message: 'model response stream ended unexpectedly' } }),
    ].join('\n');

    expect(parseCodexOutput(stdout)).toEqual({
      status: 'error',
      summary: 'partial work',
      tokens: 0,
      costUsd: 0,
      turns: 1,
    });
  });
});

describe('parseAiderOutput', () => {
  it('sums tokens over exchanges, counts cache lines, and keeps the session cost', () => {
    const stdout = [
      'Tokens: 12k sent, 3.2k cache write, 8.1k cache hit, 2.0k received. Cost: $0.03 message, $0.03 session.',
      'Tokens: 1,500 sent, 250 received. Cost: $0.01 message, $0.04 session.',
    ].join('\n');

    expect(parseAiderOutput(stdout)).toMatchObject({
      tokens: 12_000 + 2_000 + 1_500 + 250,
      costUsd: 0.04,
      turns: 2,
    });
  });
});
