import { strict as assert } from "node:assert";
import { emptyRoomState, roomConfig, seedLoopConfig, shedStep, reconnectStep, type RoomConfig } from "../../../lib/room";
import { validateDeviceCommand } from "../../../lib/types";
import { T0, room, iso } from "./fixtures";

const offIds = (cfg: RoomConfig, inputs: ReturnType<typeof room>) =>
  shedStep(inputs, emptyRoomState(), cfg).commands.filter((c) => c.action === "off").map((c) => c.deviceId);

describe("room shedding (phase 2)", function () {
  const pcs = (pct4: number, pct5: number) => [
    { id: "PC04", w: 30, pct: pct4 },
    { id: "PC05", w: 30, pct: pct5 },
  ];

  describe("the seed's own cases: 2 laptops of 30 W, PC04 at 30 %, PC05 at 65 %", function () {
    const seed = seedLoopConfig({ laptops: ["PC04", "PC05"] });
    it("PV 10 W: both are shed, highest state of charge first", function () {
      const step = shedStep(room(T0, 10, pcs(30, 65)), emptyRoomState(), seed);
      assert.deepEqual(step.commands.map((c) => [c.deviceId, c.action]), [["PC05", "off"], ["PC04", "off"]]);
      assert.equal(step.report.consumptionW, 60);
      assert.equal(step.report.consumptionAfterW, 0);
      assert.equal(step.report.decisions[0].reason, "disconnected PC05: 65 %, surplus −50 W");
      assert.equal(step.report.decisions[1].reason, "disconnected PC04: 30 %, surplus −20 W");
      for (const c of step.commands) assert.ok(validateDeviceCommand.check(c).ok);
      assert.equal(step.commands[0].family, "jeedom");
    });
    it("PV 50 W: only PC05 is shed, PC04 charges on the 50 W", function () {
      const step = shedStep(room(T0, 50, pcs(30, 65)), emptyRoomState(), seed);
      assert.deepEqual(step.commands.map((c) => c.deviceId), ["PC05"]);
      assert.equal(step.report.balanceW, 20);
    });
    it("PV 60 W: consumption equals production, nothing is shed (the seed's Pconso ⩽ Pprod)", function () {
      assert.deepEqual(offIds(seed, room(T0, 60, pcs(30, 65))), []);
    });
  });

  it("20 laptops: sheds exactly the highest states of charge until the 20 × 40 W fit in 500 W", function () {
    const laptops = Array.from({ length: 20 }, (_, i) => ({ id: `PC${String(i + 1).padStart(2, "0")}`, w: 40, pct: 22 + ((i * 37) % 58) }));
    const cfg = roomConfig({ laptops: laptops.map((l) => l.id) });
    const off = offIds(cfg, room(T0, 500, laptops));
    // 800 W − 500 W = 300 W: 8 laptops of 40 W (7 would leave 520 W)
    assert.equal(off.length, 8);
    const sorted = [...laptops].sort((a, b) => b.pct - a.pct).slice(0, 8).map((l) => l.id);
    assert.deepEqual(off, sorted);
  });

  it("ties in state of charge: the one drawing more goes first, then by id, deterministically", function () {
    const cfg = roomConfig({ laptops: ["A", "B", "C"] });
    const inputs = room(T0, 50, [
      { id: "A", w: 30, pct: 60 },
      { id: "B", w: 45, pct: 60 },
      { id: "C", w: 30, pct: 60 },
    ]);
    assert.deepEqual(offIds(cfg, inputs), ["B", "A"]);
  });

  it("full threshold: a laptop at 80 % or more is disconnected even with ample PV; resumes only below 75 %", function () {
    const cfg = roomConfig({ laptops: ["PC04", "PC05"] });
    const step = shedStep(room(T0, 1000, pcs(80, 50)), emptyRoomState(), cfg);
    assert.deepEqual(step.commands.map((c) => [c.deviceId, c.action]), [["PC04", "off"]]);
    assert.match(step.report.decisions[0].reason, /full, 80 % ≥ 80 %/);
    assert.equal(step.state.laptops.PC04.full, true);
    // 77 %: above the resume level, stays off; 74 %: reconnected (after the minimum off time)
    const later = T0 + 30 * 60_000;
    const at77 = reconnectStep(room(later, 1000, [{ id: "PC04", on: false, pct: 77 }, { id: "PC05", w: 30, pct: 50 }]), step.state, cfg);
    assert.deepEqual(at77.commands, []);
    assert.match(at77.report.notes.join(";"), /PC04 stays off: full \(77 %\)/);
    const at74 = reconnectStep(room(later, 1000, [{ id: "PC04", on: false, pct: 74 }, { id: "PC05", w: 30, pct: 50 }]), step.state, cfg);
    assert.deepEqual(at74.commands.map((c) => [c.deviceId, c.action]), [["PC04", "on"]]);
  });

  it("all laptops full: all are disconnected whatever the PV", function () {
    const cfg = roomConfig({ laptops: ["A", "B", "C"] });
    const inputs = room(T0, 2000, [{ id: "A", pct: 95 }, { id: "B", pct: 81 }, { id: "C", pct: 100 }]);
    assert.deepEqual(offIds(cfg, inputs).sort(), ["A", "B", "C"]);
  });

  it("critical level: a laptop below 20 % is never disconnected, even at night, and the deficit is reported", function () {
    const cfg = roomConfig({ laptops: ["PC04", "PC05"] });
    const step = shedStep(room(T0, 0, pcs(15, 65)), emptyRoomState(), cfg);
    assert.deepEqual(step.commands.map((c) => c.deviceId), ["PC05"]);
    assert.match(step.report.notes.join(";"), /deficit remains: −30 W, critical kept on: PC04/);
  });

  it("PV zero at night: every laptop above the critical level is shed", function () {
    const cfg = roomConfig({ laptops: ["PC04", "PC05"] });
    assert.deepEqual(offIds(cfg, room(T0, 0, pcs(30, 65))), ["PC05", "PC04"]);
  });

  it("unanswered battery service: the laptop gets the default priority instead of blocking the loop", function () {
    const cfg = roomConfig({ laptops: ["PC04", "PC05", "PC06"], defaultPriorityPct: 50 });
    const inputs = room(T0, 35, [
      { id: "PC04", w: 30 }, // battery service silent (the seed's firewall)
      { id: "PC05", w: 30, pct: 65 },
      { id: "PC06", w: 30, pct: 40 },
    ]);
    const step = shedStep(inputs, emptyRoomState(), cfg);
    assert.deepEqual(step.commands.map((c) => c.deviceId), ["PC05", "PC04"]);
    assert.match(step.report.decisions[1].reason, /PC04: battery unanswered, priority 50 %/);
    const low = shedStep(inputs, emptyRoomState(), roomConfig({ ...cfg, defaultPriorityPct: 10 }));
    assert.deepEqual(low.commands.map((c) => c.deviceId), ["PC05", "PC06"]);
  });

  it("a stale battery reading counts as unanswered", function () {
    const cfg = roomConfig({ laptops: ["PC04", "PC05"], defaultPriorityPct: 0 });
    const inputs = room(T0, 30, pcs(90, 60));
    inputs.batteries.PC04.ts = iso(T0 - 60 * 60_000);
    // PC04's 90 % is an hour old: priority 0, not full; PC05 (60 %) goes
    assert.deepEqual(offIds(cfg, inputs), ["PC05"]);
  });

  it("a plug that does not answer is reported and skipped, the others are still managed", function () {
    const cfg = roomConfig({ laptops: ["PC04", "PC05", "PC06"] });
    const inputs = room(T0, 0, [{ id: "PC04", plug: false, pct: 90 }, { id: "PC05", pct: 60 }, { id: "PC06", pct: 30 }]);
    inputs.plugs.PC06 = { deviceId: "PC06", ts: iso(T0), online: false };
    const step = shedStep(inputs, emptyRoomState(), cfg);
    assert.deepEqual(step.commands.map((c) => c.deviceId), ["PC05"]);
    assert.deepEqual(step.report.skipped.map((s) => s.deviceId), ["PC04", "PC06"]);
    assert.match(step.report.skipped[0].reason, /plug of PC04 not answering/);
  });

  it("fixed loads count in the consumption but are never switched", function () {
    const cfg = roomConfig({ laptops: ["PC05"], fixedLoads: ["screen"] });
    const inputs = room(T0, 60, [{ id: "PC05", w: 30, pct: 60 }, { id: "screen", w: 40 }]);
    const step = shedStep(inputs, emptyRoomState(), cfg);
    assert.equal(step.report.consumptionW, 70);
    assert.deepEqual(step.commands.map((c) => c.deviceId), ["PC05"]);
  });

  it("idle laptops are not switched (nothing to gain)", function () {
    const cfg = roomConfig({ laptops: ["A", "B"] });
    assert.deepEqual(offIds(cfg, room(T0, 0, [{ id: "A", w: 1, pct: 90 - 20 }, { id: "B", w: 30, pct: 50 }])), ["B"]);
  });

  it("PV unknown: no shedding, the fail-safe is said", function () {
    const cfg = roomConfig({ laptops: ["PC04", "PC05"] });
    const step = shedStep(room(T0, undefined, pcs(30, 65)), emptyRoomState(), cfg);
    assert.deepEqual(step.commands, []);
    assert.equal(step.report.failSafe, true);
    assert.match(step.report.summary, /PV production unknown/);
  });

  it("minimum on time: a laptop reconnected 5 min ago is kept; the next one in order goes instead", function () {
    const cfg = roomConfig({ laptops: ["PC04", "PC05"] });
    const state = { laptops: { PC05: { on: true, switchedAt: T0 - 5 * 60_000 } } };
    const step = shedStep(room(T0, 40, pcs(30, 65)), state, cfg);
    assert.deepEqual(step.commands.map((c) => c.deviceId), ["PC04"]);
    assert.match(step.report.notes.join(";"), /PC05 kept on: minimum on time, 15 min left/);
  });

  it("a PV forecast that covers the load within the look-ahead avoids shedding; a gap or a dip does not", function () {
    const cfg = roomConfig({ laptops: ["PC04", "PC05"], forecastLookaheadMs: 30 * 60_000 });
    const rising = room(T0, 40, pcs(30, 65));
    rising.pvForecast = { start: "2026-06-10T10:00:00+02:00", stepMinutes: 15, unit: "W", values: [40, 70, 90, 120] };
    const kept = shedStep(rising, emptyRoomState(), cfg);
    assert.deepEqual(kept.commands, []);
    assert.match(kept.report.notes[0], /PV forecast ≥ 70 W within 30 min/);
    const dipping = { ...rising, pvForecast: { ...rising.pvForecast, values: [40, 70, 50, 120] } };
    assert.deepEqual(shedStep(dipping, emptyRoomState(), cfg).commands.map((c) => c.deviceId), ["PC05"]);
    const gap = { ...rising, pvForecast: { ...rising.pvForecast, values: [40, null, 90, 120] } };
    assert.deepEqual(shedStep(gap, emptyRoomState(), cfg).commands.map((c) => c.deviceId), ["PC05"]);
  });

  it("the forecast is read on the local slot grid across the autumn DST change (100 quarter-hours)", function () {
    const cfg = roomConfig({ laptops: ["PC04", "PC05"], forecastLookaheadMs: 15 * 60_000 });
    // 03:00+01:00 on 2026-10-25 is 4 h after local midnight (00:00+02:00): slot 16, not 12
    const now = Date.parse("2026-10-25T03:00:00+01:00");
    const inputs = room(now, 10, pcs(30, 65));
    const values = Array.from({ length: 100 }, (_, i) => (i === 17 ? 100 : 0));
    inputs.pvForecast = { start: "2026-10-25T00:00:00+02:00", stepMinutes: 15, unit: "W", values };
    const step = shedStep(inputs, emptyRoomState(), cfg);
    assert.deepEqual(step.commands, []);
    assert.equal(step.report.forecastW, 100);
    // the value a naive wall-clock reading (03:15 = slot 13) would pick is not the one used
    inputs.pvForecast = { ...inputs.pvForecast, values: values.map((_, i) => (i === 13 ? 100 : 0)) };
    assert.equal(shedStep(inputs, emptyRoomState(), cfg).commands.length, 2);
  });

  it("manual overrides: a forced-on laptop is never shed", function () {
    const cfg = roomConfig({ laptops: ["PC04", "PC05"] });
    const inputs = room(T0, 0, pcs(30, 65));
    inputs.overrides.PC05 = { mode: "on", until: T0 + 60_000 };
    assert.deepEqual(offIds(cfg, inputs), ["PC04"]);
    inputs.overrides.PC05 = { mode: "on", until: T0 - 1 };
    assert.deepEqual(offIds(cfg, inputs), ["PC05", "PC04"]);
  });

  it("refuses inconsistent settings", function () {
    assert.throws(() => roomConfig({ fullPct: 70, fullResumePct: 75 }), /fullResumePct/);
    assert.throws(() => roomConfig({ laptops: ["A", "A"] }), /twice/);
    assert.throws(() => roomConfig({ minOnMs: -1 }), /minOnMs/);
  });
});
