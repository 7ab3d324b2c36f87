// Machine cycle learning (ELFE's machine_cycle_learner): find the consumption cycles of a
// washing machine, dishwasher or dryer in its power curve, and turn them into a power profile
// on the territory's slot length that the placement can use as a machine's profileW.
import { SlotGrid, resamplePower, toMillis, type Sample } from "../time";

export interface CycleLearnerOptions {
  /** A cycle starts when a raw power sample rises above this (W; ELFE default 40). */
  thresholdStartW?: number;
  /** ... and ends when the power averaged over `periodSeconds` stays below this (W; default 40) ... */
  thresholdEndW?: number;
  /** ... for more than `periodCount` consecutive periods (default 900 s and 1, as ELFE). */
  periodSeconds?: number;
  periodCount?: number;
  /** Slot length of the learned profile (the territory's, minutes). */
  stepMinutes: number;
  /** Two samples further apart than this do not describe the time between them (default 60 min). */
  maxGapMinutes?: number;
  /** Zone in which times are written (default UTC). */
  zone?: string;
}

export interface LearnedCycle {
  start: string;
  end: string;
  durationMinutes: number;
  energyWh: number;
  /** Average power per slot of `stepMinutes` from the start (the last slot holds the remaining energy). */
  profileW: number[];
}

export interface CycleDetection {
  /** Complete cycles, oldest first. */
  cycles: LearnedCycle[];
  /** The first cycle was left out because it may have begun before the data did. */
  skippedFirst: boolean;
  /** A cycle still running when the data ends (not learned). */
  inProgressSince?: string;
  /** Cycles left out because the data had a gap in them. */
  withGaps: number;
}

export interface CycleProfile {
  profileW: number[];
  stepMinutes: number;
  durationMinutes: number;
  energyWh: number;
  /** How many cycles the profile summarises. */
  cycleCount: number;
  method: "median" | "latest";
}

interface Point {
  ms: number;
  v: number;
}

function settings(options: CycleLearnerOptions) {
  const s = {
    thresholdStartW: options.thresholdStartW ?? 40,
    thresholdEndW: options.thresholdEndW ?? 40,
    periodSeconds: options.periodSeconds ?? 900,
    periodCount: options.periodCount ?? 1,
    stepMinutes: options.stepMinutes,
    maxGapMinutes: options.maxGapMinutes ?? 60,
    zone: options.zone ?? "UTC",
  };
  for (const k of ["thresholdStartW", "thresholdEndW"] as const) {
    if (!Number.isFinite(s[k]) || s[k] < 0) throw new RangeError(`${k} must be a number >= 0, got ${s[k]}`);
  }
  const periodMinutes = s.periodSeconds / 60;
  if (!Number.isInteger(periodMinutes) || periodMinutes < 1 || 1440 % periodMinutes !== 0) {
    throw new RangeError(`periodSeconds must be a whole number of minutes dividing a day (900, 600, 300 …), got ${s.periodSeconds}`);
  }
  if (!Number.isInteger(s.periodCount) || s.periodCount < 0) throw new RangeError(`periodCount must be a whole number >= 0, got ${s.periodCount}`);
  if (!Number.isFinite(s.maxGapMinutes) || s.maxGapMinutes <= 0) throw new RangeError(`maxGapMinutes must be > 0, got ${s.maxGapMinutes}`);
  // Checks the step and the zone.
  new SlotGrid({ zone: s.zone, stepMinutes: s.stepMinutes });
  return s;
}

/** Samples -> sorted finite points (last one wins on equal timestamps). */
function pointsOf(samples: readonly Sample[]): Point[] {
  const pts: Point[] = [];
  for (const s of samples) {
    if (s.value === null || !Number.isFinite(s.value)) continue;
    pts.push({ ms: toMillis(s.ts), v: s.value });
  }
  pts.sort((a, b) => a.ms - b.ms);
  return pts.filter((p, i) => i === pts.length - 1 || pts[i + 1].ms !== p.ms);
}

/**
 * Time-weighted means over consecutive spans of `stepMinutes` starting at `originMs`, through
 * lib/time resamplePower on a UTC grid whose epoch is moved to `originMs`.
 */
function meansFrom(pts: Point[], originMs: number, stepMinutes: number, count: number, maxGapMinutes: number, minCoverage: number): (number | null)[] {
  const grid = new SlotGrid({ zone: "UTC", stepMinutes });
  const shifted = pts.map((p) => ({ ts: p.ms - originMs, value: p.v }));
  return resamplePower(grid, shifted, { start: 0, count, maxGapMinutes, minCoverage, interpolation: "previous" }).series.values;
}

/**
 * Finds the complete cycles in a power curve. A cycle starts at the first raw sample above
 * `thresholdStartW`; from there the power is averaged per period; the cycle ends when more than
 * `periodCount` consecutive period means are below `thresholdEndW` (those low periods are not
 * part of it; its end is when the power last dropped to or below `thresholdEndW`). A pause shorter
 * than that is part of the cycle. The first cycle is learned only if the data shows the machine
 * idle for `periodCount + 1` periods before it; a cycle still running at the end is not learned.
 */
