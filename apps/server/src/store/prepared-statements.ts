import type { Statement } from 'better-sqlite3';
import type { ClawgateDatabase } from './database.js';

/**
 * The statements of one store, each prepared the first time it is used and reused after:
 * stores run on every turn, message and delivery, and preparing is the costly part of a
 * small query.
 */
export class PreparedStatements {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly database: ClawgateDatabase) {}

  /** The prepared statement for `sql`. */
  get(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.database.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
