// Persistence forecast of the territory balance (W, production − consumption) from its history.
// Every reference is taken at the same LOCAL clock time on an earlier day, so a daylight-saving
// day (92 or 100 quarter-hours) does not shift the daily profile by an hour.
import type { SlotSeries } from "../types";
import { validateSlotSeries } from "../types";
import { SlotGrid, toMillis, type Instant } from "../time";
import { DAY_MS, LocalClock, SeriesIndex } from "./local-clock";

export type ForecastMethod = "elfe" | "week-ago" | "mean" | "median";
export const FORECAST_METHODS: readonly ForecastMethod[] = ["elfe", "week-ago", "mean", "median"];

export interface ForecastGrid {
  zone: string;
  stepMinutes: number;
  horizonSlots: number;
}

export interface PvCorrection {
  /** Irradiance (W/m²) or PV power (W) covering the reference days AND the horizon. */
  series: SlotSeries;
  /** Balance W per unit of the series: the PV peak power in kW for W/m², 1 for a PV power series. */
  factor: number;
}

export interface ForecastOptions {
  /** "elfe" (default): yesterday's curve blended from the current level; "week-ago"; "mean"/"median" of the last `days` days. */
  method?: ForecastMethod;
  /** Days blended by "mean" and "median" (default 7). */
  days?: number;
  /** Slots to forecast (default: the territory's horizon). */
  horizonSlots?: number;
  /** First forecast slot (default: the slot after the last history slot). History at or after it is ignored. */
  origin?: Instant;
  pv?: PvCorrection;
}

export interface HourDeficit {
  /** Mean deficit (−balance) of the hour, W. */
  w: number;
  /** Start of the hour (ISO with the territory's offset). */
  at: string;
}

export interface ForecastReport {
  method: ForecastMethod;
  origin: string;
  horizonSlots: number;
  /** Last history slot end actually used (the forecast's "now"). */
  historyEnd: string;
  /** Forecast slots whose own reference was a gap and that took the value of an older day. */
  filled: { slots: number; from: { day: string; slots: number }[] };
  /** "mean"/"median" slots where some of the blended days were gaps (the others were used). */
  partial: number;
  /** Slots without any reference in the history, interpolated between their neighbours. */
  interpolated: number;
  /** Slots corrected by the PV series (0 without correction). */
  pvCorrected: number;
  minHourDeficit: HourDeficit | null;
  maxHourDeficit: HourDeficit | null;
}

export interface Forecast {
  series: SlotSeries;
  report: ForecastReport;
}

