import type { ReconnectingClient } from '@clawgate/client';

/** What a printed turn ended with. */
export interface TurnOutcome {
  status: 'done' | 'error';
  text: string;
  profile?: string;
  usage?: { inputTokens: number; outputTokens: number };
  error?: { code: string; message: string };
  failovers: Array<{ from: string; to: string; reason: string }>;
}

/** Callbacks for the parts of a turn as they stream. */
export interface TurnPrinter {
  delta(text: string): void;
  failover(event: { from: string; to: string; reason: string }): void;
}

type AgentEvent = Record<string, unknown> & { runId: string; type: string };

/**
 * Sends one `agent` request and follows its `agent.event` stream until `done` or `error`.
 * Events that arrive before the `agent` answer are held until the run id is known.
 */
export async function runTurn(options: {
  client: ReconnectingClient;
  message: string;
  sessionKey?: string;
  printer: TurnPrinter;
}): Promise<TurnOutcome> {
  const { client, printer } = options;
  const outcome: TurnOutcome = { status: 'error', text: '', failovers: [] };
  const early: AgentEvent[] = [];
  let runId: string | undefined;
  let finish: (() => void) | undefined;
  let fail: ((error: Error) => void) | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // Awaited below unless the request itself fails first; then this rejection is moot.
  finished.catch(() => undefined);

  const handle = (event: AgentEvent): void => {
    switch (event.type) {
      case 'delta':
        outcome.text += String(event.text);
        printer.delta(String(event.text));
        return;
      case 'failover': {
        const failover = {
          from: String(event.from),
          to: String(event.to),
          reason: String(event.reason),
        };
        outcome.failovers.push(failover);
        printer.failover(failover);
        return;
      }
      case 'done':
        outcome.status = 'done';
        outcome.profile = String(event.profile);
        outcome.usage = event.usage as TurnOutcome['usage'];
        finish?.();
        return;
      case 'error':
        outcome.status = 'error';
        outcome.error = event.error as TurnOutcome['error'];
        finish?.();
        return;
    }
  };

  const unsubscribe = client.on('agent.event', (params) => {
    const event = params as AgentEvent;
    if (runId === undefined) early.push(event);
    else if (event.runId === runId) handle(event);
  });
  // A server that restarted no longer holds the turn's events: its stored result says how
  // the turn ended (INTERRUPTED when the server stopped before it finished).
  const unsubscribeReconnect = client.on('reconnect', ({ resumed }) => {
    if (resumed || runId === undefined) return;
    client
      .request('agent.wait', { runId, timeoutMs: 600_000 })
      .then((result) => {
        if (result.status === 'running') return;
        handle(
          result.status === 'done'
            ? { runId: result.runId, type: 'done', profile: result.profile, usage: result.usage }
            : { runId: result.runId, type: 'error', error: result.error },
        );
      })
      .catch((error: unknown) => fail?.(error as Error));
  });
  // A client that gave up reconnecting will deliver no more events.
  const unsubscribeClose = client.on('close', (error) =>
    fail?.(error ?? new Error('the connection closed before the turn ended')),
  );
  try {
    const accepted = await client.request('agent', {
      message: options.message,
      ...(options.sessionKey ? { sessionKey: options.sessionKey } : {}),
    });
    runId = accepted.runId;
    for (const event of early.splice(0)) if (event.runId === runId) handle(event);
    await finished;
    return outcome;
  } finally {
    unsubscribe();
    unsubscribeClose();
    unsubscribeReconnect();
  }
}
