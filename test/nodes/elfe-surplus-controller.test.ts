import { strict as assert } from "node:assert";
import sinon from "sinon";
import surplusNode from "../../nodes/elfe-surplus-controller/elfe-surplus-controller";
import { validateDeviceCommand } from "../../lib/types";
import helper from "./helper";

const delivered = () => new Promise((resolve) => setImmediate(resolve));
const flow = (extra: Record<string, unknown> = {}) => [
  { id: "f1", type: "tab" },
  { id: "n1", z: "f1", type: "elfe-surplus-controller", deviceId: "shellyplus1pm-ev", family: "shelly-gen2", kind: "relay", min: 2000, wires: [["cmd"], ["state"]], ...extra },
  { id: "cmd", z: "f1", type: "helper" },
  { id: "state", z: "f1", type: "helper" },
  { id: "c1", z: "f1", type: "catch", scope: null, wires: [["caught"]] },
  { id: "caught", z: "f1", type: "helper" },
];
function collect(id: string): any[] {
  const got: any[] = [];
  helper.getNode(id).on("input", (msg: any) => got.push(msg.payload));
  return got;
}

describe("elfe-surplus-controller node", function () {
  let clock: sinon.SinonFakeTimers | undefined;
  beforeEach(async () => helper.startServer());
  afterEach(async function () {
    clock?.restore();
    clock = undefined;
    await helper.unload();
    await helper.stopServer();
  });

  it("should be loaded, waiting for a measurement", async function () {
    await helper.load([surplusNode], flow());
    const n1 = helper.getNode("n1");
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ text: "elfe-surplus-controller.status.waiting" }));
  });

  it("relay: starts after the start delay of export, sends only on change, stops after the stop delay", async function () {
    clock = sinon.useFakeTimers({ now: Date.parse("2026-06-10T12:00:00+02:00"), toFake: ["setTimeout", "clearTimeout", "Date"] });
    await helper.load([surplusNode], flow());
    const n1 = helper.getNode("n1");
    const cmd = collect("cmd");
    const states = collect("state");
    for (let s = 0; s <= 60; s += 10) {
      n1.receive({ topic: "grid", payload: -2500 } as any);
      await delivered();
      await clock.tickAsync(10_000);
    }
    assert.deepEqual(cmd.map((c) => c.action), ["on"]);
    assert.ok(validateDeviceCommand.check(cmd[0]).ok);
    assert.match(cmd[0].reason, /start: surplus 2.50 kW ≥ 2.00 kW for 60 s/);
    assert.equal(states.length, 7);
    // now the heater draws 2 kW: grid −500 → available 2.5 kW, still on, no new command
    n1.receive({ topic: "grid", payload: -500 } as any);
    await delivered();
    assert.equal(cmd.length, 1);
    // a cloud: import 1.5 kW → available 500 W < 1 kW; stop after min-on (5 min from start) and 3 min below
    for (let s = 0; s < 330; s += 10) {
      await clock.tickAsync(10_000);
      n1.receive({ topic: "grid", payload: 1500 } as any);
      await delivered();
    }
    assert.deepEqual(cmd.map((c) => c.action), ["on", "off"]);
  });

  it("EV in amperes: the set-point follows the surplus in 1 A steps of 230 W, within 6–16 A", async function () {
    await helper.load([surplusNode], flow({ kind: "modulated", unit: "A", phases: 1, voltage: 230, min: 6, max: 16, step: 1, mode: "minpv" }));
    const n1 = helper.getNode("n1");
    const cmd = collect("cmd");
    n1.receive({ topic: "balance", payload: 2000 } as any);
    await delivered();
    assert.deepEqual([cmd[0].action, cmd[0].value], ["set", 8]); // 2000 W → 1380 + 2 × 230 = 1840 W = 8 A
  });

  it("mode and override inputs; no measurement for the stale time → fail-safe off, said in the status", async function () {
    clock = sinon.useFakeTimers({ now: Date.parse("2026-06-10T12:00:00+02:00"), toFake: ["setTimeout", "clearTimeout", "Date"] });
    await helper.load([surplusNode], flow());
    const n1 = helper.getNode("n1");
    const cmd = collect("cmd");
    n1.receive({ topic: "override", payload: { action: "on", until: "2026-06-10T13:00:00+02:00" } } as any);
    await delivered();
    assert.deepEqual(cmd.map((c) => c.action), ["on"]);
    assert.match(cmd[0].reason, /mode now/);
    n1.receive({ topic: "mode", payload: "off" } as any);
    await delivered();
    assert.equal(cmd.length, 1, "the override wins over the mode");
    n1.receive({ topic: "override", payload: { action: "auto" } } as any);
    await delivered();
    assert.deepEqual(cmd.map((c) => c.action), ["on", "off"]);
    n1.receive({ topic: "mode", payload: "pv" } as any);
    n1.receive({ topic: "grid", payload: -3000 } as any);
    await delivered();
    await clock.tickAsync(62_000);
    await delivered();
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "yellow" }));
  });

  it("bad input goes to Catch: unknown topic, unknown mode, non-numeric power", async function () {
    await helper.load([surplusNode], flow());
    const n1 = helper.getNode("n1");
    const errors: string[] = [];
    helper.getNode("caught").on("input", (msg: any) => errors.push(msg.error.message));
    n1.receive({ topic: "weather", payload: 1 } as any);
    n1.receive({ topic: "mode", payload: "turbo" } as any);
    n1.receive({ topic: "grid", payload: "abc" } as any);
    await delivered();
    await delivered();
    assert.equal(errors.length, 3);
    assert.match(errors.join("|"), /unknown topic.*\|.*unknown mode.*\|.*not a power/);
  });

  it("invalid settings: red status; timers end on close", async function () {
    await helper.load([surplusNode], flow({ deviceId: "" }));
    const n1 = helper.getNode("n1");
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "red", text: "elfe-surplus-controller.status.badConfig" }));
    await helper.unload();
    clock = sinon.useFakeTimers({ now: Date.now(), toFake: ["setTimeout", "clearTimeout", "Date"] });
    await helper.load([surplusNode], flow());
    helper.getNode("n1").receive({ topic: "grid", payload: 0 } as any);
    await delivered();
    await helper.unload();
    assert.equal(clock.countTimers(), 0);
  });
});
