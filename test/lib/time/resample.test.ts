import { strict as assert } from "node:assert";
import { SlotGrid, alignSeries, resampleCounter, resamplePower } from "../../../lib/time";

const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });
const at = (hhmm: string, day = "2026-06-10", offset = "+02:00") => `${day}T${hhmm}:00${offset}`;

describe("lib/time resampling", function () {
  it("averages power over time, not over samples", function () {
    // 1000 W for 5 minutes then 4000 W for 10 minutes: (1000·5 + 4000·10)/15 = 3000 W, not (1000+4000)/2.
    const { series, gaps } = resamplePower(grid, [
      { ts: at("12:00"), value: 1000 },
      { ts: at("12:05"), value: 4000 },
      { ts: at("12:15"), value: 4000 },
    ], { start: at("12:00"), count: 1 });
    assert.deepEqual(series.values, [3000]);
    assert.equal(series.start, "2026-06-10T12:00:00+02:00");
    assert.deepEqual(gaps, []);
  });

  it("interpolates linearly when asked", function () {
    const { series } = resamplePower(grid, [
      { ts: at("12:00"), value: 0 },
      { ts: at("12:15"), value: 1500 },
    ], { start: at("12:00"), count: 1, interpolation: "linear" });
    assert.deepEqual(series.values, [750]);
  });

  it("reports a gap instead of inventing values, and ignores NaN and null samples", function () {
    const { series, gaps } = resamplePower(grid, [
      { ts: at("12:00"), value: 500 },
      { ts: at("12:10"), value: Number.NaN },
      { ts: at("12:14"), value: 500 },
      { ts: at("13:30"), value: 800 },
      { ts: at("13:45"), value: 800 },
    ], { start: at("12:00"), count: 7 });
    assert.deepEqual(series.values, [500, null, null, null, null, null, 800]);
    assert.deepEqual(gaps, [{ start: at("12:15"), end: at("13:30"), slots: 5, reason: "no data" }]);
  });

  it("differences an energy counter at slot boundaries, in Wh or as average W", function () {
    const samples = [
      { ts: at("12:00"), value: 10_000 },
      { ts: at("12:10"), value: 10_200 },
      { ts: at("12:20"), value: 10_400 },
      { ts: at("12:30"), value: 10_500 },
    ];
    const wh = resampleCounter(grid, samples, { start: at("12:00"), count: 2 });
    assert.deepEqual(wh.series.values, [300, 200]);
    assert.equal(wh.series.unit, "Wh");
    const w = resampleCounter(grid, samples, { start: at("12:00"), count: 2, output: "W" });
    assert.deepEqual(w.series.values, [1200, 800]);
  });

  it("reports a counter reset as a gap", function () {
    const { series, gaps } = resampleCounter(grid, [
      { ts: at("12:00"), value: 500 },
      { ts: at("12:15"), value: 600 },
      { ts: at("12:25"), value: 5 },
      { ts: at("12:45"), value: 105 },
    ], { start: at("12:00"), count: 3 });
    // The slot that holds the reset is a gap; the next one, wholly after it, counts again.
    assert.deepEqual(series.values, [100, null, 75]);
    assert.equal(gaps[0].reason, "counter reset");
  });

  it("resamples a fall-back day into 100 slots with the repeated hour kept apart", function () {
    const samples = [];
    for (let m = 0; m <= 25 * 60; m += 5) samples.push({ ts: Date.parse("2026-10-24T22:00:00Z") + m * 60_000, value: m < 180 ? 100 : 200 });
    const { series } = resamplePower(grid, samples, { start: "2026-10-25T00:00:00+02:00", count: grid.slotsInDay("2026-10-25") });
    assert.equal(series.values.length, 100);
    // 22:00Z + 180 min = 01:00Z = 02:00+01:00, the 13th slot of the day (index 12).
    assert.deepEqual(series.values.slice(10, 14), [100, 100, 200, 200]);
  });

  it("aligns two series on their common slots, or on all slots with gaps", function () {
    const a = { start: at("12:00"), stepMinutes: 15, values: [1, 2, 3, 4], unit: "W" };
    const b = { start: at("12:30"), stepMinutes: 15, values: [30, 40, 50], unit: "W" };
    const [ai, bi] = alignSeries(a, b);
    assert.deepEqual([ai.start, ai.values, bi.values], [at("12:30"), [3, 4], [30, 40]]);
    const [au, bu] = alignSeries(a, b, "union");
    assert.deepEqual([au.start, au.values, bu.values], [at("12:00"), [1, 2, 3, 4, null], [null, null, 30, 40, 50]]);
    assert.throws(() => alignSeries(a, { ...b, stepMinutes: 30 }), /15-minute and 30-minute/);
    assert.throws(() => alignSeries(a, { ...b, start: at("12:05") }), /same slot grid/);
  });

  it("fuzz regression: samples near the float limit make a gap, never Infinity or NaN", function () {
    const { series } = resamplePower(grid, [{ ts: at("12:00"), value: 1e308 }, { ts: at("12:10"), value: 1.7e308 }, { ts: at("12:15"), value: 5 }, { ts: at("12:30"), value: 5 }], { start: at("12:00"), count: 2 });
    assert.deepEqual(series.values, [null, 5]);
  });
});
