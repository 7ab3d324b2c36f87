// What every consumer file needs to turn a request into columns: the horizon (slot grid in the
// territory's zone), the objective weights, the warnings sink, and the Job contract.
import type { SlotGrid, Instant } from "../time/grid";
import { toMillis } from "../time/grid";
import type { FlexKind, FlexRequest, PlanWarning } from "../types";
import type { ModelBuilder } from "./model";

/** The plan's slots: slot t is [begin + t·step, begin + (t+1)·step). */
export class Horizon {
  readonly stepMs: number;
  /** Slot length in hours (Wh = W × dtH). */
  readonly dtH: number;
  readonly slotsPerHour: number;
  constructor(
    readonly grid: SlotGrid,
    readonly begin: number,
    readonly n: number,
  ) {
    this.stepMs = grid.stepMs;
    this.dtH = grid.stepMinutes / 60;
    this.slotsPerHour = Math.max(1, Math.round(60 / grid.stepMinutes));
  }
  /** Index of the slot containing t (negative before the horizon, ≥ n after it). */
  slotOf(t: Instant): number {
    return Math.floor((toMillis(t) - this.begin) / this.stepMs);
  }
  /** Index of the first slot that starts at or after t. */
  slotCeil(t: Instant): number {
    return Math.ceil((toMillis(t) - this.begin) / this.stepMs);
  }
  startMs(slot: number): number {
    return this.begin + slot * this.stepMs;
  }
  iso(slot: number): string {
    return this.grid.iso(this.startMs(slot));
  }
}

export interface Warn {
  (code: PlanWarning["code"], deviceId: string | undefined, message: string): void;
}

/** Settings of one placement run; every field is optional. */
export interface PlacementOptions {
  /** Wall-clock budget of the whole solve (s). Default 10. */
  timeLimitS?: number;
  /** Accepted relative gap between the plan and the proven bound. Default 5e-5. */
  mipGap?: number;
  /** A device keeps its previous start unless moving it saves more than this (Wh). Default 0. */
  stabilityWh?: number;
  /** Prefer earlier completion and fewer on/off switches among plans of equal imports. Default false. */
  tieBreak?: boolean;
  /** Import limit of the feeder (kW): flexible loads never push the import above it. */
  feederLimitKw?: number;
  /** Import price per slot (any currency per kWh): the objective becomes cost instead of energy. */
  importPrice?: number[];
  /** Export price per slot (≤ the import price of the slot). */
  exportPrice?: number[];
  /** ELFE heats a water tank for its energy at rated power plus 2 h; 0 places the energy only. Default 2. */
  waterHeaterExtraHours?: number;
  /** "auto" (LP first, then MILP, then greedy), "milp" (full MILP at once) or "greedy". Default "auto". */
  method?: "auto" | "milp" | "greedy";
  /** Also compute the greedy placement's imports, to compare (benchmark). Default false. */
  withGreedy?: boolean;
}

export interface BuildEnv {
  horizon: Horizon;
  /** Cost of 1 W during slot t in objective units (Wh, or money with prices). */
  weight: Float64Array;
  /** Objective units per Wh on average (for the stability bonus and the tie-break). */
  unitPerWh: number;
  tieBreak: boolean;
  /** Tie-break cost unit (objective units): tiny against any import. */
  eps: number;
  stabilityWh: number;
  /** Second stage: optional (surplus-only) loads, placed only where they import nothing. */
  optionalStage: boolean;
}

export interface Decoded {
  decisions: number[];
  powerW: Float64Array;
  /** Slot of the start for one-shot kinds. */
  start?: number;
}

/** A request turned into a consumer ready to be modelled, rounded, decoded or placed greedily. */
export interface Job {
  readonly deviceId: string;
  readonly kind: FlexKind;
  readonly elfeType?: number;
  readonly continuous: boolean;
  /** Order in which whole groups are dropped when the model stays infeasible (machines never). */
  readonly group: number;
  readonly optional: boolean;
  /** Rough energy (Wh), to place large devices first in the greedy. */
  readonly energyHint: number;
  /** Load that does not depend on decisions (eco power, rest of a running cycle), W per slot. */
  readonly fixedW?: Float64Array;
  /** First column and one past the last, set by build. */
  colStart: number;
  colEnd: number;
  build(b: ModelBuilder, env: BuildEnv): void;
  /** Its columns rounded from an LP solution (full vector), or null when it cannot round them. */
  round(x: Float64Array, env: BuildEnv): Float64Array | null;
  /** Whether its integer columns are integral in x. */
  integral(x: Float64Array): boolean;
  decode(x: Float64Array): Decoded;
  /** Adds `sign` × its load per slot in x to `into`: decode(x).powerW without its arrays, where that matters. */
  addLoad?(x: Float64Array, into: Float64Array, sign: number): void;
  /** Its best columns given the net load (deficit + loads placed so far). */
  greedy(net: Float64Array, env: BuildEnv): Float64Array;
  /**
   * A lower bound of the least Σ price·column over its plans that meet every constraint,
   * integrality included (price per own column). The LP bound is lifted with it where integrality
   * matters, and the Lagrangian bound of a plan without LP is made of it (see solve.ts).
   */
  pricedBound?(price: Float64Array, env: BuildEnv): number;
  /** Its LP relaxation has integral vertices: integer plans cannot lift the LP bound. */
  readonly integralRelaxation?: boolean;
  /**
   * Columns of the plan x to make basic in a starting basis (see basis.ts), each in place of the
   * slack of one of its own tight rows: [column, row] pairs.
   */
  basicPairs?(x: Float64Array): [number, number][];
  /** Whether the columns respect every constraint of the device (property tests). */
  check(x: Float64Array): string | null;
}

export type Prepare<R extends FlexRequest> = (req: R, h: Horizon, opts: Required<Pick<PlacementOptions, "waterHeaterExtraHours">>, warn: Warn) => Job | null;

export const GROUP_ORDER: Record<FlexKind, number> = {
  "heater-pilot-wire": 0,
  "heater-thermal": 1,
  ev: 2,
  "water-heater": 3,
  machine: 99,
};

/** Import cost increase (objective units) of adding `add` W over slots [from, from+len) to `net`. */
export function addedCost(net: Float64Array, weight: Float64Array, from: number, powers: Float64Array, len: number): number {
  let c = 0;
  for (let i = 0; i < len; i++) {
    const t = from + i;
    const p = powers[i];
    if (p === 0) continue;
    const before = net[t] > 0 ? net[t] : 0;
    const after = net[t] + p;
    c += weight[t] * ((after > 0 ? after : 0) - before);
  }
  return c;
}
