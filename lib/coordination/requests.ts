// Reads the devices to plan now from ELFE's coordination tables and turns each into a
// FlexRequest, applying ELFE's selection rules (reference elfe-ems §2 and §4, seed 004 §4.3):
// - only devices in mode 30 (piloté);
// - a device whose previous plan starts it in the current slot is not re-planned (it is starting);
// - a hot-water tank only if its last start is ≥ 12 h ago and it has an active off-peak window,
//   the longest one, taken on the first day (yesterday, today, tomorrow) it has not ended yet;
// - pilot-wire and thermostatic heaters every round, from their weekday/weekend programmes.
// Rows that cannot be planned (unknown type, missing constraints, negative durations, deadlines
// already past) become warnings naming the device; they never fail the read.
import { DateTime } from "luxon";
import { SlotGrid } from "../time/grid";
import { validateFlexRequest, type FlexRequest, type PlanWarning } from "../types";
import { rowsOf, tableOf, type CoordinationDb } from "./db";
import { DECISION_COLUMNS } from "./schema/002_outputs";
import * as clock from "../time/clock";

export const MODE_PILOTED = 30;
export const MACHINE_TYPES = [1, 111, 112, 113];
export const WATER_HEATER_TYPE = 131;
export const EV_TYPES = [221, 225, 515];
export const PILOT_WIRE_TYPE = 151;
export const THERMAL_TYPE = 155;
/** ELFE's fixed profile of a machine whose cycle was never learned (W per 15-min slot). */
export const DEFAULT_MACHINE_PROFILE_W = [1750.8, 516.6, 1365.6, 57.0, 50.7, 180.3, 1618.8, 4.0];
/** ELFE's default RC models of a thermostatic heater, by modele_thermique_id. */
export const THERMAL_MODELS: Record<number, { resistanceKPerW: number; capacityJPerK: number }> = {
  0: { resistanceKPerW: 0.003893, capacityJPerK: 3_328_767 },
  1: { resistanceKPerW: 0.00457, capacityJPerK: 2_835_616 },
  2: { resistanceKPerW: 0.005621, capacityJPerK: 2_305_479 },
};
const ECS_MIN_HOURS_SINCE_START = 12;
const DAY_S = 86_400;

export interface RequestOptions {
  zone: string;
  stepMinutes: number;
  horizonSlots: number;
  /** The clock (epoch ms); default now. */
  now?: number;
  /** result_type values whose previous plans count ("starting now" rule); absent = all. */
  resultTypes?: number[];
}

export interface FlexRequestsReading {
  requests: FlexRequest[];
  warnings: PlanWarning[];
  /** First slot of the plan these requests are for, and the slot in progress (ISO, territory zone). */
  begin: string;
  currentSlot: string;
  /** Mode-30 devices read. */
  deviceCount: number;
}

interface DeviceRow {
  id: number;
  type: number;
  name: string | null;
  last_start: string | null;
}

type Row = Record<string, unknown> & { equipement_pilote_ou_mesure_id: number };

const num = (v: unknown): number | null => (v === null || v === undefined || v === "" ? null : Number(v));

interface Period {
  start: number;
  end: number;
}

/** Comfort periods (ms) of a weekday/weekend programme for yesterday, today and tomorrow (UTC days). */
function programmePeriods(row: Row, now: number): Period[] {
  const out: Period[] = [];
  const today = DateTime.fromMillis(now, { zone: "utc" }).startOf("day");
  for (const offset of [-1, 0, 1]) {
    const day = today.plus({ days: offset });
    const kind = day.weekday >= 6 ? "weekend" : "semaine";
    for (const p of [1, 2]) {
      const prefix = `prog_${kind}_periode_${p}_confort_`;
      if (row[`${prefix}actif`] !== true) continue;
      const debut = num(row[`${prefix}heure_debut`]);
      const fin = num(row[`${prefix}heure_fin`]);
      if (debut === null || fin === null) continue;
      const start = day.toMillis() + debut * 1000;
      const end = day.toMillis() + (fin > debut ? fin : fin + DAY_S) * 1000;
      out.push({ start, end });
    }
  }
  return out;
}

/** Periods clipped to [from, to), snapped outwards to slot boundaries and merged. */
function slotPeriods(grid: SlotGrid, periods: Period[], from: number, to: number): Period[] {
  const snapped = periods
    .filter((p) => p.end > from && p.start < to)
    .map((p) => {
      const start = grid.slotStart(Math.max(p.start, from)).toMillis();
      const endStart = grid.slotStart(Math.min(p.end, to)).toMillis();
      const end = endStart < Math.min(p.end, to) ? grid.nextSlotStart(endStart).toMillis() : endStart;
      return { start, end: Math.min(end, to) };
    })
    .filter((p) => p.end > p.start)
    .sort((a, b) => a.start - b.start);
  const merged: Period[] = [];
  for (const p of snapped) {
    const last = merged[merged.length - 1];
    if (last && p.start <= last.end) last.end = Math.max(last.end, p.end);
    else merged.push({ ...p });
  }
  return merged;
}

