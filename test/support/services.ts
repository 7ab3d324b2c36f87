// Real services for tests: the machine's PostgreSQL and MQTT broker when ELFE_TEST_PG_URL /
// ELFE_TEST_MQTT_URL are set (CI), otherwise embedded ones (PGlite served on a loopback
// socket, aedes on a free port) so `npm test` works on a machine with neither.
import { randomBytes } from "node:crypto";
import { createServer, type AddressInfo, type Server } from "node:net";
import { Client } from "pg";

export interface TestDatabase {
  /** A connection string for `pg` (Client or Pool); its search_path is this test's own schema. */
  url: string;
  schema: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** The settings of an `elfe-database` config node (postgres mode) that reach this test database. */
export function databaseNodeSettings(test: TestDatabase): { mode: "postgres"; host: string; port: number; database: string; user: string; schema: string; tls: false } {
  const u = new URL(test.url);
  return { mode: "postgres", host: u.hostname, port: Number(u.port), database: u.pathname.slice(1), user: decodeURIComponent(u.username), schema: test.schema, tls: false };
}

export interface TestBroker {
  url: string;
  /** A topic prefix of this test's own, ending with "/". */
  prefix: string;
  embedded: boolean;
}

const uniqueName = (kind: string) => `${kind}_${process.pid}_${randomBytes(4).toString("hex")}`;

function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set("options", `-c search_path=${schema}`);
  return u.toString();
}

interface EmbeddedPg {
  url: string;
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

async function startPglite(): Promise<EmbeddedPg> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 20 });
  await server.start();
  const { port } = (server as unknown as { server: Server }).server.address() as AddressInfo;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    exec: (sql) => db.exec(sql),
    async close() {
      await server.stop();
      await db.close();
    },
  };
}

let sharedPglite: Promise<EmbeddedPg> | undefined;

/**
 * A fresh schema on the external PostgreSQL, or on the embedded one. Embedded: PGlite takes ~5 s
 * to start, so one instance serves the run; it is a single session shared by every socket, so
 * its search_path is set to the newest test's schema (tests run one at a time). `isolated`
 * gives a PGlite of the test's own, e.g. for a test that stops the server.
 */
export async function testDatabase(options: { isolated?: boolean } = {}): Promise<TestDatabase> {
  const external = process.env.ELFE_TEST_PG_URL;
  const schema = uniqueName("elfe_test");
  if (external) {
    const admin = new Client({ connectionString: external });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    return {
      url: withSearchPath(external, schema),
      schema,
      embedded: false,
      async close() {
        const c = new Client({ connectionString: external });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      },
    };
  }
  const pg = options.isolated ? await startPglite() : await (sharedPglite ??= startPglite());
  await pg.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
  return {
    url: pg.url,
    schema,
    embedded: true,
    async close() {
      if (options.isolated) return pg.close();
      await pg.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; SET search_path TO public`);
    },
  };
}

let embeddedBroker: Promise<{ url: string; close(): Promise<void> }> | undefined;

async function startAedes(): Promise<{ url: string; close(): Promise<void> }> {
  const { Aedes } = await import("aedes");
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        broker.close(() => server.close(() => resolve()));
      }),
  };
}

/** The external broker, or one embedded aedes broker shared by the whole test run; a fresh topic prefix. */
export async function testBroker(): Promise<TestBroker> {
  const prefix = `elfe-test/${uniqueName("run")}/`;
  const external = process.env.ELFE_TEST_MQTT_URL;
  if (external) return { url: external, prefix, embedded: false };
  embeddedBroker ??= startAedes();
  return { url: (await embeddedBroker).url, prefix, embedded: true };
}

/** Starts the embedded PostgreSQL when no external one is configured (mocha's root beforeAll). */
export async function startEmbeddedServices(): Promise<void> {
  if (!process.env.ELFE_TEST_PG_URL) await (sharedPglite ??= startPglite());
}

/** Stops the embedded services (mocha's root afterAll calls it). */
export async function stopEmbeddedServices(): Promise<void> {
  if (embeddedBroker) await (await embeddedBroker).close();
  if (sharedPglite) await (await sharedPglite).close();
  embeddedBroker = undefined;
  sharedPglite = undefined;
}
