import { isIP } from 'node:net';

/** True for hosts that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const unbracketed = host.replace(/^\[|\]$/g, '');
  if (isIP(unbracketed) === 4) return unbracketed.startsWith('127.');
  if (isIP(unbracketed) === 6) return unbracketed === '::1';
  return false;
}
