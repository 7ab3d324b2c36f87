// Reads back the plan in force, the way ELFE's control-command does: per device, the `result`
// row with the latest first_valid_timestamp that still covers a slot from now on. Rows of older
// rounds are shifted onto the newest round's slots (their passed slots dropped, 0 after their
// end), so the answer is one Plan aligned on one first_valid_timestamp.
import { SlotGrid, toMillis } from "../time/grid";
import { SCHEMA_VERSION, validatePlan, type Plan, type PlannedDevice } from "../types";
import { rowsOf, tableOf, type CoordinationDb } from "./db";
import { DECISION_COLUMNS } from "./schema/002_outputs";
import { ELFE_SLOTS } from "./publish";
import * as clock from "../time/clock";

export interface ReadOptions {
  /** The territory's time zone, for the ISO times of rows ELFE's own EMS wrote. */
  zone?: string;
  /** result_type values to read (planning methods); empty or absent = all, as ELFE's control-command. */
  resultTypes?: number[];
  /** The reader's clock (epoch ms); default now. */
  now?: number;
}

export interface PlanReading {
  plan: Plan;
  /** ms since the newest round was committed (since its first_valid_timestamp for rows ELFE wrote). */
  ageMs: number;
  /** Slot of the plan in force now, ELFE's trunc((now - first_valid) / step), clamped at 0. */
  slotIndex: number;
  resultType: number;
}

const CONTINUOUS = new Set([131, 151, 155]);

/** Plan kind of an ELFE device type (rows written by ELFE's own EMS carry no kind). */
export function kindOfType(type: number): PlannedDevice["kind"] {
  if (type === 131) return "water-heater";
  if (type === 151) return "heater-pilot-wire";
  if (type === 155) return "heater-thermal";
  if (type === 221 || type === 225 || type === 515) return "ev";
  return "machine";
}

interface ResultRow {
  first_valid_timestamp: string;
  machine_id: number;
  result_type: number;
  machine_type: number;
  elfe_kind: string | null;
  elfe_energy_wh: number | null;
  elfe_start: string | null;
  d: number[];
}

interface PlanRow {
  first_valid_at: string;
  territory: string;
  step_minutes: number;
  slot_count: number;
  run_info: Plan["runInfo"];
  warnings: Plan["warnings"];
  published_ms: string;
}

interface RunInfoRow {
  run_time_ms: number | null;
  consumer_count: number | null;
  conso_min_hour: number | null;
  conso_min_hour_timestamp: string | null;
  conso_max_hour: number | null;
  conso_max_hour_timestamp: string | null;
}

const KINDS = new Set<string>(["machine", "water-heater", "ev", "heater-pilot-wire", "heater-thermal"]);

