// Temperature-controlled heater (ELFE type 155, §2.5): first-order RC model from the LAST
// MEASURED temperature (ELFE started from 0 K), outdoor temperature from the weather forecast,
// on/off per slot, temperature kept in the bands. Where the heater cannot reach a band in time
// (or starts above it), the band is widened to what the greedy simulations reach, so the model
// is always feasible — ELFE's L/U trajectories, but never narrower than the user's band.
import type { SlotSeries, ThermalHeaterRequest } from "../../types";
import { GROUP_ORDER, type BuildEnv, type Decoded, type Horizon, type Job, type Warn } from "../context";
import { CONTINUOUS, INTEGER, type ModelBuilder } from "../model";
import { SwitchRows } from "./heater-pilot-wire";
import { heatingCostBound, type ThermalDynamics } from "../thermal-dp";

/** The outdoor temperature at the start of every slot (last known value carried forward), or null. */
export function outsideOnHorizon(series: SlotSeries | undefined, h: Horizon): Float64Array | null {
  if (!series) return null;
  const start = Date.parse(series.start);
  const stepMs = series.stepMinutes * 60_000;
  const out = new Float64Array(h.n);
  let last: number | null = null;
  for (let i = 0; i < series.values.length && start + i * stepMs <= h.begin; i++) if (series.values[i] !== null) last = series.values[i];
  for (let t = 0; t < h.n; t++) {
    const i = Math.floor((h.startMs(t) - start) / stepMs);
    const v = i >= 0 && i < series.values.length ? series.values[i] : null;
    if (v !== null) last = v;
    if (last === null) return null;
    out[t] = last;
  }
  return out;
}

export class ThermalJob implements Job, ThermalDynamics {
  readonly kind = "heater-thermal" as const;
  readonly continuous = true;
  readonly group = GROUP_ORDER["heater-thermal"];
  readonly optional = false;
  readonly deviceId: string;
  readonly elfeType?: number;
  readonly energyHint: number;
  colStart = -1;
  colEnd = -1;
  readonly a: number;
  readonly b: number;
  /** Bounds of T_t for t = 1..n (index t−1). */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** First of its n on/off columns (its temperature columns follow). */
  uStart = -1;

