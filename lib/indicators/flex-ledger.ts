// What ELFE's indicators count over time rather than per plan: the flexible energy actually placed
// (slot by slot, from the plan in force: its flexible power is withoutFlexW − withFlexW) and the
// territory's consumption, so that the share of consumed energy that was placed can be given over
// the last 24 h. Serializable, so a node keeps it in its context across restarts.
import type { Plan } from "../types";
import { toMillis, type Instant } from "../time/grid";

const DAY_MS = 24 * 3_600_000;

export interface FlexLedgerState {
  /** Flexible energy placed since the ledger started, Wh. */
  cumulativeFlexWh: number;
  /** Energy per elapsed period over the last 24 h: [end ms, flexible Wh, consumed Wh]. */
  periods: [number, number, number][];
  lastMs?: number;
  lastConsumptionW?: number;
}

export class FlexLedger {
  private state: FlexLedgerState;

  constructor(restored?: FlexLedgerState) {
    this.state = restored ? { ...restored, periods: restored.periods.map((p) => [...p] as [number, number, number]) } : { cumulativeFlexWh: 0, periods: [] };
  }

  snapshot(): FlexLedgerState {
    return { ...this.state, periods: this.state.periods.map((p) => [...p] as [number, number, number]) };
  }

  /**
   * Accounts for the time since the previous call: the flexible power the plan in force gives each
   * of its slots in that time, and the consumption (mean of the two last readings). A gap longer
   * than `maxGapMs` is not bridged.
   */
  advance(now: Instant, plan: Plan | undefined, consumptionW: number | undefined, maxGapMs = 3_600_000): void {
    const t = toMillis(now);
    const from = this.state.lastMs;
    if (from !== undefined && t > from && t - from <= maxGapMs) {
      const flexWh = plan ? flexibleEnergy(plan, from, t) : 0;
      const prevW = this.state.lastConsumptionW;
      const consumedWh = prevW !== undefined && consumptionW !== undefined ? (((prevW + consumptionW) / 2) * (t - from)) / 3_600_000 : 0;
      this.state.cumulativeFlexWh += flexWh;
      this.state.periods.push([t, flexWh, consumedWh]);
    }
    if (from === undefined || t > from) {
      this.state.lastMs = t;
      if (consumptionW !== undefined) this.state.lastConsumptionW = consumptionW;
    }
    this.state.periods = this.state.periods.filter(([end]) => end > t - DAY_MS);
  }

  /** Cumulative placed energy, the last 24 h's placed and consumed energy, and their ratio. */
  totals(): { cumulativeFlexWh: number; flexWh24h: number; consumedWh24h: number; placedShare24h: number | undefined } {
    const flexWh24h = this.state.periods.reduce((s, p) => s + p[1], 0);
    const consumedWh24h = this.state.periods.reduce((s, p) => s + p[2], 0);
    return { cumulativeFlexWh: this.state.cumulativeFlexWh, flexWh24h, consumedWh24h, placedShare24h: consumedWh24h > 0 ? flexWh24h / consumedWh24h : undefined };
  }
}

/** Flexible energy (Wh) the plan places in [from, to): its slots' flexible power times their overlap. */
function flexibleEnergy(plan: Plan, from: number, to: number): number {
  const start = toMillis(plan.firstValidTimestamp);
  const stepMs = plan.stepMinutes * 60_000;
  let wh = 0;
  const first = Math.max(0, Math.floor((from - start) / stepMs));
  const last = Math.min(plan.slotCount - 1, Math.floor((to - 1 - start) / stepMs));
  for (let i = first; i <= last; i++) {
    const a = Math.max(from, start + i * stepMs);
    const b = Math.min(to, start + (i + 1) * stepMs);
    const flexW = Math.max(0, (plan.curves.withoutFlexW[i] ?? 0) - (plan.curves.withFlexW[i] ?? 0));
    if (b > a) wh += (flexW * (b - a)) / 3_600_000;
  }
  return wh;
}
