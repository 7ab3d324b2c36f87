// Pilot-wire heater, not temperature-controlled (ELFE type 151, §2.4): eco power in every slot,
// and per comfort slot a binary comfort (1) / eco (0). Per comfort period at most
// ecoForcedMaxPct % of its slots in eco, and at most 25 % eco in EVERY hour-long window of it
// (ELFE created only a few of those windows).
import type { PilotWireHeaterRequest } from "../../types";
import { GROUP_ORDER, type BuildEnv, type Decoded, type Horizon, type Job, type Warn } from "../context";
import { FixedJob } from "../fixed";
import { CONTINUOUS, INTEGER, type ModelBuilder } from "../model";

export interface SlotRange {
  s: number;
  e: number;
}

/** Periods snapped outwards to the slots, merged where they overlap or touch, clipped to the horizon. */
export function comfortSlots(periods: { start: string; end: string }[], h: Horizon): SlotRange[] {
  const ranges = periods
    .map((p) => ({ s: Math.max(0, h.slotOf(p.start)), e: Math.min(h.n, h.slotCeil(p.end)) }))
    .filter((r) => r.e > r.s)
    .sort((a, b) => a.s - b.s);
  const merged: SlotRange[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.s <= last.e) last.e = Math.max(last.e, r.e);
    else merged.push({ ...r });
  }
  return merged;
}

/**
 * Tie-break on on/off changes: for consecutive slots, rows s_t − y_t + y_{t−1} ≥ 0 and
 * s_t + y_t − y_{t−1} ≥ 0, created before the y columns so each y column carries its entries.
 */
export class SwitchRows {
  private up = new Map<number, number>();
  private down = new Map<number, number>();
  constructor(
    b: ModelBuilder,
    private readonly slots: number[],
  ) {
    for (let i = 1; i < slots.length; i++) {
      if (slots[i] !== slots[i - 1] + 1) continue;
      this.up.set(i, b.addRow(0, Infinity));
      this.down.set(i, b.addRow(0, Infinity));
    }
  }
  /** Extra entries of the y column of index i. */
  entries(i: number, rows: number[], vals: number[]): void {
    if (this.up.has(i)) {
      rows.push(this.up.get(i)!, this.down.get(i)!);
      vals.push(-1, 1);
    }
    if (this.up.has(i + 1)) {
      rows.push(this.up.get(i + 1)!, this.down.get(i + 1)!);
      vals.push(1, -1);
    }
  }
  /** The switch columns themselves, after the y columns. */
  addColumns(b: ModelBuilder, eps: number): void {
    for (const [i, up] of this.up) b.addCol(eps, 0, 1, CONTINUOUS, [up, this.down.get(i)!], [1, 1]);
  }
}

export class PilotWireJob implements Job {
  readonly kind = "heater-pilot-wire" as const;
  readonly continuous = true;
  readonly group = GROUP_ORDER["heater-pilot-wire"];
  readonly optional = false;
  readonly deviceId: string;
  readonly elfeType?: number;
  readonly energyHint: number;
  readonly fixedW: Float64Array;
  colStart = -1;
  colEnd = -1;
  /** Horizon slot of each binary column. */
  readonly slots: number[] = [];
  readonly deltaW: number;
  /** Constraints as slot lists with a minimum count (every one also has max = its length). */
  readonly groups: { slots: number[]; min: number }[] = [];
  /** Windows of consecutive slots (an interval matrix): the LP's vertices are integral. */
  readonly integralRelaxation = true;
  /** Per comfort period: its first column, its slot count and the most eco slots it allows. */
  private readonly periodCols: { first: number; len: number; maxEco: number }[] = [];
  private readonly slotsPerHour: number;

  constructor(
    req: PilotWireHeaterRequest,
    private readonly n: number,
    periods: SlotRange[],
    slotsPerHour: number,
  ) {
    this.deviceId = req.deviceId;
    this.elfeType = req.elfeType;
    this.fixedW = new Float64Array(n).fill(req.ecoW);
    this.deltaW = req.comfortW - req.ecoW;
    const f = req.ecoForcedMaxPct / 100;
    this.slotsPerHour = slotsPerHour;
    for (const p of periods) {
      const len = p.e - p.s;
      this.periodCols.push({ first: this.slots.length, len, maxEco: len - Math.min(len, Math.round((1 - f) * len)) });
      const all: number[] = [];
      for (let t = p.s; t < p.e; t++) {
        this.slots.push(t);
        all.push(t);
      }
      this.groups.push({ slots: all, min: Math.min(len, Math.round((1 - f) * len)) });
      const w = slotsPerHour;
      if (len < w) this.groups.push({ slots: all, min: Math.ceil(0.75 * len) });
      else for (let i = p.s; i + w <= p.e; i++) this.groups.push({ slots: all.slice(i - p.s, i - p.s + w), min: Math.ceil(0.75 * w) });
    }
    this.energyHint = this.slots.length * Math.abs(this.deltaW) * 0.25;
  }

