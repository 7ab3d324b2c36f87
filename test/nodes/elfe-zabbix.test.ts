import { strict as assert } from "node:assert";
import type sinon from "sinon";
import territoryNode from "../../nodes/elfe-territory/elfe-territory";
import serverNode from "../../nodes/elfe-zabbix-server/elfe-zabbix-server";
import readNode from "../../nodes/elfe-zabbix-read/elfe-zabbix-read";
import writeNode from "../../nodes/elfe-zabbix-write/elfe-zabbix-write";
import { validateSlotSeries } from "../../lib/types";
import { FakeZabbix, type FakeItem } from "../support/fake-zabbix";
import helper from "./helper";

const nodes = [territoryNode, serverNode, readNode, writeNode];
const T0 = Date.parse("2026-06-10T00:00:00+02:00") / 1000;
const minutes = (from: number, n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => ({ clock: from + 60 * i, ns: 0, value: String(f(i)) }));

function items(): FakeItem[] {
  return [
    { itemid: "1001", hostid: "10", host: "elfe-territoire", key: "elfe.production", valueType: 0, units: "W", tags: [{ tag: "bilan", value: "production" }], history: minutes(T0 - 900, 75, () => 1000) },
    { itemid: "1002", hostid: "10", host: "elfe-territoire", key: "elfe.consumption", valueType: 3, units: "W", tags: [{ tag: "bilan", value: "consommation" }], history: minutes(T0 - 900, 75, () => 300) },
    { itemid: "2001", hostid: "20", host: "elfe-indicateurs", key: "flex.ratio", valueType: 0, type: 2 },
    { itemid: "2002", hostid: "20", host: "elfe-indicateurs", key: "elfe.powerW[D003]", valueType: 0, type: 2 },
    { itemid: "2003", hostid: "20", host: "elfe-indicateurs", key: "elfe.on[D003]", valueType: 3, type: 2 },
  ];
}

const territory = { id: "t1", type: "elfe-territory", name: "Vilaine", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };

function flow(fake: FakeZabbix, read: Record<string, unknown> = {}, write: Record<string, unknown> = {}) {
  return [
    { id: "f1", type: "tab" },
    territory,
    { id: "s1", type: "elfe-zabbix-server", url: fake.url, timeoutSeconds: 2, trapperHost: "127.0.0.1", trapperPort: fake.trapperPort },
    { id: "r1", z: "f1", type: "elfe-zabbix-read", server: "s1", territory: "t1", tags: "bilan", hours: 24, source: "auto", historyMaxHours: 48, sum: true, subtractKeys: "*consumption", quantity: "balance", wires: [["h1"]], ...read },
    { id: "w1", z: "f1", type: "elfe-zabbix-write", server: "s1", method: "auto", host: "elfe-indicateurs", keyPrefix: "elfe", wires: [["h1"]], ...write },
    { id: "h1", z: "f1", type: "helper" },
    { id: "c1", z: "f1", type: "catch", scope: null, wires: [["h2"]] },
    { id: "h2", z: "f1", type: "helper" },
  ];
}

const creds = { s1: { username: "ems", password: "secret" } };
const next = (id: string) => new Promise<any>((resolve) => helper.getNode(id).once("input", resolve));

