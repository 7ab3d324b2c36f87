// Node tests of elfe-database, elfe-flex-requests, elfe-plan-publish and elfe-plan-read, on the
// test database (the machine's PostgreSQL or the embedded PGlite), and the embedded mode itself.
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, connect, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { Pool } from "pg";
import databaseNode from "../../nodes/elfe-database/elfe-database";
import flexRequestsNode from "../../nodes/elfe-flex-requests/elfe-flex-requests";
import planPublishNode from "../../nodes/elfe-plan-publish/elfe-plan-publish";
import planReadNode from "../../nodes/elfe-plan-read/elfe-plan-read";
import territoryNode from "../../nodes/elfe-territory/elfe-territory";
import { LISTENER_NAME, publishPlan, tableOf, type Coordination } from "../../lib/coordination";
import type { DatabaseConfigNode } from "../../nodes/node-helpers";
import { databaseNodeSettings, testDatabase, type TestDatabase } from "../support/services";
import { freePort } from "../support/node-red-process";
import { grid, samplePlan } from "../lib/coordination/fixtures";
import helper from "./helper";

const nodes = [territoryNode, databaseNode, flexRequestsNode, planPublishNode, planReadNode];
const territory = { id: "t1", type: "elfe-territory", name: "Vilaine", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };

function databaseConfig(test: TestDatabase, extra: Record<string, unknown> = {}) {
  return { id: "db1", type: "elfe-database", ...databaseNodeSettings(test), migrate: true, ...extra };
}

const flow = (db: Record<string, unknown>, read: Record<string, unknown> = {}) => [
  { id: "f1", type: "tab" },
  territory,
  db,
  { id: "req", z: "f1", type: "elfe-flex-requests", database: "db1", territory: "t1", wires: [["h1"], ["h4"]] },
  { id: "pub", z: "f1", type: "elfe-plan-publish", database: "db1", resultType: 0, wires: [["h2"]] },
  { id: "read", z: "f1", type: "elfe-plan-read", database: "db1", territory: "t1", resultTypes: "", listen: false, wires: [["h3"]], ...read },
  { id: "h1", z: "f1", type: "helper" },
  { id: "h4", z: "f1", type: "helper" },
  { id: "h2", z: "f1", type: "helper" },
  { id: "h3", z: "f1", type: "helper" },
  { id: "c1", z: "f1", type: "catch", scope: null, wires: [["hc"]] },
  { id: "hc", z: "f1", type: "helper" },
];

const next = (id: string) => new Promise<any>((resolve) => helper.getNode(id).once("input", resolve));
/** A plan starting at the coming slot, so that it is in force now. */
const currentPlan = (count: number, seed = 1) => samplePlan(grid.iso(grid.nextSlotStart(Date.now())), count, 1, seed);

