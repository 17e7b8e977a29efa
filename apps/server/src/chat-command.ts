import { ReconnectingClient, isRpcClientError } from '@clawgate/client';
import { readClientSettings } from './client-settings.js';
import { readStoredToken, resolveStateDirectory } from './state-directory.js';
import { runTurn } from './run-turn.js';

/** Reconnect attempts before `chat` gives up on a server that went away. */
const CHAT_RECONNECT_ATTEMPTS = 8;

/** Options of `clawgate chat`. */
export interface ChatCommandOptions {
  /** Default: `$CLAWGATE_URL`, else the configured gateway address. */
  url?: string;
  config?: string;
  token?: string;
  stateDir?: string;
  session?: string;
  timeout: string;
}

/** Connects to a running server, streams one answer to stdout, and returns the exit code. */
export async function chatCommand(message: string, options: ChatCommandOptions): Promise<number> {
  const env = process.env;
  // The same file and precedence as the server's, so chat finds what start configured.
  const settings = readClientSettings({
    env,
    ...(options.config ? { configPath: options.config } : {}),
  });
  const url = options.url ?? env.CLAWGATE_URL ?? settings.url;
  const stateDirectory = resolveStateDirectory(options.stateDir ?? settings.stateDirectory, env);
  const token =
    options.token ?? settings.token ?? env.CLAWGATE_TOKEN ?? readStoredToken(stateDirectory);
  if (!token) {
    process.stderr.write(
      `no gateway token: pass --token, set CLAWGATE_TOKEN, or start the server once so it stores one in ${stateDirectory}\n`,
    );
    return 2;
  }

  let client: ReconnectingClient;
  try {
    // A link that drops mid-turn is re-established and the turn's events resume.
    client = await ReconnectingClient.connect({
      url,
      token,
      requestTimeoutMs: Number(options.timeout),
      // A server that stays down for about half a minute ends the command, not a wait forever.
      maxAttempts: CHAT_RECONNECT_ATTEMPTS,
    });
  } catch (error) {
    const code = isRpcClientError(error) && error.dataCode ? `${error.dataCode}: ` : '';
    process.stderr.write(
      `cannot connect to ${withoutQuery(url)}: ${code}${(error as Error).message}\n`,
    );
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
    process.stderr.write(`error: ${(error as Error).message}${issuesOf(error)}\n`);
    return 1;
  } finally {
    await client.close();
  }
}

/** The `data.issues` of an invalid-params error, one `path: message` per line. */
function issuesOf(error: unknown): string {
  if (!isRpcClientError(error)) return '';
  const issues = (error.data as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return '';
  return issues
    .map((issue: { path?: unknown; message?: unknown }) => {
      const path = Array.isArray(issue.path) ? issue.path.join('.') : '';
      return `\n  ${path || 'params'}: ${String(issue.message)}`;
    })
    .join('');
}

/** A URL fit to print: a query (where someone may have put a token) is left out. */
function withoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(the given URL)';
  }
}
