import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import territoryNode from "../../nodes/elfe-territory/elfe-territory";
import planChartNode from "../../nodes/elfe-plan-chart/elfe-plan-chart";
import helper from "./helper";

const plan = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "sample-plan.json"), "utf8"));
const nodes = [territoryNode, planChartNode];
const flow = [
  { id: "f1", type: "tab" },
  { id: "t1", type: "elfe-territory", name: "Vilaine", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 },
  { id: "n1", z: "f1", type: "elfe-plan-chart", name: "main plan", territory: "t1", onPage: true, wires: [] },
  { id: "c1", z: "f1", type: "catch", scope: null, wires: [["caught"]] },
  { id: "caught", z: "f1", type: "helper" },
];

/** The admin routes (what the editor's sidebar reads); the page's routes are covered by test/browser. */
async function getJson(path: string): Promise<any> {
  const res = await helper.request().get(path);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

describe("elfe-plan-chart node", function () {
  beforeEach(async () => helper.startServer());
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
  });

  it("keeps the latest plan for the sidebar and the page, and says what it shows", async function () {
    await helper.load(nodes, flow);
    const n1 = helper.getNode("n1");
    n1.receive({ payload: plan } as any);
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(n1.status.calledWithMatch({ fill: "green", text: "elfe-plan-chart.status.shown" }));
    const listed = await getJson("/elfe/plans");
    assert.equal(listed.length, 1);
    assert.equal(listed[0].name, "main plan");
    assert.equal(listed[0].view.devices.length, 4);
    assert.equal(listed[0].view.labels[0], "00:00");
    assert.equal(listed[0].id, "n1");
    assert.match((await helper.request().get("/elfe/assets/plan-chart.js")).text, /ElfePlanChart/);
    assert.equal((await helper.request().get("/elfe/assets/..%2F..%2Fpackage.json")).status, 404);
  });

  it("refuses what is not a plan, to Catch, and keeps the last valid one", async function () {
    await helper.load(nodes, flow);
    const n1 = helper.getNode("n1");
    n1.receive({ payload: plan } as any);
    const caught = new Promise<any>((resolve) => helper.getNode("caught").on("input", resolve));
    n1.receive({ payload: { ...plan, curves: { withoutFlexW: [Number.NaN], withFlexW: [] } } } as any);
    assert.match((await caught).error.message, /invalid Plan: curves\.withoutFlexW\[0\]/);
    assert.ok(n1.status.calledWithMatch({ fill: "red", text: "elfe-plan-chart.status.badPlan" }));
    assert.equal((await getJson("/elfe/plans"))[0].view.withoutFlexW.length, 96);
  });
});
