import { describe, expect, it } from 'vitest';

import {
  ProfileSelector,
  type SelectionCandidate,
  type SelectionStrategy,
} from './profile-selector.js';

function candidate(name: string, extra: Partial<SelectionCandidate> = {}): SelectionCandidate {
  return { name, priority: 0, weight: 1, inFlight: 0, totalAttempts: 0, ...extra };
}

const order = ['A', 'B', 'C', 'D'];

describe('ProfileSelector', () => {
  it('returns undefined when there is no candidate', () => {
    expect(new ProfileSelector('priority').select([], order)).toBeUndefined();
  });

  it.each<SelectionStrategy>(['priority', 'round_robin', 'least_used', 'random'])(
    'keeps to the best priority tier under %s',
    (strategy) => {
      const selector = new ProfileSelector(strategy, () => 0.99);
      const candidates = [
        candidate('A', { priority: 2, inFlight: 0, weight: 100 }),
        candidate('B', { priority: 1, inFlight: 5, totalAttempts: 50 }),
        candidate('C', { priority: 2 }),
      ];

      for (let round = 0; round < 4; round += 1) {
        expect(selector.select(candidates, order)?.name).toBe('B');
      }
    },
  );

  it.each<SelectionStrategy>(['priority', 'round_robin'])(
    'rotates through a tier in configuration order under %s',
    (strategy) => {
      const selector = new ProfileSelector(strategy);
      const candidates = [candidate('C'), candidate('A'), candidate('B')];

      const picks = [1, 2, 3, 4].map(() => selector.select(candidates, order)?.name);

      expect(picks).toEqual(['A', 'B', 'C', 'A']);
    },
  );

  it('continues the rotation after the last pick when a candidate drops out', () => {
    const selector = new ProfileSelector('round_robin');
    selector.select([candidate('A'), candidate('B'), candidate('C')], order);

    expect(selector.select([candidate('A'), candidate('C')], order)?.name).toBe('C');
    expect(selector.select([candidate('A'), candidate('C')], order)?.name).toBe('A');
  });

  it('takes the fewest in flight, then the fewest in total, under least_used', () => {
    const selector = new ProfileSelector('least_used');

    expect(
      selector.select(
        [candidate('A', { inFlight: 2 }), candidate('B', { inFlight: 1, totalAttempts: 9 })],
        order,
      )?.name,
    ).toBe('B');
    expect(
      selector.select(
        [candidate('A', { totalAttempts: 3 }), candidate('B', { totalAttempts: 2 })],
        order,
      )?.name,
    ).toBe('B');
    expect(selector.select([candidate('B'), candidate('A')], order)?.name).toBe('A');
  });

  it.each<[number, string]>([
    [0, 'A'],
    [0.24, 'A'],
    [0.25, 'B'],
    [0.99, 'B'],
  ])('draws by weight under random (draw %s picks %s)', (draw, expected) => {
    const selector = new ProfileSelector('random', () => draw);
    const candidates = [candidate('A', { weight: 1 }), candidate('B', { weight: 3 })];

    expect(selector.select(candidates, order)?.name).toBe(expected);
  });

  it('never draws a candidate of weight zero', () => {
    const selector = new ProfileSelector('random', () => 0);

    expect(
      selector.select([candidate('A', { weight: 0 }), candidate('B', { weight: 1 })], order)?.name,
    ).toBe('B');
  });

  it('rotates through a tier whose weights are all zero under random', () => {
    const selector = new ProfileSelector('random', () => 0);
    const candidates = [candidate('A', { weight: 0 }), candidate('B', { weight: 0 })];

    const picks = [1, 2, 3].map(() => selector.select(candidates, order)?.name);

    expect(picks).toEqual(['A', 'B', 'A']);
  });
});
