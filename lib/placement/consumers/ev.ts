// Electric vehicle (ELFE type 221, also 225/515). Default: ELFE's one start at full power that
// reaches the target by the departure (§2.3). `modulating`: a power per slot within
// {0} ∪ [minPowerW, maxPowerW]; the energy to minSocPct (default: the target) is guaranteed by
// the departure and the rest up to targetSocPct is charged from surplus only (partial charge).
import type { EvRequest } from "../../types";
import { GROUP_ORDER, type BuildEnv, type Decoded, type Horizon, type Job, type Warn } from "../context";
import { ChoiceJob, type ChoiceOption } from "../choice";
import { FixedJob, remainder } from "../fixed";
import { CONTINUOUS, SEMI_CONTINUOUS, type ModelBuilder } from "../model";
import { repairWindow } from "../repair";

/** ⌈a / b⌉ for a, b > 0, exact when both are integers (ELFE's float rounding added a slot). */
export function ceilDiv(a: number, b: number): number {
  if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) return Number((BigInt(a) + BigInt(b) - 1n) / BigInt(b));
  return Math.ceil(a / b - 1e-9);
}

/** Slots at full power to go from socPct to targetPct: ⌈C·ΔSoC·60 / (100·P·step)⌉. */
export function evSlots(capacityWh: number, fromPct: number, toPct: number, powerW: number, stepMinutes: number): number {
  if (toPct <= fromPct) return 0;
  return ceilDiv(capacityWh * (toPct - fromPct) * 60, 100 * powerW * stepMinutes);
}

/** ELFE's curve: full power until the battery is full, then the remaining fraction if ≥ 0.1 W. */
export function fullChargeCurve(req: EvRequest, h: Horizon): Float64Array {
  const perSlotWh = req.maxPowerW * h.dtH;
  const fullWh = (req.capacityWh * (100 - req.socPct)) / 100;
  const whole = Math.floor(fullWh / perSlotWh + 1e-9);
  const rest = (fullWh - whole * perSlotWh) / h.dtH;
  const out = new Float64Array(whole + (rest >= 0.1 ? 1 : 0)).fill(req.maxPowerW);
  if (rest >= 0.1) out[whole] = rest;
  return out;
}

export function prepareEv(req: EvRequest, h: Horizon, warn: Warn): Job | null {
  return req.modulating ? prepareModulating(req, h, warn) : prepareOneStart(req, h, warn);
}

function deadlineSlot(req: EvRequest, h: Horizon): number {
  return Math.floor((Date.parse(req.departure) - h.begin) / h.stepMs);
}

function prepareOneStart(req: EvRequest, h: Horizon, warn: Warn): Job | null {
  const n = h.n;
  const curve = fullChargeCurve(req, h);
  const dl = deadlineSlot(req, h);
  if (req.running) {
    const since = h.slotOf(req.running.since);
    const fixed = remainder(curve, Math.max(0, Math.min(curve.length, dl - since)), since, n);
    return new FixedJob(req.deviceId, "ev", req.elfeType, false, new Array<number>(n).fill(0), fixed, since >= 0 ? since : undefined);
  }
  const T = evSlots(req.capacityWh, req.socPct, req.targetSocPct, req.maxPowerW, h.grid.stepMinutes);
  if (T === 0) return new FixedJob(req.deviceId, "ev", req.elfeType, false, new Array<number>(n).fill(0), undefined);
  const w = repairWindow(req.deviceId, { s: 0, e: dl }, T, dl <= 0, h, warn);
  if (!w) return null;
  const option = (st: number): ChoiceOption => ({ start: st, from: st, powers: curve, len: Math.min(curve.length, w.e - st) });
  const previous = req.previousStart === undefined ? undefined : h.slotOf(req.previousStart);
  if (previous === 0) return new ChoiceJob({ deviceId: req.deviceId, kind: "ev", elfeType: req.elfeType, optional: false, decisions: "pulse", options: [option(0)] }, n, h.dtH);
  const options: ChoiceOption[] = [];
  for (let st = w.s; st + T <= w.e; st++) options.push(option(st));
  const prevIdx = previous === undefined ? -1 : options.findIndex((o) => o.start === previous);
  return new ChoiceJob(
    { deviceId: req.deviceId, kind: "ev", elfeType: req.elfeType, optional: req.optional === true, decisions: "pulse", options, previous: prevIdx >= 0 ? prevIdx : undefined },
    n,
    h.dtH,
  );
}

