import { strict as assert } from "node:assert";
import sinon from "sinon";
import territoryNode from "../../nodes/elfe-territory/elfe-territory";
import shellyGen1Node from "../../nodes/elfe-shelly-gen1/elfe-shelly-gen1";
import shellyGen2Node from "../../nodes/elfe-shelly-gen2/elfe-shelly-gen2";
import tasmotaNode from "../../nodes/elfe-tasmota/elfe-tasmota";
import switchBotNode from "../../nodes/elfe-switchbot/elfe-switchbot";
import shellyHtNode from "../../nodes/elfe-shelly-ht/elfe-shelly-ht";
import socorelNode from "../../nodes/elfe-socorel/elfe-socorel";
import openHaspNode from "../../nodes/elfe-openhasp/elfe-openhasp";
import { TasmotaDouble } from "../support/device-doubles";
import { createServer, type AddressInfo, type Server } from "node:net";
import { testBroker } from "../support/services";
import helper from "./helper";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqttNodes = require("@node-red/nodes/core/network/10-mqtt.js");
const nodes = [territoryNode, shellyGen1Node, shellyGen2Node, tasmotaNode, switchBotNode, shellyHtNode, socorelNode, openHaspNode];
const TYPES = ["elfe-shelly-gen1", "elfe-shelly-gen2", "elfe-tasmota", "elfe-switchbot", "elfe-shelly-ht", "elfe-socorel"];
const territory = { id: "t1", type: "elfe-territory", name: "Vilaine", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };
const command = (deviceId: string, action: string, family = "tasmota") => ({ deviceId, family, action, reason: "plan", at: "2026-05-02T14:00:00+02:00" });

/** A translator node wired to three helper nodes (one per output) and a catch. */
const flow = (type: string, extra: Record<string, unknown> = {}) => [
  { id: "f1", type: "tab" },
  territory,
  { id: "n1", z: "f1", type, devices: "washer = A123", timeoutS: 10, retries: 2, wires: [["o1"], ["o2"], ["o3"]], ...extra },
  { id: "o1", z: "f1", type: "helper" },
  { id: "o2", z: "f1", type: "helper" },
  { id: "o3", z: "f1", type: "helper" },
  { id: "c1", z: "f1", type: "catch", scope: null, wires: [["e1"]] },
  { id: "e1", z: "f1", type: "helper" },
];
const next = (id: string) => new Promise<any>((resolve) => helper.getNode(id).once("input", resolve));
const collect = (id: string) => {
  const got: any[] = [];
  helper.getNode(id).on("input", (m: any) => got.push(m));
  return got;
};