interface Reference {
  /** The value before any PV correction. */
  value: number | null;
  /** History instants the value came from. */
  refs: number[];
  /** Local date of the older day that filled a gap, if any. */
  filledFrom?: string;
  partial?: boolean;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Series already validated (a backtest forecasts hundreds of times from the same ones). */
const validated = new WeakSet<object>();

function checkPvSeries(input: unknown): SlotSeries {
  if (typeof input === "object" && input !== null && validated.has(input)) return input as SlotSeries;
  const result = validateSlotSeries.check(input);
  if (!result.ok) throw new Error(`PV series is not a SlotSeries: ${result.error.message}`);
  validated.add(input as object);
  return input as SlotSeries;
}

/** Checks the history and the grid; throws an Error that says what is wrong. */
function checkHistory(history: unknown, grid: SlotGrid): SlotSeries {
  const result = validateSlotSeries.check(history);
  if (!result.ok) throw new Error(`history is not a SlotSeries: ${result.error.message}`);
  const series = result.value;
  if (series.values.length === 0) throw new Error("history is empty: the forecast needs at least one day of balance values");
  if (!series.values.some((v) => v !== null)) throw new Error("history has only gaps (null): no value to forecast from");
  if (series.stepMinutes !== grid.stepMinutes) {
    throw new Error(`history has ${series.stepMinutes}-minute slots but the territory uses ${grid.stepMinutes}-minute slots`);
  }
  if (grid.slotStart(series.start).toMillis() !== toMillis(series.start)) {
    throw new Error(`history start ${series.start} is not on the territory's slot grid`);
  }
  return series;
}

/**
 * Forecast of the balance for `horizonSlots` slots from the history.
 *
 * "elfe" follows ELFE's power_prediction: with c_i yesterday's value at the same local time as
 * forecast slot i, L the slots in a day and p_0 the last known level,
 * p_i = (p_{i−1} + c_i − c_{i−1})·(L−i)/L + c_i·i/L; beyond one day the first day is repeated.
 */
export function persistenceForecast(history: unknown, territory: ForecastGrid, options: ForecastOptions = {}): Forecast {
  const grid = new SlotGrid({ zone: territory.zone, stepMinutes: territory.stepMinutes });
  return forecastChecked(checkHistory(history, grid), grid, territory, options);
}

/** Checks a history once, for callers that forecast from it many times (the backtest). */
export function checkedHistory(history: unknown, territory: { zone: string; stepMinutes: number }): CheckedHistory {
  const grid = new SlotGrid({ zone: territory.zone, stepMinutes: territory.stepMinutes });
  return { series: checkHistory(history, grid), grid };
}

export interface CheckedHistory {
  readonly series: SlotSeries;
  readonly grid: SlotGrid;
}

export function forecastFromChecked(history: CheckedHistory, horizonSlots: number, options: ForecastOptions = {}): Forecast {
  const g = history.grid;
  return forecastChecked(history.series, g, { zone: g.zone, stepMinutes: g.stepMinutes, horizonSlots }, options);
}

function forecastChecked(series: SlotSeries, grid: SlotGrid, territory: ForecastGrid, options: ForecastOptions): Forecast {
  const method = options.method ?? "elfe";
  if (!FORECAST_METHODS.includes(method)) throw new Error(`unknown forecast method ${JSON.stringify(method)}: use ${FORECAST_METHODS.join(", ")}`);
  const days = options.days ?? 7;
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new Error(`days must be a whole number from 1 to 366, got ${days}`);
  const horizon = options.horizonSlots ?? territory.horizonSlots;
  if (!Number.isInteger(horizon) || horizon < 1) throw new Error(`horizon must be a whole number of slots >= 1, got ${horizon}`);
  if (options.pv && !Number.isFinite(options.pv.factor)) throw new Error("PV correction factor must be a number");
  const pvSeries = options.pv ? checkPvSeries(options.pv.series) : undefined;

  const clock = LocalClock.of(territory.zone);
  const stepMs = grid.stepMs;
  const fullEnd = toMillis(series.start) + series.values.length * stepMs;
  const originMs = options.origin === undefined ? fullEnd : grid.slotStart(options.origin).toMillis();
  const hist = new SeriesIndex(series, originMs);
  const historyEnd = hist.endMs;
  if (historyEnd <= hist.startMs) throw new Error(`history starts at ${series.start}, after the forecast origin ${grid.iso(originMs)}`);

  // Work slots: from the end of the history to the end of the horizon (the ELFE blend runs from "now").
  const lead = Math.max(0, Math.round((originMs - historyEnd) / stepMs));
  const work = clock.slotStarts(grid, originMs - lead * stepMs, lead + horizon);
  const firstOut = lead;

  /** Smallest k >= 1 whose same-local-time instant k days before `ms` is inside the history. */
  const firstDay = (ms: number): number => {
    let k = 1;
    while ((clock.daysBefore(ms, k) ?? ms - k * DAY_MS) >= historyEnd) k++;
    return k;
  };
  const lastDay = (ms: number): number => Math.ceil((ms - hist.startMs) / DAY_MS) + 1;
  const at = (ms: number, k: number): { ms: number; v: number } | null => {
    const src = clock.daysBefore(ms, k);
    if (src === null) return null;
    const v = hist.valueAt(src);
    return v === null ? null : { ms: src, v };
  };

  const reference = (ms: number): Reference => {
    const k0 = firstDay(ms);
    const kMax = lastDay(ms);
    const fallback = (skip: (k: number) => boolean, from: number): Reference => {
      for (let k = from; k <= kMax; k++) {
        if (skip(k)) continue;
        const r = at(ms, k);
        if (r) return { value: r.v, refs: [r.ms], filledFrom: clock.localDate(r.ms) };
      }
      return { value: null, refs: [] };
    };
    if (method === "elfe") {
      const r = at(ms, k0);
      return r ? { value: r.v, refs: [r.ms] } : fallback(() => false, k0 + 1);
    }
    if (method === "week-ago") {
      const kWeek = Math.ceil(k0 / 7) * 7;
      const r = at(ms, kWeek);
      if (r) return { value: r.v, refs: [r.ms] };
      for (let k = kWeek + 7; k <= kMax; k += 7) {
        const older = at(ms, k);
        if (older) return { value: older.v, refs: [older.ms], filledFrom: clock.localDate(older.ms) };
      }
      return fallback((k) => k % 7 === 0, k0);
    }
    const found: { ms: number; v: number }[] = [];
    for (let k = k0; k < k0 + days; k++) {
      const r = at(ms, k);
      if (r) found.push(r);
    }
    if (found.length === 0) return fallback(() => false, k0 + days);
    const vs = found.map((f) => f.v);
    const value = method === "mean" ? vs.reduce((a, b) => a + b, 0) / vs.length : median(vs);
    return { value, refs: found.map((f) => f.ms), partial: found.length < Math.min(days, kMax - k0 + 1) };
  };

  const refs = work.map(reference);
  // Slots without any reference: interpolate between the nearest known neighbours (hold at the ends).
  const known = refs.map((r, i) => (r.value === null ? -1 : i)).filter((i) => i >= 0);
  if (known.length === 0) throw new Error(`history (${series.start}, ${series.values.length} slots) has no value at the local times of the horizon`);
  const interpolatedAt = new Set<number>();
  const c = refs.map((r, i) => {
    if (r.value !== null) return r.value;
    interpolatedAt.add(i);
    let lo = -1;
    let hi = -1;
    for (const j of known) {
      if (j < i) lo = j;
      else {
        hi = j;
        break;
      }
    }
    if (lo < 0) return refs[hi].value as number;
    if (hi < 0) return refs[lo].value as number;
    const a = refs[lo].value as number;
    const b = refs[hi].value as number;
    return a + ((b - a) * (i - lo)) / (hi - lo);
  });

  let values: number[];
  if (method === "elfe") {
    // Last known level: the most recent value of the last day of history.
    let level: number | null = null;
    for (let ms = historyEnd - stepMs; ms >= Math.max(hist.startMs, historyEnd - DAY_MS) && level === null; ms -= stepMs) level = hist.valueAt(ms);
    const L = Math.max(1, Math.round(((clock.daysBefore(historyEnd, -1) ?? historyEnd + DAY_MS) - historyEnd) / stepMs));
    const p: number[] = [];
    const byTime = new Map<number, number>();
    for (let i = 0; i < work.length; i++) {
      const ms = work[i];
      if (i < L) {
        if (i === 0) p.push(level ?? c[0]);
        else p.push((p[i - 1] + c[i] - c[i - 1]) * ((L - i) / L) + c[i] * (i / L));
      } else {
        const dayBefore = clock.daysBefore(ms, 1);
        const copied = dayBefore === null ? undefined : byTime.get(dayBefore);
        p.push(copied ?? c[i]);
      }
      byTime.set(ms, p[i]);
    }
    values = p;
  } else {
    values = c;
  }

  // PV correction: the forecast's sun minus the reference days' sun, times the factor.
  let pvCorrected = 0;
  if (options.pv && pvSeries) {
    const pv = new SeriesIndex(pvSeries);
    const factor = options.pv.factor;
    values = values.map((v, i) => {
      const now = pv.valueAt(work[i]);
      const past = refs[i].refs.map((r) => pv.valueAt(r));
      if (now === null || past.length === 0 || past.some((x) => x === null)) return v;
      if (i >= firstOut) pvCorrected++;
      const pastMean = (past as number[]).reduce((a, b) => a + b, 0) / past.length;
      return v + factor * (now - pastMean);
    });
  }

  const out = values.slice(firstOut).map((v) => Math.round(v * 1e6) / 1e6); // no float dust
  const outMs = work.slice(firstOut);
  const fromDays = new Map<string, number>();
  let filled = 0;
  let partial = 0;
  let interpolated = 0;
  for (let i = firstOut; i < work.length; i++) {
    const r = refs[i];
    if (interpolatedAt.has(i)) interpolated++;
    else if (r.filledFrom) {
      filled++;
      fromDays.set(r.filledFrom, (fromDays.get(r.filledFrom) ?? 0) + 1);
    } else if (r.partial) partial++;
  }
  const { min, max } = hourDeficits(outMs, out, grid, clock);
  return {
    series: { start: grid.iso(originMs), stepMinutes: grid.stepMinutes, values: out, unit: series.unit, quantity: series.quantity ?? "balance" },
    report: {
      method,
      origin: grid.iso(originMs),
      horizonSlots: horizon,
      historyEnd: grid.iso(historyEnd),
      filled: { slots: filled, from: [...fromDays].map(([day, slots]) => ({ day, slots })).sort((a, b) => (a.day < b.day ? 1 : -1)) },
      partial,
      interpolated,
      pvCorrected,
      minHourDeficit: min,
      maxHourDeficit: max,
    },
  };
}

/**
 * Minimum and maximum of the hourly mean deficit (−balance) over the complete clock hours of the
 * forecast (ELFE's conso_min_hour / conso_max_hour). Slots longer than an hour count as their own "hour".
 */
export function hourDeficits(slotMs: number[], balance: number[], grid: SlotGrid, clock = LocalClock.of(grid.zone)): { min: HourDeficit | null; max: HourDeficit | null } {
  const perHour = grid.stepMinutes <= 60 && 60 % grid.stepMinutes === 0 ? 60 / grid.stepMinutes : 1;
  const hours = new Map<number, number[]>();
  slotMs.forEach((ms, i) => {
    const key = perHour === 1 ? ms : clock.hourStart(ms);
    const list = hours.get(key) ?? [];
    list.push(balance[i]);
    hours.set(key, list);
  });
  let min: HourDeficit | null = null;
  let max: HourDeficit | null = null;
  for (const [key, list] of hours) {
    if (list.length !== perHour) continue;
    const w = -list.reduce((a, b) => a + b, 0) / list.length;
    if (!min || w < min.w) min = { w, at: grid.iso(key) };
    if (!max || w > max.w) max = { w, at: grid.iso(key) };
  }
  return { min, max };
}