function prepareModulating(req: EvRequest, h: Horizon, warn: Warn): Job | null {
  const n = h.n;
  const pMax = req.maxPowerW;
  const pMin = Math.min(req.minPowerW ?? 0, pMax);
  const target = Math.max(req.socPct, req.targetSocPct);
  const minPct = Math.min(target, Math.max(req.socPct, req.minSocPct ?? target));
  let minWh = (req.capacityWh * (minPct - req.socPct)) / 100;
  let maxWh = (req.capacityWh * (target - req.socPct)) / 100;
  if (maxWh <= 0) return new FixedJob(req.deviceId, "ev", req.elfeType, true, new Array<number>(n).fill(0), undefined);
  const dl = deadlineSlot(req, h);
  const D = evSlots(req.capacityWh, req.socPct, minPct, pMax, h.grid.stepMinutes);
  let end = Math.min(dl, n);
  if (D > 0) {
    if (D > n) {
      minWh = pMax * h.dtH * n;
      warn("WARN_CONSTRAINT", req.deviceId, `${req.deviceId}: ${minPct} % cannot be reached within the horizon: charges ${Math.round(minWh)} Wh at most`);
      end = n;
    } else {
      const w = repairWindow(req.deviceId, { s: 0, e: dl }, D, dl <= 0, h, warn);
      if (!w) return null;
      end = w.e;
    }
  } else if (end <= 0) {
    end = 0;
  }
  maxWh = Math.min(maxWh, pMax * h.dtH * end);
  minWh = Math.min(minWh, maxWh);
  return new ModulatingEvJob(req, n, end, pMin, pMax, minWh, maxWh, h.dtH);
}

export class ModulatingEvJob implements Job {
  readonly kind = "ev" as const;
  readonly continuous = true;
  readonly group = GROUP_ORDER.ev;
  readonly deviceId: string;
  readonly elfeType?: number;
  readonly optional: boolean;
  readonly energyHint: number;
  colStart = -1;
  colEnd = -1;
  constructor(
    req: EvRequest,
    private readonly n: number,
    /** Slots 0..end−1 may charge. */
    readonly end: number,
    readonly pMin: number,
    readonly pMax: number,
    readonly minWh: number,
    readonly maxWh: number,
    private readonly dtH: number,
  ) {
    this.deviceId = req.deviceId;
    this.elfeType = req.elfeType;
    this.optional = req.optional === true;
    this.energyHint = minWh;
  }

  private lowerWh(env: BuildEnv): number {
    return env.optionalStage || this.optional ? 0 : this.minWh;
  }

  build(b: ModelBuilder, env: BuildEnv): void {
    const row = b.addRow(this.lowerWh(env) - 1e-7, this.maxWh + 1e-7);
    this.colStart = b.numCols;
    // The energy above the minimum is worth a little: charged wherever it imports nothing.
    const reward = 1e-3 * env.unitPerWh * this.dtH;
    for (let t = 0; t < this.end; t++) {
      const cost = -reward + (env.tieBreak ? (env.eps * t) / this.pMax : 0);
      b.addCol(cost, this.pMin > 0 ? this.pMin : 0, this.pMax, this.pMin > 0 ? SEMI_CONTINUOUS : CONTINUOUS, [t, row], [-1, this.dtH]);
    }
    this.colEnd = b.numCols;
  }

  integral(x: Float64Array): boolean {
    if (this.pMin <= 0) return true;
    for (let c = this.colStart; c < this.colEnd; c++) if (x[c] > 1e-6 && x[c] < this.pMin - 1e-6) return false;
    return true;
  }

  /** Powers below the minimum dropped, their energy moved to the slots already charging the most. */
  round(x: Float64Array, env: BuildEnv): Float64Array {
    const p = Float64Array.from(x.subarray(this.colStart, this.colEnd), (v) => Math.max(0, Math.min(this.pMax, v)));
    if (this.pMin <= 0) return p;
    let missing = 0;
    for (let t = 0; t < p.length; t++) {
      if (p[t] > 1e-9 && p[t] < this.pMin) {
        missing += p[t];
        p[t] = 0;
      }
    }
    const order = Array.from(p.keys()).sort((a, b) => p[b] - p[a]);
    for (const t of order) {
      if (missing <= 1e-9) break;
      if (p[t] === 0) {
        if (missing < this.pMin) continue;
      }
      const add = Math.min(this.pMax - p[t], missing);
      if (p[t] + add < this.pMin) continue;
      p[t] += add;
      missing -= add;
    }
    if (missing > 1e-6) {
      // Not enough room in charging slots: one more slot at the minimum power at least.
      const t = order.find((i) => p[i] === 0);
      if (t !== undefined) p[t] = Math.min(this.pMax, Math.max(this.pMin, missing));
    }
    return this.breach(p) === null ? p : this.greedy(new Float64Array(this.n), env);
  }

