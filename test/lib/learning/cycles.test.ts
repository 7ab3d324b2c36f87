import { strict as assert } from "node:assert";
import { cycleProfile, detectCycles, mergeCycles, powerSamples, type LearnedCycle } from "../../../lib/learning";
import { prng } from "../../../lib/forecast";
import type { Sample } from "../../../lib/time";

/** Phases of a machine: [minutes, watts]. */
type Phases = [number, number][];
const WASHER: Phases = [[20, 2000], [35, 180], [5, 2], [10, 180], [15, 450]]; // 5-min pause mid-cycle
const DISHWASHER: Phases = [[25, 1800], [30, 70], [20, 1900]];
const DRYER: Phases = [[45, 2600], [30, 1700], [15, 300]];
const STANDBY = 2;

/** One sample a minute from t0: standby, then each machine run at its minute offset; ±3% noise. */
function curve(t0: string, totalMinutes: number, runs: { at: number; phases: Phases }[], seed = 1): Sample[] {
  const rand = prng(seed);
  const start = Date.parse(t0);
  const out: Sample[] = [];
  for (let m = 0; m < totalMinutes; m++) {
    let w = STANDBY;
    for (const run of runs) {
      let at = run.at;
      for (const [len, power] of run.phases) {
        if (m >= at && m < at + len) w = power * (1 + 0.06 * (rand() - 0.5));
        at += len;
      }
    }
    out.push({ ts: new Date(start + m * 60_000).toISOString(), value: Math.round(w * 10) / 10 });
  }
  return out;
}
const minutes = (p: Phases) => p.reduce((a, [len]) => a + len, 0);
const energyWh = (p: Phases) => p.reduce((a, [len, w]) => a + (len * w) / 60, 0);
const opts = { stepMinutes: 15, zone: "Europe/Paris" };

describe("lib/learning detectCycles", function () {
  it("learns a washing machine with ELFE's defaults: start, end, duration, energy, profile per 15 min", function () {
    const data = curve("2026-06-10T06:00:00Z", 600, [{ at: 120, phases: WASHER }, { at: 400, phases: WASHER }]);
    const found = detectCycles(data, opts);
    assert.equal(found.cycles.length, 2);
    assert.equal(found.skippedFirst, false);
    const c = found.cycles[1];
    assert.equal(c.start, "2026-06-10T14:40:00+02:00");
    assert.equal(c.durationMinutes, minutes(WASHER));
    assert.equal(c.profileW.length, Math.ceil(minutes(WASHER) / 15));
    assert.ok(Math.abs(c.energyWh - energyWh(WASHER)) / energyWh(WASHER) < 0.02, `${c.energyWh} Wh`);
    // Energy preserved: the profile's energy is the cycle's, the 5-min pause did not split it.
    assert.ok(Math.abs(c.profileW.reduce((a, b) => a + b, 0) * 0.25 - c.energyWh) < 0.01);
    assert.ok(Math.abs(c.profileW[0] - 2000) < 40);
  });

  it("learns a dishwasher and a dryer, standby and noise included", function () {
    for (const phases of [DISHWASHER, DRYER]) {
      const found = detectCycles(curve("2026-06-10T00:00:00Z", 400, [{ at: 60, phases }], 7), opts);
      assert.equal(found.cycles.length, 1);
      assert.equal(found.cycles[0].durationMinutes, minutes(phases));
      assert.ok(Math.abs(found.cycles[0].energyWh - energyWh(phases)) / energyWh(phases) < 0.02);
    }
  });

  it("skips a first cycle that may have begun before the data", function () {
    const data = curve("2026-06-10T06:00:00Z", 600, [{ at: -30, phases: DRYER }, { at: 300, phases: DRYER }]);
    const found = detectCycles(data, opts);
    assert.equal(found.skippedFirst, true);
    assert.equal(found.cycles.length, 1);
    assert.equal(found.cycles[0].start, "2026-06-10T13:00:00+02:00");
  });

  it("removes the trailing low periods: the cycle ends when the power dropped", function () {
    const found = detectCycles(curve("2026-06-10T00:00:00Z", 300, [{ at: 60, phases: [[50, 1000]] }]), opts);
    const c = found.cycles[0];
    assert.equal(c.end, "2026-06-10T03:50:00+02:00");
    assert.deepEqual(c.profileW.map((w) => Math.round(w / 100) * 100), [1000, 1000, 1000, 300]);
    assert.ok(Math.abs(c.profileW[3] - 1000 / 3) < 15, "the last 5 minutes spread over their slot");
  });

  it("keeps a pause shorter than period × period_count in the cycle, splits on a longer one", function () {
    const short = detectCycles(curve("2026-06-10T00:00:00Z", 400, [{ at: 60, phases: [[30, 800], [20, 2], [30, 800]] }]), { ...opts, periodCount: 2 });
    assert.equal(short.cycles.length, 1);
    assert.equal(short.cycles[0].durationMinutes, 80);
    const long = detectCycles(curve("2026-06-10T00:00:00Z", 400, [{ at: 60, phases: [[30, 800], [50, 2], [30, 800]] }]), { ...opts, periodCount: 2 });
    assert.equal(long.cycles.length, 2);
  });

  it("separates two cycles back to back", function () {
    const data = curve("2026-06-10T00:00:00Z", 500, [{ at: 60, phases: DISHWASHER }, { at: 60 + minutes(DISHWASHER) + 35, phases: DISHWASHER }]);
    const found = detectCycles(data, opts);
    assert.equal(found.cycles.length, 2);
    assert.deepEqual(found.cycles.map((c) => c.durationMinutes), [75, 75]);
  });

  it("learns nothing from a curve that never drops below threshold_end, and says a cycle is in progress", function () {
    const data = curve("2026-06-10T00:00:00Z", 300, [{ at: 60, phases: [[300, 120]] }]);
    const found = detectCycles(data, opts);
    assert.equal(found.cycles.length, 0);
    assert.equal(found.inProgressSince, "2026-06-10T03:00:00+02:00");
  });

  it("follows its thresholds: a high threshold_start ignores a small machine, threshold_end decides the end", function () {
    const data = curve("2026-06-10T00:00:00Z", 400, [{ at: 60, phases: DISHWASHER }]);
    assert.equal(detectCycles(data, { ...opts, thresholdStartW: 2500 }).cycles.length, 0);
    // threshold_end above the 70 W circulation phase: one 15-min period of it is not "more than 1" ...
    assert.equal(detectCycles(data, { ...opts, thresholdEndW: 100 }).cycles[0].durationMinutes, 75);
    // ... but with period_count 0 the dishwasher ends after its first heating.
    const early = detectCycles(data, { ...opts, thresholdEndW: 100, periodCount: 0 });
    assert.equal(early.cycles[0].durationMinutes, 25);
  });

  it("leaves out a cycle with a hole in its data and refuses bad settings", function () {
    const data = curve("2026-06-10T00:00:00Z", 400, [{ at: 60, phases: DRYER }]).filter((_, m) => m < 80 || m > 170);
    const found = detectCycles(data, opts);
    assert.equal(found.cycles.length, 0);
    assert.equal(found.withGaps, 1);
    assert.throws(() => detectCycles(data, { ...opts, periodSeconds: 90 }), /periodSeconds/);
    assert.throws(() => detectCycles(data, { ...opts, thresholdEndW: -1 }), /thresholdEndW/);
    assert.deepEqual(detectCycles([], opts).cycles, []);
  });
});

