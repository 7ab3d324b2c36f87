import { strict as assert } from "node:assert";
import sinon from "sinon";
import territoryNode from "../../nodes/elfe-territory/elfe-territory";
import forecastNode from "../../nodes/elfe-persistence-forecast/elfe-persistence-forecast";
import helper from "./helper";

const nodes = [territoryNode, forecastNode];
const territory = { id: "t1", type: "elfe-territory", name: "Vilaine", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };
const flow = (extra: Record<string, unknown> = {}) => [
  { id: "f1", type: "tab" },
  territory,
  { id: "n1", z: "f1", type: "elfe-persistence-forecast", territory: "t1", method: "elfe", days: 7, horizonSlots: "", pvFactor: "", topic: "", wires: [["h1"]], ...extra },
  { id: "h1", z: "f1", type: "helper" },
  { id: "c1", z: "f1", type: "catch", scope: null, wires: [["h2"]] },
  { id: "h2", z: "f1", type: "helper" },
];
/** Two days on the Paris grid: -1000 W at night, +2000 W from 10:00 to 16:00. */
const history = () => ({
  start: "2026-06-08T00:00:00+02:00",
  stepMinutes: 15,
  unit: "W",
  quantity: "balance",
  values: Array.from({ length: 192 }, (_, i): number | null => ((i % 96) >= 40 && (i % 96) < 64 ? 2000 : -1000)),
});

describe("elfe-persistence-forecast node", function () {
  beforeEach(async () => helper.startServer());
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
  });

  it("should be loaded with its territory", async function () {
    await helper.load(nodes, flow());
    assert.equal(helper.getNode("n1").type, "elfe-persistence-forecast");
  });

  it("forecasts the territory's horizon from a history and reports the hourly deficits", async function () {
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1");
    const got = new Promise<any>((resolve) => helper.getNode("h1").on("input", resolve));
    n1.receive({ payload: history(), _keep: 1 } as any);
    const msg = await got;
    assert.equal(msg._keep, 1);
    assert.equal(msg.topic, "Vilaine");
    assert.equal(msg.payload.start, "2026-06-10T00:00:00+02:00");
    assert.equal(msg.payload.values.length, 96);
    assert.deepEqual(msg.payload.values, history().values.slice(96));
    assert.deepEqual(msg.report.maxHourDeficit, { w: 1000, at: "2026-06-10T00:00:00+02:00" });
    assert.deepEqual(msg.report.minHourDeficit, { w: -2000, at: "2026-06-10T10:00:00+02:00" });
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "green", text: "elfe-persistence-forecast.status.done" }));
  });

  it("takes the horizon and the method from its settings (48 h, same weekday) and msg fills a blank horizon", async function () {
    await helper.load(nodes, flow({ horizonSlots: 192, method: "mean", days: 2 }));
    const got = new Promise<any>((resolve) => helper.getNode("h1").on("input", resolve));
    helper.getNode("n1").receive({ payload: history(), horizonSlots: 10 } as any);
    const msg = await got;
    assert.equal(msg.payload.values.length, 192);
    assert.equal(msg.report.method, "mean");
    await helper.unload();
    await helper.load(nodes, flow());
    const got2 = new Promise<any>((resolve) => helper.getNode("h1").on("input", resolve));
    helper.getNode("n1").receive({ payload: history(), horizonSlots: 10 } as any);
    assert.equal((await got2).payload.values.length, 10);
  });

  it("applies the PV correction from msg.weather with the configured factor", async function () {
    await helper.load(nodes, flow({ pvFactor: 10, method: "week-ago" }));
    const weather = { start: "2026-06-08T00:00:00+02:00", stepMinutes: 60, unit: "W/m²", values: Array.from({ length: 72 }, (_, h) => (h >= 48 ? 100 : 0)) };
    const got = new Promise<any>((resolve) => helper.getNode("h1").on("input", resolve));
    helper.getNode("n1").receive({ payload: history(), weather } as any);
    const msg = await got;
    assert.equal(msg.report.pvCorrected, 96);
    assert.equal(msg.payload.values[0], -1000 + 1000);
  });

  it("shows filled gaps in a yellow status", async function () {
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1");
    const older = history();
    older.values[5] = null; // the day before yesterday: not used
    const got = new Promise<any>((resolve) => helper.getNode("h1").once("input", resolve));
    n1.receive({ payload: older } as any);
    assert.equal((await got).report.filled.slots, 0);
    assert.ok((n1.status as sinon.SinonSpy).lastCall.calledWithMatch({ fill: "green" }));
    const recent = history();
    recent.values[96 + 5] = null;
    const got2 = new Promise<any>((resolve) => helper.getNode("h1").once("input", resolve));
    n1.receive({ payload: recent } as any);
    assert.deepEqual((await got2).report.filled, { slots: 1, from: [{ day: "2026-06-08", slots: 1 }] });
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "yellow" }));
  });

  it("sends an all-null, empty or malformed history to Catch with a clear error and a red status", async function () {
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1");
    const errors: string[] = [];
    helper.getNode("h2").on("input", (m: any) => errors.push(m.error.message));
    n1.receive({ payload: { ...history(), values: [null, null] } } as any);
    n1.receive({ payload: { ...history(), values: [] } } as any);
    n1.receive({ payload: 42 } as any);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(errors.length, 3);
    assert.match(errors[0], /only gaps/);
    assert.match(errors[1], /history is empty/);
    assert.match(errors[2], /not a SlotSeries/);
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "red", text: "elfe-persistence-forecast.status.error" }));
  });

  it("without a territory it says so and fails every message for Catch nodes", async function () {
    await helper.load(nodes, flow({ territory: "" }));
    const n1 = helper.getNode("n1");
    const caught = new Promise<any>((resolve) => helper.getNode("h2").on("input", resolve));
    n1.receive({ payload: history() } as any);
    assert.match((await caught).error.message, /no territory configured/);
    assert.ok((n1.status as sinon.SinonSpy).calledWithMatch({ fill: "red", text: "elfe-persistence-forecast.status.noTerritory" }));
  });
});