describe("device translator nodes", function () {
  beforeEach(async () => helper.startServer());
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
  });

  it("should be loaded, each family with three outputs", async function () {
    for (const type of TYPES) {
      await helper.load(nodes, flow(type));
      const n1 = helper.getNode("n1") as any;
      assert.equal(n1.type, type);
      assert.equal(n1.wires.length, 3);
      await helper.unload();
    }
  });

  it("a DeviceCommand becomes the MQTT message for core mqtt out; the state reply confirms it", async function () {
    await helper.load(nodes, flow("elfe-tasmota"));
    const n1 = helper.getNode("n1") as any;
    const out = next("o1");
    n1.receive({ payload: command("washer", "on") });
    const m = await out;
    assert.deepEqual([m.topic, m.payload, m.qos, m.retain], ["cmnd/A123/POWER", "ON", 1, false]);
    assert.ok(n1.status.calledWithMatch({ fill: "blue", text: "elfe-tasmota.status.sent" }));
    const reading = next("o2");
    const event = next("o3");
    n1.receive({ topic: "stat/A123/POWER", payload: "ON" });
    const r = await reading;
    assert.equal(r.topic, "washer");
    assert.equal(r.payload.deviceId, "washer");
    assert.equal(r.payload.on, true);
    const e = await event;
    assert.deepEqual([e.payload.event, e.payload.deviceId, e.payload.attempts], ["confirmed", "washer", 1]);
  });

  it("msg.plugId (set by elfe-dispatch) names the plug; the order is confirmed under the id its readings carry", async function () {
    await helper.load(nodes, flow("elfe-tasmota"));
    const n1 = helper.getNode("n1") as any;
    let out = next("o1");
    n1.receive({ payload: command("dryer", "on"), plugId: "C005" }); // a power finger: another plug than the appliance's own
    assert.equal((await out).topic, "cmnd/C005/POWER");
    let event = next("o3");
    n1.receive({ topic: "stat/C005/POWER", payload: "ON" });
    assert.deepEqual([(await event).payload.event, (await event).payload.deviceId], ["confirmed", "C005"]);
    out = next("o1");
    n1.receive({ payload: command("washing-machine", "on"), plugId: "A123" }); // a plug of the device list keeps its name
    assert.equal((await out).topic, "cmnd/A123/POWER");
    event = next("o3");
    n1.receive({ topic: "stat/A123/POWER", payload: "ON" });
    assert.deepEqual([(await event).payload.event, (await event).payload.deviceId], ["confirmed", "washer"]);
  });

  it("telemetry in any mqtt in output form gives Readings with units", async function () {
    await helper.load(nodes, flow("elfe-tasmota"));
    const n1 = helper.getNode("n1") as any;
    const reading = next("o2");
    n1.receive({ topic: "tele/A123/SENSOR", payload: Buffer.from('{"ENERGY":{"Power":412,"Total":12.345}}') });
    const r = (await reading).payload;
    assert.deepEqual([r.powerW, r.energyWh], [412, 12345]);
  });

  it("malformed payloads and commands go to Catch with a clear message and a red status", async function () {
    await helper.load(nodes, flow("elfe-shelly-gen1"));
    const n1 = helper.getNode("n1") as any;
    const caught = next("e1");
    n1.receive({ topic: "shellies/p1/relay/0/power", payload: "NaN" });
    assert.match((await caught).error.message, /shellies\/p1\/relay\/0\/power: power is not a number: NaN/);
    assert.ok(n1.status.calledWithMatch({ fill: "red" }));
    const again = next("e1");
    n1.receive({ payload: { deviceId: "washer", action: "on" } });
    assert.match((await again).error.message, /invalid DeviceCommand: family/);
    const third = next("e1");
    n1.receive({ payload: 42 });
    assert.match((await third).error.message, /expected a DeviceCommand, or an MQTT message/);
  });

  it("an unconfirmed order is sent again, then reported as failed to Catch", async function () {
    const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    try {
      await helper.load(nodes, flow("elfe-tasmota", { timeoutS: 5, retries: 1 }));
      const n1 = helper.getNode("n1") as any;
      const sent = collect("o1");
      const events = collect("o3");
      const caught = collect("e1");
      n1.receive({ payload: command("washer", "off") });
      await new Promise((r) => setImmediate(r));
      await clock.tickAsync(5000);
      await new Promise((r) => setImmediate(r));
      await clock.tickAsync(5000);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(sent.map((m) => m.payload), ["OFF", "OFF"]);
      assert.deepEqual(events.map((m) => m.payload.event), ["retry", "failed"]);
      assert.equal(caught.length, 1);
      assert.match(caught[0].error.message, /washer: off not confirmed after 2 attempt/);
      await helper.unload();
      assert.equal(clock.countTimers(), 0);
    } finally {
      clock.restore();
    }
  });

  it("SwitchBot: an order that would not change the expected state is reported unchanged, not pressed", async function () {
    await helper.load(nodes, flow("elfe-switchbot", { devices: "dishwasher = C002/C003" }));
    const n1 = helper.getNode("n1") as any;
    n1.receive({ topic: "switchbot/C002/bot/C003/state", payload: "ON" });
    const event = next("o3");
    const sent = collect("o1");
    n1.receive({ payload: command("dishwasher", "on", "switchbot") });
    assert.equal((await event).payload.event, "unchanged");
    assert.equal(sent.length, 0);
  });

  it("a command of another family is refused (miswired dispatch output); the H&T takes none", async function () {
    await helper.load(nodes, flow("elfe-tasmota"));
    const caught = next("e1");
    const sent = collect("o1");
    (helper.getNode("n1") as any).receive({ payload: command("washer", "on", "shelly-gen1") });
    assert.match((await caught).error.message, /washer: a shelly-gen1 command sent to the tasmota translator/);
    assert.equal(sent.length, 0);
    await helper.unload();
    await helper.load(nodes, flow("elfe-shelly-ht"));
    const again = next("e1");
    (helper.getNode("n1") as any).receive({ payload: command("living", "on", "shelly-gen1") });
    assert.match((await again).error.message, /sent to the shelly-ht translator/);
  });

  describe("elfe-openhasp", function () {
    const view = { node: "g002", devices: [{ deviceId: "washer", elfeType: 112, mode: 20, latestEnd: "2026-05-02T18:00:00+02:00", cycleMinutes: 90, powerW: 800 }] };
    const haspFlow = () => flow("elfe-openhasp", { territory: "t1", base: "hasp" });

    it("draws a view in full first, values after; redraws in full when the plate comes back online", async function () {
      await helper.load(nodes, haspFlow());
      const n1 = helper.getNode("n1") as any;
      const drawn = collect("o1");
      n1.receive({ payload: view });
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(drawn[0].topic, "hasp/g002/command/clearpage");
      const firstCount = drawn.length;
      n1.receive({ payload: view });
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(drawn.length > firstCount);
      assert.ok(drawn.slice(firstCount).every((m) => m.topic === "hasp/g002/command/jsonl"));
      const action = next("o3");
      const before = drawn.length;
      n1.receive({ topic: "hasp/g002/LWT", payload: "online" });
      assert.deepEqual((await action).payload.event, "online");
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(drawn[before].topic, "hasp/g002/command/clearpage");
    });

    it("a touch on the switch declares the machine's flexibility and switches its mode", async function () {
      await helper.load(nodes, haspFlow());
      const n1 = helper.getNode("n1") as any;
      n1.receive({ payload: view });
      const flex = next("o2");
      const action = next("o3");
      n1.receive({ topic: "hasp/g002/state/p3b3", payload: { event: "up", val: 1 } });
      const f = (await flex).payload;
      assert.deepEqual([f.kind, f.deviceId, f.profileW.length], ["machine", "washer", 6]);
      assert.deepEqual([(await action).payload.event, (await action).payload.mode], ["mode", 30]);
    });

    it("without a territory it says so and fails every message", async function () {
      await helper.load(nodes, flow("elfe-openhasp", { territory: "" }));
      const caught = next("e1");
      (helper.getNode("n1") as any).receive({ payload: view });
      assert.match((await caught).error.message, /no territory configured/);
    });
  });

  it("flow on a real broker: command → core mqtt out → simulated Tasmota → core mqtt in → confirmed", async function () {
    const broker = await testBroker();
    const base = `${broker.prefix}t`;
    const plug = await new TasmotaDouble({ url: broker.url, base, topic: "A123", loadW: 300 }).start();
    const { hostname, port } = new URL(broker.url);
    try {
      await helper.load(
        [...nodes, mqttNodes],
        [
          { id: "f1", type: "tab" },
          { id: "b1", type: "mqtt-broker", broker: hostname, port, clientid: "", autoConnect: true, protocolVersion: 4, keepalive: 60, cleansession: true },
          { id: "in1", z: "f1", type: "mqtt in", topic: `${base}/+/+/+`, qos: "1", datatype: "auto-detect", broker: "b1", nl: false, rap: false, inputs: 0, wires: [["n1"]] },
          { id: "n1", z: "f1", type: "elfe-tasmota", base, devices: "washer = A123", timeoutS: 5, retries: 1, wires: [["out1"], ["o2"], ["o3"]] },
          { id: "out1", z: "f1", type: "mqtt out", topic: "", qos: "", retain: "", broker: "b1" },
          { id: "o2", z: "f1", type: "helper" },
          { id: "o3", z: "f1", type: "helper" },
        ],
      );
      const events = collect("o3");
      const readings = collect("o2");
      const deadline = Date.now() + 5000;
      const wait = async (ok: () => boolean) => {
        while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      };
      // the subscription is live once mqtt in is connected
      await new Promise((r) => setTimeout(r, 300));
      (helper.getNode("n1") as any).receive({ payload: command("washer", "on") });
      await wait(() => events.some((e) => e.payload.event === "confirmed"));
      assert.ok(events.some((e) => e.payload.event === "confirmed" && e.payload.deviceId === "washer"), JSON.stringify(events.map((e) => e.payload)));
      assert.equal(plug.on, true);
      await wait(() => readings.some((r) => r.payload.powerW === 300));
      assert.ok(readings.some((r) => r.payload.powerW === 300 && r.payload.energyWh > 12000));
    } finally {
      await plug.stop();
    }
  });

  it("broker restarted between an order and its confirmation: retried after reconnect, confirmed, nothing crashes", async function () {
    this.timeout(40000);
    const { Aedes } = await import("aedes");
    const startBroker = async (port = 0) => {
      const aedes = await Aedes.createBroker();
      const server: Server = createServer(aedes.handle);
      await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
      return { aedes, server, port: (server.address() as AddressInfo).port };
    };
    const stopBroker = (b: { aedes: { close(cb: () => void): void }; server: Server }) =>
      new Promise<void>((r) => {
        b.server.close();
        b.aedes.close(() => r());
      });
    let broker = await startBroker();
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const plug = await new TasmotaDouble({ url, topic: "R001", loadW: 300 }).start();
    try {
      await helper.load(
        [...nodes, mqttNodes],
        [
          { id: "f1", type: "tab" },
          { id: "b1", type: "mqtt-broker", broker: "127.0.0.1", port: broker.port, clientid: "", autoConnect: true, protocolVersion: 4, keepalive: 60, cleansession: true },
          { id: "in1", z: "f1", type: "mqtt in", topic: "stat/+/+", qos: "1", datatype: "auto-detect", broker: "b1", nl: false, rap: false, inputs: 0, wires: [["n1"]] },
          { id: "n1", z: "f1", type: "elfe-tasmota", devices: "washer = R001", timeoutS: 2, retries: 10, wires: [["out1"], ["o2"], ["o3"]] },
          { id: "out1", z: "f1", type: "mqtt out", topic: "", qos: "", retain: "", broker: "b1" },
          { id: "o2", z: "f1", type: "helper" },
          { id: "o3", z: "f1", type: "helper" },
          { id: "c1", z: "f1", type: "catch", scope: null, wires: [["e1"]] },
          { id: "e1", z: "f1", type: "helper" },
        ],
      );
      const events = collect("o3");
      const caught = collect("e1");
      await new Promise((r) => setTimeout(r, 500));
      await stopBroker(broker);
      (helper.getNode("n1") as any).receive({ payload: command("washer", "on") });
      await new Promise((r) => setTimeout(r, 2500));
      broker = await startBroker(broker.port);
      const deadline = Date.now() + 30000;
      while (!events.some((e) => e.payload.event === "confirmed") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.ok(events.some((e) => e.payload.event === "confirmed"), JSON.stringify(events.map((e) => e.payload.event)));
      assert.ok(events.some((e) => e.payload.event === "retry"), "the order was sent again while the broker was away");
      assert.equal(plug.on, true);
      assert.deepEqual(caught, []);
    } finally {
      await helper.unload();
      await plug.stop();
      await stopBroker(broker);
    }
  });
});
