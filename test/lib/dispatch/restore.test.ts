import { strict as assert } from "node:assert";
import { Dispatcher, type Outcome } from "../../../lib/dispatch";
import { ZONE, binding, decisions, device, heater, plan } from "./fixtures";

const T0 = "2026-06-10T12:00:00+02:00";
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const actions = (o: Outcome) => o.commands.map((c) => `${c.command.deviceId}:${c.command.action}`);

describe("dispatcher dump and restore (Node-RED restart)", function () {
  function running() {
    const d = new Dispatcher({ zone: ZONE });
    const bot = binding("bot", { family: "switchbot", plugId: "b1", typology: 130, elfeType: 151 });
    const wm = binding("wm", { meterId: "m1" });
    d.setBindings([heater("ecs"), heater("spare"), bot, wm], at(0));
    d.setPlan(
      plan(T0, [
        device("ecs", decisions(96, [0, 1]), { continuous: true }),
        device("spare", decisions(96, [0, 1]), { continuous: true }),
        device("bot", decisions(96, [0, 1, 2]), { continuous: true }),
        device("wm", decisions(96, [0])),
      ]),
      at(0),
    );
    d.reading({ deviceId: "m1", ts: at(1), powerW: 2000 }, at(1));
    d.setOverride({ deviceId: "ecs", action: "off", until: at(60) }, at(2));
    d.setOverride({ deviceId: "spare", action: "disable", until: at(10) }, at(2));
    return d;
  }

  it("carries plans, bindings, overrides and the last orders through JSON, and presses nothing again", function () {
    const saved = JSON.parse(JSON.stringify(running().dump()));
    const d = new Dispatcher({ zone: ZONE });
    const o = d.restore(saved, at(5));
    assert.deepEqual(actions(o), [], "nothing changed while down");
    const snap = Object.fromEntries(d.snapshot(at(5)).map((s) => [s.deviceId, s]));
    assert.equal(snap.ecs.override?.action, "off");
    assert.equal(snap.spare.mode, 70);
    assert.equal(snap.bot.desired, "on");
    assert.equal(snap.wm.mode, 20);
    assert.ok(snap.wm.lastStartAt);
    // The database still says 30 for the started machine: it stays manual.
    d.setBindings(saved.bindings.map((b: any) => ({ ...b, mode: 30 })), at(6));
    assert.equal(d.snapshot(at(6)).find((s) => s.deviceId === "wm")?.mode, 20);
  });

  it("applies what changed while it was down, and drops overrides that ended", function () {
    const saved = JSON.parse(JSON.stringify(running().dump()));
    const d = new Dispatcher({ zone: ZONE });
    const o = d.restore(saved, at(31)); // slot 2: bot still on, spare now off, disable ended
    assert.deepEqual(actions(o), ["spare:off"]);
    assert.equal(d.snapshot(at(31)).find((s) => s.deviceId === "spare")?.mode, 30);
  });

  it("refuses a damaged dump with a message naming the field", function () {
    const d = new Dispatcher({ zone: ZONE });
    assert.throws(() => d.restore({ plans: [{}], bindings: [], overrides: [], devices: {} }, at(0)), /invalid saved dispatch state: plans.0/);
    assert.throws(() => d.restore("garbage", at(0)), /invalid saved dispatch state/);
  });
});
