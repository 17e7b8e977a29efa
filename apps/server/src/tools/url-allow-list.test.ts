import { describe, expect, it } from 'vitest';
import { UrlAllowList } from './url-allow-list.js';

const allows = (list: UrlAllowList, url: string): boolean => list.allows(new URL(url));

describe('UrlAllowList', () => {
  it('allows exactly the listed origin', () => {
    const list = new UrlAllowList(['https://example.com']);

    expect(allows(list, 'https://example.com/any/path?q=1')).toBe(true);
    expect(allows(list, 'https://EXAMPLE.com/')).toBe(true);
    expect(allows(list, 'http://example.com/')).toBe(false);
    expect(allows(list, 'https://example.com:8443/')).toBe(false);
    expect(allows(list, 'https://sub.example.com/')).toBe(false);
    expect(allows(list, 'https://example.com.evil.test/')).toBe(false);
    expect(allows(list, 'https://evilexample.com/')).toBe(false);
  });

  it('allows subdomains for a *. entry but not the domain itself', () => {
    const list = new UrlAllowList(['https://*.example.com']);

    expect(allows(list, 'https://docs.example.com/')).toBe(true);
    expect(allows(list, 'https://a.b.example.com/')).toBe(true);
    expect(allows(list, 'https://example.com/')).toBe(false);
    expect(allows(list, 'https://badexample.com/')).toBe(false);
  });

  it('limits an entry with a path to URLs under that path', () => {
    const list = new UrlAllowList(['http://127.0.0.1:8080/docs']);

    expect(allows(list, 'http://127.0.0.1:8080/docs')).toBe(true);
    expect(allows(list, 'http://127.0.0.1:8080/docs/page')).toBe(true);
    expect(allows(list, 'http://127.0.0.1:8080/docsecret')).toBe(false);
    expect(allows(list, 'http://127.0.0.1:8080/')).toBe(false);
    expect(allows(list, 'http://127.0.0.1:8080/docs/../admin')).toBe(false);
  });

  it('refuses other schemes and URLs with credentials', () => {
    const list = new UrlAllowList(['https://example.com']);

    expect(allows(list, 'file:///etc/passwd')).toBe(false);
    expect(allows(list, 'https://user:secret@example.com/')).toBe(false);
  });

  it('allows nothing when empty', () => {
    expect(allows(new UrlAllowList([]), 'https://example.com/')).toBe(false);
  });

  it('rejects entries that are not rules, naming them', () => {
    expect(() => new UrlAllowList(['example.com'])).toThrow(
      new RangeError('allow[0] "example.com" is not a URL'),
    );
    expect(() => new UrlAllowList(['https://a.test', 'ftp://a.test'])).toThrow(
      new RangeError('allow[1] "ftp://a.test" must be an http or https URL'),
    );
    expect(() => new UrlAllowList(['https://a.test/?q=1'])).toThrow(
      new RangeError('allow[0] "https://a.test/?q=1" must not have a query or fragment'),
    );
    expect(() => new UrlAllowList(['https://u:p@a.test'])).toThrow(
      new RangeError('allow[0] "https://u:p@a.test" must not carry credentials'),
    );
    expect(() => new UrlAllowList(['https://*.com'])).toThrow(
      new RangeError(
        'allow[0] "https://*.com" must name a domain under *., not a whole top-level domain',
      ),
    );
    expect(() => new UrlAllowList(['https://a.*.test'])).toThrow(
      new RangeError(
        'allow[0] "https://a.*.test" may use * only as the first label, as in *.example.com',
      ),
    );
  });
});
