// Writes a Plan as ELFE's EMS does — one `result` row per device, the run report and both
// balance curves — in ONE transaction: a failure anywhere leaves the previous plan the latest.
// Publishing again for the same first_valid_timestamp and result_type (planning method)
// replaces that plan; concurrent publishers of the same key are serialised on its elfe_plan row.
import type { PoolClient } from "pg";
import { toMillis } from "../time/grid";
import { validatePlan, type Plan } from "../types";
import { inTransaction, tableOf, unixSeconds, type CoordinationDb } from "./db";
import { DECISION_COLUMNS } from "./schema/002_outputs";

export const ELFE_SLOTS = DECISION_COLUMNS.length; // 96
/** The NOTIFY channel a commit announces itself on (payload: JSON of PlanNotice). */
export const PLAN_CHANNEL = "elfe_plan";

export interface PlanNotice {
  schema: string | null;
  firstValidTimestamp: number;
  resultType: number;
}

export interface PublishOptions {
  /** ELFE's result_type: the planning method the rows belong to (0 = ELFE's EMS). */
  resultType?: number;
  /** Called inside the transaction just before COMMIT (tests use it to break the connection). */
  beforeCommit?: (client: PoolClient) => Promise<void>;
}

export interface PublishReport {
  firstValidTimestamp: number;
  resultType: number;
  rows: number;
  replaced: boolean;
  ms: number;
}

/** ELFE type of a planned device: its own elfeType, else the generic type of its kind. */
const DEFAULT_TYPE: Record<Plan["devices"][number]["kind"], number> = {
  machine: 1,
  "water-heater": 131,
  ev: 221,
  "heater-pilot-wire": 151,
  "heater-thermal": 155,
};

function machineIdOf(deviceId: string): number {
  if (!/^\d{1,9}$/.test(deviceId)) throw new RangeError(`device id ${JSON.stringify(deviceId)} is not an ELFE equipement_pilote_ou_mesure id (a whole number)`);
  return Number(deviceId);
}

/** Checks what ELFE's tables can hold before anything is written. */
export function checkPublishable(plan: Plan): void {
  if (plan.slotCount > ELFE_SLOTS) throw new RangeError(`a plan of ${plan.slotCount} slots does not fit ELFE's ${ELFE_SLOTS} decisions`);
  if (plan.stepMinutes * 60 * 1000 <= 0) throw new RangeError("invalid slot length");
  const seen = new Set<string>();
  for (const d of plan.devices) {
    machineIdOf(d.deviceId);
    if (seen.has(d.deviceId)) throw new RangeError(`device ${d.deviceId} appears twice in the plan`);
    seen.add(d.deviceId);
    if (d.decisions.length !== plan.slotCount) throw new RangeError(`device ${d.deviceId} has ${d.decisions.length} decisions for ${plan.slotCount} slots`);
    if (!d.decisions.every((v) => Number.isInteger(v) && Math.abs(v) < 2 ** 31)) {
      throw new RangeError(`device ${d.deviceId}: ELFE stores decisions as integers (W for a modulating EV); round them before publishing`);
    }
  }
  for (const [name, curve] of Object.entries(plan.curves)) {
    if (curve.length !== plan.slotCount) throw new RangeError(`curve ${name} has ${curve.length} values for ${plan.slotCount} slots`);
  }
}

