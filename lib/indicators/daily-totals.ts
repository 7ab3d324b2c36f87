// energy_app's daily totals, per local day of the territory: energy imported, exported, produced
// by PV, self-consumed, cost and saving thanks to PV. Fed with meter counters (Wh) or powers (W);
// an interval that spans local midnight is split between the two days, so DST days are exact.
import { SlotGrid, toMillis, type Instant } from "../time/grid";
import { importPriceAt, type Tariff } from "./tariff";

/** One observation; counters are cumulative Wh, powers are W (grid power > 0 = import). */
export interface MeterSample {
  ts: Instant;
  gridImportWh?: number;
  gridExportWh?: number;
  pvWh?: number;
  gridW?: number;
  pvW?: number;
}

export interface DayTotals {
  /** Local day "yyyy-MM-dd". */
  day: string;
  importWh: number;
  exportWh: number;
  pvWh: number;
  selfConsumedWh: number;
  consumptionWh: number;
  /** Cost of the imports minus the value of the exports. */
  cost: number;
  /** What the same consumption would have cost without PV, minus the actual cost. */
  saving: number;
  /** Share of the PV production consumed on site, 0..1 (null without production). */
  selfConsumptionRate: number | null;
  /** Share of the consumption covered by PV, 0..1 (null without consumption). */
  selfSufficiencyRate: number | null;
}

/** Serializable state, kept in the node's context so a restart loses nothing. */
export interface DailyTotalsState {
  day: string;
  importWh: number;
  exportWh: number;
  pvWh: number;
  importCost: number;
  exportValue: number;
  consumptionCost: number;
  last?: MeterSample & { ms: number };
}

export interface DailyTotalsOptions {
  grid: SlotGrid;
  tariff: Tariff;
  /** Two samples further apart than this do not describe the time between them (default 30 min). */
  maxGapMinutes?: number;
}

const emptyDay = (day: string): DailyTotalsState => ({ day, importWh: 0, exportWh: 0, pvWh: 0, importCost: 0, exportValue: 0, consumptionCost: 0 });

export class DailyTotals {
  private state: DailyTotalsState | undefined;
  private readonly maxGapMs: number;

  constructor(
    private readonly options: DailyTotalsOptions,
    restored?: DailyTotalsState,
  ) {
    this.maxGapMs = (options.maxGapMinutes ?? 30) * 60_000;
    this.state = restored;
  }

  snapshot(): DailyTotalsState | undefined {
    return this.state && { ...this.state, last: this.state.last && { ...this.state.last } };
  }

  /** The running totals of the current day. */
  current(): DayTotals | undefined {
    return this.state && totalsOf(this.state);
  }

  /** Adds a sample; returns the days that closed with it (usually none, one at midnight). */
  add(sample: MeterSample): DayTotals[] {
    const ms = toMillis(sample.ts);
    if (!Number.isFinite(ms)) throw new RangeError("sample time is not valid");
    for (const f of ["gridImportWh", "gridExportWh", "pvWh", "gridW", "pvW"] as const) {
      const v = sample[f];
      if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v))) throw new RangeError(`${f} must be a finite number, got ${JSON.stringify(v)}`);
    }
    const grid = this.options.grid;
    const dayOf = (t: number) => grid.at(t).toISODate() as string;
    this.state ??= emptyDay(dayOf(ms));
    const prev = this.state.last;
    const closed: DayTotals[] = [];
    if (prev && ms <= prev.ms) throw new RangeError(`sample at ${grid.iso(ms)} is not after the previous one (${grid.iso(prev.ms)})`);
    if (prev && ms - prev.ms <= this.maxGapMs) {
      // Split the interval at each local midnight it crosses.
      let from = prev.ms;
      while (from < ms) {
        const midnight = grid.at(from).startOf("day").plus({ days: 1 }).toMillis();
        const to = Math.min(ms, midnight);
        this.accumulate(prev, sample, from, to, ms);
        if (to === midnight && to < ms) {
          closed.push(totalsOf(this.state));
          this.state = emptyDay(dayOf(midnight));
        }
        from = to;
      }
    }
    if (dayOf(ms) !== this.state.day) {
      closed.push(totalsOf(this.state));
      this.state = emptyDay(dayOf(ms));
    }
    this.state.last = { ...sample, ms };
    return closed;
  }

  /** Energy of the part [from, to) of the interval prev → sample, and its price at that local time. */
  private accumulate(prev: MeterSample & { ms: number }, sample: MeterSample, from: number, to: number, end: number): void {
    const state = this.state as DailyTotalsState;
    const share = (to - from) / (end - prev.ms);
    const hours = (to - from) / 3_600_000;
    const delta = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b < a ? undefined : (b - a) * share);
    const mean = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : ((a + b) / 2) * hours);
    const gridEnergy = mean(prev.gridW, sample.gridW);
    const importWh = delta(prev.gridImportWh, sample.gridImportWh) ?? (gridEnergy === undefined ? 0 : Math.max(0, gridEnergy));
    const exportWh = delta(prev.gridExportWh, sample.gridExportWh) ?? (gridEnergy === undefined ? 0 : Math.max(0, -gridEnergy));
    const pvWh = delta(prev.pvWh, sample.pvWh) ?? Math.max(0, mean(prev.pvW, sample.pvW) ?? 0);
    const price = importPriceAt(this.options.tariff, this.options.grid.at((from + to) / 2));
    const selfConsumed = Math.max(0, pvWh - exportWh);
    state.importWh += importWh;
    state.exportWh += exportWh;
    state.pvWh += pvWh;
    state.importCost += (importWh / 1000) * price;
    state.exportValue += (exportWh / 1000) * (this.options.tariff.exportPricePerKWh ?? 0);
    state.consumptionCost += ((importWh + selfConsumed) / 1000) * price;
  }
}

function totalsOf(s: DailyTotalsState): DayTotals {
  const selfConsumedWh = Math.max(0, s.pvWh - s.exportWh);
  const consumptionWh = s.importWh + selfConsumedWh;
  const cost = s.importCost - s.exportValue;
  return {
    day: s.day,
    importWh: s.importWh,
    exportWh: s.exportWh,
    pvWh: s.pvWh,
    selfConsumedWh,
    consumptionWh,
    cost,
    saving: s.consumptionCost - cost,
    selfConsumptionRate: s.pvWh > 0 ? selfConsumedWh / s.pvWh : null,
    selfSufficiencyRate: consumptionWh > 0 ? selfConsumedWh / consumptionWh : null,
  };
}
