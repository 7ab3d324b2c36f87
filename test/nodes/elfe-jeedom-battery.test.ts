import { strict as assert } from "node:assert";
import type sinon from "sinon";
import jeedomServer from "../../nodes/elfe-jeedom-server/elfe-jeedom-server";
import jeedomRead from "../../nodes/elfe-jeedom-read/elfe-jeedom-read";
import jeedomCommand from "../../nodes/elfe-jeedom-command/elfe-jeedom-command";
import batteryRead from "../../nodes/elfe-battery-read/elfe-battery-read";
import { validateReading } from "../../lib/types";
import { FakeJeedom } from "../support/fake-jeedom";
import { closedPortUrl, FakeBattery } from "../support/fake-battery";
import helper from "./helper";

const nodes = [jeedomServer, jeedomRead, jeedomCommand, batteryRead];
const TABLE = "ordinateur01: power=100, energy=101, state=102, on=103, off=104\nordinateur02: power=200, energy=201, state=202, on=203, off=204";
const next = (id: string) => new Promise<any>((resolve) => helper.getNode(id).once("input", resolve));

function flow(fake: FakeJeedom, extra: { read?: object; command?: object; server?: object; battery?: object } = {}) {
  return [
    { id: "f1", type: "tab" },
    { id: "j1", type: "elfe-jeedom-server", url: fake.url, api: "http", timeoutSeconds: 2, ...extra.server },
    { id: "r1", z: "f1", type: "elfe-jeedom-read", server: "j1", devices: TABLE, energyUnit: "kWh", wires: [["h1"]], ...extra.read },
    { id: "k1", z: "f1", type: "elfe-jeedom-command", server: "j1", devices: TABLE, confirm: true, confirmSeconds: 2, wires: [["h1"]], ...extra.command },
    { id: "b1", z: "f1", type: "elfe-battery-read", laptops: "", timeoutSeconds: 0.5, wires: [["h1"]], ...extra.battery },
    { id: "h1", z: "f1", type: "helper" },
    { id: "c1", z: "f1", type: "catch", scope: null, wires: [["h2"]] },
    { id: "h2", z: "f1", type: "helper" },
  ];
}
const creds = { j1: { apiKey: "K3yJeedom" } };

