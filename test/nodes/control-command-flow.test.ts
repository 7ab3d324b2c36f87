// The control-command example, run as shipped on a real broker and the test database: the
// example's own sample plan → elfe-plan-publish → database → elfe-plan-read → elfe-dispatch → the family translators → core mqtt out → simulated devices
// (test/support/device-doubles) → core mqtt in → translators → Readings back into the dispatch,
// which confirms the start. Then the broker is restarted (an aedes of the test's own on a fixed
// port): the full state re-sent after the reconnect reaches the devices, nothing crashes.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { join } from "node:path";
import territoryNode from "../../nodes/elfe-territory/elfe-territory";
import dispatchNode from "../../nodes/elfe-dispatch/elfe-dispatch";
import shellyGen1Node from "../../nodes/elfe-shelly-gen1/elfe-shelly-gen1";
import shellyGen2Node from "../../nodes/elfe-shelly-gen2/elfe-shelly-gen2";
import tasmotaNode from "../../nodes/elfe-tasmota/elfe-tasmota";
import switchBotNode from "../../nodes/elfe-switchbot/elfe-switchbot";
import socorelNode from "../../nodes/elfe-socorel/elfe-socorel";
import databaseNode from "../../nodes/elfe-database/elfe-database";
import planPublishNode from "../../nodes/elfe-plan-publish/elfe-plan-publish";
import planReadNode from "../../nodes/elfe-plan-read/elfe-plan-read";
import { shellyGen1 } from "../../lib/devices/shelly-gen1";
import { shellyGen2 } from "../../lib/devices/shelly-gen2";
import { tasmota } from "../../lib/devices/tasmota";
import { switchBot } from "../../lib/devices/switchbot";
import { socorel } from "../../lib/devices/socorel";
import type { Translator } from "../../lib/devices/translator";
import { ShellyGen1Double, ShellyGen2Double, TasmotaDouble } from "../support/device-doubles";
import { databaseNodeSettings, testBroker, testDatabase, type TestDatabase } from "../support/services";
import helper from "./helper";

/* eslint-disable @typescript-eslint/no-require-imports */
const inject = require("@node-red/nodes/core/common/20-inject.js");
const fn = require("@node-red/nodes/core/function/10-function.js");
const comment = require("@node-red/nodes/core/common/90-comment.js");
const change = require("@node-red/nodes/core/function/15-change.js");
const catchNode = require("@node-red/nodes/core/common/25-catch.js");
const statusNode = require("@node-red/nodes/core/common/25-status.js");
const mqttNodes = require("@node-red/nodes/core/network/10-mqtt.js");
/* eslint-enable @typescript-eslint/no-require-imports */

const example = JSON.parse(readFileSync(join(__dirname, "..", "..", "examples", "control-command.json"), "utf8")) as any[];
const NODES = [inject, fn, comment, change, catchNode, statusNode, mqttNodes, territoryNode, databaseNode, planPublishNode, planReadNode, dispatchNode, shellyGen1Node, shellyGen2Node, tasmotaNode, switchBotNode, socorelNode];
const TRANSLATORS: Record<string, (o: { base?: string; replyTopic?: string }) => Translator> = {
  "elfe-shelly-gen1": shellyGen1,
  "elfe-shelly-gen2": shellyGen2,
  "elfe-tasmota": tasmota,
  "elfe-switchbot": switchBot,
  "elfe-socorel": socorel,
};

/** Whether an MQTT subscription filter covers another (every topic the second matches, the first does). */
function covers(filter: string, sub: string): boolean {
  const f = filter.split("/");
  const s = sub.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= s.length) return false;
    if (f[i] !== "+" && f[i] !== s[i]) return false;
    if (f[i] === "+" && s[i] === "#") return false;
  }
  return f.length === s.length;
}

/** A base with the test's prefix in front ("" stays a bare prefix, without its slash). */
const prefixed = (prefix: string, base: string) => (base ? `${prefix}${base}` : prefix.replace(/\/$/, ""));

/**
 * The example on the given broker and database, its topics under the test's prefix (a shared
 * broker), its debug nodes swapped for helpers, its injects silent (the test triggers them), and a catch.
 */
