import { strict as assert } from "node:assert";
import sinon from "sinon";
import territoryNode from "../../nodes/elfe-territory/elfe-territory";
import learnerNode from "../../nodes/elfe-cycle-learner/elfe-cycle-learner";
import { validateLearnedProfile, validateFlexRequest } from "../../lib/types";
import helper from "./helper";

const nodes = [territoryNode, learnerNode];
const territory = { id: "t1", type: "elfe-territory", name: "Vilaine", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };
const flow = (extra: Record<string, unknown> = {}) => [
  { id: "f1", type: "tab" },
  territory,
  {
    id: "n1", z: "f1", type: "elfe-cycle-learner", territory: "t1", deviceId: "", thresholdStartW: 40, thresholdEndW: 40,
    periodSeconds: 900, periodCount: 1, keep: 5, profile: "median", windowHours: 72, wires: [["h1"]], ...extra,
  },
  { id: "h1", z: "f1", type: "helper" },
  { id: "c1", z: "f1", type: "catch", scope: null, wires: [["h2"]] },
  { id: "h2", z: "f1", type: "helper" },
];

/** Readings a minute apart: 2 W standby, a cycle of [minutes, W] phases starting at minute `at`. */
function readings(t0: string, total: number, at: number, phases: [number, number][]) {
  const start = Date.parse(t0);
  return Array.from({ length: total }, (_, m) => {
    let w = 2;
    let from = at;
    for (const [len, p] of phases) {
      if (m >= from && m < from + len) w = p;
      from += len;
    }
    return { deviceId: "wm1", ts: new Date(start + m * 60_000).toISOString(), powerW: w };
  });
}
const delivered = () => new Promise((r) => setTimeout(r, 30));

describe("elfe-cycle-learner node", function () {
  beforeEach(async () => helper.startServer());
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
  });

  it("should be loaded with ELFE's defaults", async function () {
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1") as any;
    assert.equal(n1.type, "elfe-cycle-learner");
  });

  it("learns a cycle from Readings and outputs a profile a machine FlexRequest accepts", async function () {
    await helper.load(nodes, flow({ deviceId: "wm1" }));
    const n1 = helper.getNode("n1");
    const got = new Promise<any>((resolve) => helper.getNode("h1").on("input", resolve));
    n1.receive({ payload: readings("2026-06-10T06:00:00Z", 400, 120, [[20, 2000], [40, 200]]) } as any);
    const msg = await got;
    const profile = validateLearnedProfile.parse(msg.payload);
    assert.deepEqual(profile.profileW, [2000, 800, 200, 200]);
    assert.equal(profile.durationMinutes, 60);
    assert.equal(profile.energyWh, 800);
    assert.equal(profile.deviceId, "wm1");
    assert.equal(msg.cycles.found.cycles[0].start, "2026-06-10T10:00:00+02:00");
    const request = { deviceId: "wm1", kind: "machine", profileW: profile.profileW, earliestStart: "2026-06-10T12:00:00+02:00", latestEnd: "2026-06-10T20:00:00+02:00" };
    assert.ok(validateFlexRequest.check(request).ok);
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "green", text: "elfe-cycle-learner.status.learned" }));
  });

  it("keeps the last cycles per device and publishes their median, one odd cycle aside", async function () {
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1");
    const out: any[] = [];
    helper.getNode("h1").on("input", (m: any) => out.push(m));
    n1.receive({ topic: "wm1", payload: readings("2026-06-10T06:00:00Z", 400, 120, [[30, 1000]]) } as any);
    n1.receive({ topic: "wm1", payload: readings("2026-06-11T06:00:00Z", 400, 120, [[30, 3000]]) } as any);
    n1.receive({ topic: "wm1", payload: readings("2026-06-12T06:00:00Z", 400, 120, [[30, 1100]]) } as any);
    n1.receive({ deviceId: "dw1", payload: readings("2026-06-12T06:00:00Z", 400, 120, [[15, 500]]) } as any);
    await delivered();
    assert.equal(out.length, 4);
    assert.deepEqual(out[2].payload.profileW, [1100, 1100]);
    assert.equal(out[2].payload.cycleCount, 3);
    assert.deepEqual([out[3].payload.deviceId, out[3].payload.cycleCount, out[3].payload.profileW], ["dw1", 1, [500]]);
  });

  it("says in its status that a cycle is still running, and sends nothing", async function () {
    await helper.load(nodes, flow({ deviceId: "wm1" }));
    const n1 = helper.getNode("n1");
    const out: any[] = [];
    helper.getNode("h1").on("input", (m: any) => out.push(m));
    n1.receive({ payload: readings("2026-06-10T06:00:00Z", 300, 120, [[500, 150]]) } as any);
    await delivered();
    assert.equal(out.length, 0);
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "yellow", text: "elfe-cycle-learner.status.running" }));
  });

  it("sends bad input and a missing device id to Catch", async function () {
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1");
    const errors: string[] = [];
    helper.getNode("h2").on("input", (m: any) => errors.push(m.error.message));
    n1.receive({ payload: [] } as any);
    n1.receive({ deviceId: "x", payload: "nope" } as any);
    n1.receive({ deviceId: "x", payload: [{ ts: "yesterday", value: 3 }] } as any);
    await delivered();
    assert.equal(errors.length, 3);
    assert.match(errors[0], /no device id/);
    assert.match(errors[1], /array of \{ts, value\}/);
    assert.match(errors[2], /not an ISO-8601 time/);
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "red" }));
  });

  it("without a territory it fails every message for Catch nodes", async function () {
    await helper.load(nodes, flow({ territory: "" }));
    const caught = new Promise<any>((resolve) => helper.getNode("h2").on("input", resolve));
    helper.getNode("n1").receive({ payload: [] } as any);
    assert.match((await caught).error.message, /no territory configured/);
  });
});
