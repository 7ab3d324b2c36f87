import { strict as assert } from "node:assert";
import { backtest, syntheticTerritory } from "../../../lib/forecast";
import { SlotGrid } from "../../../lib/time";
import type { SlotSeries } from "../../../lib/types";

const grid = { zone: "Europe/Paris", stepMinutes: 60 };

function weekly(days: number): SlotSeries {
  const g = new SlotGrid(grid);
  const starts = g.starts("2026-03-02T00:00:00+01:00", days * 24 - 1); // crosses 2026-03-29 (23 h)
  return { start: g.iso(starts[0]), stepMinutes: 60, unit: "W", values: starts.map((d) => (d.weekday >= 6 ? 500 : -1000) + 100 * d.hour) };
}

describe("lib/forecast backtest", function () {
  it("scores each day: week-ago is exact on a purely weekly history, yesterday is not", function () {
    const history = weekly(42);
    const week = backtest(history, grid, { method: "week-ago", warmupDays: 7 });
    assert.equal(week.maeW, 0);
    assert.equal(week.rmseW, 0);
    assert.equal(week.meanAbsEnergyErrorWh, 0);
    assert.ok(week.days.length >= 33 && week.days.some((d) => d.day === "2026-03-29" && d.slots === 23));
    const elfe = backtest(history, grid, { method: "mean", days: 1, warmupDays: 7 });
    // Monday after a weekend, Saturday after a Friday: 1500 W off for 24 h, 4 days a fortnight.
    assert.ok(elfe.maeW > 0);
    const monday = elfe.days.find((d) => d.day === "2026-03-16");
    assert.deepEqual([monday?.maeW, monday?.energyErrorWh], [1500, 1500 * 24]);
    assert.equal(elfe.biasWh, 0);
  });

  it("runs every method on synthetic data with a seasonal and weekly pattern", function () {
    const { balance } = syntheticTerritory({ zone: "Europe/Paris", stepMinutes: 60, start: "2026-06-01T00:00:00+02:00", days: 30, seed: 3 });
    for (const method of ["elfe", "week-ago", "mean", "median"] as const) {
      const r = backtest(balance, grid, { method, warmupDays: 8, originTime: "14:00" });
      assert.equal(r.days.length, 21, method);
      assert.ok(r.maeW > 100 && r.maeW < 20_000 && r.rmseW >= r.maeW, `${method} ${r.maeW}`);
    }
    assert.throws(() => backtest(balance, grid, { originTime: "2pm" }), /HH:mm/);
  });
});
