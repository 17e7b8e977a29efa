import type { PoolProfile } from './pool-types.js';
import type { SelectionStrategy } from './profile-selector.js';

/** The strategies a pool knows, for validating options. */
export const SELECTION_STRATEGIES: readonly SelectionStrategy[] = [
  'priority',
  'round_robin',
  'least_used',
  'random',
];

/** Checks the strategy and every profile; throws a `RangeError` naming the bad value. */
export function validateProfiles(
  profiles: readonly PoolProfile[],
  strategy: SelectionStrategy,
): void {
  if (!SELECTION_STRATEGIES.includes(strategy)) {
    throw new RangeError(
      `strategy must be one of ${SELECTION_STRATEGIES.join(', ')}, got ${String(strategy)}`,
    );
  }
  if (!Array.isArray(profiles)) throw new RangeError('profiles must be an array of profiles');
  if (profiles.length === 0) throw new RangeError('profiles must not be empty');
  const names = new Set<string>();
  profiles.forEach((profile, index) => {
    const where = `profiles[${index}]`;
    if (typeof profile !== 'object' || profile === null) {
      throw new RangeError(`${where} must be a profile object`);
    }
    if (typeof profile.name !== 'string' || profile.name === '') {
      throw new RangeError(`${where}.name must be a non-empty string`);
    }
    if (names.has(profile.name)) throw new RangeError('profile names must be unique');
    names.add(profile.name);
    if (typeof profile.model !== 'string' || profile.model === '') {
      throw new RangeError(`${where}.model must be a non-empty string`);
    }
    if (typeof profile.provider?.stream !== 'function') {
      throw new RangeError(`${where}.provider must be a ChatProvider with a stream() method`);
    }
    if (profile.priority !== undefined && !Number.isFinite(profile.priority)) {
      throw new RangeError(
        `${where}.priority must be a finite number, got ${String(profile.priority)}`,
      );
    }
    if (profile.weight !== undefined && !(Number.isFinite(profile.weight) && profile.weight >= 0)) {
      throw new RangeError(`${where}.weight must be a number >= 0, got ${String(profile.weight)}`);
    }
    if (
      profile.contextWindow !== undefined &&
      !(Number.isInteger(profile.contextWindow) && profile.contextWindow > 0)
    ) {
      throw new RangeError(
        `${where}.contextWindow must be a positive integer, got ${String(profile.contextWindow)}`,
      );
    }
  });
}
