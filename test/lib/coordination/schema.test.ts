import { strict as assert } from "node:assert";
import { Pool } from "pg";
import { LATEST_VERSION, migrate, quoteIdent, schemaVersion, tableOf } from "../../../lib/coordination";
import { testDatabase } from "../../support/services";

const TABLES = [
  "equipement_pilote_ou_mesure",
  "equipement_pilote_machine_generique",
  "equipement_pilote_ballon_ecs",
  "equipement_pilote_ballon_ecs_heures_creuses",
  "equipement_pilote_vehicule_electrique_generique",
  "equipement_pilote_chauffage_non_asservi",
  "equipement_pilote_chauffage_asservi",
  "equipement_domotique",
  "equipement_domotique_type",
  "result",
  "ems_run_info",
  "p_c_without_flexible_consumption",
  "p_c_with_flexible_consumption",
  "elfe_plan",
  "elfe_schema_migrations",
];

async function tablesIn(pool: Pool, schema: string): Promise<string[]> {
  const { rows } = await pool.query<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1", [schema]);
  return rows.map((r) => r.t);
}

describe("coordination schema migrations", function () {
  this.timeout(180_000); // the first test may start the embedded PGlite on a busy machine
  it("creates ELFE's tables from an empty schema, then a second run is a no-op", async function () {
    const test = await testDatabase();
    const pool = new Pool({ connectionString: test.url, max: 2 });
    try {
      const db = { pool, schema: test.schema };
      assert.equal(await schemaVersion(db), 0);
      const first = await migrate(db);
      assert.deepEqual(first.applied, [1, 2, 3]);
      assert.equal(await schemaVersion(db), LATEST_VERSION);
      const tables = await tablesIn(pool, test.schema);
      for (const t of TABLES) assert.ok(tables.includes(t), `missing table ${t}`);
      const cols = await pool.query<{ c: string }>(
        "SELECT column_name AS c FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'result' AND column_name LIKE 'decisions_%'",
        [test.schema],
      );
      assert.equal(cols.rows.length, 96);
      // ELFE's ids are kept.
      const modes = await pool.query(`SELECT id FROM ${tableOf(db, "equipement_pilote_ou_mesure_mode")} ORDER BY id`);
      assert.deepEqual(modes.rows.map((r) => r.id), [1, 10, 20, 30, 70, 80]);
      const plugs = await pool.query(`SELECT id, famille FROM ${tableOf(db, "equipement_domotique_type")} ORDER BY id`);
      assert.deepEqual(plugs.rows.map((r) => r.id), [111, 112, 211, 311, 411, 611, 711, 811]);
      await pool.query(`INSERT INTO ${tableOf(db, "equipement_pilote_ou_mesure")} (equipement_pilote_ou_mesure_type_id, equipement_pilote_ou_mesure_mode_id, nom_humain) VALUES (112, 30, 'kept')`);
      const second = await migrate(db);
      assert.deepEqual(second.applied, []);
      const kept = await pool.query(`SELECT nom_humain FROM ${tableOf(db, "equipement_pilote_ou_mesure")}`);
      assert.deepEqual(kept.rows, [{ nom_humain: "kept" }]);
      const log = await pool.query(`SELECT version FROM ${tableOf(db, "elfe_schema_migrations")} ORDER BY version`);
      assert.deepEqual(log.rows.map((r) => r.version), [1, 2, 3]);
    } finally {
      await pool.end();
      await test.close();
    }
  });

  it("creates the schema it is given, and finds the tables through the search_path when no schema is given", async function () {
    const test = await testDatabase();
    const pool = new Pool({ connectionString: test.url, max: 2 });
    const other = `${test.schema}_named`;
    try {
      const report = await migrate({ pool }, other);
      assert.equal(report.schema, other);
      assert.ok((await tablesIn(pool, other)).includes("result"));
      assert.deepEqual(await tablesIn(pool, test.schema), []);
      // The connection's search_path is the test schema: unqualified migrations land there.
      await migrate({ pool });
      assert.ok((await tablesIn(pool, test.schema)).includes("equipement_pilote_ou_mesure"));
      assert.equal(await schemaVersion({ pool }), LATEST_VERSION);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(other)} CASCADE`);
      await pool.end();
      await test.close();
    }
  });

  it("quotes a hostile schema name: it becomes one odd schema, nothing else happens", async function () {
    const test = await testDatabase();
    const pool = new Pool({ connectionString: test.url, max: 2 });
    const hostile = `x"; DROP SCHEMA ${test.schema} CASCADE; --`;
    try {
      await pool.query("CREATE TABLE canary (id int)");
      await migrate({ pool, schema: hostile });
      assert.ok((await tablesIn(pool, hostile)).includes("result"));
      assert.deepEqual(await tablesIn(pool, test.schema), ["canary"]);
      assert.throws(() => quoteIdent(""), RangeError);
      assert.throws(() => quoteIdent("a\u0000b"), RangeError);
      assert.equal(quoteIdent('we"ird'), '"we""ird"');
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(hostile)} CASCADE`);
      await pool.end();
      await test.close();
    }
  });
});
