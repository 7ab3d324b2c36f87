import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import indicatorsNode from "../../nodes/elfe-indicators/elfe-indicators";
import helper from "./helper";

const plan = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "sample-plan.json"), "utf8"));
const flow = [
  { id: "f1", type: "tab" },
  { id: "n1", z: "f1", type: "elfe-indicators", topicPrefix: "INDICATEURS/", enrolledParticipants: "10", onlineWithinMinutes: "30", wires: [["each"], ["all"]] },
  { id: "each", z: "f1", type: "helper" },
  { id: "all", z: "f1", type: "helper" },
  { id: "c1", z: "f1", type: "catch", scope: null, wires: [["caught"]] },
  { id: "caught", z: "f1", type: "helper" },
];

describe("elfe-indicators node", function () {
  beforeEach(async () => helper.startServer());
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
  });

  it("computes on a tick from what it received, one message per indicator and all in one", async function () {
    await helper.load(indicatorsNode, flow);
    const n1 = helper.getNode("n1");
    const each: any[] = [];
    helper.getNode("each").on("input", (m: any) => each.push(m));
    const all = new Promise<any>((resolve) => helper.getNode("all").on("input", resolve));
    n1.receive({ topic: "plan", payload: plan } as any);
    n1.receive({ topic: "reading", payload: { deviceId: "a", ts: new Date().toISOString(), powerW: 3 } } as any);
    n1.receive({ topic: "meters", payload: { consumptionW: 5000, production: { solar: 3000, wind: 1000 } } } as any);
    n1.receive({ topic: "tick", payload: {} } as any);
    const got = (await all).payload;
    assert.equal(got["flex.energy_placed_wh"], 16185);
    assert.equal(got["devices.connected"], 1);
    assert.equal(got["territory.balance_active_panel_w"], -100);
    // Counted over time: the sample plan is in the past (no flexible energy now), and only the few
    // milliseconds between the meters and the tick have been consumed.
    assert.equal(got["flex.energy_placed_cumulative_wh"], 0);
    assert.ok(got["territory.consumed_24h_wh"] >= 0 && got["territory.consumed_24h_wh"] < 1);
    const placed = each.find((m) => m.key === "flex.energy_placed_wh");
    assert.deepEqual([placed.topic, placed.payload, placed.unit], ["INDICATEURS/flex/energy_placed_wh", 16185, "Wh"]);
    assert.equal(each.length, Object.keys(got).length);
    assert.ok(n1.status.calledWithMatch({ fill: "green", text: "elfe-indicators.status.sent" }));
  });

  it("reports a bad input to Catch and keeps what it had", async function () {
    await helper.load(indicatorsNode, flow);
    const n1 = helper.getNode("n1");
    const caught = new Promise<any>((resolve) => helper.getNode("caught").on("input", resolve));
    n1.receive({ topic: "meters", payload: { consumptionW: "a lot" } } as any);
    assert.match((await caught).error.message, /meters: payload must be/);
    assert.ok(n1.status.calledWithMatch({ fill: "red" }));
  });
});
