import { strict as assert } from "node:assert";
import { DateTime } from "luxon";
import { DailyTotals, type MeterSample } from "../../../lib/indicators/daily-totals";
import { importPriceAt } from "../../../lib/indicators/tariff";
import { SlotGrid } from "../../../lib/time";

const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });
const tariff = { pricePerKWh: 0.25, windows: [{ start: "22:00", end: "06:00", pricePerKWh: 0.15 }], exportPricePerKWh: 0.1 };
const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} ≠ ${b}`);

describe("lib/indicators daily totals", function () {
  it("prices by local time, with windows that wrap past midnight", function () {
    assert.equal(importPriceAt(tariff, grid.at("2026-06-10T23:30:00+02:00")), 0.15);
    assert.equal(importPriceAt(tariff, grid.at("2026-06-10T05:59:00+02:00")), 0.15);
    assert.equal(importPriceAt(tariff, grid.at("2026-06-10T06:00:00+02:00")), 0.25);
  });

  it("adds up counters into import, export, PV, self-consumption, cost and saving", function () {
    const totals = new DailyTotals({ grid, tariff });
    // 12:00 -> 13:00: 1 kWh imported, 2 kWh exported, 5 kWh of PV (3 kWh self-consumed), all at 0.25.
    totals.add({ ts: "2026-06-10T12:00:00+02:00", gridImportWh: 10_000, gridExportWh: 500, pvWh: 0 });
    totals.add({ ts: "2026-06-10T12:30:00+02:00", gridImportWh: 10_500, gridExportWh: 1_500, pvWh: 2_500 });
    totals.add({ ts: "2026-06-10T13:00:00+02:00", gridImportWh: 11_000, gridExportWh: 2_500, pvWh: 5_000 });
    const day = totals.current()!;
    assert.deepEqual([day.day, day.importWh, day.exportWh, day.pvWh, day.selfConsumedWh, day.consumptionWh], ["2026-06-10", 1000, 2000, 5000, 3000, 4000]);
    close(day.cost, 1 * 0.25 - 2 * 0.1);
    close(day.saving, 4 * 0.25 - (1 * 0.25 - 2 * 0.1));
    close(day.selfConsumptionRate!, 0.6);
    close(day.selfSufficiencyRate!, 0.75);
  });

  it("integrates powers and splits an interval at local midnight, closing the day", function () {
    const totals = new DailyTotals({ grid, tariff });
    const s = (ts: string, gridW: number): MeterSample => ({ ts, gridW, pvW: 0 });
    assert.deepEqual(totals.add(s("2026-06-10T23:50:00+02:00", 1200)), []);
    const closed = totals.add(s("2026-06-11T00:10:00+02:00", 1200));
    assert.equal(closed.length, 1);
    assert.equal(closed[0].day, "2026-06-10");
    close(closed[0].importWh, 200);
    close(closed[0].cost, 0.2 * 0.15);
    close(totals.current()!.importWh, 200);
    assert.equal(totals.current()!.day, "2026-06-11");
  });

  it("counts 25 hours on the fall-back day and 23 on the spring-forward day", function () {
    for (const [day, next, hours] of [["2026-10-25", "2026-10-26", 25], ["2026-03-29", "2026-03-30", 23]] as const) {
      const totals = new DailyTotals({ grid, tariff });
      const start = DateTime.fromISO(day, { zone: grid.zone }).toMillis();
      const end = DateTime.fromISO(next, { zone: grid.zone }).toMillis();
      let closed: ReturnType<DailyTotals["add"]> = [];
      for (let t = start; t <= end; t += 15 * 60_000) closed = closed.concat(totals.add({ ts: t, gridW: 1000 }));
      assert.equal(closed.length, 1);
      close(closed[0].importWh, hours * 1000, 1e-6);
    }
  });

  it("leaves a missing-data hour out instead of inventing it", function () {
    const totals = new DailyTotals({ grid, tariff, maxGapMinutes: 30 });
    totals.add({ ts: "2026-06-10T10:00:00+02:00", gridW: 1000 });
    totals.add({ ts: "2026-06-10T10:30:00+02:00", gridW: 1000 });
    totals.add({ ts: "2026-06-10T11:45:00+02:00", gridW: 1000 }); // 75 min gap: not counted
    totals.add({ ts: "2026-06-10T12:00:00+02:00", gridW: 1000 });
    close(totals.current()!.importWh, 750);
  });

  it("survives a restart from its snapshot and refuses NaN and samples out of order", function () {
    const a = new DailyTotals({ grid, tariff });
    a.add({ ts: "2026-06-10T10:00:00+02:00", gridImportWh: 0 });
    a.add({ ts: "2026-06-10T10:15:00+02:00", gridImportWh: 100 });
    const b = new DailyTotals({ grid, tariff }, JSON.parse(JSON.stringify(a.snapshot())));
    b.add({ ts: "2026-06-10T10:30:00+02:00", gridImportWh: 250 });
    close(b.current()!.importWh, 250);
    assert.throws(() => b.add({ ts: "2026-06-10T10:45:00+02:00", gridW: Number.NaN }), /gridW must be a finite number/);
    assert.throws(() => b.add({ ts: "2026-06-10T10:00:00+02:00", gridImportWh: 300 }), /not after the previous one/);
    close(b.current()!.importWh, 250);
  });
});
