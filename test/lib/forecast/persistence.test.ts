import { strict as assert } from "node:assert";
import { DateTime } from "luxon";
import { persistenceForecast, hourDeficits, LocalClock } from "../../../lib/forecast";
import { SlotGrid } from "../../../lib/time";
import type { SlotSeries } from "../../../lib/types";

const PARIS = { zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };

/** A history on the Paris grid whose value is f(local time, local date). */
function localHistory(startDay: string, days: number, f: (hour: number, date: string) => number | null, stepMinutes = 15): SlotSeries {
  const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes });
  const start = DateTime.fromISO(startDay, { zone: "Europe/Paris" });
  const end = start.plus({ days });
  const values: (number | null)[] = [];
  for (let t: DateTime = start; t < end; t = grid.nextSlotStart(t)) values.push(f(t.hour + t.minute / 60, t.toISODate() as string));
  return { start: grid.iso(start), stepMinutes, values, unit: "W", quantity: "balance" };
}

/** Sun by day, constant at night (so the last level equals yesterday's first value). */
const sunny = (h: number) => (h >= 6 && h <= 18 ? Math.round(1000 * Math.sin((Math.PI * (h - 6)) / 12)) : -500);
const localHours = (series: SlotSeries) => {
  const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: series.stepMinutes });
  return grid.starts(series.start, series.values.length).map((d) => d.hour + d.minute / 60);
};

