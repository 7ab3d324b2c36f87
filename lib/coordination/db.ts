// The handle every coordination function takes: a pg pool (or anything that hands out clients
// the same way) and the schema the tables live in. Schema names come from users, so they are
// checked and quoted here, once; every other value reaches SQL as a parameter.
import type { Pool, PoolClient, QueryResult, QueryResultRow } from "pg";

export interface CoordinationDb {
  pool: Pool;
  /** Schema holding ELFE's tables; blank = whatever the connection's search_path finds. */
  schema?: string;
}

/** A PostgreSQL identifier, quoted: safe for any name a user types (quotes doubled). */
export function quoteIdent(name: string): string {
  if (typeof name !== "string" || name.length === 0) throw new RangeError("an SQL identifier cannot be empty");
  if (name.includes("\u0000")) throw new RangeError("an SQL identifier cannot contain a NUL character");
  if (Buffer.byteLength(name, "utf8") > 63) throw new RangeError(`SQL identifier longer than 63 bytes: ${JSON.stringify(name)}`);
  return `"${name.replace(/"/g, '""')}"`;
}

/** The schema as given by a user: trimmed, blank meaning "use the search_path". */
export function schemaName(schema: string | undefined): string | undefined {
  const s = (schema ?? "").trim();
  return s === "" ? undefined : s;
}

/** Table name qualified with the db's schema (quoted), or bare when the search_path decides. */
export function tableOf(db: CoordinationDb, table: string): string {
  const schema = schemaName(db.schema);
  return schema ? `${quoteIdent(schema)}.${quoteIdent(table)}` : quoteIdent(table);
}

export type Queryable = Pick<PoolClient, "query">;

export async function rowsOf<R extends QueryResultRow>(q: Queryable, sql: string, params: unknown[] = []): Promise<R[]> {
  const result: QueryResult<R> = await q.query<R>(sql, params);
  return result.rows;
}

/**
 * Runs `work` in one transaction on one client. Any error rolls back; a client whose connection
 * broke is destroyed rather than returned to the pool.
 */
export async function inTransaction<T>(db: CoordinationDb, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  let broken: Error | undefined;
  // A connection that dies while checked out emits "error" on the client: keep it as the reason.
  const onError = (err: Error) => {
    broken = err;
  };
  client.on("error", onError);
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    try {
      await client.query("ROLLBACK");
    } catch (rollbackErr) {
      broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
    }
    throw err;
  } finally {
    client.off("error", onError);
    client.release(broken);
  }
}

/** Unix seconds of an ISO time or epoch ms. */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
