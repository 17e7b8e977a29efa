import { describe, expect, it } from 'vitest';

import { estimateTokens, estimateToolTurnTokens } from './token-estimate.js';

describe('estimateTokens', () => {
  it('counts one token per four characters, rounding up', () => {
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
  });

  it('counts at least one token', () => {
    expect(estimateTokens('')).toBe(1);
  });
});

describe('estimateToolTurnTokens', () => {
  it('counts the text, the tool names and the arguments as JSON', () => {
    const calls = [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }];

    // 'Let me check.' (13) + 'get_weather' (11) + '{"city":"Paris"}' (16) = 40 characters.
    expect(estimateToolTurnTokens('Let me check.', calls)).toBe(10);
    expect(estimateToolTurnTokens(undefined, calls)).toBe(7);
  });
});
