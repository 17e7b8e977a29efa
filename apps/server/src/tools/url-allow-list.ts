/** One parsed allow-list entry. */
interface AllowRule {
  protocol: 'http:' | 'https:';
  /** The host, lower case; with `wildcard`, the domain whose subdomains are allowed. */
  host: string;
  wildcard: boolean;
  /** The port as URL gives it: '' for the protocol's default. */
  port: string;
  /** Allowed path prefix, always ending in `/`; `/` allows every path. */
  pathPrefix: string;
}

/**
 * The URLs a tool may fetch. Each entry is an `http` or `https` URL without credentials,
 * query or fragment: `https://example.com` allows that origin, `https://*.example.com`
 * allows every subdomain (not the domain itself), and a path (`https://example.com/docs/`)
 * allows only URLs under it. Ports must match exactly.
 */
export class UrlAllowList {
  private readonly rules: AllowRule[];

  /** @throws RangeError naming the entry that is not a valid rule */
  constructor(entries: readonly string[]) {
    this.rules = entries.map((entry, index) => parseRule(entry, index));
  }

  get size(): number {
    return this.rules.length;
  }

  /** Whether `url` may be fetched. Anything but `http`/`https`, or with credentials, may not. */
  allows(url: URL): boolean {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    if (url.username !== '' || url.password !== '') return false;
    const host = url.hostname.toLowerCase();
    return this.rules.some(
      (rule) =>
        rule.protocol === url.protocol &&
        rule.port === url.port &&
        (rule.wildcard ? host.endsWith(`.${rule.host}`) : host === rule.host) &&
        (rule.pathPrefix === '/' ||
          url.pathname === rule.pathPrefix.slice(0, -1) ||
          url.pathname.startsWith(rule.pathPrefix)),
    );
  }
}

function parseRule(entry: string, index: number): AllowRule {
  const invalid = (why: string): RangeError =>
    new RangeError(`allow[${index}] ${JSON.stringify(entry)} ${why}`);
  const wildcard = /^https?:\/\/\*\./i.test(entry);
  let url: URL;
  try {
    url = new URL(wildcard ? entry.replace('*.', 'wildcard.') : entry);
  } catch {
    throw invalid('is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid('must be an http or https URL');
  }
  if (url.username !== '' || url.password !== '') throw invalid('must not carry credentials');
  if (url.search !== '' || url.hash !== '') throw invalid('must not have a query or fragment');
  const host = wildcard ? url.hostname.slice('wildcard.'.length) : url.hostname;
  if (host.includes('*')) throw invalid('may use * only as the first label, as in *.example.com');
  if (wildcard && !host.includes('.')) {
    throw invalid('must name a domain under *., not a whole top-level domain');
  }
  return {
    protocol: url.protocol,
    host: host.toLowerCase(),
    wildcard,
    port: url.port,
    pathPrefix: url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`,
  };
}
