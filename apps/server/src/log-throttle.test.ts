import { describe, expect, it } from 'vitest';
import { LogThrottle } from './log-throttle.js';

describe('LogThrottle', () => {
  it('lets one line per key per window through and counts the held-back ones', () => {
    const throttle = new LogThrottle(10_000);

    const first = throttle.admit('peer-1', 0);
    const held = [throttle.admit('peer-1', 1), throttle.admit('peer-1', 9_999)];
    const other = throttle.admit('peer-2', 5);
    const nextWindow = throttle.admit('peer-1', 10_000);

    expect(first).toEqual({ log: true, suppressed: 0 });
    expect(held).toEqual([
      { log: false, suppressed: 0 },
      { log: false, suppressed: 0 },
    ]);
    expect(other).toEqual({ log: true, suppressed: 0 });
    expect(nextWindow).toEqual({ log: true, suppressed: 2 });
  });
});