// helper.request() is supertest on the admin app (its bundled type says otherwise).
describe("Zabbix nodes", function () {
  let fake: FakeZabbix;
  beforeEach(async () => helper.startServer());
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
    await fake?.stop();
  });

  it("elfe-zabbix-server keeps its credentials out of the flow and logs out on close", async function () {
    fake = await new FakeZabbix({ version: "6.0.14", items: items() }).start();
    await helper.load(nodes, flow(fake), creds);
    const s1 = helper.getNode("s1") as any;
    assert.equal(s1.credentials.password, "secret");
    assert.deepEqual(s1.trapper(), { host: "127.0.0.1", port: fake.trapperPort, timeoutMs: 2000 });
    const got = next("h1");
    helper.getNode("r1").receive({ payload: { start: "2026-06-10T00:00:00+02:00", end: "2026-06-10T01:00:00+02:00" } } as any);
    await got;
    assert.equal(fake.sessions.size, 1);
    await helper.unload();
    assert.equal(fake.sessions.size, 0);
    assert.equal(fake.requests[fake.requests.length - 1].method, "user.logout");
  });

  it("the admin endpoints list a deployed server's hosts and items for the edit dialogs", async function () {
    fake = await new FakeZabbix({ version: "7.0.5", items: items(), tokens: { tok: {} } }).start();
    await helper.load(nodes, flow(fake), { s1: { token: "tok" } });
    const hosts = await (helper.request() as any).get("/elfe-zabbix-server/s1/hosts").expect(200);
    assert.deepEqual(hosts.body.map((h: any) => h.host), ["elfe-indicateurs", "elfe-territoire"]);
    const list = await (helper.request() as any).get("/elfe-zabbix-server/s1/items?host=elfe-territoire").expect(200);
    assert.deepEqual(list.body.map((i: any) => i.key), ["elfe.production", "elfe.consumption"]);
    await (helper.request() as any).get("/elfe-zabbix-server/nope/hosts").expect(404);
    await fake.stop();
    const down = await (helper.request() as any).get("/elfe-zabbix-server/s1/hosts").expect(502);
    assert.match(down.body.error, /ECONNREFUSED/);
  });

  it("elfe-zabbix-read outputs the territory balance as a SlotSeries, with the items and the gap count", async function () {
    fake = await new FakeZabbix({ version: "6.0.14", items: items() }).start();
    await helper.load(nodes, flow(fake), creds);
    const r1 = helper.getNode("r1");
    const got = next("h1");
    r1.receive({ payload: { slotStart: "2026-06-10T01:30:00+02:00" }, _keep: 1 } as any);
    const msg = await got;
    assert.equal(msg._keep, 1);
    const series = validateSlotSeries.parse(msg.payload);
    assert.equal(series.start, "2026-06-09T01:30:00+02:00");
    assert.equal(series.values.length, 96);
    assert.equal(series.quantity, "balance");
    assert.deepEqual(series.values.slice(-7), [700, 700, 700, 700, 700, null, null]);
    assert.equal(msg.gapSlots, 91);
    assert.equal(msg.source, "history");
    assert.deepEqual(msg.items.map((i: any) => i.key), ["elfe.production", "elfe.consumption"]);
    assert.ok((r1.status as sinon.SinonSpy).calledWithMatch({ fill: "yellow", text: "elfe-zabbix-read.status.read" }));
  });

  it("without the sum it outputs one series per item, keyed by the item key", async function () {
    fake = await new FakeZabbix({ version: "7.0.5", items: items(), tokens: { tok: {} } }).start();
    await helper.load(nodes, flow(fake, { sum: false, tags: "", host: "elfe-territoire" }), { s1: { token: "tok" } });
    const got = next("h1");
    helper.getNode("r1").receive({ payload: { start: "2026-06-10T00:00:00+02:00", end: "2026-06-10T01:00:00+02:00" } } as any);
    const msg = await got;
    assert.deepEqual(msg.payload.map((s: any) => [s.quantity, s.values]), [["elfe.production", [1000, 1000, 1000, 1000]], ["elfe.consumption", [300, 300, 300, 300]]]);
    assert.ok((helper.getNode("r1").status as sinon.SinonSpy).calledWithMatch({ fill: "green" }));
  });

  it("elfe-zabbix-read sends server errors to Catch nodes with a red status", async function () {
    fake = await new FakeZabbix({ version: "7.0.5", items: items() }).start();
    await helper.load(nodes, flow(fake), { s1: { username: "ems", password: "wrong" } });
    const caught = next("h2");
    helper.getNode("r1").receive({ payload: {} } as any);
    const msg = await caught;
    assert.match(msg.error.message, /Incorrect user name or password/);
    assert.ok((helper.getNode("r1").status as sinon.SinonSpy).calledWithMatch({ fill: "red", text: "elfe-zabbix-read.status.error" }));
    fake.fault = "html";
    const again = next("h2");
    helper.getNode("r1").receive({ payload: {} } as any);
    assert.match((await again).error.message, /not JSON/);
  });

  it("elfe-zabbix-read without server or territory fails every message clearly", async function () {
    fake = await new FakeZabbix({ version: "7.0.5", items: items() }).start();
    await helper.load(nodes, flow(fake, { server: "", territory: "t1" }), creds);
    const caught = next("h2");
    helper.getNode("r1").receive({ payload: {} } as any);
    assert.match((await caught).error.message, /elfe-zabbix-read.errors.noServer/);
    await helper.unload();
    await helper.load(nodes, flow(fake, { territory: "" }), creds);
    const c2 = next("h2");
    helper.getNode("r1").receive({ payload: {} } as any);
    assert.match((await c2).error.message, /no territory configured/);
  });

  it("elfe-zabbix-write uses history.push on 7.0: a Reading becomes one value per field", async function () {
    fake = await new FakeZabbix({ version: "7.0.5", items: items(), tokens: { tok: {} } }).start();
    await helper.load(nodes, flow(fake), { s1: { token: "tok" } });
    const w1 = helper.getNode("w1");
    const got = next("h1");
    const ts = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
    w1.receive({ payload: { deviceId: "D003", ts, powerW: 412.5, on: true } } as any);
    const msg = await got;
    assert.deepEqual([msg.payload.method, msg.payload.processed, msg.payload.failed], ["history.push", 2, 0]);
    assert.deepEqual(fake.item("2002")!.history!.map((r) => [r.clock, r.value]), [[Date.parse(ts) / 1000, "412.5"]]);
    assert.equal(fake.item("2003")!.history![0].value, "1");
    assert.ok((w1.status as sinon.SinonSpy).calledWithMatch({ fill: "green", text: "elfe-zabbix-write.status.sent" }));
  });

  it("elfe-zabbix-write uses the trapper on 6.0 and reports refused values to Catch while still sending the result", async function () {
    fake = await new FakeZabbix({ version: "6.0.14", items: items() }).start();
    await helper.load(nodes, flow(fake), creds);
    const w1 = helper.getNode("w1");
    const got = next("h1");
    const caught = next("h2");
    w1.receive({ payload: [{ key: "flex.ratio", value: 0.42 }, { key: "flex.missing", value: 1 }] } as any);
    const [msg, err] = await Promise.all([got, caught]);
    assert.deepEqual([msg.payload.method, msg.payload.processed, msg.payload.failed], ["trapper", 1, 1]);
    assert.match(err.error.message, /elfe-zabbix-write.errors.failed/);
    assert.equal(fake.item("2001")!.history![0].value, "0.42");
    assert.ok((w1.status as sinon.SinonSpy).calledWithMatch({ fill: "yellow", text: "elfe-zabbix-write.status.partial" }));
  });

  it("elfe-zabbix-write refuses payloads it cannot map, and a trapper that is down", async function () {
    fake = await new FakeZabbix({ version: "6.0.14", items: items() }).start();
    await helper.load(nodes, flow(fake), creds);
    const w1 = helper.getNode("w1");
    let caught = next("h2");
    w1.receive({ payload: { value: NaN, key: "x" } } as any);
    assert.match((await caught).error.message, /finite number/);
    caught = next("h2");
    w1.receive({ payload: 12 } as any);
    assert.match((await caught).error.message, /msg.topic as the item key/);
    const port = fake.trapperPort;
    await fake.stop();
    fake = await new FakeZabbix({ version: "6.0.14", items: items() }).start(); // API back, old trapper port closed
    await helper.unload();
    await helper.load(nodes, flow(fake).map((n: any) => (n.id === "s1" ? { ...n, trapperPort: port } : n)), creds);
    caught = next("h2");
    helper.getNode("w1").receive({ payload: 5, topic: "flex.ratio" } as any);
    assert.match((await caught).error.message, /ECONNREFUSED/);
  });
});
