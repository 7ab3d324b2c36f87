import { strict as assert } from "node:assert";
import ewsServerNode from "../../nodes/elfe-ews-server/elfe-ews-server";
import ewsReadNode from "../../nodes/elfe-ews-read/elfe-ews-read";
import ewsWriteNode from "../../nodes/elfe-ews-write/elfe-ews-write";
import { fakeEws, type FakeEws } from "../support/fake-ews";
import helper from "./helper";

const nodes = [ewsServerNode, ewsReadNode, ewsWriteNode];
const PV = "01/Server 1/4A020/PV/Production_W";
const LIGHT = "01/Server 1/4A020/Lights/Row1";
const SET = "01/Server 1/4A020/Heating/Setpoint";

function flow(url: string, read: Record<string, unknown> = {}, write: Record<string, unknown> = {}) {
  return [
    { id: "f1", type: "tab" },
    { id: "s1", type: "elfe-ews-server", url: `${url}/EcoStruxure/DataExchange`, soapVersion: "1.2", authScheme: "auto", insecure: false, timeout: 2 },
    { id: "r1", z: "f1", type: "elfe-ews-read", server: "s1", ids: `${PV}\n${SET}`, output: "values", deviceId: "", scale: 1, wires: [["h1"]], ...read },
    { id: "w1", z: "f1", type: "elfe-ews-write", server: "s1", itemId: LIGHT, wires: [["h1"]], ...write },
    { id: "h1", z: "f1", type: "helper" },
    { id: "c1", z: "f1", type: "catch", scope: null, wires: [["h2"]] },
    { id: "h2", z: "f1", type: "helper" },
  ];
}
const creds = { s1: { user: "elfe", password: "pw" } };
const next = (id: string) => new Promise<any>((resolve) => helper.getNode(id).once("input", resolve));

describe("elfe-ews-read / elfe-ews-write nodes", function () {
  let ews: FakeEws;
  beforeEach(async () => {
    ews = await fakeEws({
      points: { [PV]: { value: "812.5", unit: "W" }, [LIGHT]: { value: "0", writeable: true }, [SET]: { value: "19" } },
      digest: { user: "elfe", password: "pw" },
    });
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await ews.close();
  });

  it("reads several ids into an object, with Digest credentials from the config node", async function () {
    await helper.load(nodes, flow(ews.url), creds);
    const got = next("h1");
    helper.getNode("r1").receive({ payload: "go" } as any);
    const msg = await got;
    assert.deepEqual(msg.payload, { [PV]: 812.5, [SET]: 19 });
    assert.equal(msg.ews.errors.length, 0);
    assert.ok((helper.getNode("r1").status as any).calledWithMatch({ fill: "green", text: "elfe-ews-read.status.read" }));
  });

  it("reads one id as a Reading in W", async function () {
    await helper.load(nodes, flow(ews.url, { ids: PV, output: "reading", deviceId: "pv-4a020", scale: 1 }), creds);
    const got = next("h1");
    helper.getNode("r1").receive({ payload: "" } as any);
    const msg = await got;
    assert.equal(msg.payload.deviceId, "pv-4a020");
    assert.equal(msg.payload.powerW, 812.5);
    assert.match(msg.payload.ts, /[+-]\d\d:\d\d$|Z$/);
  });

  it("an unknown id reaches Catch with its name; the other values are still sent", async function () {
    await helper.load(nodes, flow(ews.url, { ids: "" }), creds);
    const got = next("h1");
    const caught = next("h2");
    helper.getNode("r1").receive({ payload: [PV, "01/Server 1/nope"] } as any);
    assert.deepEqual((await got).payload, { [PV]: 812.5 });
    const err = await caught;
    assert.match(err.error.message, /GetValues failed for 01\/Server 1\/nope: INVALID_ID/);
  });

  it("wrong credentials and a missing server are errors seen by Catch", async function () {
    await helper.load(nodes, flow(ews.url), { s1: { user: "elfe", password: "bad" } });
    const caught = next("h2");
    helper.getNode("r1").receive({ payload: 1 } as any);
    assert.match((await caught).error.message, /refused the credentials/);
    assert.ok((helper.getNode("r1").status as any).calledWithMatch({ fill: "red" }));
  });

  it("writes a light from msg.payload, and several values from an object", async function () {
    await helper.load(nodes, flow(ews.url), creds);
    const got = next("h1");
    helper.getNode("w1").receive({ payload: true } as any);
    const msg = await got;
    assert.equal(ews.points[LIGHT].value, "1");
    assert.deepEqual(msg.ews.results, [{ id: LIGHT, success: true, message: "" }]);
    assert.deepEqual(ews.calls.at(-1)!.values, ["1"]);
  });

  it("a value the server refuses is an error naming the id; nothing is sent", async function () {
    await helper.load(nodes, flow(ews.url, {}, { itemId: "" }), creds);
    let sent = false;
    helper.getNode("h1").on("input", () => (sent = true));
    const caught = next("h2");
    helper.getNode("w1").receive({ payload: { [LIGHT]: 1, [SET]: 21.5 } } as any);
    const err = await caught;
    assert.match(err.error.message, /SetValues failed for 01\/Server 1\/4A020\/Heating\/Setpoint: NOT_WRITEABLE/);
    assert.deepEqual(ews.calls.at(-1)!.values, ["1", "21.5"]);
    assert.equal(sent, false);
  });

  it("serves the id browser to the edit dialog from the deployed server", async function () {
    await helper.load(nodes, flow(ews.url), creds);
    const res = await (helper.request() as any).get("/elfe-ews-server/s1/browse").query({ container: "01/Server 1/4A020/Lights" }).expect(200);
    assert.deepEqual(res.body.items.map((i: any) => i.id), ["01/Server 1/4A020/Lights/Sub", LIGHT]);
    const missing = await (helper.request() as any).get("/elfe-ews-server/zz/browse").expect(404);
    assert.equal(missing.body.error, "elfe-ews-server.errors.notDeployed");
  });
});
