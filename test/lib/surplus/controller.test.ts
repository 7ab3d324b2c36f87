import { strict as assert } from "node:assert";
import {
  availableSurplus,
  decideSurplus,
  effectiveMode,
  floorStep,
  SURPLUS_IDLE,
  surplusConfig,
  type SurplusConfig,
  type SurplusMode,
  type SurplusState,
} from "../../../lib/surplus";
import { simulateSurplusDay } from "../../../lib/sim/surplus-day";

const T0 = Date.parse("2026-06-10T12:00:00+02:00");
const S = 1000;
// EV: 6–16 A on one phase at 230 V, steps of 1 A
const ev = surplusConfig({ kind: "modulated", minW: 1380, maxW: 3680, stepW: 230 });
const heater = surplusConfig({ kind: "relay", minW: 2000 });

/** Feeds a sequence of available surplus values, one every `everyS` seconds. */
function run(config: SurplusConfig, values: number[], mode: SurplusMode = "pv", everyS = 10, from: SurplusState = SURPLUS_IDLE) {
  let state = from;
  return values.map((availableW, i) => {
    const d = decideSurplus({ now: T0 + i * everyS * S, mode, availableW }, state, config);
    state = d.state;
    return d;
  });
}

describe("PV-surplus controller", function () {
  it("available surplus: export plus the load's own power, from grid, balance or PV and house", function () {
    assert.equal(availableSurplus({ at: 0, gridW: -500, loadW: 1400 }, 0), 1900);
    assert.equal(availableSurplus({ at: 0, gridW: 200 }, 1380), 1180);
    assert.equal(availableSurplus({ at: 0, balanceW: 300 }, 0), 300);
    assert.equal(availableSurplus({ at: 0, pvW: 3000, houseW: 2500, loadW: 2000 }, 0), 2500);
    assert.equal(availableSurplus({ at: 0, pvW: 3000 }, 0), undefined);
  });

  it("set-points on the step grid within [min, max]", function () {
    assert.deepEqual([1000, 1380, 1609, 1610, 2500, 9000].map((w) => floorStep(ev, w)), [1380, 1380, 1380, 1610, 2300, 3680]);
  });

  it("mode off stops, mode now runs at the maximum, min+PV never goes below the minimum", function () {
    const on = { on: true, setW: 2300, switchedAt: T0 - 3600 * S };
    assert.deepEqual(decideSurplus({ now: T0, mode: "off", availableW: 5000 }, on, ev).setW, 0);
    const now = decideSurplus({ now: T0, mode: "now", availableW: 0 }, SURPLUS_IDLE, ev);
    assert.deepEqual([now.on, now.setW, now.changed], [true, 3680, true]);
    const minpv = run(ev, [0, 500, 2000, 2900, 5000], "minpv", 30);
    assert.deepEqual(minpv.map((d) => d.setW), [1380, 1380, 1840, 2760, 3680]);
    assert.equal(decideSurplus({ now: T0, mode: "minpv", availableW: 0 }, SURPLUS_IDLE, heater).on, true);
  });

  it("PV mode: starts only after the surplus stayed above the start threshold for the start delay", function () {
    // 10 s steps: 1.5 kW from t=0; a dip at t=30 s restarts the timer
    const d = run(ev, [1500, 1500, 1500, 1200, 1500, 1500, 1500, 1500, 1500, 1500, 1500, 1500]);
    assert.deepEqual(d.map((x) => x.on), [false, false, false, false, false, false, false, false, false, false, true, true]);
    assert.match(d[5].reason, /starting in 50 s/);
    assert.match(d[10].reason, /start: surplus 1.50 kW ≥ 1.38 kW for 60 s/);
    assert.equal(d[10].setW, 1380);
  });

  it("PV mode: keeps the minimum through a short cloud, stops after the stop delay below the stop threshold", function () {
    const on: SurplusState = { on: true, setW: 1380, switchedAt: T0 - 3600 * S };
    // below 690 W (half the minimum) for 3 min → stop; a return above it resets the timer
    const values = [600, 600, 600, 800, ...Array(18).fill(600), 600];
    const d = run(ev, values, "pv", 10, on);
    const stopAt = d.findIndex((x) => !x.on);
    assert.equal(stopAt, 4 + 18); // 180 s after the reset at index 4
    assert.match(d[stopAt].reason, /stop: surplus 600 W < 690 W for 180 s/);
    assert.ok(d.slice(0, stopAt).every((x) => x.setW === 1380));
  });

  it("minimum on and off times hold the relay", function () {
    const justOn: SurplusState = { on: true, setW: 2000, switchedAt: T0 };
    const d = run(heater, Array(40).fill(0), "pv", 10, justOn);
    // stop delay 3 min, but minimum on time 5 min
    assert.equal(d.findIndex((x) => !x.on), 30);
    const justOff: SurplusState = { on: false, setW: 0, switchedAt: T0 };
    const e = run(heater, Array(40).fill(3000), "pv", 10, justOff);
    assert.equal(e.findIndex((x) => x.on), 30);
    assert.match(e[20].reason, /minimum off time, 100 s left/);
  });

  it("modulated: follows the surplus in steps with a dead band", function () {
    const on: SurplusState = { on: true, setW: 1380, switchedAt: T0 - 3600 * S };
    // every 30 s; dead band 100 W, steps 230 W
    const d = run(ev, [1400, 1650, 1750, 2200, 2080, 1900, 1700, 1300], "pv", 30, on);
    assert.deepEqual(d.map((x) => x.setW), [1380, 1380, 1610, 2070, 2070, 1840, 1610, 1380]);
    // a change at most every 30 s: the second change 10 s later waits
    const fast = run(ev, [1400, 1750, 2200, 2200, 2200], "pv", 10, on);
    assert.deepEqual(fast.map((x) => x.setW), [1380, 1610, 1610, 1610, 2070]);
  });

  it("never exceeds the grid import limit, at once and whatever the timers or the mode", function () {
    const limited = surplusConfig({ ...ev, importLimitW: 500 });
    const now = decideSurplus({ now: T0, mode: "now", availableW: 1000 }, SURPLUS_IDLE, limited);
    assert.deepEqual([now.on, now.setW], [true, 1380]);
    assert.match(now.reason, /import limit 500 W: reduced to 1.38 kW/);
    const off = decideSurplus({ now: T0, mode: "now", availableW: 500 }, { on: true, setW: 3680, switchedAt: T0 }, limited);
    assert.deepEqual([off.on, off.changed], [false, true]);
    assert.match(off.reason, /import limit 500 W: stopped/);
    const relay = surplusConfig({ kind: "relay", minW: 2000, importLimitW: 1000 });
    assert.equal(decideSurplus({ now: T0, mode: "minpv", availableW: 900 }, SURPLUS_IDLE, relay).on, false);
    assert.equal(decideSurplus({ now: T0, mode: "minpv", availableW: 1000 }, SURPLUS_IDLE, relay).on, true);
    // unknown surplus with an import limit: fail-safe, even in mode now
    const blind = decideSurplus({ now: T0, mode: "now" }, { on: true, setW: 3680, switchedAt: T0 }, limited);
    assert.deepEqual([blind.on, blind.failSafe], [false, true]);
  });

  it("no measurement: fail-safe off, or hold when configured", function () {
    const on: SurplusState = { on: true, setW: 1840, switchedAt: T0 - 3600 * S };
    assert.equal(decideSurplus({ now: T0, mode: "pv" }, on, ev).on, false);
    const hold = decideSurplus({ now: T0, mode: "pv" }, on, surplusConfig({ ...ev, failSafe: "hold" }));
    assert.deepEqual([hold.on, hold.setW, hold.changed, hold.failSafe], [true, 1840, false, true]);
  });

  it("an override wins until it expires", function () {
    assert.equal(effectiveMode("pv", { mode: "on", until: T0 + 1 }, T0), "now");
    assert.equal(effectiveMode("pv", { mode: "off" }, T0), "off");
    assert.equal(effectiveMode("pv", { mode: "on", until: T0 }, T0), "pv");
  });

  it("refuses inconsistent settings", function () {
    assert.throws(() => surplusConfig({ kind: "modulated", minW: 1000, maxW: 500 }), /maxW/);
    assert.throws(() => surplusConfig({ kind: "relay", minW: 1000, startW: 400 }), /stopW/);
    assert.throws(() => surplusConfig({ kind: "relay", minW: 0 }), /minW/);
  });

  describe("a cloudy day, every 10 s, with a noisy house load", function () {
    const day = (config: SurplusConfig, peakW: number, seed: number) => simulateSurplusDay(config, peakW, seed, "pv", T0);

    it("the relay does not chatter: toggles bounded by the minimum on/off times, most of its energy from PV", function () {
      const r = day(heater, 4500, 21);
      assert.ok(r.toggles > 0, "it ran");
      // a toggle pair needs ≥ 10 min (5 on + 5 off): the PV day of 12 h allows ≤ 144; a chattering loop does thousands
      assert.ok(r.toggles <= 40, `${r.toggles} toggles`);
      assert.ok(r.pvToLoadWh / r.loadWh > 0.75, `PV share ${(r.pvToLoadWh / r.loadWh).toFixed(2)}`);
    });

    it("the EV follows the clouds in steps without chatter; a naive follower changes more than twice as often", function () {
      const r = day(ev, 5000, 33);
      const naive = day(surplusConfig({ ...ev, deadbandW: 0, adjustEveryMs: 0, startDelayMs: 0, stopDelayMs: 0, minOnMs: 0, minOffMs: 0, stopW: ev.minW }), 5000, 33);
      assert.ok(r.toggles <= 30, `${r.toggles} toggles`);
      assert.ok(r.changes * 2 < naive.changes, `${r.changes} set-point changes vs ${naive.changes} naive`);
      assert.ok(r.pvToLoadWh / r.loadWh > 0.8, `PV share ${(r.pvToLoadWh / r.loadWh).toFixed(2)}`);
    });

    it("with an import limit the load never imports beyond it", function () {
      const r = day(surplusConfig({ ...ev, importLimitW: 200 }), 5000, 33);
      assert.ok(r.maxImportByLoadW <= 200 + 1e-9, `${r.maxImportByLoadW} W imported by the load`);
    });
  });
});
