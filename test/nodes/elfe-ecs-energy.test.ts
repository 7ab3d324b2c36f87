import { strict as assert } from "node:assert";
import sinon from "sinon";
import ecsNode from "../../nodes/elfe-ecs-energy/elfe-ecs-energy";
import helper from "./helper";

const flow = (extra: Record<string, unknown> = {}) => [
  { id: "f1", type: "tab" },
  { id: "n1", z: "f1", type: "elfe-ecs-energy", deviceId: "", hours: 24, counterUnit: "Wh", wires: [["h1"]], ...extra },
  { id: "h1", z: "f1", type: "helper" },
  { id: "c1", z: "f1", type: "catch", scope: null, wires: [["h2"]] },
  { id: "h2", z: "f1", type: "helper" },
];

describe("elfe-ecs-energy node", function () {
  beforeEach(async () => helper.startServer());
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
  });

  it("should be loaded", async function () {
    await helper.load(ecsNode, flow());
    assert.equal(helper.getNode("n1").type, "elfe-ecs-energy");
  });

  it("gives the energy of the last 24 h from a kWh counter, ending at msg.end", async function () {
    await helper.load(ecsNode, flow({ counterUnit: "kWh" }));
    const n1 = helper.getNode("n1");
    const got = new Promise<any>((resolve) => helper.getNode("h1").on("input", resolve));
    const payload = [
      { ts: "2026-06-09T15:00:00Z", energyWh: 10 },
      { ts: "2026-06-09T17:00:00Z", energyWh: 10.5 },
      { ts: "2026-06-10T03:00:00Z", energyWh: 14.5 },
      { ts: "2026-06-10T16:00:00Z", energyWh: 15 },
    ];
    n1.receive({ topic: "tank-1", end: "2026-06-10T16:00:00Z", payload } as any);
    const msg = await got;
    assert.deepEqual([msg.payload.deviceId, msg.payload.energyWh, msg.payload.method, msg.payload.samples], ["tank-1", 4500, "counter", 3]);
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "green", text: "elfe-ecs-energy.status.done" }));
  });

  it("integrates power readings when there is no counter", async function () {
    await helper.load(ecsNode, flow({ deviceId: "tank-2" }));
    const got = new Promise<any>((resolve) => helper.getNode("h1").on("input", resolve));
    const payload = { power: [{ ts: "2026-06-10T02:00:00Z", value: 3000 }, { ts: "2026-06-10T04:00:00Z", value: 3000 }] };
    helper.getNode("n1").receive({ end: "2026-06-10T16:00:00Z", payload } as any);
    const msg = await got;
    assert.deepEqual([msg.payload.deviceId, msg.payload.energyWh, msg.payload.method], ["tank-2", 6000, "power"]);
  });

  it("sends too few readings and bad input to Catch", async function () {
    await helper.load(ecsNode, flow());
    const n1 = helper.getNode("n1");
    const errors: string[] = [];
    helper.getNode("h2").on("input", (m: any) => errors.push(m.error.message));
    n1.receive({ payload: [{ ts: new Date().toISOString(), energyWh: 3 }] } as any);
    n1.receive({ payload: "nope" } as any);
    await new Promise((r) => setTimeout(r, 30));
    assert.match(errors[0], /not enough readings/);
    assert.match(errors[1], /ECS readings must be/);
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "red" }));
  });
});
