// A simulated territory, deterministic from its seed, for the demo (`elfe-sim-territory`) and the
// tests: PV production (a clear-sky bell scaled by the season, with cloud passages drawn per day),
// the non-flexible households' load, and the balance history (production − consumption, W per
// slot) that the persistence forecast learns from — what ELFE reads from Zabbix.
import { DateTime } from "luxon";
import { SlotGrid } from "../time/grid";
import type { SlotSeries } from "../types";
import { cloudyPv, random } from "./room-day";

export interface SimTerritoryOptions {
  zone: string;
  stepMinutes: number;
  seed: number;
  /** Peak PV of the territory on a clear June day (W). */
  pvPeakW: number;
  /** Non-flexible households. */
  households: number;
}

/** A bump centred on `centre` minutes, `width` minutes wide (0 outside). */
function bump(minute: number, centre: number, width: number): number {
  const x = (minute - centre) / width;
  return Math.abs(x) >= 1 ? 0 : Math.cos((x * Math.PI) / 2) ** 2;
}

export class SimTerritory {
  private readonly days = new Map<number, (minute: number) => number>();
  readonly grid: SlotGrid;

  constructor(readonly options: SimTerritoryOptions) {
    this.grid = new SlotGrid({ zone: options.zone, stepMinutes: options.stepMinutes });
  }

  private local(ms: number): { day: number; minute: number; dayOfYear: number } {
    const t = DateTime.fromMillis(ms, { zone: this.options.zone });
    return { day: Math.floor(t.startOf("day").toMillis() / 86_400_000), minute: t.hour * 60 + t.minute + t.second / 60, dayOfYear: t.ordinal };
  }

  /** PV production at `ms` (W). The same day always has the same clouds. */
  pvW(ms: number): number {
    const { day, minute, dayOfYear } = this.local(ms);
    let curve = this.days.get(day);
    if (!curve) {
      if (this.days.size > 32) this.days.clear();
      const season = 0.55 + 0.45 * Math.cos((2 * Math.PI * (dayOfYear - 172)) / 365);
      const cloudiness = 0.15 + 0.5 * random(this.options.seed * 7919 + day)();
      curve = cloudyPv(this.options.pvPeakW * season, this.options.seed * 104_729 + day, cloudiness);
      this.days.set(day, curve);
    }
    return curve(minute);
  }

  /** The non-flexible households' load at `ms` (W): a base, a morning and an evening peak, noise per quarter-hour. */
  loadW(ms: number): number {
    const { minute } = this.local(ms);
    const quarter = Math.floor(ms / 900_000);
    const noise = 0.85 + 0.3 * random(this.options.seed * 31 + quarter)();
    const perHousehold = 260 + 650 * bump(minute, 7.5 * 60, 90) + 1300 * bump(minute, 19.5 * 60, 150) + 250 * bump(minute, 12.5 * 60, 60);
    return this.options.households * perHousehold * noise;
  }

  /** Production − consumption (W): positive when the territory exports. */
  balanceW(ms: number): number {
    return this.pvW(ms) - this.loadW(ms);
  }

  /** The balance over the `days` days before `endMs` (floored to a slot), one mean value per slot. */
  history(endMs: number, days: number): SlotSeries {
    const end = this.grid.slotStart(endMs).toMillis();
    // Local days: the fall-back day has 25 hours, and its history 100 slots.
    const start = this.grid.slotStart(DateTime.fromMillis(end, { zone: this.options.zone }).minus({ days }).toMillis()).toMillis();
    const count = this.grid.indexFrom(start, end);
    const starts = this.grid.starts(start, count + 1).map((t) => t.toMillis());
    const values: number[] = [];
    for (let i = 0; i < count; i++) {
      const samples = 5;
      const step = (starts[i + 1] - starts[i]) / samples;
      let sum = 0;
      for (let k = 0; k < samples; k++) sum += this.balanceW(starts[i] + (k + 0.5) * step);
      values.push(Math.round(sum / samples));
    }
    return { start: this.grid.iso(start), stepMinutes: this.options.stepMinutes, values, unit: "W", quantity: "balance" };
  }
}