describe("lib/forecast persistenceForecast", function () {
  it("applies ELFE's rule on hand-checkable data: p_i = (p_{i-1} + c_i - c_{i-1})(L-i)/L + c_i i/L, then repeats it", function () {
    // 6-hour slots: L = 4 per day; yesterday = [10, 20, 30, 40], current level 40.
    const history = { start: "2026-06-09T00:00:00Z", stepMinutes: 360, values: [1, 2, 3, 4, 10, 20, 30, 40], unit: "W" };
    const { series, report } = persistenceForecast(history, { zone: "UTC", stepMinutes: 360, horizonSlots: 8 });
    const p = [40, (40 + 20 - 10) * 0.75 + 20 * 0.25];
    p.push((p[1] + 30 - 20) * 0.5 + 30 * 0.5);
    p.push((p[2] + 40 - 30) * 0.25 + 40 * 0.75);
    assert.deepEqual(series.values, [...p, ...p]);
    assert.deepEqual(p, [40, 42.5, 41.25, 42.8125]);
    assert.equal(series.start, "2026-06-11T00:00:00Z".replace("Z", "+00:00").replace("+00:00", "Z"));
    assert.equal(report.method, "elfe");
    assert.equal(report.filled.slots, 0);
    // Every slot is its own "hour" on a 6-hour grid: the largest deficit is the smallest balance.
    assert.deepEqual(report.maxHourDeficit, { w: -40, at: "2026-06-11T00:00:00Z" });
    assert.deepEqual(report.minHourDeficit, { w: -42.8125, at: "2026-06-11T18:00:00Z" });
  });

  it("forecasts a constant history as that constant with every method", function () {
    const history = localHistory("2026-06-01", 8, () => 1234);
    for (const method of ["elfe", "week-ago", "mean", "median"] as const) {
      const { series } = persistenceForecast(history, PARIS, { method });
      assert.equal(series.values.length, 96, method);
      assert.ok(series.values.every((v) => v === 1234), method);
      assert.equal(series.start, "2026-06-09T00:00:00+02:00");
    }
  });

  it("starts from the current level and converges to yesterday's curve (daily sine)", function () {
    const history = localHistory("2026-06-01", 2, (h) => sunny(h));
    history.values[history.values.length - 1] = 500; // now: unusually high
    const { series } = persistenceForecast(history, PARIS);
    assert.equal(series.values[0], 500);
    const c = localHours(series).map(sunny);
    c[95] = 500; // yesterday at 23:45 was the unusual value too
    // The distance to yesterday's curve shrinks as (L-i)/L products.
    let e = 500 - c[0];
    for (let i = 1; i < 96; i++) {
      e *= (96 - i) / 96;
      assert.ok(Math.abs((series.values[i] as number) - c[i] - e) < 1e-3, `slot ${i}`);
    }
    assert.ok(Math.abs((series.values[95] as number) - c[95]) < 1e-3);
  });

  it("copies the first day to the second for a 48 h horizon", function () {
    const history = localHistory("2026-06-01", 2, (h) => sunny(h) + 7);
    history.values[history.values.length - 1] = 0;
    const { series } = persistenceForecast(history, { ...PARIS, horizonSlots: 192 });
    assert.equal(series.values.length, 192);
    assert.deepEqual(series.values.slice(96), series.values.slice(0, 96));
  });

  it("keeps the profile on the local clock across spring-forward (2026-03-29, 92 slots)", function () {
    const history = localHistory("2026-03-22", 7, (h) => sunny(h));
    for (const method of ["elfe", "week-ago", "mean", "median"] as const) {
      const { series } = persistenceForecast(history, { ...PARIS, horizonSlots: 92 }, { method });
      assert.equal(series.start, "2026-03-29T00:00:00+01:00");
      assert.deepEqual(series.values, localHours(series).map(sunny), method);
      assert.equal(localHours(series)[8], 3, "01:45 is followed by 03:00");
    }
  });

  it("fills the skipped hour of a spring-forward reference day from the day before, and says so", function () {
    const history = localHistory("2026-03-26", 4, (h, date) => sunny(h) + (date === "2026-03-28" ? 1 : 0));
    const { series, report } = persistenceForecast(history, PARIS);
    assert.equal(series.start, "2026-03-30T00:00:00+02:00");
    assert.equal(report.filled.slots, 4);
    assert.deepEqual(report.filled.from, [{ day: "2026-03-28", slots: 4 }]);
    const hours = localHours(series);
    assert.deepEqual(series.values, hours.map((h) => sunny(h) + (h >= 2 && h < 3 ? 1 : 0)));
    assert.equal(series.values[48], 1000, "12:00 local is still the peak, not 11:00 or 13:00");
  });

  it("repeats the hour on the fall-back day (2026-10-25, 100 slots) with the same local-time values", function () {
    const history = localHistory("2026-10-18", 7, (h) => sunny(h));
    const { series } = persistenceForecast(history, { ...PARIS, horizonSlots: 100 }, { method: "week-ago" });
    const hours = localHours(series);
    assert.equal(hours.length, 100);
    assert.deepEqual([hours[8], hours[12]], [2, 2], "02:00 twice");
    assert.deepEqual(series.values, hours.map(sunny));
    assert.equal(series.values[99], -500);
    // The day after: yesterday was 100 slots long, tomorrow 96, still aligned.
    const after = persistenceForecast(localHistory("2026-10-19", 7, (h) => sunny(h)), PARIS);
    assert.deepEqual(after.series.values, localHours(after.series).map(sunny));
  });

  it("fills gaps at the start, middle and end of yesterday from older days and reports where from", function () {
    const history = localHistory("2026-06-01", 3, (h, date) => (date === "2026-06-01" ? 100 : date === "2026-06-02" ? 200 : 300));
    const y = 2 * 96;
    for (const i of [0, 1, 50, 51, 52, 95]) history.values[y + i] = null;
    history.values[96 + 50] = null; // the middle gap is also missing the day before: older still
    const { series, report } = persistenceForecast(history, PARIS, { method: "mean", days: 1 });
    assert.equal(report.filled.slots, 6);
    assert.deepEqual(report.filled.from, [
      { day: "2026-06-02", slots: 5 },
      { day: "2026-06-01", slots: 1 },
    ]);
    assert.deepEqual([series.values[0], series.values[50], series.values[51], series.values[95], series.values[10]], [200, 100, 200, 200, 300]);
    // ELFE: the current level is the last known value when the very last slots are gaps.
    const elfe = persistenceForecast(history, PARIS);
    assert.equal(elfe.series.values[0], 300);
    assert.equal(elfe.report.filled.slots, 6);
  });

  it("interpolates slots that no day of the history covers, and counts them", function () {
    const history = localHistory("2026-06-01", 2, (h) => (h >= 10 && h < 11 ? null : h < 10 ? 100 : 500));
    const { series, report } = persistenceForecast(history, PARIS, { method: "mean", days: 2 });
    assert.equal(report.interpolated, 4);
    assert.deepEqual(series.values.slice(39, 45), [100, 180, 260, 340, 420, 500]);
  });

  it("refuses empty, all-null, NaN and wrongly stepped histories with a clear error", function () {
    const base = { start: "2026-06-01T00:00:00+02:00", stepMinutes: 15, unit: "W" };
    assert.throws(() => persistenceForecast({ ...base, values: [] }, PARIS), /history is empty/);
    assert.throws(() => persistenceForecast({ ...base, values: [null, null] }, PARIS), /only gaps/);
    assert.throws(() => persistenceForecast({ ...base, values: [1, Number.NaN] }, PARIS), /not a SlotSeries.*values\[1\]/);
    assert.throws(() => persistenceForecast({ ...base, stepMinutes: 5, values: [1] }, PARIS), /5-minute slots but the territory uses 15-minute/);
    assert.throws(() => persistenceForecast({ ...base, start: "2026-06-01T00:07:00+02:00", values: [1] }, PARIS), /not on the territory's slot grid/);
    assert.throws(() => persistenceForecast("nope", PARIS), /not a SlotSeries/);
    assert.throws(() => persistenceForecast({ ...base, values: [1] }, PARIS, { method: "magic" as never }), /unknown forecast method/);
  });

  it("same weekday one week ago: a Saturday is forecast from last Saturday, not from Friday", function () {
    const weekend = (date: string) => [0, 6].includes(DateTime.fromISO(date).weekday % 7);
    const history = localHistory("2026-06-06", 14, (h, date) => (weekend(date) ? 2000 : -1000) + sunny(h)); // to Fri 19th
    const week = persistenceForecast(history, PARIS, { method: "week-ago" });
    assert.equal(week.series.start, "2026-06-20T00:00:00+02:00");
    assert.deepEqual(week.series.values, localHours(week.series).map((h) => 2000 + sunny(h)));
    const elfe = persistenceForecast(history, PARIS);
    assert.deepEqual(elfe.series.values, localHours(elfe.series).map((h) => -1000 + sunny(h)));
  });

  it("blends the last N days by mean or median, and reports partially covered slots", function () {
    const perDay: Record<string, number> = { "2026-06-01": 999, "2026-06-02": 1, "2026-06-03": 2, "2026-06-04": 12 };
    const history = localHistory("2026-06-01", 4, (_h, date) => perDay[date]);
    assert.ok(persistenceForecast(history, PARIS, { method: "mean", days: 3 }).series.values.every((v) => v === 5));
    assert.ok(persistenceForecast(history, PARIS, { method: "median", days: 3 }).series.values.every((v) => v === 2));
    assert.ok(persistenceForecast(history, PARIS, { method: "median", days: 4 }).series.values.every((v) => v === 7));
    history.values[3 * 96 + 10] = null;
    const { series, report } = persistenceForecast(history, PARIS, { method: "mean", days: 3 });
    assert.equal(series.values[10], 1.5);
    assert.equal(report.partial, 1);
  });

  it("corrects PV with an irradiance forecast: factor x (tomorrow's sun - the reference day's sun)", function () {
    const history = localHistory("2026-06-01", 2, () => -1000);
    const irradiance = localHistory("2026-06-01", 3, (h, date) => (h === 12 ? (date === "2026-06-03" ? 800 : 300) : null));
    irradiance.unit = "W/m²";
    const { series, report } = persistenceForecast(history, PARIS, { method: "week-ago", pv: { series: irradiance, factor: 50 } });
    assert.equal(report.pvCorrected, 1);
    assert.equal(series.values[48], -1000 + 50 * 500);
    assert.equal(series.values[47], -1000);
  });

  it("reads an hourly weather series on a 15-minute grid (the value of the hour containing the slot)", function () {
    const history = localHistory("2026-06-01", 2, () => 0);
    const hourly = { start: "2026-06-01T00:00:00+02:00", stepMinutes: 60, values: Array.from({ length: 72 }, (_, i) => (i >= 48 ? 100 : 0)), unit: "W" };
    const { series, report } = persistenceForecast(history, PARIS, { method: "week-ago", pv: { series: hourly, factor: 1 } });
    assert.equal(report.pvCorrected, 96);
    assert.ok(series.values.every((v) => v === 100));
  });

  it("works on 30-minute and 5-minute territories, DST day included", function () {
    for (const stepMinutes of [30, 5]) {
      const history = localHistory("2026-03-22", 7, (h) => sunny(h), stepMinutes);
      const perDay = (24 * 60) / stepMinutes;
      const { series, report } = persistenceForecast(history, { zone: "Europe/Paris", stepMinutes, horizonSlots: perDay - 60 / stepMinutes }, { method: "mean", days: 7 });
      assert.equal(series.values.length, perDay - 60 / stepMinutes);
      assert.deepEqual(series.values, localHours(series).map(sunny), `${stepMinutes} min`);
      assert.equal(report.maxHourDeficit?.w, 500);
      assert.equal(report.minHourDeficit?.at, "2026-03-29T12:00:00+02:00");
    }
  });

  it("starts at a later origin with the history before it only", function () {
    const history = localHistory("2026-06-01", 3, (_h, date) => (date === "2026-06-03" ? 5 : 1));
    const { series, report } = persistenceForecast(history, PARIS, { method: "week-ago", origin: "2026-06-03T00:00:00+02:00", horizonSlots: 4 });
    assert.deepEqual(series.values, [1, 1, 1, 1]);
    assert.equal(report.historyEnd, "2026-06-03T00:00:00+02:00");
  });

  it("gives the min and max hourly deficit over complete local hours only", function () {
    const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });
    const starts = grid.starts("2026-06-01T10:30:00+02:00", 10).map((d) => d.toMillis());
    const balance = [0, 0, -100, -200, -300, -400, 100, 100, 100, 100];
    const { min, max } = hourDeficits(starts, balance, grid, new LocalClock("Europe/Paris"));
    assert.deepEqual(max, { w: 250, at: "2026-06-01T11:00:00+02:00" });
    assert.deepEqual(min, { w: -100, at: "2026-06-01T12:00:00+02:00" });
  });
});
