import { strict as assert } from "node:assert";
import { readDevices, readFlexRequests, tableOf } from "../../../lib/coordination";
import { DEMO_HOUSEHOLDS, seedHouseholds } from "../../../lib/sim/households";
import { migratedDb, type MigratedDb } from "../coordination/fixtures";

describe("sim: the demo households in the coordination database", function () {
  this.timeout(180_000);
  let m: MigratedDb;
  beforeEach(async () => {
    m = await migratedDb();
  });
  afterEach(async () => m.close());
  const zone = "Europe/Paris";

  it("creates them once, with plugs the dispatch can drive and requests ELFE's rules accept", async function () {
    const now = Date.parse("2026-06-10T08:05:00+02:00");
    assert.deepEqual(await seedHouseholds(m.db, { zone, now }), { created: DEMO_HOUSEHOLDS.length, renewed: 0 });
    assert.deepEqual(await seedHouseholds(m.db, { zone, now }), { created: 0, renewed: 0 }, "idempotent");
    const { devices, warnings } = await readDevices(m.db);
    assert.deepEqual(warnings, []);
    assert.deepEqual(devices.map((d) => `${d.binding.family}:${d.binding.plugId}`).sort(), ["shelly-gen1:shellyplug-s-wm01", "shelly-gen2:shellyplus1pm-dw01", "shelly-gen2:shellyplus1pm-ev01", "socorel:sc01/3", "switchbot:hub1/C004", "tasmota:ecs01"]);
    const reading = await readFlexRequests(m.db, { zone, stepMinutes: 15, horizonSlots: 96, now });
    assert.deepEqual(reading.requests.map((r) => r.kind).sort(), ["ev", "machine", "machine", "machine", "water-heater", "water-heater"], JSON.stringify(reading.warnings));
    const washer = reading.requests.find((r) => r.name === "lave-linge Dupont");
    assert.ok(washer && washer.kind === "machine");
    assert.equal(washer.latestEnd, "2026-06-10T18:00:00+02:00");
    assert.equal(washer.profileW.length, 8, "its learned cycle");
  });

  it("renews a machine's request the day after its deadline, whether it ran (mode 20) or not", async function () {
    const day1 = Date.parse("2026-06-10T08:05:00+02:00");
    await seedHouseholds(m.db, { zone, now: day1 });
    const t = tableOf(m.db, "equipement_pilote_ou_mesure");
    await m.db.pool.query(`UPDATE ${t} SET equipement_pilote_ou_mesure_mode_id = 20 WHERE nom_humain = 'lave-linge Dupont'`);
    // Before its deadline, a machine that ran stays in manual.
    assert.equal((await seedHouseholds(m.db, { zone, now: Date.parse("2026-06-10T12:00:00+02:00") })).renewed, 0);
    const day2 = Date.parse("2026-06-11T09:00:00+02:00");
    const report = await seedHouseholds(m.db, { zone, now: day2 });
    assert.equal(report.renewed, 4, "the three machines and the car");
    const reading = await readFlexRequests(m.db, { zone, stepMinutes: 15, horizonSlots: 96, now: day2 });
    const washer = reading.requests.find((r) => r.name === "lave-linge Dupont");
    assert.ok(washer && washer.kind === "machine", JSON.stringify(reading.warnings));
    assert.equal(washer.latestEnd, "2026-06-11T18:00:00+02:00");
  });
});