  build(b: ModelBuilder, env: BuildEnv): void {
    const rows = this.groups.map((g) => b.addRow(g.min, g.slots.length));
    const rowsOfSlot = new Map<number, number[]>();
    this.groups.forEach((g, i) => g.slots.forEach((t) => (rowsOfSlot.get(t) ?? rowsOfSlot.set(t, []).get(t)!).push(rows[i])));
    const switches = env.tieBreak ? new SwitchRows(b, this.slots) : undefined;
    this.colStart = b.numCols;
    this.slots.forEach((t, i) => {
      const r = rowsOfSlot.get(t) ?? [];
      const rows = [t, ...r];
      const vals = [-this.deltaW, ...r.map(() => 1)];
      switches?.entries(i, rows, vals);
      b.addCol(0, 0, 1, INTEGER, rows, vals);
    });
    this.colEnd = b.numCols;
    switches?.addColumns(b, env.eps);
  }

  integral(x: Float64Array): boolean {
    for (let c = this.colStart; c < this.colEnd; c++) if (Math.abs(x[c] - Math.round(x[c])) > 1e-6) return false;
    return true;
  }

  /** The LP's comfort rounded, then comfort added where a period or an hour lacks it (highest LP value first). */
  round(x: Float64Array): Float64Array {
    const lp = x.subarray(this.colStart, this.colEnd);
    const y = Float64Array.from(lp, (v) => (v >= 0.5 ? 1 : 0));
    const index = new Map(this.slots.map((t, i) => [t, i]));
    for (const g of this.groups) {
      let sum = g.slots.reduce((s, t) => s + y[index.get(t)!], 0);
      if (sum >= g.min) continue;
      const off = g.slots.map((t) => index.get(t)!).filter((i) => y[i] === 0).sort((a, b) => lp[b] - lp[a]);
      for (const i of off) {
        if (sum >= g.min) break;
        y[i] = 1;
        sum++;
      }
    }
    return y;
  }

  /**
   * Least Σ price·comfort over its plans: per period, a DP over (eco slots used, slots since the
   * last eco). Exact with 15-min slots or longer (an hour window then allows one eco at most, so
   * two ecos must be an hour apart); with finer slots the hour windows are dropped, which can only
   * lower it.
   */
  pricedBound(price: Float64Array): number {
    const w = this.slotsPerHour;
    const perWindow = w - Math.ceil(0.75 * w);
    let total = 0;
    for (const p of this.periodCols) {
      const K = p.len < w ? Math.min(p.maxEco, p.len - Math.ceil(0.75 * p.len)) : perWindow === 0 ? 0 : p.maxEco;
      const spacing = p.len >= w && perWindow === 1 ? w : 1;
      // cost[e * (spacing + 1) + d]: e ecos so far, d slots since the last one (capped at spacing).
      const S = spacing + 1;
      let cost = new Float64Array((K + 1) * S).fill(Infinity);
      let next = new Float64Array((K + 1) * S);
      cost[spacing] = 0;
      for (let i = 0; i < p.len; i++) {
        const comfort = price[p.first + i];
        next.fill(Infinity);
        for (let e = 0; e <= K; e++) {
          for (let d = 0; d <= spacing; d++) {
            const c = cost[e * S + d];
            if (c === Infinity) continue;
            const stay = e * S + Math.min(spacing, d + 1);
            if (c + comfort < next[stay]) next[stay] = c + comfort;
            const eco = (e + 1) * S + Math.min(spacing, 1);
            if (e < K && d >= spacing && c < next[eco]) next[eco] = c;
          }
        }
        [cost, next] = [next, cost];
      }
      let least = Infinity;
      for (const c of cost) if (c < least) least = c;
      total += least;
    }
    return total;
  }

  decode(x: Float64Array): Decoded {
    const decisions = new Array<number>(this.n).fill(0);
    const powerW = new Float64Array(this.n);
    this.slots.forEach((t, i) => {
      const y = Math.round(x[this.colStart + i]);
      decisions[t] = y;
      powerW[t] = y * this.deltaW;
    });
    return { decisions, powerW };
  }

  private feasible(y: Float64Array): boolean {
    const index = new Map(this.slots.map((t, i) => [t, i]));
    return this.groups.every((g) => g.slots.reduce((s, t) => s + y[index.get(t)!], 0) >= g.min - 1e-9);
  }

  greedy(net: Float64Array, env: BuildEnv): Float64Array {
    const y = new Float64Array(this.slots.length).fill(1);
    if (this.deltaW <= 0) return y;
    // Eco first where comfort costs the most, as long as every period and hour allows it.
    const order = this.slots.map((t, i) => i).sort((a, b) => (net[this.slots[b]] + this.deltaW) * env.weight[this.slots[b]] - (net[this.slots[a]] + this.deltaW) * env.weight[this.slots[a]]);
    for (const i of order) {
      if (net[this.slots[i]] + this.deltaW <= 0) break; // comfort here is free
      y[i] = 0;
      if (!this.feasible(y)) y[i] = 1;
    }
    return y;
  }

  check(x: Float64Array): string | null {
    const y = x.slice(this.colStart, this.colEnd);
    if (!this.integral(x)) return `${this.deviceId}: fractional comfort`;
    return this.feasible(y) ? null : `${this.deviceId}: too much eco in a period or an hour`;
  }
}

export function preparePilotWire(req: PilotWireHeaterRequest, h: Horizon, _warn: Warn): Job | null {
  const periods = comfortSlots(req.comfortPeriods, h);
  if (periods.length === 0) return new FixedJob(req.deviceId, "heater-pilot-wire", req.elfeType, true, new Array<number>(h.n).fill(0), new Float64Array(h.n).fill(req.ecoW));
  return new PilotWireJob(req, h.n, periods, h.slotsPerHour);
}
