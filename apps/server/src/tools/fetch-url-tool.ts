import { z } from 'zod';
import type { Tool } from './tool.js';
import type { UrlAllowList } from './url-allow-list.js';

/** Options of {@link createFetchUrlTool}. */
export interface FetchUrlToolOptions {
  /** Only these URLs may be fetched, redirects included. */
  allowList: UrlAllowList;
  /** Longest a fetch may take, redirects and body included, in ms. Default 10 000. */
  timeoutMs?: number;
  /** Most body bytes read; the rest is left unread and the result says it was cut. Default 100 000. */
  maxBytes?: number;
}

/** Redirects followed before giving up. */
const MAX_REDIRECTS = 5;

/** Content types whose body is returned as text; anything else is refused. */
const TEXT_TYPES = /^(text\/|application\/(json|xml|xhtml\+xml|rss\+xml|atom\+xml|ld\+json)\b)/i;

/**
 * `fetch_url`: an HTTP GET of a URL on the allow list, answering with the status, the
 * content type and the body as text. Every redirect target must be on the list too, only
 * text bodies are read, and at most `maxBytes` of them. Nothing the tool refuses is requested.
 */
export function createFetchUrlTool(options: FetchUrlToolOptions): Tool<{ url: string }> {
  const maxBytes = options.maxBytes ?? 100_000;
  return {
    name: 'fetch_url',
    description:
      'Fetches a web page or document by URL (HTTP GET) and returns its text. ' +
      'Only URLs on the operator-configured allow list can be fetched.',
    input: z.strictObject({ url: z.string().min(1).max(2_048).describe('absolute http(s) URL') }),
    timeoutMs: options.timeoutMs ?? 10_000,
    run: async ({ url }, { signal }) => {
      let target = parseUrl(url);
      for (let redirects = 0; ; redirects += 1) {
        if (!options.allowList.allows(target)) {
          throw new Error(`${target.href} is not on the allow list of fetch_url`);
        }
        const response = await fetch(target, { redirect: 'manual', signal });
        const location = response.headers.get('location');
        if (response.status >= 300 && response.status < 400 && location !== null) {
          await response.body?.cancel();
          if (redirects >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
          target = new URL(location, target);
          continue;
        }
        return describeResponse(target, response, maxBytes);
      }
    },
  };
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new Error(`${JSON.stringify(url)} is not an absolute URL`);
  }
}

async function describeResponse(url: URL, response: Response, maxBytes: number): Promise<string> {
  const contentType = response.headers.get('content-type') ?? '';
  const head = `GET ${url.href}\nstatus: ${response.status}\ncontent-type: ${contentType || '(none)'}`;
  if (contentType !== '' && !TEXT_TYPES.test(contentType)) {
    await response.body?.cancel();
    return `${head}\n\n[the body is not text and was not read]`;
  }
  const { text, cut } = await readText(response, maxBytes);
  if (contentType === '' && looksBinary(text)) {
    return `${head}\n\n[the body is not text and was not read]`;
  }
  return `${head}\n\n${text}${cut ? `\n[cut at ${maxBytes} bytes]` : ''}`;
}

/** Reads at most `maxBytes` of the body, then stops reading. */
async function readText(
  response: Response,
  maxBytes: number,
): Promise<{ text: string; cut: boolean }> {
  if (!response.body) return { text: '', cut: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let cut = false;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = maxBytes - length;
    if (value.byteLength >= room) {
      chunks.push(value.subarray(0, room));
      length += room;
      cut = value.byteLength > room || !(await reader.read()).done;
      break;
    }
    chunks.push(value);
    length += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return { text: new TextDecoder().decode(Buffer.concat(chunks)), cut };
}

/**
 * Whether a body sent without a content type is binary: it has a NUL byte, or more than one
 * character in ten is a control character or a byte that is not UTF-8.
 */
function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  let suspicious = 0;
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    const control = code < 32 && character !== '\n' && character !== '\r' && character !== '\t';
    if (control || character === '\uFFFD') suspicious += 1;
  }
  return suspicious * 10 > text.length;
}
