import { GatewayClient } from '@clawgate/client';
import { createServer } from 'node:net';

/** A loopback port that was free a moment ago, for a configuration that must name one. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** Resolves once `condition` holds, checking every 5 ms; rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Connects once a server started in another process listens, retrying for up to 10 s. */
export async function connectWhenListening(url: string, token: string): Promise<GatewayClient> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await GatewayClient.connect({ url, token });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