describe("lib/learning cycleProfile and mergeCycles", function () {
  const cycle = (start: string, profileW: number[]): LearnedCycle => ({ start, end: start, durationMinutes: profileW.length * 15, energyWh: profileW.reduce((a, b) => a + b, 0) / 4, profileW });

  it("publishes the median per slot, so one odd cycle does not ruin the plan", function () {
    const cycles = [cycle("2026-06-01T10:00:00Z", [2000, 200, 400]), cycle("2026-06-02T10:00:00Z", [4000, 4000, 4000, 4000, 4000]), cycle("2026-06-03T10:00:00Z", [2100, 220, 380])];
    const p = cycleProfile(cycles, 15);
    assert.deepEqual(p?.profileW, [2100, 220, 400]);
    assert.equal(p?.energyWh, 680);
    assert.equal(p?.cycleCount, 3);
    assert.deepEqual(cycleProfile(cycles, 15, "latest")?.profileW, [2100, 220, 380]);
    assert.equal(cycleProfile([], 15), null);
  });

  it("merges newly found cycles with the kept ones, the same start once, the last K kept", function () {
    const a = cycle("2026-06-01T10:00:00Z", [1]);
    const b = cycle("2026-06-02T10:00:00+02:00", [2]);
    const c = cycle("2026-06-03T10:00:00Z", [3]);
    const merged = mergeCycles([a, b], [{ ...b, start: "2026-06-02T08:00:00Z" }, c], 2);
    assert.deepEqual(merged.map((x) => x.profileW[0]), [2, 3]);
  });
});

describe("lib/learning powerSamples", function () {
  it("reads samples, Readings and a SlotSeries (each slot's value held over the slot)", function () {
    assert.deepEqual(powerSamples([{ ts: "2026-06-10T00:00:00Z", value: 5 }, { ts: 1, powerW: 7 }]), [
      { ts: "2026-06-10T00:00:00Z", value: 5 },
      { ts: 1, value: 7 },
    ]);
    // A 5-minute SlotSeries of a dryer: 1 h idle, 45 min at 2 kW, 1 h idle.
    const values = [...Array(12).fill(3), ...Array(9).fill(2000), ...Array(12).fill(3)];
    const samples = powerSamples({ start: "2026-06-10T08:00:00+02:00", stepMinutes: 5, values, unit: "W" });
    const found = detectCycles(samples, { stepMinutes: 15, zone: "Europe/Paris" });
    assert.equal(found.cycles.length, 1);
    assert.equal(found.cycles[0].start, "2026-06-10T09:00:00+02:00");
    assert.equal(found.cycles[0].durationMinutes, 45);
    assert.deepEqual(found.cycles[0].profileW, [2000, 2000, 2000]);
  });

  it("says what is wrong with anything else", function () {
    assert.throws(() => powerSamples("x"), /array of \{ts, value\}/);
    assert.throws(() => powerSamples([{ value: 3 }]), /sample \[0\] has no ts/);
    assert.throws(() => powerSamples([{ ts: "2026-06-10T00:00:00Z", value: "3" }]), /sample \[0\] has no finite value/);
    assert.throws(() => powerSamples({ start: "bad", stepMinutes: 5, values: [1], unit: "W" }), /not a SlotSeries/);
  });
});