/** A TCP relay on `port` to the test database: the database "comes up" when it starts. */
async function startRelay(port: number, target: URL): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const relay: Server = createServer((inbound) => {
    const outbound = connect(Number(target.port), target.hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on("error", () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((r) => relay.listen(port, "127.0.0.1", r));
  return {
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => relay.close(r));
    },
  };
}

describe("coordination nodes", function () {
  this.timeout(180_000);
  let test: TestDatabase;
  let coordination: Coordination;
  beforeEach(async () => {
    test = await testDatabase();
    await helper.startServer();
  });
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
    await test.close();
  });

  /** Publishes through the elfe-plan-publish node and waits for its output. */
  async function publishThroughNode(plan: ReturnType<typeof currentPlan>) {
    const published = next("h2");
    helper.getNode("pub").receive({ payload: plan } as any);
    await published;
    return plan;
  }

  async function load(read: Record<string, unknown> = {}, db: Record<string, unknown> = {}) {
    await helper.load(nodes, flow(databaseConfig(test, db), read), { db1: {} });
    coordination = await (helper.getNode("db1") as unknown as DatabaseConfigNode).coordination();
  }

  it("should be loaded; the database node creates ELFE's schema when ticked and closes its pool on redeploy", async function () {
    await load();
    assert.equal(helper.getNode("pub").type, "elfe-plan-publish");
    assert.deepEqual(coordination.migration?.applied, [1, 2, 3]);
    const { rows } = await coordination.db.pool.query(`SELECT count(*)::int AS n FROM ${tableOf(coordination.db, "result")}`);
    assert.equal(rows[0].n, 0);
    await helper.unload();
    assert.equal((coordination.db.pool as any).ended, true);
  });

  it("does not touch the schema when create/upgrade is not ticked", async function () {
    await load({}, { migrate: false });
    assert.equal(coordination.migration, undefined);
    const pub = helper.getNode("pub");
    const caught = next("hc");
    pub.receive({ payload: currentPlan(2) } as any);
    const err = await caught;
    assert.match(err.error.message, /does not exist/);
  });

  it("publishes a plan from msg.payload, then reads it back with its age", async function () {
    await load();
    const plan = currentPlan(20);
    const published = next("h2");
    helper.getNode("pub").receive({ payload: plan, keep: 1 } as any);
    const out = await published;
    assert.equal(out.keep, 1);
    assert.equal(out.published.rows, 20);
    assert.deepEqual(out.payload, plan);
    const read = next("h3");
    helper.getNode("read").receive({ payload: "go" } as any);
    const back = await read;
    assert.deepEqual(back.payload, plan);
    assert.ok(back.age.ms >= 0 && back.age.ms < 60_000);
    assert.equal(back.age.slotIndex, 0);
    assert.ok((helper.getNode("read").status as any).calledWithMatch({ fill: "green", text: "elfe-plan-read.status.plan" }));
  });

  it("connections killed by the server between reads: the next read gets a new one, the plan in force is intact", async function () {
    if (test.embedded) this.skip(); // pg_terminate_backend needs a real PostgreSQL
    await load();
    const plan = await publishThroughNode(currentPlan(5));
    const { rows } = await coordination.db.pool.query("SELECT pg_backend_pid() AS pid");
    const admin = new Pool({ connectionString: test.url, max: 1 });
    try {
      const killed = await admin.query("SELECT pg_terminate_backend($1) AS ok", [rows[0].pid]);
      assert.equal(killed.rows[0].ok, true);
    } finally {
      await admin.end();
    }
    await new Promise((r) => setTimeout(r, 200)); // the pool hears its idle client die
    const read = next("h3");
    helper.getNode("read").receive({ payload: "go" } as any);
    assert.deepEqual((await read).payload, plan);
  });

  it("a connection killed in the middle of a read: Catch names it, the next read gives the plan in force", async function () {
    if (test.embedded) this.skip(); // pg_terminate_backend needs a real PostgreSQL
    await load();
    const plan = await publishThroughNode(currentPlan(5));
    // Another session holds the result table: the read waits on it, and is killed while it waits.
    const admin = new Pool({ connectionString: test.url, max: 2 });
    const locker = await admin.connect();
    try {
      await locker.query("BEGIN");
      await locker.query(`LOCK TABLE ${tableOf(coordination.db, "result")} IN ACCESS EXCLUSIVE MODE`);
      const caught = next("hc");
      helper.getNode("read").receive({ payload: "go" } as any);
      let pid: number | undefined;
      for (let i = 0; pid === undefined; i++) {
        if (i > 100) throw new Error("the read never waited on the lock");
        await new Promise((r) => setTimeout(r, 50));
        const waiting = await admin.query("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%result%' AND pid <> $1", [(await locker.query("SELECT pg_backend_pid() AS pid")).rows[0].pid]);
        pid = waiting.rows[0]?.pid;
      }
      await admin.query("SELECT pg_terminate_backend($1)", [pid]);
      const err = await caught;
      assert.match(err.error.message, /terminat/i);
      assert.ok((helper.getNode("read").status as any).calledWithMatch({ fill: "red" }));
      await locker.query("ROLLBACK");
    } finally {
      locker.release();
      await admin.end();
    }
    const read = next("h3");
    helper.getNode("read").receive({ payload: "go" } as any);
    assert.deepEqual((await read).payload, plan);
  });

  it("a bad plan goes to Catch with a red status; no plan in force gives payload null", async function () {
    await load();
    const empty = next("h3");
    helper.getNode("read").receive({} as any);
    assert.equal((await empty).payload, null);
    const caught = next("hc");
    helper.getNode("pub").receive({ payload: { ...currentPlan(2), slotCount: "x" } } as any);
    assert.match((await caught).error.message, /invalid Plan/);
    assert.ok((helper.getNode("pub").status as any).calledWithMatch({ fill: "red" }));
  });

  it("a database unreachable at deploy is reported, then reached by itself after the back-off, no redeploy", async function () {
    // A TCP relay to the test database on a port nobody listens on yet: the database is "down".
    const port = await freePort();
    const target = new URL(test.url);
    await helper.load(nodes, flow(databaseConfig(test, { host: "127.0.0.1", port })), { db1: {} });
    const config = helper.getNode("db1") as unknown as DatabaseConfigNode;
    await assert.rejects(config.coordination(), /ECONNREFUSED/);
    const caught = next("hc");
    helper.getNode("req").receive({ payload: "now" } as any);
    assert.match((await caught).error.message, /ECONNREFUSED/, "the reading node says why");
    const relay = await startRelay(port, target); // the database comes up
    try {
      await new Promise((r) => setTimeout(r, 1100)); // the first back-off
      const got = next("h1");
      helper.getNode("req").receive({ payload: "now" } as any);
      assert.deepEqual((await got).payload, [], "read through the database that came up");
      coordination = await config.coordination();
      assert.ok(coordination.description.includes(`:${port}/`));
    } finally {
      await helper.unload();
      await relay.close();
    }
  });

  it("sends the flexibility requests of the devices in mode 30, with warnings naming the others", async function () {
    await load();
    const t = (n: string) => tableOf(coordination.db, n);
    const sql = (s: string, p: unknown[] = []) => coordination.db.pool.query(s, p);
    const fin = Math.floor(Date.now() / 1000) + 6 * 3600;
    const ok = (await sql(`INSERT INTO ${t("equipement_pilote_ou_mesure")} (equipement_pilote_ou_mesure_type_id, equipement_pilote_ou_mesure_mode_id, nom_humain) VALUES (112, 30, 'lave-linge') RETURNING id`)).rows[0].id;
    await sql(`INSERT INTO ${t("equipement_pilote_machine_generique")} (equipement_pilote_ou_mesure_id, timestamp_de_fin_souhaite, delai_attente_maximale_apres_fin) VALUES ($1, $2, 3600)`, [ok, fin]);
    const bad = (await sql(`INSERT INTO ${t("equipement_pilote_ou_mesure")} (equipement_pilote_ou_mesure_type_id, equipement_pilote_ou_mesure_mode_id, nom_humain) VALUES (111, 30, 'lave-vaisselle') RETURNING id`)).rows[0].id;
    await sql(`INSERT INTO ${t("equipement_domotique")} (equipement_domotique_type_id, equipement_domotique_usage_id, id_materiel, equipement_pilote_ou_mesure_id) VALUES (111, 11, 'shellyplug-s-ABCDEF', $1)`, [ok]);
    const got = next("h1");
    const devices = next("h4");
    helper.getNode("req").receive({ payload: "now" } as any);
    const msg = await got;
    assert.deepEqual(msg.payload.map((r: any) => [r.deviceId, r.kind]), [[String(ok), "machine"]]);
    assert.deepEqual(msg.warnings.map((w: any) => w.deviceId), [String(bad)]);
    // The second output: the piloted devices and their plugs, for the dispatch.
    const bindings = await devices;
    assert.equal(bindings.topic, "devices");
    assert.deepEqual(bindings.payload.map((b: any) => [b.deviceId, b.family, b.plugId]), [[String(ok), "shelly-gen1", "shellyplug-s-ABCDEF"]]);
    assert.deepEqual(bindings.warnings.map((w: any) => w.deviceId), [String(bad)], "no plug for the dishwasher");
    assert.ok((helper.getNode("req").status as any).calledWithMatch({ fill: "yellow", text: "elfe-flex-requests.status.read" }));
  });

  it("with listen, pushes a plan as soon as another publisher commits it (PostgreSQL LISTEN/NOTIFY)", async function () {
    if (test.embedded) this.skip(); // PGlite served on a socket does not carry NOTIFY between connections; the embedded-mode test covers the push
    await load({ listen: true });
    const pool = new Pool({ connectionString: test.url, max: 1 });
    try {
      await new Promise((r) => setTimeout(r, 300)); // LISTEN issued
      const pushed = next("h3");
      const plan = currentPlan(3, 5);
      await publishPlan({ pool, schema: test.schema }, plan);
      const msg = await pushed;
      assert.equal(msg.topic, "plan");
      assert.deepEqual(msg.payload, plan);
    } finally {
      await pool.end();
    }
  });

  it("with listen, a listening connection killed by the server is reported once, renewed after the back-off, and the plan committed meanwhile is sent", async function () {
    if (test.embedded) this.skip(); // LISTEN/NOTIFY and pg_terminate_backend need a real PostgreSQL
    await load({ listen: true });
    const pool = new Pool({ connectionString: test.url, max: 1 });
    try {
      await new Promise((r) => setTimeout(r, 300)); // LISTEN issued
      const caught = next("hc");
      const killed = await pool.query("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()", [LISTENER_NAME]);
      assert.deepEqual(killed.rows, [{ ok: true }], "one listening connection");
      assert.match((await caught).error.message, /listening for new plans: terminating connection .*; trying again$/);
      assert.ok((helper.getNode("read").status as any).calledWithMatch({ fill: "red", text: "elfe-plan-read.status.listenLost" }));
      // Committed while nobody listens: sent once the node listens again (back-off 1 s).
      const missed = currentPlan(3, 6);
      const resent = next("h3");
      await publishPlan({ pool, schema: test.schema }, missed);
      assert.deepEqual((await resent).payload, missed);
      const pushed = next("h3");
      const plan = currentPlan(4, 7);
      await publishPlan({ pool, schema: test.schema }, plan);
      assert.deepEqual((await pushed).payload, plan, "pushed by the renewed LISTEN");
    } finally {
      await pool.end();
    }
  });

  it("with listen, a database unreachable at deploy is reported, then listened to by itself once it is up", async function () {
    if (test.embedded) this.skip(); // LISTEN/NOTIFY needs a real PostgreSQL
    const port = await freePort();
    const target = new URL(test.url);
    await helper.load(nodes, flow(databaseConfig(test, { host: "127.0.0.1", port }), { listen: true }), { db1: {} });
    const errors: any[] = [];
    helper.getNode("hc").on("input", (m: any) => errors.push(m));
    let relay: Awaited<ReturnType<typeof startRelay>> | undefined;
    const pool = new Pool({ connectionString: test.url, max: 1 });
    try {
      await new Promise((r) => setTimeout(r, 300));
      assert.ok((helper.getNode("read").status as any).calledWithMatch({ fill: "red", text: "elfe-plan-read.status.listenLost" }));
      relay = await startRelay(port, target); // the database comes up
      const first = next("h3");
      assert.equal((await first).payload, null, "listening: the plan in force is read at once (none yet)");
      const pushed = next("h3");
      const plan = currentPlan(2, 8);
      await publishPlan({ pool, schema: test.schema }, plan);
      assert.deepEqual((await pushed).payload, plan);
      assert.ok(errors.filter((m) => /listening for new plans/.test(m.error.message)).length <= 1, "reported once per outage");
    } finally {
      await pool.end();
      await helper.unload();
      await relay?.close();
    }
  });

  it("reports a missing database configuration", async function () {
    await helper.load(nodes, [{ id: "f1", type: "tab" }, { id: "pub", z: "f1", type: "elfe-plan-publish", database: "", wires: [] }]);
    assert.ok((helper.getNode("pub").status as any).calledWithMatch({ fill: "red", text: "elfe-plan-publish.status.noConfig" }));
  });
});

