// Versioned migrations of the coordination database. `migrate` runs the ones not yet recorded
// in `elfe_schema_migrations`, all in one transaction (a failed upgrade changes nothing) under
// an advisory lock, so two Node-RED instances deploying at once do not race. It never runs by itself: the elfe-database
// node calls it only when its "create/upgrade schema" box is ticked.
import { inTransaction, quoteIdent, schemaName, type CoordinationDb } from "../db";
import { migration001 } from "./001_coordination";
import { migration002 } from "./002_outputs";
import { migration003 } from "./003_home_automation";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003];
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Arbitrary constant key of the advisory lock that serialises migrations. */
const MIGRATION_LOCK = 0x454c4645; // "ELFE"

export interface MigrationReport {
  schema: string | undefined;
  applied: number[];
  version: number;
}

/**
 * Brings the schema up to the latest version; returns the versions it applied (none on a second
 * run). With `schema`, the schema is created if missing and every migration runs inside it.
 */
export async function migrate(db: CoordinationDb, schema: string | undefined = db.schema): Promise<MigrationReport> {
  const target = schemaName(schema);
  const applied: number[] = [];
  const setPath = target ? `SET LOCAL search_path TO ${quoteIdent(target)}` : undefined;
  await inTransaction(db, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    if (target) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(target)}`);
    if (setPath) await client.query(setPath);
    await client.query(`CREATE TABLE IF NOT EXISTS elfe_schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set(
      (await client.query<{ version: number }>("SELECT version FROM elfe_schema_migrations")).rows.map((r) => Number(r.version)),
    );
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query("INSERT INTO elfe_schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      applied.push(m.version);
    }
  });
  return { schema: target, applied, version: LATEST_VERSION };
}

/** The highest migration version recorded in the schema, 0 when none ran. */
export async function schemaVersion(db: CoordinationDb): Promise<number> {
  const target = schemaName(db.schema);
  const table = target ? `${quoteIdent(target)}.elfe_schema_migrations` : "elfe_schema_migrations";
  const exists = await db.pool.query<{ t: string | null }>("SELECT to_regclass($1) AS t", [table]);
  if (!exists.rows[0]?.t) return 0;
  const { rows } = await db.pool.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${table}`);
  return Number(rows[0]?.v ?? 0);
}