/** Validates `input` as a Plan (throws a ValidationError naming the field) and publishes it. */
export async function publishPlan(db: CoordinationDb, input: Plan | unknown, options: PublishOptions = {}): Promise<PublishReport> {
  const t0 = Date.now();
  const plan = validatePlan.parse(input);
  checkPublishable(plan);
  const resultType = options.resultType ?? 0;
  if (!Number.isInteger(resultType)) throw new RangeError(`result_type must be a whole number, got ${resultType}`);
  const fvt = unixSeconds(toMillis(plan.firstValidTimestamp));
  const stepS = plan.stepMinutes * 60;
  const t = (name: string) => tableOf(db, name);

  const machineIds = plan.devices.map((d) => machineIdOf(d.deviceId));
  const types = plan.devices.map((d) => d.elfeType ?? DEFAULT_TYPE[d.kind]);
  const kinds = plan.devices.map((d) => d.kind);
  const energies = plan.devices.map((d) => d.energyWh);
  const starts = plan.devices.map((d) => d.start ?? null);
  // Each device's decisions as one Postgres array literal, padded with 0 to ELFE's 96 slots.
  const decisions = plan.devices.map((d) => `{${[...d.decisions, ...new Array<number>(ELFE_SLOTS - d.decisions.length).fill(0)].join(",")}}`);
  const slotTimes = Array.from({ length: plan.slotCount }, (_, i) => fvt + i * stepS);
  const { runInfo } = plan;

  const replaced = await inTransaction(db, async (client) => {
    // Claims the (round, method) key first: a concurrent publisher of the same key waits here.
    const claim = await client.query<{ inserted: boolean }>(
      `INSERT INTO ${t("elfe_plan")} (first_valid_timestamp, result_type, first_valid_at, territory, step_minutes, slot_count, run_info, warnings)
       VALUES ($1, $2, $8, $3, $4, $5, $6, $7)
       ON CONFLICT (first_valid_timestamp, result_type) DO UPDATE SET first_valid_at = EXCLUDED.first_valid_at, territory = EXCLUDED.territory,
         step_minutes = EXCLUDED.step_minutes, slot_count = EXCLUDED.slot_count, run_info = EXCLUDED.run_info,
         warnings = EXCLUDED.warnings, published_at = clock_timestamp()
       RETURNING (xmax = 0) AS inserted`,
      [fvt, resultType, plan.territory, plan.stepMinutes, plan.slotCount, JSON.stringify(runInfo), JSON.stringify(plan.warnings), plan.firstValidTimestamp],
    );
    await client.query(`DELETE FROM ${t("result")} WHERE first_valid_timestamp = $1 AND result_type = $2`, [fvt, resultType]);
    if (plan.devices.length > 0) {
      await client.query(
        `INSERT INTO ${t("result")} (first_valid_timestamp, machine_id, result_type, machine_type, elfe_kind, elfe_energy_wh, elfe_start, ${DECISION_COLUMNS.join(", ")})
         SELECT $1, u.m, $2, u.ty, u.k, u.e, u.s, ${DECISION_COLUMNS.map((_, i) => `u.d[${i + 1}]`).join(", ")}
         FROM (SELECT unnest($3::int[]) AS m, unnest($4::int[]) AS ty, unnest($5::text[]) AS k, unnest($6::float8[]) AS e,
                      unnest($7::text[]) AS s, unnest($8::text[])::int[] AS d) AS u`,
        [fvt, resultType, machineIds, types, kinds, energies, starts, decisions],
      );
    }
    await client.query(`DELETE FROM ${t("ems_run_info")} WHERE "timestamp" = $1 AND result_type = $2`, [fvt, resultType]);
    await client.query(
      `INSERT INTO ${t("ems_run_info")} ("timestamp", result_type, run_time_ms, consumer_count, conso_min_hour, conso_min_hour_timestamp, conso_max_hour, conso_max_hour_timestamp)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        fvt,
        resultType,
        Math.round(runInfo.solveMs),
        runInfo.deviceCount,
        runInfo.minHourDeficit.w,
        unixSeconds(toMillis(runInfo.minHourDeficit.at)),
        runInfo.maxHourDeficit.w,
        unixSeconds(toMillis(runInfo.maxHourDeficit.at)),
      ],
    );
    for (const [table, values] of [
      ["p_c_without_flexible_consumption", plan.curves.withoutFlexW],
      ["p_c_with_flexible_consumption", plan.curves.withFlexW],
    ] as const) {
      await client.query(
        `INSERT INTO ${t(table)} (data_timestamp, power) SELECT * FROM unnest($1::bigint[], $2::float8[])
         ON CONFLICT (data_timestamp) DO UPDATE SET power = EXCLUDED.power`,
        [slotTimes, values],
      );
    }
    const notice: PlanNotice = { schema: db.schema ?? null, firstValidTimestamp: fvt, resultType };
    await client.query("SELECT pg_notify($1, $2)", [PLAN_CHANNEL, JSON.stringify(notice)]);
    if (options.beforeCommit) await options.beforeCommit(client);
    return !claim.rows[0]?.inserted;
  });
  return { firstValidTimestamp: fvt, resultType, rows: plan.devices.length, replaced, ms: Date.now() - t0 };
}