describe("Jeedom and battery nodes", function () {
  let fake: FakeJeedom;
  const batteries: FakeBattery[] = [];
  beforeEach(async () => {
    fake = await new FakeJeedom().addPlug(100, 10, 45.2, 12.5, true).addPlug(200, 20, 30, 3, false).start();
    await helper.startServer();
  });
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
    await fake.stop();
    await Promise.all(batteries.splice(0).map((b) => b.stop()));
  });

  it("elfe-jeedom-server keeps the API key as a credential", async function () {
    await helper.load(nodes, flow(fake), creds);
    const j1 = helper.getNode("j1") as any;
    assert.equal(j1.credentials.apiKey, "K3yJeedom");
    assert.equal(j1.client.endpoint, `${fake.url}/core/api/jeeApi.php`);
  });

  for (const api of ["http", "jsonrpc"]) {
    it(`elfe-jeedom-read outputs one Reading per plug (${api} API)`, async function () {
      await helper.load(nodes, flow(fake, { server: { api } }), creds);
      const got = next("h1");
      helper.getNode("r1").receive({ payload: "go" } as any);
      const msg = await got;
      assert.equal(msg.payload.length, 2);
      for (const r of msg.payload) assert.ok(validateReading.check(r).ok);
      assert.deepEqual(msg.payload.map((r: any) => [r.deviceId, r.powerW, r.energyWh, r.on, r.online]), [["ordinateur01", 45.2, 12500, true, true], ["ordinateur02", 0, 3000, false, true]]);
      assert.deepEqual(msg.errors, []);
      assert.ok((helper.getNode("r1").status as sinon.SinonSpy).calledWithMatch({ fill: "green", text: "elfe-jeedom-read.status.read" }));
    });
  }

  it("elfe-jeedom-read: one unknown command id marks that device offline; a wrong key fails the message for Catch", async function () {
    await helper.load(nodes, flow(fake, { read: { devices: `${TABLE}\nghost: power=999` } }), creds);
    const got = next("h1");
    helper.getNode("r1").receive({ payload: "go" } as any);
    const msg = await got;
    assert.deepEqual(msg.payload[2], { deviceId: "ghost", ts: msg.payload[2].ts, online: false });
    assert.match(msg.errors[0].error, /Aucune commande correspondant à l'ID : 999/);
    assert.ok((helper.getNode("r1").status as sinon.SinonSpy).calledWithMatch({ fill: "yellow" }));
    await helper.unload();
    await helper.load(nodes, flow(fake), { j1: { apiKey: "bad" } });
    const caught = next("h2");
    helper.getNode("r1").receive({ payload: "go" } as any);
    const err = await caught;
    assert.match(err.error.message, /elfe-jeedom-read.errors.allFailed/);
  });

  it("elfe-jeedom-read refuses an invalid table", async function () {
    await helper.load(nodes, flow(fake, { read: { devices: "pc1 power 12" } }), creds);
    const caught = next("h2");
    helper.getNode("r1").receive({ payload: "go" } as any);
    assert.match((await caught).error.message, /line 1/);
    assert.ok((helper.getNode("r1").status as sinon.SinonSpy).calledWithMatch({ fill: "red", text: "elfe-jeedom-read.status.badTable" }));
  });

  it("elfe-jeedom-command switches a plug from a DeviceCommand and confirms the new state", async function () {
    fake.stateDelayMs = 100;
    await helper.load(nodes, flow(fake), creds);
    const got = next("h1");
    helper.getNode("k1").receive({ payload: { deviceId: "ordinateur02", family: "jeedom", action: "on", reason: "surplus", at: "2026-06-10T12:00:00+02:00" } } as any);
    const msg = await got;
    assert.deepEqual(msg.payload, { deviceId: "ordinateur02", action: "on", commandId: 203, on: true, confirmed: true });
    assert.equal(fake.cmds.get(202)!.value, "1");
    assert.ok((helper.getNode("k1").status as sinon.SinonSpy).calledWithMatch({ fill: "green", text: "elfe-jeedom-command.status.confirmed" }));
    const off = next("h1");
    helper.getNode("k1").receive({ payload: "off", topic: "ordinateur01" } as any);
    assert.equal((await off).payload.confirmed, true);
    assert.equal(fake.cmds.get(100)!.value, "0");
  });

  it("elfe-jeedom-command: unconfirmed, unknown device, bad action and bad command go to Catch", async function () {
    fake.cmds.get(203)!.run = () => undefined; // the plug does not react
    await helper.load(nodes, flow(fake, { command: { confirmSeconds: 0.5 } }), creds);
    const k1 = helper.getNode("k1");
    const [out, caught] = [next("h1"), next("h2")];
    k1.receive({ payload: "on", topic: "ordinateur02" } as any);
    assert.equal((await out).payload.confirmed, false);
    assert.match((await caught).error.message, /elfe-jeedom-command.errors.unconfirmed/);
    let c = next("h2");
    k1.receive({ payload: "on", topic: "ordinateur99" } as any);
    assert.match((await c).error.message, /elfe-jeedom-command.errors.unknownDevice/);
    c = next("h2");
    k1.receive({ payload: { deviceId: "ordinateur01", family: "jeedom", action: "press", reason: "x", at: "2026-06-10T12:00:00+02:00" } } as any);
    assert.match((await c).error.message, /take on or off/);
    c = next("h2");
    k1.receive({ payload: { deviceId: "ordinateur01", action: "on" } } as any);
    assert.match((await c).error.message, /invalid DeviceCommand/);
  });

  it("elfe-battery-read polls every laptop; one that does not answer is offline, never an error", async function () {
    const a = await new FakeBattery({ flag: 9, ac: 1 }).start();
    const b = await new FakeBattery({ flag: 2, ac: 0, life: 21 }).start();
    const slow = await new FakeBattery().start();
    slow.mode = "slow";
    batteries.push(a, b, slow);
    const refused = await closedPortUrl();
    const laptops = `ordinateur01 = ${a.url}\nordinateur02 = ${b.url}\nordinateur03 = ${slow.url}\nordinateur04 = ${refused}`;
    await helper.load(nodes, flow(fake, { battery: { laptops } }), creds);
    const got = next("h1");
    let caught = false;
    helper.getNode("h2").once("input", () => (caught = true));
    helper.getNode("b1").receive({ payload: "go" } as any);
    const msg = await got;
    assert.deepEqual(msg.payload.map((r: any) => [r.deviceId, r.online, r.batteryPct, r.charging, r.onMains]), [
      ["ordinateur01", true, 83, true, true],
      ["ordinateur02", true, 21, false, false],
      ["ordinateur03", false, undefined, undefined, undefined],
      ["ordinateur04", false, undefined, undefined, undefined],
    ]);
    assert.match(msg.payload[2].error, /within 500 ms/);
    assert.ok((helper.getNode("b1").status as sinon.SinonSpy).calledWithMatch({ fill: "yellow", text: "elfe-battery-read.status.polled" }));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(caught, false);
  });

  it("elfe-battery-read takes laptops from the message when it lists none, and says when there are none", async function () {
    const a = await new FakeBattery({ flag: 0, ac: 1, life: 50 }).start();
    batteries.push(a);
    await helper.load(nodes, flow(fake), creds);
    const got = next("h1");
    helper.getNode("b1").receive({ payload: { pc1: a.url } } as any);
    assert.deepEqual((await got).payload.map((r: any) => [r.deviceId, r.batteryPct, r.batteryExact]), [["pc1", 50, true]]);
    const caught = next("h2");
    helper.getNode("b1").receive({ payload: "go" } as any);
    assert.match((await caught).error.message, /elfe-battery-read.errors.noLaptops/);
  });
});
