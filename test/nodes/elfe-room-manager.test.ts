import { strict as assert } from "node:assert";
import sinon from "sinon";
import territoryNode from "../../nodes/elfe-territory/elfe-territory";
import roomNode from "../../nodes/elfe-room-manager/elfe-room-manager";
import { validateDeviceCommand, validateSetpointCommand } from "../../lib/types";
import helper from "./helper";

const nodes = [territoryNode, roomNode];
const delivered = () => new Promise((resolve) => setImmediate(resolve));
const flow = (extra: Record<string, unknown> = {}) => [
  { id: "f1", type: "tab" },
  {
    id: "n1",
    z: "f1",
    type: "elfe-room-manager",
    laptops: "PC04, PC05",
    periodMinutes: 10,
    settleSeconds: 5,
    lightsId: "01/Server 1/4A020/Lights/Row1",
    heatingId: "01/Server 1/4A020/Heating/Setpoint",
    wires: [["plugs"], ["setpoints"], ["report"]],
    ...extra,
  },
  { id: "plugs", z: "f1", type: "helper" },
  { id: "setpoints", z: "f1", type: "helper" },
  { id: "report", z: "f1", type: "helper" },
  { id: "c1", z: "f1", type: "catch", scope: null, wires: [["caught"]] },
  { id: "caught", z: "f1", type: "helper" },
];

function collect(id: string): any[] {
  const got: any[] = [];
  helper.getNode(id).on("input", (msg: any) => got.push(msg.payload));
  return got;
}

