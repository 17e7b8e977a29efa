import { describe, expect, it } from 'vitest';
import { ReplayBuffer } from './replay-buffer.js';

function filled(
  options: { maxEvents: number; maxAgeMs: number; maxBytes?: number },
  count: number,
): ReplayBuffer {
  const buffer = new ReplayBuffer(options);
  for (let seq = 1; seq <= count; seq += 1)
    buffer.push({ seq, text: `e${seq}`, emittedAtMs: seq * 10 });
  return buffer;
}

describe('ReplayBuffer', () => {
  it('returns the events after lastSeq', () => {
    const buffer = filled({ maxEvents: 10, maxAgeMs: 1_000 }, 4);

    expect(buffer.eventsAfter(2, 4, 40)).toEqual(['e3', 'e4']);
    expect(buffer.eventsAfter(0, 4, 40)).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(buffer.eventsAfter(4, 4, 40)).toEqual([]);
  });

  it('drops the oldest events past maxEvents', () => {
    const buffer = filled({ maxEvents: 2, maxAgeMs: 1_000 }, 4);

    expect(buffer.eventsAfter(2, 4, 40)).toEqual(['e3', 'e4']);
    expect(buffer.eventsAfter(1, 4, 40)).toBeUndefined();
  });

  it('drops events older than maxAgeMs, just past the limit and not before', () => {
    const buffer = filled({ maxEvents: 10, maxAgeMs: 100 }, 2);

    expect(buffer.eventsAfter(0, 2, 110)).toEqual(['e1', 'e2']);
    expect(buffer.eventsAfter(0, 2, 111)).toBeUndefined();
    expect(buffer.eventsAfter(1, 2, 111)).toEqual(['e2']);
  });

  it('drops the oldest events past maxBytes, keeping exactly as many as fit', () => {
    // Each event text ("e1".."e4") is 2 bytes.
    const atLimit = filled({ maxEvents: 10, maxAgeMs: 1_000, maxBytes: 6 }, 3);
    const overLimit = filled({ maxEvents: 10, maxAgeMs: 1_000, maxBytes: 6 }, 4);

    expect(atLimit.eventsAfter(0, 3, 40)).toEqual(['e1', 'e2', 'e3']);
    expect(overLimit.eventsAfter(0, 4, 40)).toBeUndefined();
    expect(overLimit.eventsAfter(1, 4, 40)).toEqual(['e2', 'e3', 'e4']);
  });

  it('counts bytes, not characters', () => {
    const buffer = new ReplayBuffer({ maxEvents: 10, maxAgeMs: 1_000, maxBytes: 6 });
    buffer.push({ seq: 1, text: '€', emittedAtMs: 1 });
    buffer.push({ seq: 2, text: '€€', emittedAtMs: 2 });

    expect(buffer.eventsAfter(0, 2, 2)).toBeUndefined();
    expect(buffer.eventsAfter(1, 2, 2)).toEqual(['€€']);
  });

  it('refuses a lastSeq from the future', () => {
    expect(filled({ maxEvents: 10, maxAgeMs: 1_000 }, 2).eventsAfter(3, 2, 20)).toBeUndefined();
  });
});
