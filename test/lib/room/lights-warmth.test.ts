import { strict as assert } from "node:assert";
import { decideLights, decideWarmth, LIGHTS_DEFAULTS, WARMTH_DEFAULTS, type LightsState, type WarmthState } from "../../../lib/room";

const MIN = 60_000;
const T0 = Date.parse("2026-01-12T08:00:00+01:00");

describe("room lights by presence and daylight", function () {
  it("on with presence in the dark, off when the room is bright", function () {
    assert.equal(decideLights({ now: T0, presence: true, lux: 120 }, {}).on, true);
    const bright = decideLights({ now: T0, presence: true, lux: 800 }, {});
    assert.equal(bright.on, false);
    assert.match(bright.reason, /daylight 800 lx/);
  });

  it("keeps the lights on for the switch-off delay after the last presence, then off", function () {
    let s: LightsState = decideLights({ now: T0, presence: true, lux: 100 }, {}).state;
    const nine = decideLights({ now: T0 + 9 * MIN, presence: false, lux: 100 }, s);
    assert.equal(nine.on, true);
    assert.equal(nine.changed, false);
    s = nine.state;
    const ten = decideLights({ now: T0 + 10 * MIN, presence: false, lux: 100 }, s);
    assert.equal(ten.on, false);
    assert.equal(ten.changed, true);
    assert.match(ten.reason, /nobody for 10 min/);
  });

  it("two lux thresholds: the lamps' own light (400 lx) does not switch them off, 650 lx does", function () {
    const on = decideLights({ now: T0, presence: true, lux: 250 }, {});
    assert.equal(on.on, true);
    assert.equal(decideLights({ now: T0 + MIN, presence: true, lux: 400 }, on.state).on, true);
    assert.equal(decideLights({ now: T0 + MIN, presence: true, lux: 400 }, {}).on, false, "off lights need < 300 lx");
    assert.equal(decideLights({ now: T0 + MIN, presence: true, lux: 650 }, on.state).on, false);
  });

  it("without a daylight sensor, presence alone lights the room; no presence ever seen keeps them off", function () {
    assert.equal(decideLights({ now: T0, presence: true }, {}).on, true);
    const nobody = decideLights({ now: T0 }, {});
    assert.equal(nobody.on, false);
    assert.match(nobody.reason, /nobody seen/);
  });

  it("counts toggles over a day of flickering presence: at most one on/off pair per occupancy", function () {
    let s: LightsState = {};
    let toggles = 0;
    // presence reported each minute from 9:00 to 12:00, with 3-min holes every 7 minutes
    for (let m = 0; m < 24 * 60; m++) {
      const inside = m >= 9 * 60 && m < 12 * 60;
      const presence = inside && m % 10 < 7;
      const d = decideLights({ now: T0 + m * MIN, presence, lux: 150 }, s, LIGHTS_DEFAULTS);
      if (d.changed && s.on !== undefined) toggles++;
      s = d.state;
    }
    assert.equal(toggles, 2);
  });
});

describe("room warmth set-point", function () {
  it("comfort when occupied, eco otherwise", function () {
    assert.equal(decideWarmth({ now: T0, occupied: true, bookings: [] }, {}).setpointC, 20);
    const eco = decideWarmth({ now: T0, occupied: false, bookings: [] }, {});
    assert.equal(eco.setpointC, 16);
    assert.equal(eco.reason, "eco 16 °C: unoccupied");
  });

  it("comfort from 30 min before a booking to its end", function () {
    const bookings = [{ start: T0 + 60 * MIN, end: T0 + 120 * MIN }];
    assert.equal(decideWarmth({ now: T0 + 29 * MIN, occupied: false, bookings }, {}).setpointC, 16);
    const pre = decideWarmth({ now: T0 + 30 * MIN, occupied: false, bookings }, {});
    assert.equal(pre.setpointC, 20);
    assert.match(pre.reason, /pre-heating/);
    assert.equal(decideWarmth({ now: T0 + 119 * MIN, occupied: false, bookings }, {}).setpointC, 20);
    assert.equal(decideWarmth({ now: T0 + 120 * MIN, occupied: false, bookings }, {}).setpointC, 16);
  });

  it("PV surplus boost with two thresholds, capped at the maximum", function () {
    let s: WarmthState = {};
    const series = [0, 320, 250, 150, 90, 250, 310];
    const got = series.map((w) => {
      const d = decideWarmth({ now: T0, occupied: true, bookings: [], surplusW: w }, s);
      s = d.state;
      return d.setpointC;
    });
    assert.deepEqual(got, [20, 21, 21, 21, 20, 20, 21]);
    const capped = decideWarmth({ now: T0, occupied: true, bookings: [], surplusW: 500 }, {}, { ...WARMTH_DEFAULTS, boostC: 5 });
    assert.equal(capped.setpointC, 22);
    assert.match(decideWarmth({ now: T0, occupied: false, bookings: [], surplusW: 400 }, {}).reason, /eco 17 °C: unoccupied, \+1 °C on PV surplus 400 W/);
  });

  it("changed only when the set-point moves", function () {
    const a = decideWarmth({ now: T0, occupied: true, bookings: [] }, {});
    assert.equal(a.changed, true);
    assert.equal(decideWarmth({ now: T0 + MIN, occupied: true, bookings: [] }, a.state).changed, false);
  });
});
