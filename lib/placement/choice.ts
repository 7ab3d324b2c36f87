// The "one start among several" consumer shared by machines, water heaters and one-start EVs:
// one binary per allowed start, exactly one chosen (at most one for a surplus-only load).
import type { FlexKind } from "../types";
import { addedCost, GROUP_ORDER, type BuildEnv, type Decoded, type Job } from "./context";
import { INTEGER, type ModelBuilder } from "./model";

export interface ChoiceOption {
  /** Slot where the device is started (the 1 of a one-shot plan). */
  start: number;
  /** First slot drawing power, and the power of each slot from there (length ≥ len). */
  from: number;
  powers: Float64Array;
  len: number;
}

export interface ChoiceSpec {
  deviceId: string;
  kind: FlexKind;
  elfeType?: number;
  optional: boolean;
  /** "pulse": a 1 at the start slot (ELFE's one-shot); "block": 1 in every slot drawing power. */
  decisions: "pulse" | "block";
  options: ChoiceOption[];
  /** Index into options of the previous plan's start (plan stability), if still allowed. */
  previous?: number;
  fixedW?: Float64Array;
}

export class ChoiceJob implements Job {
  readonly deviceId: string;
  readonly kind: FlexKind;
  readonly elfeType?: number;
  readonly continuous: boolean;
  readonly group: number;
  readonly optional: boolean;
  readonly energyHint: number;
  readonly fixedW?: Float64Array;
  colStart = -1;
  colEnd = -1;
  /** Its row "one start" (at most one, when optional). */
  private row = -1;
  readonly integralRelaxation = true;

  constructor(
    readonly spec: ChoiceSpec,
    private readonly n: number,
    dtH: number,
  ) {
    this.deviceId = spec.deviceId;
    this.kind = spec.kind;
    this.elfeType = spec.elfeType;
    this.continuous = spec.decisions === "block";
    this.group = GROUP_ORDER[spec.kind];
    this.optional = spec.optional;
    this.fixedW = spec.fixedW;
    const o = spec.options[0];
    let e = 0;
    if (o) for (let i = 0; i < o.len; i++) e += o.powers[i] * dtH;
    this.energyHint = e;
  }

  private optionCost(k: number, env: BuildEnv): number {
    const o = this.spec.options[k];
    let c = 0;
    if (env.tieBreak) c += env.eps * (o.from + o.len); // earlier completion
    if (env.optionalStage) {
      // Surplus-only: worth its energy, so it runs wherever it imports nothing.
      let e = 0;
      for (let i = 0; i < o.len; i++) e += o.powers[i] * env.horizon.dtH;
      c -= e * env.unitPerWh;
    }
    return c;
  }

  build(b: ModelBuilder, env: BuildEnv): void {
    const options = this.spec.options;
    const row = (this.row = b.addRow(env.optionalStage ? 0 : 1, 1));
    this.colStart = b.numCols;
    const rows: number[] = [];
    const vals: number[] = [];
    for (let k = 0; k < options.length; k++) {
      const o = options[k];
      rows.length = 0;
      vals.length = 0;
      for (let i = 0; i < o.len; i++) {
        if (o.powers[i] === 0) continue;
        rows.push(o.from + i);
        vals.push(-o.powers[i]);
      }
      rows.push(row);
      vals.push(1);
      b.addCol(this.optionCost(k, env), 0, 1, INTEGER, rows, vals);
    }
    this.colEnd = b.numCols;
    if (this.spec.previous !== undefined && env.stabilityWh > 0 && !env.optionalStage) {
      // Moving away from the previous start costs the stability threshold: a bonus on staying.
      const bonus = env.stabilityWh * env.unitPerWh;
      b.addCost(this.colStart + this.spec.previous, -bonus);
      b.offset += bonus;
    }
  }

  /** The cheapest option (or none, where it may stay off). */
  pricedBound(price: Float64Array, env: BuildEnv): number {
    let least = this.optional || env.optionalStage ? 0 : Infinity;
    for (const p of price) if (p < least) least = p;
    return least;
  }

  private chosen(x: Float64Array): number {
    let best = -1;
    let bestV = 0.5;
    for (let c = this.colStart; c < this.colEnd; c++) {
      if (x[c] > bestV) {
        bestV = x[c];
        best = c - this.colStart;
      }
    }
    return best;
  }

  round(x: Float64Array, env: BuildEnv): Float64Array {
    const out = new Float64Array(this.colEnd - this.colStart);
    let best = -1;
    let bestV = env.optionalStage ? 0.5 : -1;
    for (let c = this.colStart; c < this.colEnd; c++) {
      if (x[c] > bestV) {
        bestV = x[c];
        best = c - this.colStart;
      }
    }
    if (best >= 0) out[best] = 1;
    return out;
  }

  /** The chosen start is basic, in place of its row's slack: the basis of the LP's own vertices. */
  basicPairs(x: Float64Array): [number, number][] {
    const k = this.chosen(x);
    return k < 0 ? [] : [[this.colStart + k, this.row]];
  }

  integral(x: Float64Array): boolean {
    for (let c = this.colStart; c < this.colEnd; c++) if (Math.abs(x[c] - Math.round(x[c])) > 1e-6) return false;
    return true;
  }

  decode(x: Float64Array): Decoded {
    const decisions = new Array<number>(this.n).fill(0);
    const powerW = new Float64Array(this.n);
    const k = this.chosen(x);
    if (k < 0) return { decisions, powerW };
    const o = this.spec.options[k];
    for (let i = 0; i < o.len; i++) {
      powerW[o.from + i] += o.powers[i];
      if (this.spec.decisions === "block") decisions[o.from + i] = 1;
    }
    if (this.spec.decisions === "pulse") decisions[o.start] = 1;
    return { decisions, powerW, start: o.start };
  }

  addLoad(x: Float64Array, into: Float64Array, sign: number): void {
    const k = this.chosen(x);
    if (k < 0) return;
    const o = this.spec.options[k];
    for (let i = 0; i < o.len; i++) into[o.from + i] += sign * o.powers[i];
  }

  greedy(net: Float64Array, env: BuildEnv): Float64Array {
    const out = new Float64Array(this.spec.options.length);
    let best = -1;
    let bestCost = Infinity;
    for (let k = 0; k < this.spec.options.length; k++) {
      const o = this.spec.options[k];
      let c = addedCost(net, env.weight, o.from, o.powers, o.len) + this.optionCost(k, env);
      if (k === this.spec.previous && env.stabilityWh > 0 && !env.optionalStage) c -= env.stabilityWh * env.unitPerWh;
      if (env.optionalStage && addedCost(net, env.weight, o.from, o.powers, o.len) > 1e-9) continue;
      if (c < bestCost - 1e-12) {
        bestCost = c;
        best = k;
      }
    }
    if (best >= 0 && !(env.optionalStage && bestCost >= 0)) out[best] = 1;
    return out;
  }

  check(x: Float64Array): string | null {
    let sum = 0;
    for (let c = this.colStart; c < this.colEnd; c++) {
      if (Math.abs(x[c] - Math.round(x[c])) > 1e-6) return `${this.deviceId}: fractional start`;
      sum += x[c];
    }
    if (this.optional ? sum > 1 + 1e-6 : Math.abs(sum - 1) > 1e-6) return `${this.deviceId}: ${sum} starts`;
    return null;
  }
}
