// Irregular timestamped samples -> a SlotSeries on the territory's grid. Gaps are reported,
// never invented: a slot whose data coverage is too thin is null.
import type { SlotSeries } from "../types";
import { SlotGrid, toMillis, type Instant } from "./grid";

export interface Sample {
  ts: Instant;
  value: number | null;
}

export interface Gap {
  start: string;
  end: string;
  slots: number;
  reason: "no data" | "counter reset";
}

export interface Resampled {
  series: SlotSeries;
  gaps: Gap[];
}

export interface ResampleOptions {
  /** First slot (floored to the grid). */
  start: Instant;
  /** Number of slots. */
  count: number;
  /** Two samples further apart than this do not describe the time between them (default 2 slots). */
  maxGapMinutes?: number;
  unit?: string;
  quantity?: string;
}

export interface PowerOptions extends ResampleOptions {
  /** "previous": a sample holds until the next (meter semantics); "linear": straight line between samples. */
  interpolation?: "previous" | "linear";
  /** Share of a slot that must be covered by data for it to get a value (default 0.5). */
  minCoverage?: number;
}

export interface CounterOptions extends ResampleOptions {
  /** "Wh": energy per slot; "W": average power per slot. */
  output?: "Wh" | "W";
}

interface Point {
  ms: number;
  v: number;
}

function cleanPoints(samples: readonly Sample[]): Point[] {
  const pts: Point[] = [];
  for (const s of samples) {
    if (s.value === null || !Number.isFinite(s.value)) continue;
    pts.push({ ms: toMillis(s.ts), v: s.value });
  }
  pts.sort((a, b) => a.ms - b.ms);
  // Duplicate timestamps: keep the last one seen.
  return pts.filter((p, i) => i === pts.length - 1 || pts[i + 1].ms !== p.ms);
}

function slotBounds(grid: SlotGrid, options: ResampleOptions): number[] {
  if (!Number.isInteger(options.count) || options.count < 0) throw new RangeError(`slot count must be a whole number >= 0, got ${options.count}`);
  return grid.starts(options.start, options.count + 1).map((d) => d.toMillis());
}

function gapsOf(grid: SlotGrid, bounds: number[], values: (number | null)[], reasons: (Gap["reason"] | undefined)[]): Gap[] {
  const gaps: Gap[] = [];
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== null) continue;
    const reason = reasons[i] ?? "no data";
    const last = gaps[gaps.length - 1];
    if (last && last.end === grid.iso(bounds[i]) && last.reason === reason) {
      last.end = grid.iso(bounds[i + 1]);
      last.slots++;
    } else {
      gaps.push({ start: grid.iso(bounds[i]), end: grid.iso(bounds[i + 1]), slots: 1, reason });
    }
  }
  return gaps;
}

/** Time-weighted average power per slot from instantaneous power samples. */
export function resamplePower(grid: SlotGrid, samples: readonly Sample[], options: PowerOptions): Resampled {
  const pts = cleanPoints(samples);
  const bounds = slotBounds(grid, options);
  const maxGapMs = (options.maxGapMinutes ?? 2 * grid.stepMinutes) * 60_000;
  const linear = options.interpolation === "linear";
  const minCoverage = options.minCoverage ?? 0.5;
  const values: (number | null)[] = [];
  let seg = 0;
  for (let i = 0; i < options.count; i++) {
    const a = bounds[i];
    const b = bounds[i + 1];
    while (seg < pts.length - 1 && pts[seg + 1].ms <= a) seg++;
    let covered = 0;
    let integral = 0;
    for (let k = seg; k < pts.length - 1 && pts[k].ms < b; k++) {
      const p = pts[k];
      const q = pts[k + 1];
      if (q.ms - p.ms > maxGapMs) continue;
      const from = Math.max(a, p.ms);
      const to = Math.min(b, q.ms);
      if (to <= from) continue;
      const valueAt = (ms: number) => (linear ? p.v + ((q.v - p.v) * (ms - p.ms)) / (q.ms - p.ms) : p.v);
      integral += ((valueAt(from) + valueAt(to)) / 2) * (to - from);
      covered += to - from;
    }
    const mean = integral / covered;
    // Samples near the float limit (1e308 W from a corrupt source) overflow the integral: such a
    // slot has no usable value, so it is a gap rather than Infinity or NaN.
    values.push(covered > 0 && covered >= minCoverage * (b - a) && Number.isFinite(mean) ? mean : null);
  }
  return {
    series: { start: grid.iso(bounds[0]), stepMinutes: grid.stepMinutes, values, unit: options.unit ?? "W", quantity: options.quantity },
    gaps: gapsOf(grid, bounds, values, []),
  };
}

/** Energy per slot (or average power) from a cumulative energy counter in Wh, differenced at slot boundaries. */
export function resampleCounter(grid: SlotGrid, samples: readonly Sample[], options: CounterOptions): Resampled {
  const pts = cleanPoints(samples);
  const bounds = slotBounds(grid, options);
  const maxGapMs = (options.maxGapMinutes ?? 2 * grid.stepMinutes) * 60_000;
  // Counter value at each boundary, linearly interpolated between the samples around it.
  let k = 0;
  const at = bounds.map((ms): { v: number | null; reset: boolean } => {
    while (k < pts.length - 1 && pts[k + 1].ms < ms) k++;
    const p = pts[k];
    const q = pts[k + 1];
    if (p && p.ms === ms) return { v: p.v, reset: false };
    if (!p || !q || p.ms > ms || q.ms < ms || q.ms - p.ms > maxGapMs) return { v: null, reset: false };
    if (q.v < p.v) return { v: null, reset: true };
    return { v: p.v + ((q.v - p.v) * (ms - p.ms)) / (q.ms - p.ms), reset: false };
  });
  const perSlotW = options.output === "W";
  const values: (number | null)[] = [];
  const reasons: (Gap["reason"] | undefined)[] = [];
  for (let i = 0; i < options.count; i++) {
    const a = at[i].v;
    const b = at[i + 1].v;
    const wh = a === null || b === null ? null : b - a;
    const reset = at[i].reset || at[i + 1].reset || (wh !== null && wh < 0);
    const value = wh === null || wh < 0 ? null : perSlotW ? (wh * 3_600_000) / (bounds[i + 1] - bounds[i]) : wh;
    values.push(value);
    reasons.push(reset ? "counter reset" : undefined);
  }
  return {
    series: {
      start: grid.iso(bounds[0]),
      stepMinutes: grid.stepMinutes,
      values,
      unit: options.unit ?? (perSlotW ? "W" : "Wh"),
      quantity: options.quantity,
    },
    gaps: gapsOf(grid, bounds, values, reasons),
  };
}
