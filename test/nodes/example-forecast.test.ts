// The example flow examples/forecast.json runs: its sample history gives a forecast, its sample
// readings a learned profile and a valid machine request.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import territoryNode from "../../nodes/elfe-territory/elfe-territory";
import forecastNode from "../../nodes/elfe-persistence-forecast/elfe-persistence-forecast";
import learnerNode from "../../nodes/elfe-cycle-learner/elfe-cycle-learner";
import ecsNode from "../../nodes/elfe-ecs-energy/elfe-ecs-energy";
import heaterNode from "../../nodes/elfe-heater-temperatures/elfe-heater-temperatures";
import { validateFlexRequest, validateSlotSeries } from "../../lib/types";
import helper from "./helper";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const functionNode = require("@node-red/nodes/core/function/10-function.js");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const injectNode = require("@node-red/nodes/core/common/20-inject.js");

const example = JSON.parse(readFileSync(join(__dirname, "..", "..", "examples", "forecast.json"), "utf8")) as Record<string, any>[];

describe("example flow forecast.json", function () {
  beforeEach(async () => helper.startServer());
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
  });

  it("forecasts from its sample history, learns the washer's cycle, sums the tank's energy and lists the heaters", async function () {
    // Debug nodes become helpers so the test sees what the sidebar would show; comments are left out.
    const flow = example.filter((n) => n.type !== "comment").map((n) => (n.type === "debug" ? { id: n.id, z: n.z, type: "helper" } : n));
    await helper.load([territoryNode, forecastNode, learnerNode, ecsNode, heaterNode, functionNode, injectNode], flow);
    const forecast = new Promise<any>((resolve) => helper.getNode("elfe.ex06.debug1").on("input", resolve));
    const request = new Promise<any>((resolve) => helper.getNode("elfe.ex06.debug4").on("input", resolve));
    helper.getNode("elfe.ex06.inject1").receive({} as any);
    helper.getNode("elfe.ex06.inject2").receive({} as any);
    const tank = new Promise<any>((resolve) => helper.getNode("elfe.ex06.debug5").on("input", resolve));
    const heaters = new Promise<any>((resolve) => helper.getNode("elfe.ex06.debug6").on("input", resolve));
    helper.getNode("elfe.ex06.inject3").receive({} as any);
    helper.getNode("elfe.ex06.inject4").receive({} as any);
    assert.deepEqual([(await tank).payload.energyWh, (await tank).payload.method], [6000, "counter"]);
    assert.deepEqual((await heaters).payload.map((h: any) => [h.deviceId, h.stale]), [["heater-7", false], ["heater-9", true]]);
    const f = await forecast;
    assert.equal(validateSlotSeries.parse(f.payload).values.length, 96);
    assert.equal(f.report.filled.slots, 1);
    const r = await request;
    const machine = validateFlexRequest.parse(r.payload);
    assert.equal(machine.kind, "machine");
    assert.equal(machine.kind === "machine" && machine.profileW.length, 5);
  });
});