  constructor(
    req: ThermalHeaterRequest,
    readonly n: number,
    readonly outside: Float64Array,
    h: Horizon,
  ) {
    this.deviceId = req.deviceId;
    this.elfeType = req.elfeType;
    const dtS = h.stepMs / 1000;
    this.a = dtS / (req.model.resistanceKPerW * req.model.capacityJPerK);
    this.b = (dtS * req.maxPowerW) / req.model.capacityJPerK;
    this.power = req.maxPowerW;
    this.t0 = req.tempC;
    const low = new Float64Array(n).fill(-Infinity);
    const high = new Float64Array(n).fill(Infinity);
    for (let t = 1; t <= n; t++) {
      const at = h.startMs(t);
      for (const band of req.bands) {
        if (Date.parse(band.start) <= at && at < Date.parse(band.end)) {
          low[t - 1] = Math.max(low[t - 1], Math.min(band.minC, band.maxC));
          high[t - 1] = Math.min(high[t - 1], Math.max(band.minC, band.maxC));
        }
      }
    }
    const L = this.simulate((t, off) => off < low[t]);
    const U = this.simulate((t, _off, on) => on <= high[t]);
    this.lower = new Float64Array(n);
    this.upper = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      this.lower[t] = Math.min(low[t], L.temps[t], U.temps[t]);
      this.upper[t] = Math.max(high[t], L.temps[t], U.temps[t]);
    }
    this.safeU = L.u;
    this.energyHint = (L.u.reduce((s, u) => s + u, 0) * req.maxPowerW * h.stepMs) / 3_600_000;
  }
  readonly power: number;
  readonly t0: number;
  /** The "heat only when below the band" decisions: feasible by construction. */
  private readonly safeU: Float64Array;

  /** Next temperature from T with the heater on (u = 1) or off. */
  next(t: number, T: number, u: number): number {
    return T + this.a * (this.outside[t] - T) + this.b * u;
  }

  /** Greedy simulation: heat in slot t when `heat(t, T_off, T_on)`. temps[t] is T_{t+1}. */
  simulate(heat: (t: number, off: number, on: number) => boolean): { u: Float64Array; temps: Float64Array } {
    const u = new Float64Array(this.n);
    const temps = new Float64Array(this.n);
    let T = this.t0;
    for (let t = 0; t < this.n; t++) {
      const off = this.next(t, T, 0);
      const on = this.next(t, T, 1);
      u[t] = heat(t, off, on) ? 1 : 0;
      T = u[t] ? on : off;
      temps[t] = T;
    }
    return { u, temps };
  }

  build(b: ModelBuilder, env: BuildEnv): void {
    // Row t: T_{t+1} − (1−a)·T_t − b·u_t = a·Text_t (T_0 is the measurement, moved to the right).
    const dyn: number[] = [];
    for (let t = 0; t < this.n; t++) {
      const rhs = this.a * this.outside[t] + (t === 0 ? (1 - this.a) * this.t0 : 0);
      dyn.push(b.addRow(rhs, rhs));
    }
    const slots = Array.from({ length: this.n }, (_, t) => t);
    const switches = env.tieBreak ? new SwitchRows(b, slots) : undefined;
    this.colStart = b.numCols;
    this.uStart = this.colStart;
    for (let t = 0; t < this.n; t++) {
      const rows = [t, dyn[t]];
      const vals = [-this.power, -this.b];
      switches?.entries(t, rows, vals);
      b.addCol(0, 0, 1, INTEGER, rows, vals);
    }
    for (let t = 1; t <= this.n; t++) {
      const rows = [dyn[t - 1]];
      const vals = [1];
      if (t < this.n) {
        rows.push(dyn[t]);
        vals.push(-(1 - this.a));
      }
      b.addCol(0, this.lower[t - 1], this.upper[t - 1], CONTINUOUS, rows, vals);
    }
    this.colEnd = b.numCols;
    switches?.addColumns(b, env.eps);
  }

  integral(x: Float64Array): boolean {
    for (let t = 0; t < this.n; t++) if (Math.abs(x[this.uStart + t] - Math.round(x[this.uStart + t])) > 1e-6) return false;
    return true;
  }

  /** Its columns for the heating u: u itself, then the temperatures it gives. */
  columnsOf(u: Float64Array): Float64Array {
    const out = new Float64Array(2 * this.n);
    let T = this.t0;
    for (let t = 0; t < this.n; t++) {
      out[t] = u[t];
      T = this.next(t, T, u[t]);
      out[this.n + t] = T;
    }
    return out;
  }

  /** Sequential rounding of the LP's heating, forced on/off where the band requires it; else the safe plan. */
  round(x: Float64Array): Float64Array {
    // Cumulative rounding: heat when the LP's heating not yet given reaches half a slot, so the
    // rounded heating follows the LP's timing.
    const u = new Float64Array(this.n);
    let T = this.t0;
    let owed = 0;
    for (let t = 0; t < this.n; t++) {
      const off = this.next(t, T, 0);
      const on = this.next(t, T, 1);
      owed += x[this.uStart + t];
      u[t] = off < this.lower[t] ? 1 : on > this.upper[t] ? 0 : owed >= 0.5 ? 1 : 0;
      owed -= u[t];
      T = u[t] ? on : off;
    }
    return this.bandBreach(u) === null ? this.columnsOf(u) : this.columnsOf(this.safeU);
  }

  /** On/off heating at these prices (its temperature columns cost nothing): the DP bound. */
  pricedBound(price: Float64Array): number {
    return heatingCostBound(this, price.subarray(0, this.n));
  }

  decode(x: Float64Array): Decoded {
    const decisions = new Array<number>(this.n).fill(0);
    const powerW = new Float64Array(this.n);
    for (let t = 0; t < this.n; t++) {
      const u = Math.round(x[this.uStart + t]);
      decisions[t] = u;
      powerW[t] = u * this.power;
    }
    return { decisions, powerW };
  }

  greedy(): Float64Array {
    // Heat only when the temperature would otherwise fall below its band: feasible by construction.
    return this.columnsOf(this.safeU);
  }

  check(x: Float64Array): string | null {
    if (!this.integral(x)) return `${this.deviceId}: fractional heating`;
    return this.bandBreach(x.subarray(this.uStart, this.uStart + this.n));
  }

  /** Where the heating u (on/off per slot) takes the temperature out of its band, or null. */
  private bandBreach(u: ArrayLike<number>): string | null {
    let T = this.t0;
    for (let t = 0; t < this.n; t++) {
      T = this.next(t, T, Math.round(u[t]));
      if (T < this.lower[t] - 1e-6 || T > this.upper[t] + 1e-6) return `${this.deviceId}: ${T.toFixed(2)} °C outside [${this.lower[t]}, ${this.upper[t]}] after slot ${t}`;
    }
    return null;
  }
}

export function prepareThermal(req: ThermalHeaterRequest, h: Horizon, warn: Warn): Job | null {
  // One explicit step per slot only describes a room that cools slower than a slot: with R·C
  // shorter than the slot the simulated temperature overshoots, then diverges (typed units).
  const tau = req.model.resistanceKPerW * req.model.capacityJPerK;
  if (tau <= h.stepMs / 1000) {
    warn("WARN_IGNORED", req.deviceId, `${req.deviceId}: thermal model with a time constant R·C of ${Number(tau.toPrecision(3))} s, not longer than one slot (${h.stepMs / 1000} s): left out (check its units, K/W and J/K)`);
    return null;
  }
  if (Math.abs(req.tempC) > 100) {
    warn("WARN_IGNORED", req.deviceId, `${req.deviceId}: measured temperature ${req.tempC} °C is not plausible: left out`);
    return null;
  }
  const outside = outsideOnHorizon(req.outsideC, h);
  if (!outside) {
    warn("WARN_IGNORED", req.deviceId, `${req.deviceId}: no outdoor temperature forecast for the horizon: left out`);
    return null;
  }
  return new ThermalJob(req, h.n, outside, h);
}