  /**
   * Exact least cost at these prices with the minimum power: for k charging slots, the k
   * cheapest at pMin, the power beyond it where a watt is worth taking (negative price) or
   * needed to reach the minimum energy, cheapest first. The LP may charge below pMin.
   */
  pricedBound(price: Float64Array, env: BuildEnv): number {
    const slots = Array.from({ length: this.end }, (_, t) => t).sort((a, b) => price[a] - price[b]);
    const needW = this.lowerWh(env) / this.dtH;
    const roomW = this.maxWh / this.dtH;
    let best = needW <= 1e-9 ? 0 : Infinity;
    let atMin = 0;
    for (let k = 1; k <= slots.length; k++) {
      atMin += this.pMin * price[slots[k - 1]];
      if (k * this.pMin > roomW + 1e-6) break;
      if (k * this.pMax < needW - 1e-6) continue;
      const required = Math.max(0, needW - k * this.pMin);
      const allowed = Math.min(roomW, k * this.pMax) - k * this.pMin;
      let cost = atMin;
      let taken = 0;
      for (let i = 0; i < k; i++) {
        const p = price[slots[i]];
        const want = p < 0 ? allowed - taken : Math.min(allowed, required) - taken;
        const add = Math.max(0, Math.min(this.pMax - this.pMin, want));
        cost += p * add;
        taken += add;
      }
      if (cost < best) best = cost;
    }
    return best;
  }

  decode(x: Float64Array): Decoded {
    const decisions = new Array<number>(this.n).fill(0);
    const powerW = new Float64Array(this.n);
    for (let t = 0; t < this.end; t++) {
      const p = Math.max(0, x[this.colStart + t]);
      const r = Math.round(p * 1000) / 1000;
      powerW[t] = r;
      decisions[t] = r;
    }
    return { decisions, powerW };
  }

  greedy(net: Float64Array, env: BuildEnv): Float64Array {
    const out = new Float64Array(this.end);
    const order = Array.from({ length: this.end }, (_, t) => t).sort((a, b) => net[a] * env.weight[a] - net[b] * env.weight[b] || a - b);
    let need = this.lowerWh(env);
    for (const t of order) {
      if (need <= 1e-9) break;
      const p = Math.max(this.pMin, Math.min(this.pMax, need / this.dtH));
      out[t] = p;
      need -= p * this.dtH;
    }
    // Then the partial charge, in slots where the surplus covers it.
    let room = this.maxWh - out.reduce((s, p) => s + p * this.dtH, 0);
    for (const t of order) {
      if (room <= 1e-9) break;
      const surplus = -(net[t] + out[t]);
      if (surplus <= 0) continue;
      const add = Math.min(surplus, this.pMax - out[t], room / this.dtH);
      if (out[t] + add < this.pMin) continue;
      out[t] += add;
      room -= add * this.dtH;
    }
    return out;
  }

  check(x: Float64Array): string | null {
    return this.breach(x.subarray(this.colStart, this.colEnd));
  }

  /** What the powers (W per slot, one per column) break of its bounds and energies, or null. */
  private breach(powers: ArrayLike<number>): string | null {
    let e = 0;
    for (let c = 0; c < powers.length; c++) {
      const p = powers[c];
      if (p < -1e-6 || p > this.pMax + 1e-6) return `${this.deviceId}: power ${p} outside [0, ${this.pMax}]`;
      if (p > 1e-6 && p < this.pMin - 1e-6) return `${this.deviceId}: power ${p} below the minimum ${this.pMin}`;
      e += p * this.dtH;
    }
    if (e < this.minWh - 1e-3 && !this.optional) return `${this.deviceId}: ${e} Wh < minimum ${this.minWh}`;
    if (e > this.maxWh + 1e-3) return `${this.deviceId}: ${e} Wh > target ${this.maxWh}`;
    return null;
  }
}
