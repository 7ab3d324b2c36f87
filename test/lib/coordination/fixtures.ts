// Shared by the coordination tests and the benchmark: a database with ELFE's schema, sample plans.
import { Pool } from "pg";
import { SlotGrid } from "../../../lib/time/grid";
import { migrate, type CoordinationDb } from "../../../lib/coordination";
import { SCHEMA_VERSION, type Plan } from "../../../lib/types";
import { testDatabase, type TestDatabase } from "../../support/services";

export interface MigratedDb {
  test: TestDatabase;
  db: CoordinationDb;
  close(): Promise<void>;
}

export async function migratedDb(options: { isolated?: boolean } = {}): Promise<MigratedDb> {
  const test = await testDatabase(options);
  const pool = new Pool({ connectionString: test.url, max: 4 });
  pool.on("error", () => undefined); // an idle client killed by a test: the pool drops it
  const db: CoordinationDb = { pool, schema: test.schema };
  await migrate(db);
  return {
    test,
    db,
    async close() {
      await pool.end();
      await test.close();
    },
  };
}

export const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });

/** A plan of `count` devices (ids from `firstId`): machines with a start pulse, heaters on/off, all integer decisions. */
export function samplePlan(firstValid: string, count: number, firstId = 1, seed = 1): Plan {
  const slots = 96;
  const devices: Plan["devices"] = [];
  for (let i = 0; i < count; i++) {
    const id = firstId + i;
    const heater = i % 5 === 4;
    const startSlot = (i * 7 + seed) % slots;
    const decisions = heater ? Array.from({ length: slots }, (_, s) => ((s + i + seed) % 3 === 0 ? 0 : 1)) : Array.from({ length: slots }, (_, s) => (s === startSlot ? 1 : 0));
    devices.push({
      deviceId: String(id),
      kind: heater ? "heater-pilot-wire" : "machine",
      elfeType: heater ? 151 : 112,
      continuous: heater,
      decisions,
      ...(heater ? {} : { start: grid.iso(grid.starts(firstValid, startSlot + 1)[startSlot]) }),
      energyWh: heater ? 1234.5 : 1500 + (i % 10),
    });
  }
  const curve = (k: number) => Array.from({ length: slots }, (_, s) => Math.round(1000 * Math.sin((s + k + seed) / 10)) + 0.25);
  return {
    schemaVersion: SCHEMA_VERSION,
    territory: "Pays de Vilaine",
    firstValidTimestamp: firstValid,
    stepMinutes: 15,
    slotCount: slots,
    devices,
    curves: { withoutFlexW: curve(0), withFlexW: curve(3) },
    runInfo: {
      buildMs: 12,
      solveMs: 345,
      method: "milp",
      objectiveWh: 4321.5,
      gap: 0.001,
      deviceCount: count,
      minHourDeficit: { w: -1200, at: grid.iso(Date.parse(firstValid) + 3 * 3_600_000) },
      maxHourDeficit: { w: 3400, at: grid.iso(Date.parse(firstValid) + 19 * 3_600_000) },
    },
    warnings: [{ code: "WARN_CONSTRAINT", deviceId: String(firstId), message: "window too short: end moved" }],
  };
}
