/** How the pool picks a profile among the usable ones. */
export type SelectionStrategy = 'priority' | 'round_robin' | 'least_used' | 'random';

/** What the selector needs to know of a candidate profile. */
export interface SelectionCandidate {
  name: string;
  /** Lower numbers are tried first. */
  priority: number;
  /** Relative share under `random`. */
  weight: number;
  inFlight: number;
  totalAttempts: number;
}

/**
 * Picks one profile from the best priority tier among the candidates. `priority` and
 * `round_robin` both rotate through the tier in configuration order; `least_used` takes the
 * fewest in flight, then the fewest in total; `random` draws by weight.
 */
export class ProfileSelector {
  private readonly cursors = new Map<number, number>();

  constructor(
    private readonly strategy: SelectionStrategy,
    private readonly random: () => number = Math.random,
  ) {}

  select<T extends SelectionCandidate>(
    candidates: readonly T[],
    order: readonly string[],
  ): T | undefined {
    if (candidates.length === 0) return undefined;

    const bestPriority = Math.min(...candidates.map((candidate) => candidate.priority));
    const tier = candidates
      .filter((candidate) => candidate.priority === bestPriority)
      .sort((left, right) => order.indexOf(left.name) - order.indexOf(right.name));

    switch (this.strategy) {
      case 'priority':
      case 'round_robin':
        return this.rotate(tier, bestPriority, order);
      case 'least_used':
        return [...tier].sort(
          (left, right) =>
            left.inFlight - right.inFlight || left.totalAttempts - right.totalAttempts,
        )[0];
      case 'random':
        return this.weighted(tier, bestPriority, order);
    }
  }

  /** Next profile after the one last picked in this tier, by configuration position. */
  private rotate<T extends SelectionCandidate>(
    tier: readonly T[],
    priority: number,
    order: readonly string[],
  ): T | undefined {
    const last = this.cursors.get(priority) ?? -1;
    const next = tier.find((candidate) => order.indexOf(candidate.name) > last) ?? tier[0];
    if (next) this.cursors.set(priority, order.indexOf(next.name));
    return next;
  }

  private weighted<T extends SelectionCandidate>(
    tier: readonly T[],
    priority: number,
    order: readonly string[],
  ): T | undefined {
    const total = tier.reduce((sum, candidate) => sum + Math.max(0, candidate.weight), 0);
    // A tier whose weights are all zero asked for no shares: rotate through it rather than
    // always picking its first profile.
    if (total <= 0) return this.rotate(tier, priority, order);
    let point = this.random() * total;
    for (const candidate of tier) {
      point -= Math.max(0, candidate.weight);
      if (point < 0) return candidate;
    }
    return tier[tier.length - 1];
  }
}
