import { strict as assert } from "node:assert";
import sinon from "sinon";
import territoryNode from "../../nodes/elfe-territory/elfe-territory";
import slotClockNode from "../../nodes/elfe-slot-clock/elfe-slot-clock";
import helper from "./helper";

const nodes = [territoryNode, slotClockNode];
const territory = { id: "t1", type: "elfe-territory", name: "Vilaine", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };
// Node-RED delivers messages on setImmediate, which the fake clock leaves real.
const delivered = () => new Promise((resolve) => setImmediate(resolve));
const clockFlow = (extra: Record<string, unknown> = {}) => [
  { id: "f1", type: "tab" },
  territory,
  { id: "n1", z: "f1", type: "elfe-slot-clock", territory: "t1", leadSeconds: 0, emitOnStart: false, topic: "", wires: [["h1"]], ...extra },
  { id: "h1", z: "f1", type: "helper" },
  { id: "c1", z: "f1", type: "catch", scope: null, wires: [["h2"]] },
  { id: "h2", z: "f1", type: "helper" },
];

describe("elfe-slot-clock node", function () {
  let clock: sinon.SinonFakeTimers | undefined;
  beforeEach(async () => helper.startServer());
  afterEach(async function () {
    clock?.restore();
    clock = undefined;
    await helper.unload();
    await helper.stopServer();
  });

  it("should be loaded with its territory and defaults", async function () {
    await helper.load(nodes, clockFlow());
    const n1 = helper.getNode("n1");
    const t1 = helper.getNode("t1") as unknown as { territory: { zone: string; stepMinutes: number; horizonSlots: number } };
    assert.equal(n1.type, "elfe-slot-clock");
    assert.deepEqual([t1.territory.zone, t1.territory.stepMinutes, t1.territory.horizonSlots], ["Europe/Paris", 15, 96]);
  });

  it("emits the current slot when a message arrives, keeping the message, and shows it in its status", async function () {
    await helper.load(nodes, clockFlow());
    const n1 = helper.getNode("n1");
    const h1 = helper.getNode("h1");
    const got = new Promise<any>((resolve) => h1.on("input", resolve));
    n1.receive({ payload: "go", _keep: 42 } as any);
    const msg = await got;
    assert.equal(msg._keep, 42);
    assert.equal(msg.topic, "Vilaine");
    assert.equal(msg.payload.horizon.length, 96);
    assert.equal(msg.payload.horizon[0], msg.payload.slotStart);
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "green", text: "elfe-slot-clock.status.slot" }));
  });

  it("fires at each slot boundary of its territory, lead seconds early, announcing the coming slot", async function () {
    clock = sinon.useFakeTimers({ now: Date.parse("2026-10-25T00:59:00Z"), toFake: ["setTimeout", "clearTimeout", "Date"] });
    await helper.load(nodes, clockFlow({ leadSeconds: 30 }));
    const h1 = helper.getNode("h1");
    const ticks: any[] = [];
    h1.on("input", (msg: any) => ticks.push(msg.payload));
    await clock.tickAsync(29_000);
    await delivered();
    assert.equal(ticks.length, 0);
    await clock.tickAsync(2_000); // 00:59:31Z: past 01:00:00Z − 30 s
    await delivered();
    assert.equal(ticks.length, 1);
    assert.equal(ticks[0].slotStart, "2026-10-25T02:00:00+01:00");
    assert.equal(ticks[0].slotOfDay, 12);
    assert.equal(ticks[0].slotsInDay, 100);
    await clock.tickAsync(15 * 60_000);
    await delivered();
    assert.equal(ticks.length, 2);
    assert.equal(ticks[1].slotStart, "2026-10-25T02:15:00+01:00");
  });

  it("stops its timer on close: no tick after redeploy", async function () {
    clock = sinon.useFakeTimers({ now: Date.parse("2026-06-10T10:14:00Z"), toFake: ["setTimeout", "clearTimeout", "Date"] });
    await helper.load(nodes, clockFlow());
    const h1 = helper.getNode("h1");
    const ticks: any[] = [];
    h1.on("input", (msg: any) => ticks.push(msg));
    await helper.unload();
    await clock.tickAsync(60 * 60_000);
    await delivered();
    assert.equal(ticks.length, 0);
    assert.equal(clock.countTimers(), 0);
  });

  it("without a territory it says so in its status and fails every message for Catch nodes", async function () {
    await helper.load(nodes, clockFlow({ territory: "" }));
    const n1 = helper.getNode("n1");
    const caught = new Promise<any>((resolve) => helper.getNode("h2").on("input", resolve));
    n1.receive({ payload: "go" } as any);
    const msg = await caught;
    assert.match(msg.error.message, /no territory configured/);
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "red", text: "elfe-slot-clock.status.noTerritory" }));
  });

  it("reports an invalid territory by name", async function () {
    await helper.load(nodes, clockFlow().map((n) => (n.id === "t1" ? { ...n, zone: "Europe/Atlantis" } : n)));
    const n1 = helper.getNode("n1");
    const caught = new Promise<any>((resolve) => helper.getNode("h2").on("input", resolve));
    n1.receive({ payload: "go" } as any);
    assert.match((await caught).error.message, /territory "Vilaine" is invalid: unknown time zone/);
  });
});
