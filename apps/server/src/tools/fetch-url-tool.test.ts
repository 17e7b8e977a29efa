import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchUrlTool } from './fetch-url-tool.js';
import { ToolRegistry } from './tool-registry.js';
import { UrlAllowList } from './url-allow-list.js';

type Route = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let origin: string;
const requested: string[] = [];
const closedEarly: string[] = [];
const routes: Record<string, Route> = {
  '/docs/page': (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('hello from the page');
  },
  '/docs/json': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  },
  '/docs/large': (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('x'.repeat(5_000));
  },
  '/docs/image': (_request, response) => {
    response.writeHead(200, { 'content-type': 'image/png' });
    response.end(Buffer.alloc(64));
  },
  '/docs/untyped-binary': (_request, response) => {
    response.writeHead(200);
    response.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01]));
  },
  '/docs/untyped-bytes': (_request, response) => {
    response.writeHead(200);
    response.end(Buffer.alloc(2_000, 0xff));
  },
  '/docs/untyped-text': (_request, response) => {
    response.writeHead(200);
    response.end('plain words');
  },
  '/docs/missing': (_request, response) => {
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('no such page');
  },
  '/docs/moved': (_request, response) => {
    response.writeHead(302, { location: '/docs/page' });
    response.end();
  },
  '/docs/escape': (_request, response) => {
    response.writeHead(302, { location: '/private/secret' });
    response.end();
  },
  '/docs/loop': (_request, response) => {
    response.writeHead(302, { location: '/docs/loop' });
    response.end();
  },
  '/docs/hang': (request) => {
    request.socket.on('close', () => closedEarly.push('/docs/hang'));
  },
};

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    requested.push(path);
    const route = routes[path];
    if (route) route(request, response);
    else response.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function registry(options: { maxBytes?: number; timeoutMs?: number } = {}): ToolRegistry {
  return new ToolRegistry().register(
    createFetchUrlTool({ allowList: new UrlAllowList([`${origin}/docs/`]), ...options }),
  );
}

async function fetchUrl(url: string, tools = registry(), signal = new AbortController().signal) {
  requested.length = 0;
  return tools.execute(
    { id: 'call_1', name: 'fetch_url', arguments: JSON.stringify({ url }) },
    signal,
  );
}

describe('fetch_url', () => {
  it('answers with the status, the content type and the text of an allowed URL', async () => {
    expect(await fetchUrl(`${origin}/docs/page`)).toEqual({
      content: `GET ${origin}/docs/page\nstatus: 200\ncontent-type: text/plain; charset=utf-8\n\nhello from the page`,
      isError: false,
    });
    expect((await fetchUrl(`${origin}/docs/json`)).content).toMatch(/\n\n\{"ok":true\}$/);
    expect((await fetchUrl(`${origin}/docs/missing`)).content).toContain('status: 404');
  });

  it('refuses a URL off the allow list without requesting it', async () => {
    expect(await fetchUrl(`${origin}/private/secret`)).toEqual({
      content: `error: ${origin}/private/secret is not on the allow list of fetch_url`,
      isError: true,
    });
    expect(await fetchUrl('file:///etc/passwd')).toMatchObject({ isError: true });
    expect(await fetchUrl('not a url')).toEqual({
      content: 'error: "not a url" is not an absolute URL',
      isError: true,
    });
    expect(requested).toEqual([]);
  });

  it('follows redirects only to allowed URLs, and only so many', async () => {
    expect((await fetchUrl(`${origin}/docs/moved`)).content).toMatch(/hello from the page$/);

    expect(await fetchUrl(`${origin}/docs/escape`)).toEqual({
      content: `error: ${origin}/private/secret is not on the allow list of fetch_url`,
      isError: true,
    });
    expect(requested).toEqual(['/docs/escape']);

    expect(await fetchUrl(`${origin}/docs/loop`)).toEqual({
      content: 'error: more than 5 redirects',
      isError: true,
    });
    expect(requested).toHaveLength(6);
  });

  it('reads at most maxBytes of the body and says it cut it', async () => {
    const { content } = await fetchUrl(`${origin}/docs/large`, registry({ maxBytes: 1_000 }));

    expect(content.endsWith(`\n\n${'x'.repeat(1_000)}\n[cut at 1000 bytes]`)).toBe(true);
  });

  it('sniffs a body without a content type and refuses a binary one', async () => {
    expect((await fetchUrl(`${origin}/docs/untyped-binary`)).content).toBe(
      `GET ${origin}/docs/untyped-binary\nstatus: 200\ncontent-type: (none)\n\n[the body is not text and was not read]`,
    );
    expect((await fetchUrl(`${origin}/docs/untyped-bytes`)).content).toMatch(
      /\[the body is not text and was not read\]$/,
    );
    expect((await fetchUrl(`${origin}/docs/untyped-text`)).content).toMatch(/\n\nplain words$/);
  });

  it('does not read a body that is not text', async () => {
    expect((await fetchUrl(`${origin}/docs/image`)).content).toBe(
      `GET ${origin}/docs/image\nstatus: 200\ncontent-type: image/png\n\n[the body is not text and was not read]`,
    );
  });

  it('times out, closing the request', async () => {
    closedEarly.length = 0;

    expect(await fetchUrl(`${origin}/docs/hang`, registry({ timeoutMs: 200 }))).toEqual({
      content: 'error: the tool did not finish within 200 ms',
      isError: true,
    });
    await expect.poll(() => closedEarly).toEqual(['/docs/hang']);
  });

  it('stops the request when the run is aborted', async () => {
    closedEarly.length = 0;
    const run = new AbortController();
    const pending = fetchUrl(`${origin}/docs/hang`, registry(), run.signal);
    await expect.poll(() => requested).toEqual(['/docs/hang']);

    run.abort();

    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => closedEarly).toEqual(['/docs/hang']);
  });
});
