import type { ClawgateDatabase } from './database.js';
import { PreparedStatements } from './prepared-statements.js';

/** A run's stored record. Times are epoch ms. */
export interface RunRecord {
  runId: string;
  owner: string;
  sessionKey: string;
  /** What the user said to start the run. */
  message: string;
  status: 'running' | 'done' | 'error' | 'interrupted';
  profile?: string;
  usage?: { inputTokens: number; outputTokens: number };
  error?: { code: string; message: string };
  /** The answer's text (for an error, what was streamed before it). */
  text?: string;
  startedAt: number;
  endedAt?: number;
}

interface RunRow {
  run_id: string;
  owner: string;
  session_key: string;
  message: string;
  status: RunRecord['status'];
  profile: string | null;
  usage: string | null;
  error: string | null;
  text: string | null;
  started_at: number;
  ended_at: number | null;
}

/** Run records: written when a run starts and when it ends. */
export class RunStore {
  private readonly statements: PreparedStatements;

  constructor(database: ClawgateDatabase) {
    this.statements = new PreparedStatements(database);
  }

  /** Records a run the moment it is accepted, with the message it answers. */
  start(run: { runId: string; owner: string; sessionKey: string; message: string }): void {
    this.statements
      .get(
        `INSERT INTO runs (run_id, owner, session_key, message, status, started_at)
         VALUES (?, ?, ?, ?, 'running', ?)`,
      )
      .run(run.runId, run.owner, run.sessionKey, run.message, Date.now());
  }

  finish(
    runId: string,
    outcome: Pick<RunRecord, 'status' | 'profile' | 'usage' | 'error' | 'text'>,
  ): void {
    this.statements
      .get(
        `UPDATE runs SET status = ?, profile = ?, usage = ?, error = ?, text = ?, ended_at = ?
         WHERE run_id = ?`,
      )
      .run(
        outcome.status,
        outcome.profile ?? null,
        outcome.usage ? JSON.stringify(outcome.usage) : null,
        outcome.error ? JSON.stringify(outcome.error) : null,
        outcome.text ?? null,
        Date.now(),
        runId,
      );
  }

  /** Marks every run still `running` as `interrupted`, as after a crash; returns how many. */
  markInterrupted(): number {
    return this.statements
      .get(`UPDATE runs SET status = 'interrupted', ended_at = ? WHERE status = 'running'`)
      .run(Date.now()).changes;
  }

  /** Forgets the runs of one conversation (their messages and answers); returns how many. */
  deleteConversation(owner: string, sessionKey: string): number {
    return this.statements
      .get(`DELETE FROM runs WHERE owner = ? AND session_key = ?`)
      .run(owner, sessionKey).changes;
  }

  get(runId: string): RunRecord | undefined {
    const row = this.statements.get(`SELECT * FROM runs WHERE run_id = ?`).get(runId) as
      RunRow | undefined;
    return row && toRecord(row);
  }

  /** Runs of one conversation, oldest first. */
  ofConversation(owner: string, sessionKey: string): RunRecord[] {
    const rows = this.statements
      .get(`SELECT * FROM runs WHERE owner = ? AND session_key = ? ORDER BY started_at, rowid`)
      .all(owner, sessionKey) as RunRow[];
    return rows.map(toRecord);
  }
}

function toRecord(row: RunRow): RunRecord {
  return {
    runId: row.run_id,
    owner: row.owner,
    sessionKey: row.session_key,
    message: row.message,
    status: row.status,
    ...(row.profile === null ? {} : { profile: row.profile }),
    ...(row.usage === null ? {} : { usage: JSON.parse(row.usage) as RunRecord['usage'] }),
    ...(row.error === null ? {} : { error: JSON.parse(row.error) as RunRecord['error'] }),
    ...(row.text === null ? {} : { text: row.text }),
    startedAt: row.started_at,
    ...(row.ended_at === null ? {} : { endedAt: row.ended_at }),
  };
}
