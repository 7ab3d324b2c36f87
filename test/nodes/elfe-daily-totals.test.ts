import { strict as assert } from "node:assert";
import territoryNode from "../../nodes/elfe-territory/elfe-territory";
import dailyTotalsNode from "../../nodes/elfe-daily-totals/elfe-daily-totals";
import helper from "./helper";

const nodes = [territoryNode, dailyTotalsNode];
const flow = (extra: Record<string, unknown> = {}) => [
  { id: "f1", type: "tab" },
  { id: "t1", type: "elfe-territory", name: "Vilaine", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 },
  {
    id: "n1", z: "f1", type: "elfe-daily-totals", territory: "t1", price: "0.25", offPeakPrice: "0.15", offPeakWindows: "22:00-06:00",
    exportPrice: "0.1", maxGapMinutes: "30", wires: [["today"], ["closed"]], ...extra,
  },
  { id: "today", z: "f1", type: "helper" },
  { id: "closed", z: "f1", type: "helper" },
  { id: "c1", z: "f1", type: "catch", scope: null, wires: [["caught"]] },
  { id: "caught", z: "f1", type: "helper" },
];

describe("elfe-daily-totals node", function () {
  beforeEach(async () => helper.startServer());
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
  });

  it("sends today's totals on output 1 and the closed day on output 2 at local midnight", async function () {
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1");
    const today: any[] = [];
    const closed: any[] = [];
    helper.getNode("today").on("input", (m: any) => today.push(m.payload));
    helper.getNode("closed").on("input", (m: any) => closed.push(m.payload));
    n1.receive({ payload: { ts: "2026-06-10T23:45:00+02:00", gridW: 2000, pvW: 0 } } as any);
    n1.receive({ payload: { ts: "2026-06-11T00:15:00+02:00", gridW: 2000, pvW: 0 } } as any);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(today.length, 2);
    assert.equal(today[1].day, "2026-06-11");
    assert.equal(today[1].importWh, 500);
    assert.equal(closed.length, 1);
    assert.equal(closed[0].day, "2026-06-10");
    assert.equal(closed[0].importWh, 500);
    assert.ok(Math.abs(closed[0].cost - 0.5 * 0.15) < 1e-9);
    assert.ok(n1.status.calledWithMatch({ fill: "green", text: "elfe-daily-totals.status.today" }));
  });

  it("reports a malformed sample to Catch and keeps its totals", async function () {
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1");
    const caught = new Promise<any>((resolve) => helper.getNode("caught").on("input", resolve));
    n1.receive({ payload: { ts: "2026-06-10T10:00:00+02:00", gridImportWh: 100 } } as any);
    n1.receive({ payload: { ts: "2026-06-10T10:15:00+02:00", gridImportWh: "lots" } } as any);
    assert.match((await caught).error.message, /gridImportWh must be a finite number/);
    assert.ok(n1.status.calledWithMatch({ fill: "red" }));
    assert.equal((n1.context().get("dailyTotals") as any).last.gridImportWh, 100);
  });

  it("refuses invalid settings with a red status", async function () {
    await helper.load(nodes, flow({ offPeakWindows: "25:00-06:00" }));
    const n1 = helper.getNode("n1");
    assert.ok(n1.status.calledWithMatch({ fill: "red", text: "elfe-daily-totals.status.invalid" }));
  });
});
