import { strict as assert } from "node:assert";
import { emptyRoomState, reconnectStep, roomConfig, seedLoopConfig, shedStep } from "../../../lib/room";
import { T0, room, iso } from "./fixtures";

describe("room reconnection (phase 1)", function () {
  const cfg = roomConfig({ laptops: ["PC04", "PC05", "PC06"] });

  it("the seed's policy reconnects every laptop in use, then phase 2 measures and sheds", function () {
    const seed = seedLoopConfig({ laptops: ["PC04", "PC05"] });
    const off = room(T0, 50, [{ id: "PC04", on: false, pct: 30 }, { id: "PC05", on: false, pct: 65 }]);
    const first = reconnectStep(off, emptyRoomState(), seed);
    assert.deepEqual(first.commands.map((c) => [c.deviceId, c.action]), [["PC04", "on"], ["PC05", "on"]]);
    // 5 s later the plugs report their power: 30 W each
    const settled = room(T0 + 5000, 50, [{ id: "PC04", w: 30, pct: 30 }, { id: "PC05", w: 30, pct: 65 }]);
    const second = shedStep(settled, first.state, seed);
    assert.deepEqual(second.commands.map((c) => c.deviceId), ["PC05"]);
    assert.equal(second.state.laptops.PC04.lastOnPowerW, 30);
  });

  it("a reconnected plug whose reading predates the reconnection is counted at its estimated power", function () {
    const seed = seedLoopConfig({ laptops: ["PC04", "PC05"], defaultLaptopW: 45 });
    const off = room(T0, 50, [{ id: "PC04", on: false, pct: 30 }, { id: "PC05", on: false, pct: 65 }]);
    const first = reconnectStep(off, emptyRoomState(), seed);
    const settled = room(T0 + 5000, 50, [{ id: "PC04", w: 30, pct: 30 }, { id: "PC05", w: 30, pct: 65 }]);
    settled.plugs.PC05 = { ...settled.plugs.PC05, ts: iso(T0 - 1000), powerW: 0, on: true };
    const second = shedStep(settled, first.state, seed);
    assert.equal(second.report.consumptionW, 75);
  });

  it("surplus policy: reconnects lowest state of charge first, only while the surplus covers power + hysteresis", function () {
    const state = { laptops: { PC04: { on: false, switchedAt: T0 - 3600_000, shed: true, lastOnPowerW: 30 }, PC05: { on: false, switchedAt: T0 - 3600_000, shed: true, lastOnPowerW: 30 } } };
    const inputs = room(T0, 75, [{ id: "PC04", on: false, pct: 60 }, { id: "PC05", on: false, pct: 40 }, { id: "PC06", w: 30, pct: 50 }]);
    // surplus 75 − 30 = 45 ≥ 30 + 10: PC05 (40 %) on; then 15 < 40: PC04 stays off
    const step = reconnectStep(inputs, state, cfg);
    assert.deepEqual(step.commands.map((c) => c.deviceId), ["PC05"]);
    assert.match(step.report.decisions[0].reason, /reconnected PC05: 40 %, surplus \+45 W covers 30 W/);
    assert.match(step.report.notes.join(";"), /PC04 stays off: surplus \+15 W < 30 W \+ 10 W/);
    assert.deepEqual(step.state.reconnected, ["PC05"]);
  });

  it("minimum off time: a laptop shed 10 min ago is not reconnected before 20 min, whatever the PV", function () {
    const state = { laptops: { PC04: { on: false, switchedAt: T0 - 10 * 60_000, shed: true } } };
    const step = reconnectStep(room(T0, 1000, [{ id: "PC04", on: false, pct: 50 }]), state, roomConfig({ laptops: ["PC04"] }));
    assert.deepEqual(step.commands, []);
    assert.match(step.report.notes[0], /minimum off time, 10 min left/);
  });

  it("a critical laptop is reconnected at once, even at night and within its minimum off time", function () {
    const state = { laptops: { PC04: { on: false, switchedAt: T0 - 60_000, shed: true } } };
    const step = reconnectStep(room(T0, 0, [{ id: "PC04", on: false, pct: 12 }]), state, roomConfig({ laptops: ["PC04"] }));
    assert.deepEqual(step.commands.map((c) => c.action), ["on"]);
    assert.match(step.report.decisions[0].reason, /12 %, below the critical 20 %/);
  });

  it("a laptop not in use (no battery answer, never shed, off) is left off", function () {
    const step = reconnectStep(room(T0, 1000, [{ id: "PC04", on: false }]), emptyRoomState(), roomConfig({ laptops: ["PC04"] }));
    assert.deepEqual(step.commands, []);
    assert.match(step.report.notes[0], /not in use/);
  });

  it("a laptop shed earlier whose battery service went silent is still reconnected when the surplus allows", function () {
    const state = { laptops: { PC04: { on: false, switchedAt: T0 - 3600_000, shed: true, lastOnPowerW: 30 } } };
    const step = reconnectStep(room(T0, 100, [{ id: "PC04", on: false }]), state, roomConfig({ laptops: ["PC04"] }));
    assert.deepEqual(step.commands.map((c) => c.deviceId), ["PC04"]);
    assert.match(step.report.decisions[0].reason, /priority 50 %/);
  });

  it("optional rescue: a shed laptop with a silent battery service is reconnected after maxOffUnknown, even at night", function () {
    const state = { laptops: { PC04: { on: false, switchedAt: T0 - 119 * 60_000, shed: true } } };
    const cfg1 = roomConfig({ laptops: ["PC04"], maxOffUnknownMs: 120 * 60_000 });
    assert.deepEqual(reconnectStep(room(T0, 0, [{ id: "PC04", on: false }]), state, cfg1).commands, []);
    const later = reconnectStep(room(T0 + 60_000, 0, [{ id: "PC04", on: false }]), state, cfg1);
    assert.deepEqual(later.commands.map((c) => c.action), ["on"]);
    assert.match(later.report.decisions[0].reason, /battery unanswered and off for 120 min/);
    assert.deepEqual(reconnectStep(room(T0 + 60_000, 0, [{ id: "PC04", on: false }]), state, roomConfig({ laptops: ["PC04"] })).commands, []);
  });

  it("dead plug: reported and skipped, no command sent to it", function () {
    const step = reconnectStep(room(T0, 1000, [{ id: "PC04", plug: false, pct: 40 }]), emptyRoomState(), roomConfig({ laptops: ["PC04"] }));
    assert.deepEqual(step.commands, []);
    assert.match(step.report.skipped[0].reason, /not answering/);
  });

  it("overrides: forced on and forced off are applied, room-wide with '*'", function () {
    const inputs = room(T0, 0, [{ id: "PC04", on: false, pct: 60 }, { id: "PC05", w: 30, pct: 50 }, { id: "PC06", w: 30, pct: 50 }]);
    inputs.overrides.PC04 = { mode: "on" };
    inputs.overrides["*"] = { mode: "off" };
    const step = reconnectStep(inputs, emptyRoomState(), cfg);
    assert.deepEqual(step.commands.map((c) => [c.deviceId, c.action]), [["PC04", "on"], ["PC05", "off"], ["PC06", "off"]]);
  });

  it("PV unknown: the fail-safe decides (hold: nothing; on: reconnect; off: disconnect)", function () {
    const inputs = room(T0, undefined, [{ id: "PC04", on: false, pct: 60 }, { id: "PC05", w: 30, pct: 50 }]);
    const hold = reconnectStep(inputs, emptyRoomState(), cfg);
    assert.deepEqual(hold.commands, []);
    assert.equal(hold.report.failSafe, true);
    const on = reconnectStep(inputs, emptyRoomState(), roomConfig({ ...cfg, failSafe: "on" }));
    assert.deepEqual(on.commands.map((c) => [c.deviceId, c.action]), [["PC04", "on"]]);
    const off = reconnectStep(inputs, emptyRoomState(), roomConfig({ ...cfg, failSafe: "off" }));
    assert.deepEqual(off.commands.map((c) => [c.deviceId, c.action]), [["PC05", "off"]]);
    // a stale PV reading is unknown too
    const stale = room(T0, 500, [{ id: "PC04", on: false, pct: 60 }]);
    stale.pv = { w: 500, at: T0 - 3600_000 };
    assert.equal(reconnectStep(stale, emptyRoomState(), cfg).report.failSafe, true);
  });
});
