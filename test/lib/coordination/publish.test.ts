import { strict as assert } from "node:assert";
import { Client } from "pg";
import { publishPlan, readLatestPlan, tableOf } from "../../../lib/coordination";
import { grid, migratedDb, samplePlan, type MigratedDb } from "./fixtures";

const T0 = "2026-06-10T14:15:00+02:00";
const T1 = "2026-06-10T14:30:00+02:00";
const at = (iso: string) => Date.parse(iso);

async function count(m: MigratedDb, table: string, where = "", params: unknown[] = []): Promise<number> {
  const { rows } = await m.db.pool.query(`SELECT count(*)::int AS n FROM ${tableOf(m.db, table)} ${where}`, params);
  return rows[0].n;
}

describe("coordination: publishing and reading plans", function () {
  this.timeout(180_000);
  let m: MigratedDb;
  beforeEach(async () => {
    m = await migratedDb();
  });
  afterEach(async () => m.close());

  it("writes ELFE's rows (one-shot pulse, continuous on/off, run info, both curves) and reads the plan back equal", async function () {
    const plan = samplePlan(T0, 12);
    const report = await publishPlan(m.db, plan);
    assert.equal(report.rows, 12);
    assert.equal(report.replaced, false);
    const fvt = at(T0) / 1000;
    const { rows } = await m.db.pool.query(
      `SELECT machine_id, machine_type, result_type, decisions_0, decisions_1, decisions_95 FROM ${tableOf(m.db, "result")} WHERE first_valid_timestamp = $1 ORDER BY machine_id`,
      [fvt],
    );
    assert.equal(rows.length, 12);
    assert.deepEqual(rows[4], { machine_id: 5, machine_type: 151, result_type: 0, decisions_0: plan.devices[4].decisions[0], decisions_1: plan.devices[4].decisions[1], decisions_95: plan.devices[4].decisions[95] });
    const info = await m.db.pool.query(`SELECT run_time_ms, consumer_count, conso_max_hour, conso_max_hour_timestamp::int8 AS ts FROM ${tableOf(m.db, "ems_run_info")}`);
    assert.deepEqual(info.rows, [{ run_time_ms: 345, consumer_count: 12, conso_max_hour: 3400, ts: String(at(plan.runInfo.maxHourDeficit.at) / 1000) }]);
    assert.equal(await count(m, "p_c_with_flexible_consumption"), 96);
    const back = await readLatestPlan(m.db, { now: at(T0) - 30_000 });
    assert.ok(back);
    assert.deepEqual(back.plan, plan);
    assert.equal(back.slotIndex, 0);
    assert.ok(back.ageMs >= 0 && back.ageMs < 60_000, `age ${back.ageMs}`);
  });

  it("re-publishing the same round and method replaces it; another method coexists; readers pick their method", async function () {
    await publishPlan(m.db, samplePlan(T0, 6, 1, 1));
    const again = samplePlan(T0, 4, 1, 2);
    const report = await publishPlan(m.db, again);
    assert.equal(report.replaced, true);
    assert.equal(await count(m, "result"), 4);
    assert.equal(await count(m, "ems_run_info"), 1);
    assert.equal(await count(m, "elfe_plan"), 1);
    await publishPlan(m.db, samplePlan(T0, 3, 1, 3), { resultType: 7 });
    assert.equal(await count(m, "result"), 7);
    const mine = await readLatestPlan(m.db, { now: at(T0), resultTypes: [0] });
    assert.deepEqual(mine?.plan.devices, again.devices);
    const other = await readLatestPlan(m.db, { now: at(T0), resultTypes: [7] });
    assert.equal(other?.plan.devices.length, 3);
    assert.equal(other?.resultType, 7);
  });

  it("reads, per device, the newest row still in force, shifted onto the newest round (as ELFE's control-command)", async function () {
    await publishPlan(m.db, samplePlan(T0, 3, 1));
    const newer = samplePlan(T1, 2, 1);
    await publishPlan(m.db, newer);
    const back = await readLatestPlan(m.db, { now: at(T1) + 20 * 60_000 });
    assert.ok(back);
    assert.equal(back.plan.firstValidTimestamp, T1);
    assert.equal(back.slotIndex, 1);
    assert.deepEqual(back.plan.devices.map((d) => d.deviceId), ["1", "2", "3"]);
    const old = samplePlan(T0, 3, 1).devices[2];
    assert.deepEqual(back.plan.devices[2].decisions, [...old.decisions.slice(1), 0]);
    // A day later nothing is in force any more.
    assert.equal(await readLatestPlan(m.db, { now: at(T1) + 25 * 3_600_000 }), null);
  });

  it("a plan across the autumn DST change keeps 96 quarter-hours, one curve point per 900 s", async function () {
    const start = "2026-10-25T00:00:00+02:00"; // the local day has 100 quarter-hours
    const plan = samplePlan(start, 3);
    await publishPlan(m.db, plan);
    const { rows } = await m.db.pool.query(`SELECT data_timestamp::int8 AS ts FROM ${tableOf(m.db, "p_c_with_flexible_consumption")} ORDER BY 1`);
    const ts = rows.map((r) => Number(r.ts));
    assert.equal(ts.length, 96);
    assert.ok(ts.every((t, i) => t === at(start) / 1000 + i * 900));
    const back = await readLatestPlan(m.db, { now: at("2026-10-25T02:40:00+01:00") });
    assert.deepEqual(back?.plan, plan);
    assert.equal(back?.slotIndex, 14); // 00:00+02 -> 02:40+01 is 3 h 40 min
  });

  it("publishes and reads back 1000 devices x 96 decisions equal", async function () {
    const plan = samplePlan(T0, 1000);
    const report = await publishPlan(m.db, plan);
    assert.equal(report.rows, 1000);
    const back = await readLatestPlan(m.db, { now: at(T0) });
    assert.deepEqual(back?.plan, plan);
  });

  it("refuses what ELFE's tables cannot hold before writing anything", async function () {
    const plan = samplePlan(T0, 2);
    await assert.rejects(publishPlan(m.db, { ...plan, devices: [{ ...plan.devices[0], deviceId: "wm-1" }] }), /not an ELFE/);
    await assert.rejects(publishPlan(m.db, { ...plan, devices: [{ ...plan.devices[0], decisions: plan.devices[0].decisions.map((d) => d + 0.5) }] }), /integers/);
    await assert.rejects(publishPlan(m.db, { ...plan, slotCount: 100 }), /96/);
    await assert.rejects(publishPlan(m.db, { ...plan, territory: undefined } as any), /invalid Plan/);
    assert.equal(await count(m, "elfe_plan"), 0);
  });

  it("a connection killed before COMMIT writes nothing and the previous plan stays the latest", async function () {
    const previous = samplePlan(T0, 5);
    await publishPlan(m.db, previous);
    const killed = samplePlan(T1, 8, 1, 9);
    await assert.rejects(
      publishPlan(m.db, killed, {
        async beforeCommit(client) {
          const pid = (await client.query("SELECT pg_backend_pid() AS pid")).rows[0].pid;
          if (m.test.embedded) {
            // PGlite is one backend: dropping the socket makes its server roll the transaction back.
            (client as any).connection.stream.destroy();
          } else {
            const admin = new Client({ connectionString: m.test.url });
            await admin.connect();
            await admin.query("SELECT pg_terminate_backend($1)", [pid]);
            await admin.end();
          }
        },
      }),
    );
    assert.equal(await count(m, "result", "WHERE first_valid_timestamp = $1", [at(T1) / 1000]), 0);
    assert.equal(await count(m, "elfe_plan"), 1);
    assert.equal(await count(m, "ems_run_info"), 1);
    const back = await readLatestPlan(m.db, { now: at(T1) });
    assert.equal(back?.plan.firstValidTimestamp, T0);
    assert.deepEqual(back?.plan.curves, previous.curves);
    assert.equal(back?.plan.devices.length, 5);
  });

  it("two publishers of the same round at once leave exactly one plan", async function () {
    const a = samplePlan(T0, 300, 1, 1);
    const b = samplePlan(T0, 200, 1, 2);
    const results = await Promise.allSettled([publishPlan(m.db, a), publishPlan(m.db, b), publishPlan(m.db, a)]);
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "fulfilled", "fulfilled"]);
    assert.equal(await count(m, "elfe_plan"), 1);
    assert.equal(await count(m, "ems_run_info"), 1);
    const n = await count(m, "result");
    assert.ok(n === 300 || n === 200, `rows of one plan only, got ${n}`);
    const dup = await m.db.pool.query(`SELECT machine_id FROM ${tableOf(m.db, "result")} GROUP BY machine_id HAVING count(*) > 1`);
    assert.equal(dup.rows.length, 0);
  });

  it("stores hostile text (territory, warnings) as data", async function () {
    const plan = samplePlan(T0, 2);
    plan.territory = "x'); DROP TABLE result; --";
    plan.warnings = [{ code: "WARN_DATABASE", message: "'; DELETE FROM elfe_plan; --" }];
    await publishPlan(m.db, plan);
    const back = await readLatestPlan(m.db, { now: at(T0) });
    assert.equal(back?.plan.territory, plan.territory);
    assert.deepEqual(back?.plan.warnings, plan.warnings);
    assert.equal(await count(m, "result"), 2);
  });

  it("reads a plan written by ELFE's own EMS (no elfe_ columns) with kinds from machine types", async function () {
    const fvt = at(T0) / 1000;
    await m.db.pool.query(`INSERT INTO ${tableOf(m.db, "result")} (first_valid_timestamp, machine_id, result_type, machine_type, decisions_2) VALUES ($1, 42, 0, 221, 1), ($1, 43, 1, 151, 1)`, [fvt]);
    await m.db.pool.query(`INSERT INTO ${tableOf(m.db, "ems_run_info")} ("timestamp", run_time_ms, consumer_count) VALUES ($1, 900, 2)`, [fvt]);
    const back = await readLatestPlan(m.db, { now: at(T0), zone: "Europe/Paris" });
    assert.ok(back);
    assert.equal(back.plan.firstValidTimestamp, grid.iso(at(T0)));
    assert.deepEqual(back.plan.devices.map((d) => [d.deviceId, d.kind, d.continuous, d.decisions[2]]), [["42", "ev", false, 1], ["43", "heater-pilot-wire", true, 1]]);
    assert.equal(back.plan.runInfo.solveMs, 900);
  });
});