/** The plan in force, or null when no row covers now. */
export async function readLatestPlan(db: CoordinationDb, options: ReadOptions = {}): Promise<PlanReading | null> {
  const now = options.now ?? clock.now();
  const grid = new SlotGrid({ zone: options.zone ?? "Europe/Paris", stepMinutes: 15 });
  const types = options.resultTypes && options.resultTypes.length > 0 ? options.resultTypes : null;
  const t = (name: string) => tableOf(db, name);
  const nowS = Math.floor(now / 1000);

  // Rows whose 96 slots (ELFE's fixed 15-min step) still reach now.
  const rows = await rowsOf<ResultRow>(
    db.pool,
    `SELECT DISTINCT ON (machine_id) first_valid_timestamp::text, machine_id, result_type, machine_type, elfe_kind,
            elfe_energy_wh, elfe_start, ARRAY[${DECISION_COLUMNS.join(", ")}] AS d
     FROM ${t("result")}
     WHERE ($1::int[] IS NULL OR result_type = ANY($1::int[])) AND first_valid_timestamp > $2::bigint - $3::bigint
     ORDER BY machine_id, first_valid_timestamp DESC, id DESC`,
    [types, nowS, ELFE_SLOTS * 900],
  );
  if (rows.length === 0) return null;
  let newest = rows[0];
  for (const r of rows) if (Number(r.first_valid_timestamp) > Number(newest.first_valid_timestamp)) newest = r;
  const fvt = Number(newest.first_valid_timestamp);
  const resultType = Number(newest.result_type);

  const meta = (
    await rowsOf<PlanRow>(
      db.pool,
      `SELECT first_valid_at, territory, step_minutes, slot_count, run_info, warnings, (extract(epoch FROM published_at) * 1000)::bigint::text AS published_ms
       FROM ${t("elfe_plan")} WHERE first_valid_timestamp = $1 AND result_type = $2`,
      [fvt, resultType],
    )
  )[0];
  const stepMinutes = meta?.step_minutes ?? 15;
  const stepS = stepMinutes * 60;
  const slotCount = meta?.slot_count ?? ELFE_SLOTS;
  const fvtIso = meta?.first_valid_at ?? grid.iso(fvt * 1000);

  const devices: PlannedDevice[] = rows
    .sort((a, b) => a.machine_id - b.machine_id)
    .map((r) => {
      const shift = Math.round((fvt - Number(r.first_valid_timestamp)) / stepS);
      const decisions = Array.from({ length: slotCount }, (_, i) => (i + shift < ELFE_SLOTS ? Number(r.d[i + shift]) : 0));
      const type = Number(r.machine_type);
      const kind = r.elfe_kind && KINDS.has(r.elfe_kind) ? (r.elfe_kind as PlannedDevice["kind"]) : kindOfType(type);
      const device: PlannedDevice = {
        deviceId: String(r.machine_id),
        kind,
        elfeType: type,
        continuous: CONTINUOUS.has(type),
        decisions,
        energyWh: r.elfe_energy_wh ?? 0,
      };
      if (r.elfe_start && toMillis(r.elfe_start) >= fvt * 1000) device.start = r.elfe_start;
      return device;
    });

  let runInfo: Plan["runInfo"];
  if (meta) runInfo = meta.run_info;
  else {
    const info = (
      await rowsOf<RunInfoRow>(
        db.pool,
        `SELECT run_time_ms, consumer_count, conso_min_hour, conso_min_hour_timestamp::text, conso_max_hour, conso_max_hour_timestamp::text
         FROM ${t("ems_run_info")} WHERE "timestamp" = $1 AND result_type = $2 ORDER BY id DESC LIMIT 1`,
        [fvt, resultType],
      )
    )[0];
    const at = (s: string | null | undefined) => grid.iso(s ? Number(s) * 1000 : fvt * 1000);
    runInfo = {
      buildMs: 0,
      solveMs: info?.run_time_ms ?? 0,
      method: "milp",
      objectiveWh: 0,
      deviceCount: info?.consumer_count ?? devices.length,
      minHourDeficit: { w: info?.conso_min_hour ?? 0, at: at(info?.conso_min_hour_timestamp) },
      maxHourDeficit: { w: info?.conso_max_hour ?? 0, at: at(info?.conso_max_hour_timestamp) },
    };
  }

  const curve = async (table: string): Promise<number[]> => {
    const points = await rowsOf<{ ts: string; power: number }>(
      db.pool,
      `SELECT data_timestamp::text AS ts, power FROM ${t(table)} WHERE data_timestamp >= $1 AND data_timestamp < $2`,
      [fvt, fvt + slotCount * stepS],
    );
    const values = new Array<number>(slotCount).fill(0);
    for (const p of points) {
      const i = Math.round((Number(p.ts) - fvt) / stepS);
      if (i >= 0 && i < slotCount) values[i] = Number(p.power);
    }
    return values;
  };

  const plan = validatePlan.parse({
    schemaVersion: SCHEMA_VERSION,
    territory: meta?.territory ?? "",
    firstValidTimestamp: fvtIso,
    stepMinutes,
    slotCount,
    devices,
    curves: { withoutFlexW: await curve("p_c_without_flexible_consumption"), withFlexW: await curve("p_c_with_flexible_consumption") },
    runInfo,
    warnings: meta?.warnings ?? [],
  });
  const committed = meta ? Number(meta.published_ms) : fvt * 1000;
  return {
    plan,
    ageMs: Math.max(0, now - committed),
    slotIndex: Math.max(0, Math.trunc((nowS - fvt) / stepS)),
    resultType,
  };
}