describe("elfe-room-manager node", function () {
  let clock: sinon.SinonFakeTimers | undefined;
  beforeEach(async () => helper.startServer());
  afterEach(async function () {
    clock?.restore();
    clock = undefined;
    await helper.unload();
    await helper.stopServer();
  });

  it("should be loaded with its defaults", async function () {
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1");
    assert.equal(n1.type, "elfe-room-manager");
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ text: "elfe-room-manager.status.waiting" }));
  });

  it("every period: reconnects, waits the settle delay, then sheds by state of charge (the seed's PV 50 W case)", async function () {
    clock = sinon.useFakeTimers({ now: Date.parse("2026-06-10T10:00:00+02:00"), toFake: ["setTimeout", "clearTimeout", "Date"] });
    await helper.load(nodes, flow({ reconnect: "all" }));
    const n1 = helper.getNode("n1");
    const plugs = collect("plugs");
    const reports = collect("report");
    const t = () => new Date().toISOString();
    n1.receive({ topic: "plug", payload: [{ deviceId: "PC04", ts: t(), on: false, powerW: 0 }, { deviceId: "PC05", ts: t(), on: false, powerW: 0 }] } as any);
    n1.receive({ topic: "battery", payload: [{ deviceId: "PC04", ts: t(), batteryPct: 30, online: true }, { deviceId: "PC05", ts: t(), batteryPct: 65, online: true }] } as any);
    n1.receive({ topic: "pv", payload: 50 } as any);
    await delivered();
    assert.equal(plugs.length, 0, "nothing before the period");
    await clock.tickAsync(10 * 60_000);
    await delivered();
    assert.deepEqual(plugs.map((c) => [c.deviceId, c.action]), [["PC04", "on"], ["PC05", "on"]]);
    for (const c of plugs) assert.ok(validateDeviceCommand.check(c).ok);
    assert.equal(reports.at(-1).phase, "reconnect");
    // the plugs report their power during the settle delay
    await clock.tickAsync(2000);
    n1.receive({ topic: "plug", payload: [{ deviceId: "PC04", ts: t(), on: true, powerW: 30 }, { deviceId: "PC05", ts: t(), on: true, powerW: 30 }] } as any);
    n1.receive({ topic: "pv", payload: { deviceId: "pv", ts: t(), powerW: 50 } } as any);
    await delivered();
    assert.equal(plugs.length, 2, "still settling");
    await clock.tickAsync(3000);
    await delivered();
    assert.deepEqual(plugs.slice(2).map((c) => [c.deviceId, c.action, c.reason]), [["PC05", "off", "disconnected PC05: 65 %, surplus −10 W"]]);
    const last = reports.at(-1);
    assert.equal(last.phase, "shed");
    assert.equal(last.balanceW, 20);
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "green", text: "disconnected PC05: 65 %, surplus −10 W" }));
    // what it shed and when is kept in the node's context, for the next deploy
    const saved = (n1 as any).context().get("roomState");
    assert.deepEqual([saved.laptops.PC05.shed, saved.laptops.PC05.on, saved.laptops.PC04.lastOnPowerW], [true, false, 30]);
  });

  it("a message runs a cycle at once; without PV it says fail-safe in its status and report", async function () {
    await helper.load(nodes, flow({ periodMinutes: 0 }));
    const n1 = helper.getNode("n1");
    const reports = collect("report");
    n1.receive({ payload: "go" } as any);
    await delivered();
    await delivered();
    assert.equal(reports.length, 2);
    assert.equal(reports[1].failSafe, true);
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "yellow", text: 'PV production unknown: fail-safe "hold"' }));
  });

  it("lights follow presence with the switch-off delay, on the set-point output", async function () {
    clock = sinon.useFakeTimers({ now: Date.parse("2026-01-12T08:00:00+01:00"), toFake: ["setTimeout", "clearTimeout", "Date"] });
    await helper.load(nodes, flow({ periodMinutes: 0, heatingId: "" }));
    const n1 = helper.getNode("n1");
    const setpoints = collect("setpoints");
    n1.receive({ topic: "lux", payload: 120 } as any);
    n1.receive({ topic: "presence", payload: true } as any);
    await delivered();
    assert.deepEqual(setpoints.map((s) => [s.point, s.value]), [["lights", 1]]);
    assert.ok(validateSetpointCommand.check(setpoints[0]).ok);
    n1.receive({ topic: "presence", payload: "off" } as any);
    await delivered();
    assert.equal(setpoints.length, 1, "kept on during the delay");
    await clock.tickAsync(10 * 60_000);
    await delivered();
    assert.deepEqual(setpoints.map((s) => s.value), [1, 0]);
    assert.match(setpoints[1].reason, /nobody for 10 min/);
  });

  it("lights driven by a plug come out as plug commands", async function () {
    await helper.load(nodes, flow({ periodMinutes: 0, heatingId: "", lightsId: "lamp-4A020", lightsVia: "plug" }));
    const n1 = helper.getNode("n1");
    const plugs = collect("plugs");
    const setpoints = collect("setpoints");
    n1.receive({ topic: "presence", payload: 1 } as any);
    await delivered();
    assert.deepEqual(plugs.map((c) => [c.deviceId, c.family, c.action]), [["lamp-4A020", "jeedom", "on"]]);
    assert.equal(setpoints.length, 0);
  });

  it("heating: comfort when booked, eco otherwise, only on change", async function () {
    clock = sinon.useFakeTimers({ now: Date.parse("2026-01-12T08:00:00+01:00"), toFake: ["setTimeout", "clearTimeout", "Date"] });
    await helper.load(nodes, flow({ periodMinutes: 0, lightsId: "" }));
    const n1 = helper.getNode("n1");
    const setpoints = collect("setpoints");
    n1.receive({ topic: "booking", payload: [{ start: "2026-01-12T08:20:00+01:00", end: "2026-01-12T10:00:00+01:00" }] } as any);
    await delivered();
    assert.deepEqual(setpoints.map((s) => [s.point, s.value, s.unit]), [["heating", 20, "°C"]]);
    n1.receive({ topic: "presence", payload: false } as any);
    await delivered();
    assert.equal(setpoints.length, 1);
  });

  it("an override forces a laptop at once; bad input goes to Catch", async function () {
    await helper.load(nodes, flow({ periodMinutes: 0 }));
    const n1 = helper.getNode("n1");
    const plugs = collect("plugs");
    const t = new Date().toISOString();
    n1.receive({ topic: "plug", payload: { deviceId: "PC04", ts: t, on: false, powerW: 0 } } as any);
    n1.receive({ topic: "pv", payload: 0 } as any);
    n1.receive({ topic: "override", payload: { deviceId: "PC04", action: "on" } } as any);
    await delivered();
    assert.deepEqual(plugs.map((c) => [c.deviceId, c.action, c.reason]), [["PC04", "on", "reconnected PC04: manual override"]]);
    const caught = new Promise<any>((resolve) => helper.getNode("caught").on("input", resolve));
    n1.receive({ topic: "battery", payload: { deviceId: "PC05", ts: t, batteryPct: 140 } } as any);
    assert.match((await caught).error.message, /invalid Reading: batteryPct/);
  });

  it("untagged readings are sorted by content; a forecast that covers the load avoids shedding", async function () {
    clock = sinon.useFakeTimers({ now: Date.parse("2026-06-10T10:00:00+02:00"), toFake: ["setTimeout", "clearTimeout", "Date"] });
    await helper.load(nodes, flow({ periodMinutes: 0, forecastMinutes: 30 }));
    const n1 = helper.getNode("n1");
    const plugs = collect("plugs");
    const reports = collect("report");
    const t = new Date().toISOString();
    n1.receive({ payload: [{ deviceId: "PC04", ts: t, on: true, powerW: 30 }, { deviceId: "PC05", ts: t, on: true, powerW: 30 }] } as any);
    n1.receive({ payload: [{ deviceId: "PC04", ts: t, batteryPct: 30 }, { deviceId: "PC05", ts: t, batteryPct: 65 }] } as any);
    n1.receive({ topic: "pv", payload: 40 } as any);
    n1.receive({ topic: "forecast", payload: { start: "2026-06-10T10:00:00+02:00", stepMinutes: 15, unit: "W", values: [40, 80, 90, 100] } } as any);
    n1.receive({ topic: "cycle" } as any);
    await delivered();
    assert.equal(reports.length, 2, "a cycle ran, and only one: readings do not start cycles");
    assert.deepEqual(reports[1].laptops.map((l: any) => [l.id, l.pct, l.powerW]), [["PC04", 30, 30], ["PC05", 65, 30]]);
    assert.deepEqual(plugs, []);
    assert.match(reports[1].notes[0], /PV forecast ≥ 80 W within 30 min/);
  });

  it("invalid settings: red status and every message fails", async function () {
    await helper.load(nodes, flow({ fullPct: 70, fullResumePct: 75 }));
    const n1 = helper.getNode("n1");
    const caught = new Promise<any>((resolve) => helper.getNode("caught").on("input", resolve));
    n1.receive({ payload: 1 } as any);
    assert.match((await caught).error.message, /fullResumePct/);
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "red", text: "elfe-room-manager.status.badConfig" }));
  });

  it("stops its timers on close", async function () {
    clock = sinon.useFakeTimers({ now: Date.parse("2026-06-10T10:00:00+02:00"), toFake: ["setTimeout", "clearTimeout", "Date"] });
    await helper.load(nodes, flow());
    const reports = collect("report");
    await helper.unload();
    await clock.tickAsync(60 * 60_000);
    await delivered();
    assert.equal(reports.length, 0);
    assert.equal(clock.countTimers(), 0);
  });
});
