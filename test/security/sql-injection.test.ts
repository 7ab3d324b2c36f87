// Security: every text that reaches SQL in lib/coordination is a parameter or a quoted identifier.
// Injection attempts in the schema name, the territory, warnings, device ids and names, read from
// and written to the real database (ELFE_TEST_PG_URL, or the embedded PGlite): the text is stored
// and read back verbatim, or refused with a RangeError, and no table is touched.
import { strict as assert } from "node:assert";
import { migrate, publishPlan, quoteIdent, readDevices, readFlexRequests, readLatestPlan, tableOf, type CoordinationDb } from "../../lib/coordination";
import { migratedDb, samplePlan, type MigratedDb } from "../lib/coordination/fixtures";

const ATTACKS = [
  "'; DROP TABLE result; --",
  "x'); DELETE FROM elfe_plan; --",
  '"; DROP SCHEMA public CASCADE; --',
  "' OR '1'='1",
  "$1); DROP TABLE ems_run_info; --",
  "\\'; TRUNCATE equipement_pilote_ou_mesure; --",
  "Robert'); DROP TABLE equipement_domotique;--",
  "é'||pg_sleep(5)||'",
];
const FVT = "2026-06-10T12:00:00+02:00";

describe("SQL injection in every text that reaches the coordination database (security)", function () {
  this.timeout(60_000);
  let m: MigratedDb;
  const t = (name: string) => tableOf(m.db, name);
  const count = async (table: string) => Number((await m.db.pool.query(`SELECT count(*) AS n FROM ${t(table)}`)).rows[0].n);
  beforeEach(async () => {
    m = await migratedDb();
  });
  afterEach(async () => m.close());

  it("territory and warning messages are stored and read back verbatim; the tables are intact", async function () {
    for (const [i, attack] of ATTACKS.entries()) {
      const plan = samplePlan(FVT, 3, 1, i + 1);
      plan.territory = attack;
      plan.warnings = [{ code: "WARN_CONSTRAINT", deviceId: "1", message: attack }];
      await publishPlan(m.db, plan, { resultType: i });
      const { rows } = await m.db.pool.query(`SELECT territory, warnings FROM ${t("elfe_plan")} WHERE result_type = $1`, [i]);
      assert.equal(rows[0].territory, attack);
      assert.equal((rows[0].warnings as { message: string }[])[0].message, attack);
      const read = await readLatestPlan(m.db, { resultTypes: [i], now: Date.parse(FVT) + 60_000 });
      assert.equal(read?.plan.territory, attack);
    }
    assert.equal(await count("elfe_plan"), ATTACKS.length);
    assert.equal(await count("result"), 3 * ATTACKS.length);
    assert.ok((await count("ems_run_info")) > 0);
  });

  it("device ids with SQL in them are refused before any query (publish) or ignored (device registry)", async function () {
    for (const attack of ATTACKS) {
      const plan = samplePlan(FVT, 2);
      plan.devices[0].deviceId = attack;
      await assert.rejects(publishPlan(m.db, plan), (e: unknown) => e instanceof RangeError && e.message.includes(JSON.stringify(attack)));
      const registry = await readDevices(m.db, [attack, "1"]);
      assert.deepEqual(registry.devices, []);
    }
    assert.equal(await count("result"), 0);
  });

  it("device names and plug ids with SQL in them come back verbatim from the registry and the flexibility requests' warnings", async function () {
    for (const [i, attack] of ATTACKS.entries()) {
      const { rows } = await m.db.pool.query(
        `INSERT INTO ${t("equipement_pilote_ou_mesure")} (equipement_pilote_ou_mesure_type_id, equipement_pilote_ou_mesure_mode_id, utilisateur, nom_humain)
         VALUES (111, 30, $1, $2) RETURNING id`,
        [`user-${i}`, attack],
      );
      await m.db.pool.query(
        `INSERT INTO ${t("equipement_domotique")} (equipement_domotique_type_id, equipement_domotique_usage_id, id_materiel, equipement_pilote_ou_mesure_id) VALUES (111, 11, $1, $2)`,
        [`plug-${i}-${attack.replace(/[+#]/g, "")}`, rows[0].id],
      );
    }
    const registry = await readDevices(m.db);
    assert.deepEqual(registry.devices.map((d) => d.binding.name), ATTACKS);
    const flex = await readFlexRequests(m.db, { zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96, now: Date.parse(FVT) });
    // Without a machine row each device is a warning that quotes its name as stored.
    assert.deepEqual(flex.warnings.map((w) => w.message), ATTACKS.map((a, i) => `device ${i + 1} "${a}": no row in equipement_pilote_machine_generique`));
    assert.equal(await count("equipement_domotique"), ATTACKS.length);
  });

  it("a schema name with SQL in it is one quoted identifier: migrate creates exactly that schema and nothing else happens", async function () {
    const attack = `x"; DROP TABLE ${m.db.schema}.result; --`;
    const db: CoordinationDb = { pool: m.db.pool, schema: attack };
    try {
      await migrate(db);
      const { rows } = await m.db.pool.query("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'result'", [attack]);
      assert.equal(Number(rows[0].n), 1);
      await publishPlan(db, samplePlan(FVT, 2));
      assert.equal(await count("result"), 0); // the test's own schema is untouched
      assert.equal(Number((await m.db.pool.query(`SELECT count(*) AS n FROM ${tableOf(db, "result")}`)).rows[0].n), 2);
    } finally {
      await m.db.pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(attack)} CASCADE`);
    }
    assert.throws(() => tableOf({ pool: m.db.pool, schema: "a\u0000b" }, "result"), /NUL/);
    assert.throws(() => tableOf({ pool: m.db.pool, schema: "x".repeat(64) }, "result"), /longer than 63 bytes/);
  });
});