function exampleOn(url: string, prefix: string, db: TestDatabase): any[] {
  const { hostname, port } = new URL(url);
  const flow = example.map((n) => {
    if (n.type === "elfe-database") return { ...n, ...databaseNodeSettings(db) }; // the test database, a schema of its own
    if (n.type === "debug") return { id: n.id, z: n.z, type: "helper" };
    if (n.type === "inject") return { ...n, once: false };
    if (n.type === "mqtt-broker") return { ...n, broker: hostname, port };
    if (n.type === "mqtt in") return { ...n, topic: `${prefix}${n.topic}` };
    if (TRANSLATORS[n.type]) return { ...n, base: prefixed(prefix, n.base ?? ""), ...(n.replyTopic ? { replyTopic: `${prefix}${n.replyTopic}` } : {}) };
    return n;
  });
  const tab = example.find((n) => n.type === "tab").id;
  return [...flow, { id: "t.catch", z: tab, type: "catch", scope: null, wires: [["t.caught"]] }, { id: "t.caught", z: tab, type: "helper" }];
}

const node = (id: string) => helper.getNode(id) as any;
const collect = (id: string) => {
  const got: any[] = [];
  node(id).on("input", (m: any) => got.push(m));
  return got;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** The example's bindings. */
const exampleBindings = (): unknown => JSON.parse(example.find((n) => n.id === "elfe.cc.devices").payload);

/** The three doubles of the example's devices that the first slot switches on, on the broker. */
async function startDoubles(url: string, prefix: string) {
  return {
    washer: await new ShellyGen1Double({ url, base: `${prefix}shellies`, id: "shellyplug-s-ABCDEF", loadW: 1850 }).start(),
    tank: await new TasmotaDouble({ url, base: prefixed(prefix, ""), topic: "A123", loadW: 2000 }).start(),
    heaters: await new ShellyGen2Double({ url, prefix: `${prefix}shellyplus1pm-D003`, loadW: 1500 }).start(),
  };
}
type Doubles = Awaited<ReturnType<typeof startDoubles>>;

/**
 * Loads the example, waits for its MQTT connection, sends the bindings, publishes the example's
 * sample plan into the database and reads it back into the dispatch; checks orders and confirmation.
 */
async function runExample(url: string, prefix: string, doubles: Doubles, db: TestDatabase, tweak = (flow: any[]) => flow) {
  await helper.load(NODES, tweak(exampleOn(url, prefix, db)), { "elfe.cc.db": {} });
  const events = collect("elfe.cc.debug.events");
  const caught = collect("t.caught");
  const confirmations = collect("elfe.cc.debug.confirmations");
  await until("the broker connection", () => node("elfe.cc.broker").connected === true);
  await sleep(300); // the mqtt in subscriptions are granted
  node("elfe.cc.dispatch").receive({ topic: "devices", payload: exampleBindings() });
  // Nothing in force yet: the reader says so and the dispatch keeps waiting, no error.
  const toDispatch = collect("elfe.cc.dispatch");
  const plans = () => toDispatch.filter((m) => m.topic === "plan");
  node("elfe.cc.readInject").receive({});
  await until("the empty read", () => plans().length === 1);
  assert.equal(plans()[0].payload, null);
  const published = collect("elfe.cc.debug.published");
  node("elfe.cc.planInject").receive({});
  await until("the plan's publication", () => published.length === 1);
  assert.equal(published[0].published.rows, 5, "one result row per device");
  // The plan in force is read back from the database (a PostgreSQL also pushes it by NOTIFY).
  node("elfe.cc.readInject").receive({});
  await until("the plan read back", () => plans().some((m) => m.payload?.devices?.length === 5));

  await until("the washing machine's start", () => doubles.washer.on);
  await until("the hot-water tank on", () => doubles.tank.on);
  await until("the heaters on", () => doubles.heaters.on);
  assert.deepEqual(doubles.washer.received, [{ topic: `${prefix}shellies/shellyplug-s-ABCDEF/relay/0/command`, payload: "on" }]);
  assert.deepEqual(doubles.tank.received, [{ topic: `${prefix}cmnd/A123/POWER`, payload: "ON" }]);
  const rpc = doubles.heaters.received.map((r) => JSON.parse(r.payload));
  assert.ok(rpc.some((c) => c.method === "Switch.Set" && c.params.on === true && c.src === `${prefix}elfe-controle/shellyplus1pm-D003`), JSON.stringify(rpc));

  // The plug's readings come back through mqtt in → translator → "reading": the start is confirmed.
  await until("the dispatch's confirmation", () => events.some((m) => m.payload.kind === "confirmed" && m.payload.deviceId === "104"));
  const kinds = events.map((m) => m.payload.kind);
  assert.ok(kinds.includes("plan-applied") && kinds.includes("start-sent"), kinds.join(","));
  assert.ok(!kinds.includes("failed") && !kinds.includes("retry"), kinds.join(","));
  await until("the translators' confirmations", () =>
    ["shellyplug-s-ABCDEF", "A123", "shellyplus1pm-D003"].every((plug) => confirmations.some((m) => m.payload.event === "confirmed" && m.payload.deviceId === plug)),
  );
  assert.deepEqual(caught.map((m) => m.error?.message), []);
  return { events, caught };
}

/** An aedes broker of the test's own, to stop and restart on the same port (never the machine's). */
async function startAedes(port = 0) {
  const { Aedes } = await import("aedes");
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const stop = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close();
      aedes.close(() => r());
    });
  return { port: (server.address() as AddressInfo).port, stop };
}

