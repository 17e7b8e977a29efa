/**
 * Location of the package's `fixtures/` folder (recorded streams and error shapes).
 *
 * Resolved relative to this module, so it is the same folder whether the code runs from
 * `src/` (tests) or from `dist/` (the published package).
 */
export const fixturesDirectoryUrl: URL = new URL('../fixtures/', import.meta.url);