export async function readFlexRequests(db: CoordinationDb, options: RequestOptions): Promise<FlexRequestsReading> {
  const grid = new SlotGrid({ zone: options.zone, stepMinutes: options.stepMinutes });
  const now = options.now ?? clock.now();
  const stepMs = grid.stepMs;
  // ELFE: now rounded to the nearest slot start is the slot in progress; the plan begins at the next one.
  const current = grid.slotStart(now + stepMs / 2).toMillis();
  const begin = grid.nextSlotStart(current).toMillis();
  const horizonEnd = grid.starts(begin, options.horizonSlots + 1)[options.horizonSlots].toMillis();
  const iso = (ms: number) => grid.iso(ms);
  const t = (name: string) => tableOf(db, name);

  const devices = await rowsOf<DeviceRow>(
    db.pool,
    `SELECT id, equipement_pilote_ou_mesure_type_id AS type, nom_humain AS name, timestamp_derniere_mise_en_marche::text AS last_start
     FROM ${t("equipement_pilote_ou_mesure")} WHERE equipement_pilote_ou_mesure_mode_id = $1 ORDER BY id`,
    [MODE_PILOTED],
  );
  const ids = devices.map((d) => d.id);
  const byDevice = async (table: string, extra = "", join = ""): Promise<Map<number, Row>> => {
    const rows = await rowsOf<Row>(
      db.pool,
      `SELECT x.*${extra} FROM ${t(table)} x ${join} WHERE x.equipement_pilote_ou_mesure_id = ANY($1::int[])`,
      [ids],
    );
    return new Map(rows.map((r) => [Number(r.equipement_pilote_ou_mesure_id), r]));
  };
  const measureJoin = `LEFT JOIN ${t("elfe_device_measure")} m ON m.equipement_pilote_ou_mesure_id = x.equipement_pilote_ou_mesure_id`;
  const machines = await byDevice(
    "equipement_pilote_machine_generique",
    ", c.profile_w, c.step_minutes AS cycle_step_minutes",
    `LEFT JOIN ${t("elfe_learned_cycle")} c ON c.equipement_pilote_ou_mesure_id = x.equipement_pilote_ou_mesure_id`,
  );
  const tanks = await byDevice("equipement_pilote_ballon_ecs", ", m.ecs_energie_24h_wh", measureJoin);
  const windows = await rowsOf<{ ecs_id: number; debut: number; fin: number }>(
    db.pool,
    `SELECT h.equipement_pilote_ballon_ecs_id AS ecs_id, h.debut, h.fin FROM ${t("equipement_pilote_ballon_ecs_heures_creuses")} h
     WHERE h.actif AND h.equipement_pilote_ballon_ecs_id = ANY($1::int[]) ORDER BY h.id`,
    [[...tanks.values()].map((r) => Number(r.id))],
  );
  const evs = await byDevice("equipement_pilote_vehicule_electrique_generique");
  const pilotWire = await byDevice("equipement_pilote_chauffage_non_asservi");
  const thermal = await byDevice("equipement_pilote_chauffage_asservi", ", m.temperature_c", measureJoin);
  const types = options.resultTypes && options.resultTypes.length > 0 ? options.resultTypes : null;
  const previous = await rowsOf<{ machine_id: number; fvt: string; d: number[] }>(
    db.pool,
    `SELECT DISTINCT ON (machine_id) machine_id, first_valid_timestamp::text AS fvt, ARRAY[${DECISION_COLUMNS.join(", ")}] AS d
     FROM ${t("result")} WHERE machine_id = ANY($1::int[]) AND first_valid_timestamp <= $2 AND ($3::int[] IS NULL OR result_type = ANY($3::int[]))
     ORDER BY machine_id, first_valid_timestamp DESC, id DESC`,
    [ids, Math.floor(current / 1000), types],
  );
  const previousOf = new Map(previous.map((p) => [Number(p.machine_id), p]));

  const requests: FlexRequest[] = [];
  const warnings: PlanWarning[] = [];

  for (const device of devices) {
    const deviceId = String(device.id);
    const label = device.name ? `device ${deviceId} "${device.name}"` : `device ${deviceId}`;
    const warn = (code: PlanWarning["code"], why: string) => warnings.push({ code, deviceId, message: `${label}: ${why}` });
    const base = { deviceId, elfeType: Number(device.type), ...(device.name ? { name: device.name } : {}) };

    // The previous plan: is the device starting in the slot in progress, and where did it start?
    const prev = previousOf.get(device.id);
    let startingNow = false;
    let previousStart: string | undefined;
    if (prev) {
      const fvt = Number(prev.fvt) * 1000;
      const k = Math.round((current - fvt) / stepMs);
      startingNow = k >= 0 && k < prev.d.length && Number(prev.d[k]) !== 0;
      const firstFuture = Math.round((begin - fvt) / stepMs);
      const s = prev.d.findIndex((v, i) => i >= firstFuture && Number(v) !== 0);
      if (s >= 0) previousStart = iso(fvt + s * stepMs);
    }
    const stable = previousStart ? { previousStart } : {};

    let request: FlexRequest | undefined;
    const type = Number(device.type);
    if (MACHINE_TYPES.includes(type)) {
      const row = machines.get(device.id);
      if (!row) {
        warn("WARN_DATABASE", "no row in equipement_pilote_machine_generique");
        continue;
      }
      if (startingNow) {
        warn("WARN_IGNORED", "its previous plan starts it in this slot");
        continue;
      }
      const fin = num(row.timestamp_de_fin_souhaite);
      const delay = num(row.delai_attente_maximale_apres_fin);
      if (fin === null) {
        warn("WARN_CONSTRAINT", "no wished end (timestamp_de_fin_souhaite)");
        continue;
      }
      if (delay !== null && delay < 0) {
        warn("WARN_CONSTRAINT", `negative maximum delay after the end (${delay} s)`);
        continue;
      }
      if (fin * 1000 <= begin) {
        warn("WARN_CONSTRAINT", `its wished end ${iso(fin * 1000)} is already past`);
        continue;
      }
      const learned = Array.isArray(row.profile_w) ? (row.profile_w as unknown[]).map(Number) : null;
      const learnedOk = learned && learned.length > 0 && learned.every((w) => Number.isFinite(w) && w >= 0) && Number(row.cycle_step_minutes) === options.stepMinutes;
      if (learned && !learnedOk) warn("WARN_CONSTRAINT", "its learned cycle is unusable (negative, empty or another slot length): ELFE's default profile is used");
      const profileW = learnedOk ? learned : DEFAULT_MACHINE_PROFILE_W;
      const cycleMs = profileW.length * stepMs;
      let earliest = delay === null ? begin : Math.max(begin, fin * 1000 - delay * 1000 - cycleMs);
      if (grid.slotStart(earliest).toMillis() !== earliest) earliest = grid.nextSlotStart(earliest).toMillis();
      request = { ...base, ...stable, kind: "machine", profileW, earliestStart: iso(earliest), latestEnd: iso(fin * 1000) };
    } else if (type === WATER_HEATER_TYPE) {
      const row = tanks.get(device.id);
      if (!row) {
        warn("WARN_DATABASE", "no row in equipement_pilote_ballon_ecs");
        continue;
      }
      if (startingNow) {
        warn("WARN_IGNORED", "its previous plan starts it in this slot");
        continue;
      }
      const lastStart = num(device.last_start);
      if (lastStart !== null && now - lastStart * 1000 < ECS_MIN_HOURS_SINCE_START * 3_600_000) {
        warn("WARN_IGNORED", `last started ${iso(lastStart * 1000)}, less than ${ECS_MIN_HOURS_SINCE_START} h ago`);
        continue;
      }
      const power = num(row.puissance_chauffe);
      if (power === null || !(power > 0)) {
        warn("WARN_CONSTRAINT", `heating power (puissance_chauffe) must be positive, got ${power}`);
        continue;
      }
      const own = windows.filter((w) => Number(w.ecs_id) === Number(row.id));
      const valid = own.filter((w) => w.debut >= 0 && w.debut <= DAY_S && w.fin >= 0 && w.fin <= DAY_S);
      if (valid.length < own.length) warn("WARN_CONSTRAINT", "an off-peak window is outside 0..86400 s after midnight and is ignored");
      if (valid.length === 0) {
        warn("WARN_IGNORED", "no active off-peak window");
        continue;
      }
      const length = (w: { debut: number; fin: number }) => (w.fin > w.debut ? w.fin - w.debut : w.fin - w.debut + DAY_S);
      const longest = valid.reduce((a, b) => (length(b) > length(a) ? b : a));
      const today = DateTime.fromMillis(now, { zone: "utc" }).startOf("day").toMillis();
      const instance = [-1, 0, 1]
        .map((o) => ({ start: today + o * DAY_S * 1000 + longest.debut * 1000, end: today + o * DAY_S * 1000 + (longest.debut + length(longest)) * 1000 }))
        .find((w) => w.end > now);
      if (!instance) {
        warn("WARN_IGNORED", "no off-peak window ahead");
        continue;
      }
      const previousWh = num(row.ecs_energie_24h_wh) ?? 0;
      // ELFE: run for the energy drawn over the last 24 h plus two hours at full power.
      request = {
        ...base,
        ...stable,
        kind: "water-heater",
        powerW: power,
        energyWh: Math.max(0, previousWh) + 2 * power,
        windows: [{ start: iso(instance.start), end: iso(instance.end) }],
      };
    } else if (EV_TYPES.includes(type)) {
      const row = evs.get(device.id);
      if (!row) {
        warn("WARN_DATABASE", "no row in equipement_pilote_vehicule_electrique_generique");
        continue;
      }
      if (startingNow) {
        warn("WARN_IGNORED", "its previous plan starts it in this slot");
        continue;
      }
      const departure = num(row.timestamp_dispo_souhaitee);
      const soc = num(row.pourcentage_charge_restant);
      const target = num(row.pourcentage_charge_finale_minimale_souhaitee);
      if (departure === null) {
        warn("WARN_CONSTRAINT", "no departure time (timestamp_dispo_souhaitee)");
        continue;
      }
      if (departure * 1000 <= begin) {
        warn("WARN_CONSTRAINT", `its departure ${iso(departure * 1000)} is already past`);
        continue;
      }
      if (soc !== null && target !== null && soc >= target) {
        warn("WARN_IGNORED", `already charged to ${soc} % (target ${target} %)`);
        continue;
      }
      request = {
        ...base,
        ...stable,
        kind: "ev",
        maxPowerW: num(row.puissance_de_charge) ?? NaN,
        capacityWh: num(row.capacite_de_batterie) ?? NaN,
        socPct: soc ?? NaN,
        targetSocPct: target ?? NaN,
        departure: iso(departure * 1000),
        modulating: false,
      };
    } else if (type === PILOT_WIRE_TYPE) {
      const row = pilotWire.get(device.id);
      if (!row) {
        warn("WARN_DATABASE", "no row in equipement_pilote_chauffage_non_asservi");
        continue;
      }
      const periods = slotPeriods(grid, programmePeriods(row, now), begin, horizonEnd);
      request = {
        ...base,
        kind: "heater-pilot-wire",
        ecoW: num(row.puissance_moyenne_eco) ?? NaN,
        comfortW: num(row.puissance_moyenne_confort) ?? NaN,
        ecoForcedMaxPct: num(row.pourcentage_eco_force) ?? 0,
        comfortPeriods: periods.map((p) => ({ start: iso(p.start), end: iso(p.end) })),
      };
    } else if (type === THERMAL_TYPE) {
      const row = thermal.get(device.id);
      if (!row) {
        warn("WARN_DATABASE", "no row in equipement_pilote_chauffage_asservi");
        continue;
      }
      const tempC = num(row.temperature_c);
      if (tempC === null) {
        warn("WARN_DATABASE", "no measured temperature (elfe_device_measure.temperature_c)");
        continue;
      }
      const model = THERMAL_MODELS[num(row.modele_thermique_id) ?? 0];
      if (!model) {
        warn("WARN_CONSTRAINT", `unknown thermal model ${String(row.modele_thermique_id)}`);
        continue;
      }
      // ELFE stores set-points in deci-kelvin and the tolerance in deci-kelvin.
      const toC = (v: unknown) => Math.round(((num(v) ?? NaN) / 10 - 273.15) * 100) / 100;
      const delta = (num(row.delta_temp_maximale_temp_demandee) ?? 0) / 10;
      if (delta < 0) {
        warn("WARN_CONSTRAINT", `negative temperature tolerance (${delta} K)`);
        continue;
      }
      const eco = toC(row.temperature_eco);
      const comfort = toC(row.temperature_confort);
      const band = (start: number, end: number, c: number) => ({ start: iso(start), end: iso(end), minC: c - delta, maxC: c + delta });
      const bands = [];
      let at = begin;
      for (const p of slotPeriods(grid, programmePeriods(row, now), begin, horizonEnd)) {
        if (p.start > at) bands.push(band(at, p.start, eco));
        bands.push(band(p.start, p.end, comfort));
        at = p.end;
      }
      if (at < horizonEnd) bands.push(band(at, horizonEnd, eco));
      request = { ...base, kind: "heater-thermal", maxPowerW: num(row.puissance) ?? NaN, tempC, model, bands };
    } else {
      warn("WARN_DATABASE", `type ${type} cannot be planned (not a machine, hot-water tank, vehicle or heater)`);
      continue;
    }

    const checked = validateFlexRequest.check(request);
    if (checked.ok) requests.push(checked.value);
    else warn("WARN_CONSTRAINT", checked.error.message);
  }
  return { requests, warnings, begin: iso(begin), currentSlot: iso(current), deviceCount: devices.length };
}