describe("control-command example on a real broker", function () {
  this.timeout(60_000);
  let db: TestDatabase;
  beforeEach(async () => {
    db = await testDatabase();
    await helper.startServer();
  });
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
    await db.close();
  });

  it("wires every family output to its translator, every translator to mqtt out, and mqtt in covering its topics", function () {
    const dispatch = example.find((n) => n.type === "elfe-dispatch");
    const byId = new Map(example.map((n) => [n.id, n]));
    for (const family of ["shelly-gen1", "shelly-gen2", "tasmota", "switchbot", "socorel"]) {
      const port = ["shelly-gen1", "shelly-gen2", "tasmota", "switchbot", "openhasp", "socorel", "jeedom"].indexOf(family);
      const [target] = dispatch.wires[port];
      const translator = byId.get(target);
      assert.equal(translator.type, `elfe-${family}`, `dispatch output ${port} goes to the ${family} translator`);
      assert.equal(byId.get(translator.wires[0][0]).type, "mqtt out");
      assert.equal(byId.get(translator.wires[1][0]).type, "change", "its Readings go back to the dispatch as topic reading");
      const filters = example.filter((n) => n.type === "mqtt in" && n.wires[0].includes(translator.id)).map((n) => n.topic as string);
      for (const sub of TRANSLATORS[translator.type]({ base: translator.base, replyTopic: translator.replyTopic }).subscriptions()) {
        assert.ok(filters.some((f) => covers(f, sub)), `${translator.type}: ${sub} is not covered by ${filters.join(", ")}`);
      }
    }
    const broker = example.find((n) => n.type === "mqtt-broker");
    assert.deepEqual([broker.broker, broker.port, broker.credentials], ["${ELFE_MQTT_HOST}", "${ELFE_MQTT_PORT}", undefined], "site values come from the environment");
    // The plan comes from the coordination database: sample plan → publish, and plan-read → dispatch.
    assert.equal(byId.get(byId.get("elfe.cc.planFn").wires[0][0]).type, "elfe-plan-publish");
    const reader = example.find((n) => n.type === "elfe-plan-read");
    assert.deepEqual([reader.wires[0], reader.listen], [[dispatch.id], true]);
    const db = example.find((n) => n.type === "elfe-database");
    assert.deepEqual([db.mode, db.migrate, byId.get(reader.database), db.credentials], ["embedded", true, db, undefined]);
  });

  it("plan → dispatch → translators → mqtt out → devices → mqtt in → translators → confirmed", async function () {
    const broker = await testBroker();
    const doubles = await startDoubles(broker.url, broker.prefix);
    try {
      await runExample(broker.url, broker.prefix, doubles, db);
    } finally {
      await Promise.all(Object.values(doubles).map((d) => d.stop()));
    }
  });

  /** The example on a broker of the test's own, which `outage` stops and restarts; always cleaned up. */
  async function onOwnBroker(outage: (ctx: { doubles: Doubles; events: any[]; caught: any[]; stop: () => Promise<void>; restart: () => Promise<void> }) => Promise<string[] | void>, tweak?: (flow: any[]) => any[]) {
    helper.settings({ mqttReconnectTime: 300 });
    let broker = await startAedes();
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const doubles = await startDoubles(url, "e2e/");
    try {
      const { events, caught } = await runExample(url, "e2e/", doubles, db, tweak);
      const stop = async () => {
        await broker.stop();
        await until("the disconnection", () => node("elfe.cc.broker").connected === false);
      };
      const restart = async () => {
        broker = await startAedes(broker.port);
        await until("Node-RED's reconnection", () => node("elfe.cc.broker").connected === true, 20_000);
      };
      const reported = await outage({ doubles, events, caught, stop, restart });
      assert.deepEqual(caught.map((m) => m.error?.message), reported ?? [], "what Catch received");
      assert.ok(node("elfe.cc.dispatch"), "the dispatch is still running");
    } finally {
      await helper.unload();
      await Promise.all(Object.values(doubles).map((d) => d.stop()));
      await broker.stop();
      helper.settings({});
    }
  }

  it("broker restarted: the example re-sends the full state by itself after the reconnect, and it reaches the devices", async function () {
    await onOwnBroker(async ({ doubles, events, stop, restart }) => {
      await stop();
      // The devices lose their state meanwhile (a power cut): the re-sent state puts it back.
      for (const d of Object.values(doubles)) d.received.length = 0;
      doubles.tank.on = false;
      doubles.heaters.on = false;
      const before = events.length;
      await restart();
      await until("the state re-sent by the example", () => events.slice(before).some((m) => m.payload.kind === "state"));
      // A device back after Node-RED misses the first copy: its translator's retry delivers it.
      await until("the tank's order after the reconnect", () => doubles.tank.received.some((r) => r.payload === "ON"), 30_000);
      await until("the heaters' order after the reconnect", () => doubles.heaters.received.some((r) => JSON.parse(r.payload).params?.on === true), 30_000);
      assert.ok(doubles.tank.on && doubles.heaters.on);
    });
  });

  it("an order given while the broker is away is delivered after the reconnect and confirmed", async function () {
    await onOwnBroker(async ({ doubles, stop, restart }) => {
      const confirmations = collect("elfe.cc.debug.confirmations");
      await stop();
      node("elfe.cc.forceOff").receive({}); // the hot-water tank (105, Tasmota A123) forced off
      await sleep(500);
      assert.equal(doubles.tank.on, true, "nothing can reach the tank yet");
      await restart();
      await until("the tank switched off", () => !doubles.tank.on, 30_000);
      await until("the translator's confirmation", () => confirmations.some((m) => m.payload.event === "confirmed" && m.payload.deviceId === "A123"), 30_000);
      assert.deepEqual(confirmations.filter((m) => m.payload.event === "failed").map((m) => m.payload), []);
    });
  });

  it("an order whose retries run out while the broker is away is reported failed, naming the plug; the state re-sent after the reconnect applies it", async function () {
    // One-second confirmations (the example waits 10 s), so the retries run out during the outage.
    const fast = (flow: any[]) => flow.map((n) => (TRANSLATORS[n.type] ? { ...n, timeoutS: 1 } : n));
    await onOwnBroker(async ({ doubles, stop, restart }) => {
      const confirmations = collect("elfe.cc.debug.confirmations");
      await stop();
      node("elfe.cc.forceOff").receive({});
      await until("the failure report", () => confirmations.some((m) => m.payload.event === "failed"), 15_000);
      const failed = confirmations.filter((m) => m.payload.event === "failed").map((m) => m.payload);
      assert.deepEqual(failed.map((f) => [f.deviceId, f.attempts, f.command.action]), [["A123", 3, "off"]]);
      assert.match(failed[0].detail, /no confirmation within 1 s/);
      assert.equal(doubles.tank.on, true);
      await restart();
      await until("the tank switched off by the re-sent state", () => !doubles.tank.on, 30_000);
      return ["Error: A123: off not confirmed after 3 attempt(s): no confirmation within 1 s"]; // Catch has it too
    }, fast);
  });
});
