// Opens the coordination database: an external PostgreSQL through one pg.Pool, or an embedded
// PGlite (Postgres in WebAssembly) stored in a folder and served on a loopback port so that the
// same pg code talks to it. Also the "a plan was committed" signal: LISTEN/NOTIFY on PostgreSQL,
// an in-process event for the embedded database (only this process serves it).
import { EventEmitter } from "node:events";
import { mkdirSync } from "node:fs";
import type { AddressInfo, Server } from "node:net";
import { resolve } from "node:path";
import { Client, Pool, type ClientConfig, type PoolConfig } from "pg";
import { schemaName, type CoordinationDb } from "./db";
import { migrate, type MigrationReport } from "./schema";
import { PLAN_CHANNEL, type PlanNotice } from "./publish";

/** The application name of LISTEN connections, as pg_stat_activity shows them. */
export const LISTENER_NAME = "elfe plan listener";

export interface ConnectionSettings {
  mode: "postgres" | "embedded";
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  /** TLS to the server; `rejectUnauthorized` false accepts self-signed certificates. */
  tls?: boolean;
  rejectUnauthorized?: boolean;
  schema?: string;
  /** Embedded: the folder PGlite keeps its files in (created if missing). */
  dataDir?: string;
  /** Embedded: loopback port to serve on; 0 = any free port. */
  embeddedPort?: number;
  poolMax?: number;
  /** Run the migrations once connected ("create/upgrade schema"). */
  migrate?: boolean;
}

export interface Coordination {
  db: CoordinationDb;
  /** What the connection is, without secrets: "postgres://user@host:port/db" or "embedded (dir) on 127.0.0.1:port". */
  description: string;
  migration?: MigrationReport;
  /**
   * Calls `listener` for every plan committed in this schema; returns the unsubscribe function.
   * `onLost` is called once if the listening connection breaks (it then pushes nothing more).
   */
  onPlan(listener: (notice: PlanNotice) => void, onLost?: (err: Error) => void): Promise<() => Promise<void>>;
  /** Tells in-process listeners about a plan this process committed (the embedded database has no NOTIFY). */
  announce(notice: PlanNotice): void;
  close(): Promise<void>;
}

interface Embedded {
  port: number;
  stop(): Promise<void>;
}

/** Folders this process serves: PGlite must not open one folder twice. */
const openFolders = new Set<string>();

async function startEmbedded(dataDir: string, port: number): Promise<Embedded> {
  const folder = resolve(dataDir);
  if (openFolders.has(folder)) throw new Error(`the embedded database ${folder} is already open (another elfe-database node uses the same folder)`);
  openFolders.add(folder);
  try {
    return await serveEmbedded(folder, port);
  } catch (err) {
    openFolders.delete(folder);
    throw err;
  }
}

async function serveEmbedded(dataDir: string, port: number): Promise<Embedded> {
  mkdirSync(dataDir, { recursive: true });
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const pglite = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db: pglite, host: "127.0.0.1", port, maxConnections: 16 });
  try {
    await server.start();
  } catch (err) {
    await pglite.close();
    throw err;
  }
  const address = (server as unknown as { server: Server }).server.address() as AddressInfo;
  return {
    port: address.port,
    async stop() {
      try {
        await server.stop();
        await pglite.close();
      } finally {
        openFolders.delete(dataDir);
      }
    },
  };
}

export async function openCoordination(settings: ConnectionSettings): Promise<Coordination> {
  const schema = schemaName(settings.schema);
  let embedded: Embedded | undefined;
  let config: ClientConfig;
  let description: string;
  if (settings.mode === "embedded") {
    if (!settings.dataDir) throw new RangeError("the embedded database needs a folder");
    embedded = await startEmbedded(settings.dataDir, settings.embeddedPort ?? 0);
    config = { host: "127.0.0.1", port: embedded.port, user: "postgres", database: "postgres" };
    description = `embedded (${settings.dataDir}) on 127.0.0.1:${embedded.port}`;
  } else {
    config = {
      host: settings.host || "127.0.0.1",
      port: settings.port || 5432,
      database: settings.database || undefined,
      user: settings.user || undefined,
      password: settings.password || undefined,
      ssl: settings.tls ? { rejectUnauthorized: settings.rejectUnauthorized !== false } : undefined,
    };
    description = `postgres://${config.user ?? ""}@${config.host}:${config.port}/${config.database ?? ""}`;
  }
  const poolConfig: PoolConfig = { ...config, max: settings.poolMax ?? (embedded ? 4 : 10), idleTimeoutMillis: 30_000 };
  const pool = new Pool(poolConfig);
  const events = new EventEmitter();
  // An idle client whose server went away: the pool drops it; the next query reports the failure.
  pool.on("error", (err) => events.emit("poolError", err));
  const db: CoordinationDb = { pool, schema };
  const listeners = new Set<Client>();
  let closed = false;
  const close = async () => {
    closed = true;
    for (const c of listeners) await c.end().catch(() => undefined);
    listeners.clear();
    events.removeAllListeners();
    await pool.end();
    if (embedded) await embedded.stop();
  };

  let migration: MigrationReport | undefined;
  try {
    await pool.query("SELECT 1");
    if (settings.migrate) migration = await migrate(db, schema);
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }

  const matches = (n: PlanNotice) => (n.schema ?? null) === (schema ?? null);
  return {
    db,
    description,
    migration,
    announce(notice) {
      if (embedded && matches(notice)) events.emit("plan", notice);
    },
    async onPlan(listener, onLost) {
      const onEvent = (n: PlanNotice) => listener(n);
      events.on("plan", onEvent);
      let client: Client | undefined;
      let stopped = false;
      if (!embedded) {
        client = new Client({ ...config, application_name: LISTENER_NAME });
        let lost = true; // until subscribed: a failure to subscribe is thrown, not reported twice
        const broken = (err: Error) => {
          if (stopped || closed || lost) return;
          lost = true;
          onLost?.(err);
        };
        client.on("error", broken);
        client.on("end", () => broken(new Error("the LISTEN connection was closed by the server")));
        client.on("notification", (msg) => {
          if (msg.channel !== PLAN_CHANNEL || !msg.payload) return;
          try {
            const notice = JSON.parse(msg.payload) as PlanNotice;
            if (matches(notice)) listener(notice);
          } catch {
            // a foreign payload on our channel is not ours to read
          }
        });
        try {
          await client.connect();
          await client.query(`LISTEN ${PLAN_CHANNEL}`);
        } catch (err) {
          stopped = true;
          events.off("plan", onEvent);
          await client.end().catch(() => undefined);
          throw err;
        }
        lost = false;
        listeners.add(client);
      }
      return async () => {
        stopped = true;
        events.off("plan", onEvent);
        if (client) {
          listeners.delete(client);
          await client.end().catch(() => undefined);
        }
      };
    },
    close,
  };
}