describe("elfe-database embedded mode", function () {
  this.timeout(240_000);
  let userDir: string;
  beforeEach(async () => {
    userDir = mkdtempSync(join(tmpdir(), "elfe-db-"));
    helper.settings({ userDir });
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    helper.settings({});
    rmSync(userDir, { recursive: true, force: true });
  });

  it("keeps a PGlite in the user directory, publishes, pushes the new plan to a listening reader and keeps it across a redeploy", async function () {
    const db = { id: "db1", type: "elfe-database", mode: "embedded", folder: "coord", embeddedPort: 0, schema: "", migrate: true };
    // A second database node on the same folder is refused: PGlite must not open a folder twice.
    await helper.load(nodes, [...flow(db, { listen: true }), { ...db, id: "db2" }]);
    const config = helper.getNode("db1") as unknown as DatabaseConfigNode;
    await assert.rejects((helper.getNode("db2") as unknown as DatabaseConfigNode).coordination(), /already open/);
    const c = await config.coordination();
    assert.match(c.description, /embedded .*coord.* on 127\.0\.0\.1:\d+/);
    const plan = currentPlan(4);
    const pushed = next("h3");
    helper.getNode("pub").receive({ payload: plan } as any);
    assert.deepEqual((await pushed).payload, plan);
    await helper.unload();
    // Same folder, new deploy: the plan is still there and no migration runs again.
    await helper.load(nodes, flow({ ...db }));
    const again = await (helper.getNode("db1") as unknown as DatabaseConfigNode).coordination();
    assert.deepEqual(again.migration?.applied, []);
    const read = next("h3");
    helper.getNode("read").receive({} as any);
    assert.deepEqual((await read).payload, plan);
  });

  it("refuses a folder name that would leave the user directory", async function () {
    await helper.load(nodes, [{ id: "db1", type: "elfe-database", mode: "embedded", folder: "../../etc", migrate: true }]);
    await assert.rejects((helper.getNode("db1") as unknown as DatabaseConfigNode).coordination(), /elfe-database.errors.folder/);
  });
});
