import { GatewayClient, isRpcClientError } from '@clawgate/client';
import { readStoredToken, resolveStateDirectory } from './state-directory.js';
import { runTurn } from './run-turn.js';

/** Options of `clawgate chat`. */
export interface ChatCommandOptions {
  url: string;
  token?: string;
  stateDir?: string;
  session?: string;
  timeout: string;
}

/** Connects to a running server, streams one answer to stdout, and returns the exit code. */
export async function chatCommand(message: string, options: ChatCommandOptions): Promise<number> {
  const env = process.env;
  const stateDirectory = resolveStateDirectory(options.stateDir, env);
  const token = options.token ?? env.CLAWGATE_TOKEN ?? readStoredToken(stateDirectory);
  if (!token) {
    process.stderr.write(
      `no gateway token: pass --token, set CLAWGATE_TOKEN, or start the server once so it stores one in ${stateDirectory}\n`,
    );
    return 2;
  }

  let client: GatewayClient;
  try {
    client = await GatewayClient.connect({
      url: options.url,
      token,
      requestTimeoutMs: Number(options.timeout),
    });
  } catch (error) {
    const code = isRpcClientError(error) && error.dataCode ? `${error.dataCode}: ` : '';
    process.stderr.write(`cannot connect to ${options.url}: ${code}${(error as Error).message}\n`);
    return 1;
  }
  try {
    const outcome = await runTurn({
      client,
      message,
      ...(options.session ? { sessionKey: options.session } : {}),
      printer: {
        delta: (text) => process.stdout.write(text),
        failover: ({ from, to, reason }) =>
          process.stderr.write(`\n[failover] ${from} -> ${to} (${reason})\n`),
      },
    });
    process.stdout.write('\n');
    if (outcome.status === 'error') {
      process.stderr.write(
        `error: ${outcome.error?.code ?? 'UNKNOWN'}: ${outcome.error?.message ?? ''}\n`,
      );
      return 1;
    }
    return 0;
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await client.close();
  }
}
