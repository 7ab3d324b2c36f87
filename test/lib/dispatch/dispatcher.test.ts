import { strict as assert } from "node:assert";
import { Dispatcher, familyOutput, type Outcome } from "../../../lib/dispatch";
import { PLUG_FAMILIES, validateDeviceCommand, validateDispatchEvent } from "../../../lib/types";
import { ZONE, binding, decisions, device, heater, plan } from "./fixtures";

const T0 = "2026-06-10T12:00:00+02:00";
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const actions = (o: Outcome) => o.commands.map((c) => `${c.command.deviceId}:${c.command.action}@${c.plugId}+${c.delayMs}`);
const kinds = (o: Outcome) => o.events.map((e) => `${e.kind}${e.deviceId ? `:${e.deviceId}` : ""}`);

function valid(o: Outcome): Outcome {
  for (const c of o.commands) validateDeviceCommand.parse(c.command);
  for (const e of o.events) validateDispatchEvent.parse(e);
  return o;
}

describe("dispatcher", function () {
  it("one-shot devices get one start at their slot; continuous devices follow on/off per slot", function () {
    const d = new Dispatcher({ zone: ZONE });
    assert.deepEqual(actions(valid(d.setBindings([binding("wm"), heater("ecs")], at(0)))), [], "no plan yet: the fail-safe waits for a boundary");
    const p = plan(T0, [device("wm", decisions(96, [2])), device("ecs", decisions(96, [1, 2]), { kind: "water-heater", continuous: true })]);
    const first = valid(d.setPlan(p, at(0)));
    assert.deepEqual(actions(first), ["ecs:off@tasmota-ecs+0"]);
    assert.equal(d.snapshot(at(0)).find((s) => s.deviceId === "ecs")?.source, "plan");
    assert.deepEqual(actions(valid(d.tick(at(15)))), ["ecs:on@tasmota-ecs+0"]);
    const slot2 = valid(d.tick(at(30)));
    assert.deepEqual(actions(slot2), ["ecs:on@tasmota-ecs+0", "wm:on@plug-wm+0"], "relays are re-sent at every boundary; the start comes once");
    assert.ok(kinds(slot2).includes("start-sent:wm"));
    assert.deepEqual(actions(valid(d.wake(at(31)))), [], "no second start within the same slot");
    d.reading({ deviceId: "plug-wm", ts: at(32), powerW: 1500 }, at(32));
    assert.deepEqual(actions(valid(d.tick(at(45)))), ["ecs:off@tasmota-ecs+0"]);
    const cmd = slot2.commands[1].command;
    assert.equal(cmd.family, "shelly-gen1");
    assert.equal(cmd.at, "2026-06-10T12:30:00+02:00");
    assert.match(cmd.reason, /start: plan 2026-06-10T12:00:00\+02:00 slot 2\/96/);
  });

  it("applies a plan that arrives mid-slot at once, but only for what changed", function () {
    const d = new Dispatcher({ zone: ZONE });
    d.setBindings([heater("ecs")], at(0));
    d.setPlan(plan(T0, [device("ecs", decisions(96, [0]), { continuous: true })]), at(1));
    assert.deepEqual(actions(d.setPlan(plan(T0, [device("ecs", decisions(96, [0]), { continuous: true })]), at(2))), []);
    assert.deepEqual(actions(d.setPlan(plan(T0, [device("ecs", decisions(96, []), { continuous: true })]), at(3))), ["ecs:off@tasmota-ecs+0"]);
  });

  it("drives only devices in mode 30 (piloted)", function () {
    const d = new Dispatcher({ zone: ZONE });
    d.setBindings([binding("manual", { mode: 20 }), binding("off", { mode: 70 }), binding("piloted")], at(0));
    const o = d.setPlan(plan(T0, ["manual", "off", "piloted"].map((id) => device(id, decisions(96, [0])))), at(0));
    assert.deepEqual(actions(o), ["piloted:on@plug-piloted+0"]);
  });

  it("routes each command to its plug family's output", function () {
    assert.equal(familyOutput("shelly-gen1"), 0);
    assert.equal(familyOutput("jeedom"), PLUG_FAMILIES.length - 1);
  });

  describe("overrides", function () {
    it("force on/off wins over the plan, is re-sent at boundaries, and expires back to the plan", function () {
      const d = new Dispatcher({ zone: ZONE });
      d.setBindings([heater("ecs")], at(0));
      d.setPlan(plan(T0, [device("ecs", decisions(96, []), { continuous: true })]), at(0));
      const forced = valid(d.setOverride({ deviceId: "ecs", action: "on", until: "2026-06-10T12:40:00+02:00" }, at(5)));
      assert.deepEqual(actions(forced), ["ecs:on@tasmota-ecs+0"]);
      assert.deepEqual(kinds(forced), ["override:ecs", "switched:ecs"]);
      assert.match(forced.commands[0].command.reason, /override on until 2026-06-10T12:40/);
      assert.equal(d.nextWake(), Date.parse("2026-06-10T12:40:00+02:00"));
      assert.deepEqual(actions(d.tick(at(30))), ["ecs:on@tasmota-ecs+0"]);
      const ended = valid(d.wake(at(40)));
      assert.deepEqual(actions(ended), ["ecs:off@tasmota-ecs+0"]);
      assert.deepEqual(kinds(ended), ["override-expired:ecs", "switched:ecs"]);
      assert.equal(d.nextWake(), undefined);
    });

    it("force applies to a manual device too; auto hands it back", function () {
      const d = new Dispatcher({ zone: ZONE });
      d.setBindings([binding("wm", { mode: 20 })], at(0));
      assert.deepEqual(actions(d.setOverride({ deviceId: "wm", action: "off" }, at(1))), ["wm:off@plug-wm+0"]);
      assert.deepEqual(actions(d.tick(at(15))), ["wm:off@plug-wm+0"]);
      d.setOverride({ deviceId: "wm", action: "auto" }, at(16));
      assert.deepEqual(actions(d.tick(at(30))), []);
    });

    it("disable (ELFE mode 70) stops every order, even the fail-safe, and reports the mode", function () {
      const d = new Dispatcher({ zone: ZONE });
      d.setBindings([heater("ecs"), binding("wm")], at(0));
      const o = valid(d.setOverride({ deviceId: "wm", action: "disable", until: "2026-06-10T13:00:00+02:00" }, at(0)));
      assert.equal(o.events.find((e) => e.kind === "mode")?.coordination?.mode, 70);
      d.setOverride({ deviceId: "ecs", action: "disable" }, at(0));
      d.setPlan(plan(T0, [device("wm", decisions(96, [0]))]), at(0));
      assert.deepEqual(actions(d.tick(at(15))), []);
      assert.equal(d.snapshot(at(15)).find((s) => s.deviceId === "wm")?.mode, 70);
      const back = d.wake(at(60));
      assert.equal(back.events.find((e) => e.kind === "mode")?.coordination?.mode, 30);
    });

    it("refuses an override whose end has passed, or for an unknown device", function () {
      const d = new Dispatcher({ zone: ZONE });
      d.setBindings([binding("wm")], at(0));
      assert.throws(() => d.setOverride({ deviceId: "wm", action: "on", until: "2026-06-10T11:00:00+02:00" }, at(0)), /already passed/);
      assert.throws(() => d.setOverride({ deviceId: "nope", action: "on" }, at(0)), /unknown device nope/);
    });
  });

  describe("plan expiry and fail-safe", function () {
    it("does not apply an expired plan and puts continuous devices in their fail-safe state, saying so once", function () {
      const d = new Dispatcher({ zone: ZONE, failSafe: "off" });
      d.setBindings([heater("ecs"), heater("heat", { elfeType: 151, failSafe: "on" }), heater("keep", { failSafe: "leave" }), binding("wm")], at(0));
      const onAllDay = (id: string) => device(id, new Array(4).fill(1), { continuous: true });
      d.setPlan(plan(T0, [onAllDay("ecs"), device("heat", decisions(4, []), { continuous: true }), onAllDay("keep"), device("wm", decisions(4, [3]))], 4), at(0));
      assert.deepEqual(actions(d.tick(at(45))), ["ecs:on@tasmota-ecs+0", "heat:off@tasmota-heat+0", "keep:on@tasmota-keep+0", "wm:on@plug-wm+0"]);
      d.reading({ deviceId: "plug-wm", ts: at(46), on: true }, at(46));
      const expired = valid(d.tick(at(60)));
      assert.deepEqual(actions(expired), ["ecs:off@tasmota-ecs+0", "heat:on@tasmota-heat+0"]);
      assert.deepEqual(kinds(expired).filter((k) => !k.startsWith("switched")), ["plan-expired", "failsafe:ecs", "failsafe:heat", "failsafe:keep"]);
      assert.match(expired.events[0].message, /plan expired/);
      assert.equal(d.summary(at(60)).freshness, "expired");
      const later = d.tick(at(75));
      assert.deepEqual(kinds(later), [], "said once");
      assert.deepEqual(actions(later), ["ecs:off@tasmota-ecs+0", "heat:on@tasmota-heat+0"], "and kept at each boundary");
    });

    it("without any plan, continuous devices go to fail-safe at the first boundary and one-shot devices wait", function () {
      const d = new Dispatcher({ zone: ZONE });
      assert.deepEqual(actions(d.setBindings([heater("ecs"), binding("wm")], at(0))), [], "the plan may be a moment behind the bindings");
      const o = valid(d.tick(at(15)));
      assert.deepEqual(actions(o), ["ecs:off@tasmota-ecs+0"]);
      assert.match(o.events[0].message, /no plan/);
      assert.equal(d.summary(at(0)).freshness, "missing");
    });

    it("a fresh plan ends the fail-safe", function () {
      const d = new Dispatcher({ zone: ZONE });
      d.setBindings([heater("ecs")], at(0));
      const o = d.setPlan(plan(T0, [device("ecs", decisions(96, [0]), { continuous: true })]), at(1));
      assert.deepEqual(actions(o), ["ecs:on@tasmota-ecs+0"]);
      assert.equal(d.snapshot(at(1))[0].source, "plan");
    });
  });

  describe("start confirmation", function () {
    const started = (opts: { retries?: number } = {}, b = binding("wm")) => {
      const d = new Dispatcher({ zone: ZONE, confirmTimeoutMs: 60_000, retries: opts.retries ?? 2 });
      d.setBindings([b], at(0));
      const o = d.setPlan(plan(T0, [device(b.deviceId, decisions(96, [0]))]), at(0));
      assert.equal(o.commands.length > 0, true);
      return d;
    };

    it("switches 30 → 20 only once the plug reports on", function () {
      const d = started();
      assert.deepEqual(d.reading({ deviceId: "plug-wm", ts: at(0.5), on: false }, at(0.5)).events, []);
      assert.equal(d.snapshot(at(0.5))[0].mode, 30);
      const o = valid(d.reading({ deviceId: "plug-wm", ts: at(0.6), on: true }, at(0.6)));
      assert.deepEqual(kinds(o), ["confirmed:wm", "mode:wm"]);
      assert.equal(o.events[0].coordination?.lastStartAt, "2026-06-10T12:00:36+02:00");
      assert.equal(o.events[1].coordination?.mode, 20);
      assert.equal(d.snapshot(at(1))[0].mode, 20);
      assert.deepEqual(actions(d.tick(at(15))), [], "a manual device gets no more orders");
    });

    it("keeps a started device manual while the bindings still say 30, until they have shown the switch", function () {
      const d = started({}, binding("dw", { family: "switchbot", plugId: "bot", typology: 130, meterId: "m" }));
      d.reading({ deviceId: "m", ts: at(0.5), powerW: 900 }, at(0.5));
      d.setBindings([binding("dw", { family: "switchbot", plugId: "bot", typology: 130, meterId: "m" })], at(1)); // stale: mode 30
      assert.equal(d.snapshot(at(1))[0].mode, 20);
      // A new plan places it again: a press now would stop the running machine.
      assert.deepEqual(actions(d.setPlan(plan(at(15), [device("dw", decisions(96, [0]))]), at(15))), []);
      d.setBindings([binding("dw", { family: "switchbot", plugId: "bot", typology: 130, mode: 20 })], at(20)); // the database caught up
      // The user re-arms it while the 12:15 plan still starts it in this slot.
      const rearmed = d.setBindings([binding("dw", { family: "switchbot", plugId: "bot", typology: 130, mode: 30 })], at(25));
      assert.deepEqual(actions(rearmed), ["dw:press@bot+0"]);
    });

    it("power above the threshold from the installation's meter confirms too", function () {
      const d = started({}, binding("wm", { typology: 180, meterId: "meter-1", startPowerW: 100 }));
      assert.deepEqual(kinds(d.reading({ deviceId: "plug-wm", ts: at(0.2), on: true }, at(0.2))), [], "a relay + meter needs the power");
      assert.deepEqual(kinds(d.reading({ deviceId: "meter-1", ts: at(0.3), powerW: 50 }, at(0.3))), []);
      assert.deepEqual(kinds(d.reading({ deviceId: "meter-1", ts: at(0.4), powerW: 1800 }, at(0.4))), ["confirmed:wm", "mode:wm"]);
    });

    it("ignores readings stamped before the order (a retained state)", function () {
      const d = started();
      assert.deepEqual(kinds(d.reading({ deviceId: "plug-wm", ts: at(-5), on: true }, at(0.1))), []);
    });

    it("retries a bounded number of times, then reports failure and keeps the device piloted", function () {
      const d = started({ retries: 2 });
      assert.equal(d.nextWake(), Date.parse(at(1)));
      const r1 = valid(d.wake(at(1)));
      assert.deepEqual(actions(r1), ["wm:on@plug-wm+0"]);
      assert.deepEqual(kinds(r1), ["retry:wm"]);
      assert.equal(r1.events[0].attempt, 2);
      assert.deepEqual(kinds(d.wake(at(2))), ["retry:wm"]);
      const failed = valid(d.wake(at(3)));
      assert.deepEqual(actions(failed), []);
      assert.deepEqual(kinds(failed), ["failed:wm"]);
      assert.match(failed.events[0].message, /after 3 attempt\(s\)/);
      assert.equal(d.snapshot(at(3))[0].mode, 30, "the flexibility is not lost");
      assert.equal(d.nextWake(), undefined);
      assert.deepEqual(actions(d.tick(at(15))), [], "the past slot's start is not replayed");
    });

    it("neither retries nor reports a start once the person has switched the device to manual", function () {
      const d = started();
      d.setBindings([binding("wm", { mode: 20 })], at(0.5));
      const o = d.wake(at(1));
      assert.deepEqual([actions(o), kinds(o)], [[], []]);
    });

    it("a late confirmation after a retry still switches to manual", function () {
      const d = started();
      d.wake(at(1));
      assert.deepEqual(kinds(d.reading({ deviceId: "plug-wm", ts: at(1.5), on: true }, at(1.5))), ["confirmed:wm", "mode:wm"]);
    });

    it("never presses a finger again blindly: retry only when a reading shows the appliance idle", function () {
      const blind = started({}, binding("dw", { family: "switchbot", plugId: "bot-1", typology: 130 }));
      const failed = blind.wake(at(1));
      assert.deepEqual(actions(failed), []);
      assert.match(failed.events[0].message, /not pressed again/);

      const idle = started({}, binding("dw", { family: "switchbot", plugId: "bot-1", typology: 130, meterId: "plug-dw" }));
      idle.reading({ deviceId: "plug-dw", ts: at(0.5), powerW: 0.4 }, at(0.5));
      assert.deepEqual(actions(idle.wake(at(1))), ["dw:press@bot-1+0"]);
    });

    it("reports a device whose last will says offline, and power while it should be off", function () {
      const d = new Dispatcher({ zone: ZONE });
      d.setBindings([heater("ecs")], at(0));
      d.tick(at(0));
      assert.deepEqual(kinds(d.reading({ deviceId: "tasmota-ecs", ts: at(1), online: false }, at(1))), ["offline:ecs"]);
      assert.deepEqual(kinds(d.reading({ deviceId: "tasmota-ecs", ts: at(2), online: false }, at(2))), []);
      assert.deepEqual(kinds(d.reading({ deviceId: "tasmota-ecs", ts: at(3), powerW: 2000 }, at(3))), ["unexpected-power:ecs"]);
      assert.deepEqual(kinds(d.reading({ deviceId: "tasmota-ecs", ts: at(4), powerW: 2000 }, at(4))), [], "flagged once");
      assert.equal(d.snapshot(at(4))[0].online, false);
      const back = valid(d.reading({ deviceId: "tasmota-ecs", ts: at(5), online: true }, at(5)));
      assert.deepEqual(actions(back), ["ecs:off@tasmota-ecs+0"], "back online: its order again");
      assert.match(back.commands[0].command.reason, /back online: fail-safe off/);
    });
  });

  it("gives the full current state on demand: idempotent orders re-sent, presses not repeated, every device listed", function () {
    const d = new Dispatcher({ zone: ZONE });
    d.setBindings([heater("ecs"), binding("bot", { family: "switchbot", plugId: "b1", typology: 130, elfeType: 131 })], at(0));
    d.setPlan(plan(T0, [device("ecs", decisions(96, [0]), { continuous: true }), device("bot", decisions(96, [0]), { continuous: true })]), at(0));
    const o = valid(d.fullState(at(5)));
    assert.deepEqual(actions(o), ["ecs:on@tasmota-ecs+0"]);
    const state = o.events.find((e) => e.kind === "state");
    assert.deepEqual(
      state?.devices?.map((s) => [s.deviceId, s.desired, s.source]),
      [
        ["bot", "on", "plan"],
        ["ecs", "on", "plan"],
      ],
    );
  });

  it("reports an installation typology without a sequence once, and drives the others", function () {
    const d = new Dispatcher({ zone: ZONE });
    const o = d.setBindings([binding("tic", { typology: 200 }), binding("wm")], at(0));
    assert.deepEqual(kinds(o).filter((k) => k.startsWith("unsupported")), ["unsupported:tic"]);
    assert.match(o.events.find((e) => e.kind === "unsupported")!.message, /typology 200 has no order sequence/);
    assert.deepEqual(kinds(d.tick(at(15))), ["plan-expired"], "no plan: said once at the first boundary; the typology is not reported again");
    assert.deepEqual(kinds(d.tick(at(30))), []);
  });
});
