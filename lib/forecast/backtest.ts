// Backtest of a forecast method on a history: forecast each day from the days before it and
// score it against what happened, so a method is chosen with figures.
import { DateTime } from "luxon";
import type { SlotSeries } from "../types";
import { SlotGrid, toMillis } from "../time";
import { LocalClock, SeriesIndex } from "./local-clock";
import { checkedHistory, forecastFromChecked, type ForecastMethod, type ForecastOptions } from "./persistence";

export interface BacktestOptions extends Omit<ForecastOptions, "origin" | "horizonSlots"> {
  /** Days of history kept before the first scored day (default 14). */
  warmupDays?: number;
  /** Local clock time of each forecast's origin, "HH:mm" (default "00:00": day-ahead). */
  originTime?: string;
}

export interface DayScore {
  /** Local date of the origin. */
  day: string;
  /** Slots scored (the actual value was known). */
  slots: number;
  maeW: number;
  rmseW: number;
  /** Forecast minus actual energy over the scored slots, Wh (positive = forecast too optimistic). */
  energyErrorWh: number;
}

export interface BacktestResult {
  method: ForecastMethod;
  days: DayScore[];
  /** Over every scored slot of every day. */
  maeW: number;
  rmseW: number;
  /** Mean of |daily energy error|, Wh. */
  meanAbsEnergyErrorWh: number;
  /** Mean of the signed daily energy error, Wh. */
  biasWh: number;
  /** Days not scored: fewer than half of their slots known. */
  skippedDays: number;
}

export function backtest(history: SlotSeries, grid: { zone: string; stepMinutes: number }, options: BacktestOptions = {}): BacktestResult {
  const slots = new SlotGrid(grid);
  const clock = LocalClock.of(grid.zone);
  const warmup = options.warmupDays ?? 14;
  const originTime = options.originTime ?? "00:00";
  if (!/^\d{2}:\d{2}$/.test(originTime)) throw new Error(`originTime must be HH:mm, got ${JSON.stringify(originTime)}`);
  const checked = checkedHistory(history, grid);
  const actual = new SeriesIndex(checked.series);
  const first = DateTime.fromMillis(toMillis(history.start), { zone: grid.zone }).startOf("day").plus({ days: warmup });
  const days: DayScore[] = [];
  let skippedDays = 0;
  let absSum = 0;
  let sqSum = 0;
  let n = 0;
  for (let day = first; ; day = day.plus({ days: 1 })) {
    const origin = DateTime.fromISO(`${day.toISODate()}T${originTime}`, { zone: grid.zone });
    const originMs = slots.slotStart(origin).toMillis();
    const endMs = clock.daysBefore(originMs, -1) ?? originMs + 86_400_000;
    if (endMs > actual.endMs) break;
    const horizonSlots = Math.round((endMs - originMs) / slots.stepMs);
    const { series } = forecastFromChecked(checked, horizonSlots, { ...options, origin: originMs });
    let dayAbs = 0;
    let daySq = 0;
    let dayN = 0;
    let energy = 0;
    series.values.forEach((f, i) => {
      const a = actual.valueAt(originMs + i * slots.stepMs);
      if (a === null || f === null) return;
      const e = f - a;
      dayAbs += Math.abs(e);
      daySq += e * e;
      dayN++;
      energy += (e * grid.stepMinutes) / 60;
    });
    if (dayN < horizonSlots / 2) {
      skippedDays++;
      continue;
    }
    days.push({ day: day.toISODate() as string, slots: dayN, maeW: dayAbs / dayN, rmseW: Math.sqrt(daySq / dayN), energyErrorWh: energy });
    absSum += dayAbs;
    sqSum += daySq;
    n += dayN;
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
  return {
    method: options.method ?? "elfe",
    days,
    maeW: n ? absSum / n : Number.NaN,
    rmseW: n ? Math.sqrt(sqSum / n) : Number.NaN,
    meanAbsEnergyErrorWh: mean(days.map((d) => Math.abs(d.energyErrorWh))),
    biasWh: mean(days.map((d) => d.energyErrorWh)),
    skippedDays,
  };
}
