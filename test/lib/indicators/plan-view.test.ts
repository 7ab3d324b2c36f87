import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { planView } from "../../../lib/indicators/plan-view";
import { validatePlan } from "../../../lib/types";

const plan = validatePlan.parse(JSON.parse(readFileSync(join(__dirname, "..", "..", "fixtures", "sample-plan.json"), "utf8")));

describe("lib/indicators plan view", function () {
  it("gives slot times in local labels and both balance curves", function () {
    const view = planView(plan, "Europe/Paris");
    assert.equal(view.times.length, 96);
    assert.equal(view.labels[0], "00:00");
    assert.equal(view.labels[46], "11:30");
    assert.equal(view.times[1] - view.times[0], 900);
    assert.equal(view.withFlexW.length, 96);
  });

  it("draws a one-shot start, on-runs of continuous kinds and power runs of a modulating charger", function () {
    const rows = Object.fromEntries(planView(plan, "Europe/Paris").devices.map((d) => [d.deviceId, d.spans]));
    assert.deepEqual(rows["lave-linge-12"], [{ from: 46, to: 47, kind: "start" }]);
    assert.deepEqual(rows["ballon-7"], [{ from: 48, to: 52, kind: "on" }]);
    assert.deepEqual(rows["ve-3"], [{ from: 52, to: 60, kind: "power", powerW: 3700 }, { from: 60, to: 62, kind: "power", powerW: 1800 }]);
    assert.deepEqual(rows["radiateur-21"].slice(0, 2), [{ from: 28, to: 30, kind: "on" }, { from: 31, to: 34, kind: "on" }]);
  });

  it("labels a fall-back day's slots with the repeated hour", function () {
    const dst = { ...plan, firstValidTimestamp: "2026-10-25T00:00:00+02:00", slotCount: 100, curves: { withoutFlexW: Array(100).fill(0), withFlexW: Array(100).fill(0) }, devices: [] };
    const view = planView(dst, "Europe/Paris");
    assert.deepEqual(view.labels.slice(8, 16), ["02:00", "02:15", "02:30", "02:45", "02:00", "02:15", "02:30", "02:45"]);
    assert.equal(view.labels[99], "23:45");
  });
});
