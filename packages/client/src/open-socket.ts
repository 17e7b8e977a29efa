import { WebSocket } from 'ws';
import { RpcClientError } from './rpc-client-error.js';

/** Options of {@link openSocket}. */
export interface OpenSocketOptions {
  url: string;
  headers: Record<string, string>;
  /** Longest the opening handshake may take, in milliseconds. */
  timeoutMs: number;
}

/** A socket being opened, and the promise of its opening. */
export interface OpeningSocket {
  /** Exists at once, so listeners can be attached before any frame arrives. */
  socket: WebSocket;
  /**
   * Resolves once the upgrade succeeded. A refused upgrade (e.g. HTTP 401) rejects with an
   * `RpcClientError` built from the gateway's JSON body; network failures reject with the
   * socket error.
   */
  opened: Promise<void>;
}

/** Starts opening a WebSocket. */
export function openSocket(options: OpenSocketOptions): OpeningSocket {
  const socket = new WebSocket(options.url, {
    headers: options.headers,
    handshakeTimeout: options.timeoutMs,
  });
  // Errors after settling (e.g. from aborting a refused upgrade) are followed by 'close',
  // which the client observes; without a listener they would crash the process.
  socket.on('error', () => undefined);

  const opened = new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      outcome();
    };

    socket.once('open', () => settle(resolve));
    socket.once('error', (error) => settle(() => reject(error)));
    socket.once('unexpected-response', (request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        settle(() => reject(RpcClientError.fromUpgradeRefusal(response.statusCode ?? 0, body)));
        request.destroy();
      });
      response.on('error', (error) => settle(() => reject(error)));
    });
  });
  return { socket, opened };
}
