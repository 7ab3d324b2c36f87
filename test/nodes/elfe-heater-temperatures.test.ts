import { strict as assert } from "node:assert";
import sinon from "sinon";
import heaterNode from "../../nodes/elfe-heater-temperatures/elfe-heater-temperatures";
import helper from "./helper";

const flow = () => [
  { id: "f1", type: "tab" },
  { id: "n1", z: "f1", type: "elfe-heater-temperatures", maxAgeMinutes: 30, wires: [["h1"]] },
  { id: "h1", z: "f1", type: "helper" },
  { id: "c1", z: "f1", type: "catch", scope: null, wires: [["h2"]] },
  { id: "h2", z: "f1", type: "helper" },
];
const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();

describe("elfe-heater-temperatures node", function () {
  beforeEach(async () => helper.startServer());
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
  });

  it("should be loaded", async function () {
    await helper.load(heaterNode, flow());
    assert.equal(helper.getNode("n1").type, "elfe-heater-temperatures");
  });

  it("keeps the latest temperature of each heater across messages and marks old ones stale", async function () {
    await helper.load(heaterNode, flow());
    const n1 = helper.getNode("n1");
    const out: any[] = [];
    helper.getNode("h1").on("input", (m: any) => out.push(m.payload));
    n1.receive({ payload: { deviceId: "h1", ts: ago(90), temperatureC: 18 } } as any);
    n1.receive({ payload: [{ deviceId: "h2", ts: ago(5), temperatureC: 20 }, { deviceId: "h1", ts: ago(120), temperatureC: 15 }] } as any);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(out.length, 2);
    assert.deepEqual(out[1].map((t: any) => [t.deviceId, t.temperatureC, t.stale]), [["h1", 18, true], ["h2", 20, false]]);
    assert.ok(Math.abs(out[1][1].ageMinutes - 5) < 0.2);
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "yellow", text: "elfe-heater-temperatures.status.done" }));
  });

  it("sends an invalid reading to Catch", async function () {
    await helper.load(heaterNode, flow());
    const caught = new Promise<any>((resolve) => helper.getNode("h2").on("input", resolve));
    helper.getNode("n1").receive({ payload: { deviceId: "h1", ts: "noon", temperatureC: 18 } } as any);
    assert.match((await caught).error.message, /reading \[0\]: invalid Reading: ts/);
  });
});