export function detectCycles(samples: readonly Sample[], options: CycleLearnerOptions): CycleDetection {
  const s = settings(options);
  const out: CycleDetection = { cycles: [], skippedFirst: false, withGaps: 0 };
  const pts = pointsOf(samples);
  if (pts.length < 2) return out;
  const periodMs = s.periodSeconds * 1000;
  const grid = new SlotGrid({ zone: s.zone, stepMinutes: s.stepMinutes });
  const lastMs = pts[pts.length - 1].ms;
  let pos = 0;
  let first = true;
  while (pos < pts.length) {
    let i = pos;
    while (i < pts.length && pts[i].v <= s.thresholdStartW) i++;
    if (i >= pts.length) break;
    const startMs = pts[i].ms;
    const count = Math.floor((lastMs - startMs) / periodMs);
    const means = meansFrom(pts, startMs, s.periodSeconds / 60, count, s.maxGapMinutes, 0.5);
    let low = 0;
    let endPeriod = -1;
    let gapAt = -1;
    for (let j = 0; j < means.length; j++) {
      const m = means[j];
      if (m === null) {
        gapAt = j;
        break;
      }
      if (m < s.thresholdEndW) {
        low++;
        if (low > s.periodCount) {
          endPeriod = j - low + 1;
          break;
        }
      } else low = 0;
    }
    const quietBefore = startMs - pts[0].ms >= (s.periodCount + 1) * periodMs;
    if (gapAt >= 0) {
      out.withGaps++;
      first = false;
      const resume = startMs + (gapAt + 1) * periodMs;
      pos = nextIndex(pts, resume, i + 1);
      continue;
    }
    if (endPeriod < 0) {
      out.inProgressSince = grid.iso(startMs);
      break;
    }
    const coarseEnd = startMs + endPeriod * periodMs;
    // The end is the moment the power last dropped to or below threshold_end before the low run.
    let k = i;
    for (let m = i; m < pts.length && pts[m].ms < coarseEnd; m++) if (pts[m].v > s.thresholdEndW) k = m;
    const endMs = Math.max(startMs + 1, Math.min(coarseEnd, pts[k + 1]?.ms ?? coarseEnd));
    if (first && !quietBefore) out.skippedFirst = true;
    else out.cycles.push(cycleOf(pts, startMs, endMs, s.stepMinutes, grid));
    first = false;
    pos = nextIndex(pts, startMs + (endPeriod + s.periodCount + 1) * periodMs, i + 1);
  }
  return out;
}

function nextIndex(pts: Point[], ms: number, atLeast: number): number {
  let j = atLeast;
  while (j < pts.length && pts[j].ms < ms) j++;
  return j;
}

/** The cycle [startMs, endMs) as average power per slot from its start, energy preserved. */
function cycleOf(pts: Point[], startMs: number, endMs: number, stepMinutes: number, grid: SlotGrid): LearnedCycle {
  const stepMs = stepMinutes * 60_000;
  const count = Math.max(1, Math.ceil((endMs - startMs) / stepMs));
  // Power is 0 from the end of the cycle to the end of its last slot, so that slot keeps the energy.
  const inside = pts.filter((p) => p.ms >= startMs && p.ms < endMs);
  inside.push({ ms: endMs, v: 0 }, { ms: startMs + count * stepMs, v: 0 });
  const gap = Math.max(stepMinutes, (endMs - startMs) / 60_000 + stepMinutes);
  const profileW = meansFrom(inside, startMs, stepMinutes, count, gap, 0).map((v) => round3(v ?? 0));
  const energyWh = round3(profileW.reduce((a, b) => a + b, 0) * (stepMinutes / 60));
  return { start: grid.iso(startMs), end: grid.iso(endMs), durationMinutes: round3((endMs - startMs) / 60_000), energyWh, profileW };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Adds newly found cycles to the kept ones (the same start is the same cycle) and keeps the last `keep`. */
export function mergeCycles(kept: readonly LearnedCycle[], found: readonly LearnedCycle[], keep: number): LearnedCycle[] {
  const byStart = new Map<number, LearnedCycle>();
  for (const c of [...kept, ...found]) byStart.set(toMillis(c.start), c);
  return [...byStart.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, c]) => c)
    .slice(-Math.max(1, keep));
}

/**
 * One profile from several cycles: per slot, the median of the cycles (a shorter cycle counts 0
 * after its end), over the median length; so one odd cycle does not make the plan. "latest" takes
 * the most recent cycle as it is (ELFE's behaviour).
 */
export function cycleProfile(cycles: readonly LearnedCycle[], stepMinutes: number, method: "median" | "latest" = "median"): CycleProfile | null {
  if (cycles.length === 0) return null;
  if (method === "latest" || cycles.length === 1) {
    const c = cycles[cycles.length - 1];
    return { profileW: [...c.profileW], stepMinutes, durationMinutes: c.durationMinutes, energyWh: c.energyWh, cycleCount: 1, method };
  }
  const length = Math.ceil(median(cycles.map((c) => c.profileW.length)));
  const profileW: number[] = [];
  for (let i = 0; i < length; i++) profileW.push(round3(median(cycles.map((c) => c.profileW[i] ?? 0))));
  return {
    profileW,
    stepMinutes,
    durationMinutes: round3(median(cycles.map((c) => c.durationMinutes))),
    energyWh: round3(profileW.reduce((a, b) => a + b, 0) * (stepMinutes / 60)),
    cycleCount: cycles.length,
    method,
  };
}
