// The control-command example, run as shipped (its debug nodes swapped for helpers): the
// injects send the bindings and a plan starting at the current quarter-hour, and the dispatch
// sends the first slot's orders on each family's output.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import territoryNode from "../../nodes/elfe-territory/elfe-territory";
import dispatchNode from "../../nodes/elfe-dispatch/elfe-dispatch";
import { validateDeviceCommand } from "../../lib/types";
import helper from "./helper";

/* eslint-disable @typescript-eslint/no-require-imports */
const inject = require("@node-red/nodes/core/common/20-inject.js");
const fn = require("@node-red/nodes/core/function/10-function.js");
const comment = require("@node-red/nodes/core/common/90-comment.js");
/* eslint-enable @typescript-eslint/no-require-imports */

const example = JSON.parse(readFileSync(join(__dirname, "..", "..", "examples", "control-command.json"), "utf8")) as any[];

describe("example: control-command", function () {
  beforeEach(async () => helper.startServer());
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
  });

  it("sends the orders of the current slot on each family's output, and events on the last", async function () {
    const flow = example.map((n) => (n.type === "debug" ? { id: n.id, z: n.z, type: "helper" } : n));
    await helper.load([inject, fn, comment, territoryNode, dispatchNode], flow);
    const got: Record<string, any[]> = {};
    for (const n of flow.filter((x) => x.type === "helper")) {
      got[n.id] = [];
      helper.getNode(n.id).on("input", (msg: any) => got[n.id].push(msg));
    }
    // The injects fire once at 0.5 s (devices) and 1 s (plan).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const orders = Object.values(got).flat().filter((m) => m.payload?.action);
    for (const m of orders) validateDeviceCommand.parse(m.payload);
    const byDevice = (id: string) => orders.filter((m) => m.payload.deviceId === id).map((m) => `${m.payload.family}:${m.payload.action}`);
    assert.deepEqual(byDevice("wm-r004"), ["shelly-gen1:on"], "the washing machine starts in slot 0");
    assert.deepEqual(byDevice("ecs-r004").at(-1), "tasmota:on", "the hot-water tank is on in slot 0");
    assert.deepEqual(byDevice("heat-r020").at(-1), "shelly-gen2:on");
    assert.ok(got["elfe.cc.debug.shelly-gen1"].length >= 1);
    const events = got["elfe.cc.debug.events"].map((m) => m.payload.kind);
    assert.ok(events.includes("plan-applied") && events.includes("start-sent"), events.join(","));
  });
});
