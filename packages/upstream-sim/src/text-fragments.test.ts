import { describe, expect, it } from 'vitest';

import { splitIntoFragments } from './text-fragments.js';

describe('splitIntoFragments', () => {
  it('splits a text into about equal fragments that join back to it', () => {
    expect(splitIntoFragments('{"city":"Paris"}', 3)).toEqual(['{"city', '":"Par', 'is"}']);
  });

  it('gives fewer fragments than asked when the text is shorter', () => {
    expect(splitIntoFragments('{}', 3)).toEqual(['{', '}']);
  });

  it('gives no fragment for an empty text', () => {
    expect(splitIntoFragments('', 3)).toEqual([]);
  });

  it('keeps a character of two UTF-16 code units whole', () => {
    expect(splitIntoFragments('a😀b😀', 2)).toEqual(['a😀', 'b😀']);
  });
});
