import { strict as assert } from "node:assert";
import sinon from "sinon";
import territoryNode from "../../nodes/elfe-territory/elfe-territory";
import placementNode from "../../nodes/elfe-placement/elfe-placement";
import { validatePlan } from "../../lib/types";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import helper from "./helper";

const nodes = [territoryNode, placementNode];
const territory = { id: "t1", type: "elfe-territory", name: "Vilaine", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };
const flow = (extra: Record<string, unknown> = {}) => [
  { id: "f1", type: "tab" },
  territory,
  { id: "n1", z: "f1", type: "elfe-placement", territory: "t1", timeLimitS: 5, mipGap: 0.00005, policy: "replace", stabilityWh: 0, tieBreak: false, feederLimitKw: "", waterHeaterExtraHours: 2, topic: "", wires: [["h1"]], ...extra },
  { id: "h1", z: "f1", type: "helper" },
  { id: "c1", z: "f1", type: "catch", scope: null, wires: [["h2"]] },
  { id: "h2", z: "f1", type: "helper" },
];
const start = "2026-06-10T12:00:00+02:00";
const forecast = { start, stepMinutes: 15, values: [1800, 4300, 2200, -1000, -200], unit: "W", quantity: "balance" };
const requests = [{ deviceId: "m1", kind: "machine", elfeType: 112, profileW: [100, 200, 100], earliestStart: start, latestEnd: "2026-06-10T13:15:00+02:00" }];
const next = (node: any) => new Promise<any>((resolve) => node.once("input", resolve));

describe("elfe-placement node", function () {
  this.timeout(30_000);
  beforeEach(async () => helper.startServer());
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
  });

  it("places the requests of msg.payload = {forecast, requests} in its worker and sends the Plan; status shows devices, kWh and ms", async function () {
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1");
    const got = next(helper.getNode("h1"));
    n1.receive({ payload: { forecast, requests }, _keep: 1 } as any);
    const msg = await got;
    assert.ok(validatePlan.check(msg.payload).ok);
    assert.equal(msg._keep, 1);
    assert.equal(msg.topic, "Vilaine");
    assert.deepEqual(msg.payload.devices[0].decisions, [1, 0, 0, 0, 0]);
    assert.equal(msg.payload.runInfo.objectiveWh, 300);
    assert.equal(msg.payload.firstValidTimestamp, start);
    const status = n1.status as sinon.SinonSpy;
    assert.ok(status.calledWithMatch({ fill: "blue", text: "elfe-placement.status.solving" }));
    const done = status.getCalls().map((c) => c.args[0]).find((s) => s.text === "elfe-placement.status.done");
    assert.ok(done && done.fill === "green");
  });

  it("also takes the forecast in msg.payload and the requests in msg.requests, and prices in msg.prices", async function () {
    await helper.load(nodes, flow());
    const got = next(helper.getNode("h1"));
    helper.getNode("n1").receive({ payload: forecast, requests, prices: { import: [0.3, 0.3, 0.1, 0.3, 0.3] } } as any);
    const msg = await got;
    assert.equal(msg.payload.devices.length, 1);
    assert.equal(msg.payload.devices[0].deviceId, "m1");
  });

  it("sends invalid input (NaN forecast, bad request) to Catch with the field named, and keeps no plan", async function () {
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1");
    const caught = next(helper.getNode("h2"));
    n1.receive({ payload: { forecast: { ...forecast, values: new Array(96).fill(Number.NaN) }, requests } } as any);
    const err = await caught;
    assert.match(err.error.message, /invalid SlotSeries: values\[0\]/);
    const caught2 = next(helper.getNode("h2"));
    n1.receive({ payload: { forecast, requests: [{ deviceId: "x", kind: "boat" }] } } as any);
    assert.match((await caught2).error.message, /FlexRequest\[\]/);
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "red", text: "elfe-placement.status.invalid" }));
  });

  it("a forecast off the slot grid is an error to Catch; the last valid plan stays and is said so", async function () {
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1");
    const ok = next(helper.getNode("h1"));
    n1.receive({ payload: { forecast, requests } } as any);
    await ok;
    const caught = next(helper.getNode("h2"));
    n1.receive({ payload: { forecast: { ...forecast, start: "2026-06-10T12:07:00+02:00" }, requests } } as any);
    assert.match((await caught).error.message, /not on a slot boundary/);
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "red", text: "elfe-placement.status.failedKept" }));
  });

  it("replace policy: a request arriving while one waits replaces it; every plan sent is for a message that was not replaced", async function () {
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1");
    const plans: any[] = [];
    helper.getNode("h1").on("input", (m: any) => plans.push(m));
    for (let i = 0; i < 4; i++) n1.receive({ payload: { forecast, requests }, seq: i } as any);
    const deadline = Date.now() + 20_000;
    while (plans.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(plans.map((m) => m.seq), [0, 3]);
  });

  it("the example flow's sample data (examples/territory-ems.json) gives a valid plan for every device", async function () {
    const example = JSON.parse(readFileSync(join(__dirname, "..", "..", "examples", "territory-ems.json"), "utf8"));
    const inject = example.find((n: any) => n.type === "inject");
    const placement = example.find((n: any) => n.type === "elfe-placement");
    assert.deepEqual(inject.wires, [[placement.id]]);
    const payload = JSON.parse(inject.payload);
    await helper.load(nodes, flow({ timeLimitS: 3 }));
    const got = next(helper.getNode("h1"));
    helper.getNode("n1").receive({ payload } as any);
    const plan = (await got).payload;
    assert.ok(validatePlan.check(plan).ok);
    assert.equal(plan.devices.length + plan.warnings.filter((w: any) => w.code !== "WARN_CONSTRAINT" && w.deviceId).length, payload.requests.length);
    assert.ok(plan.runInfo.objectiveWh > 0);
  });
});
