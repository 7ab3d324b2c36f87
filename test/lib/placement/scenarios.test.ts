// Data-driven regression: every test/scenarios/placement/*.json (input, expected output) through the placement.
import { strict as assert } from "node:assert";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Highs } from "highs";
import { loadHighs, placeFlexibility } from "../../../lib/placement";
import { validateFlexRequests, validatePlan, validateSlotSeries } from "../../../lib/types";

const dir = join(__dirname, "..", "..", "scenarios", "placement");
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")));

describe("placement scenarios (test/scenarios)", function () {
  let highs: Highs;
  before(async () => {
    highs = await loadHighs();
  });

  for (const s of scenarios) {
    it(`${s.name}: ${s.source.split(": ").pop()}`, function () {
      const { plan } = placeFlexibility(highs, {
        territory: s.territory,
        forecast: validateSlotSeries.parse(s.forecast),
        requests: validateFlexRequests.parse(s.requests),
        options: s.options,
      });
      assert.ok(validatePlan.check(plan).ok);
      const dtH = s.territory.stepMinutes / 60;
      // Objective first (another solver may break ties differently), then the decisions.
      assert.ok(Math.abs(plan.runInfo.objectiveWh - s.expected.objectiveWSlot * dtH) <= 1e-6 * s.expected.objectiveWSlot * dtH + 0.01, `objective ${plan.runInfo.objectiveWh} Wh, expected ${s.expected.objectiveWSlot * dtH}`);
      // A start of equal imports in ELFE's own model (expected.ties, checked there) is as good as ELFE's.
      const tied = new Set<string>();
      for (const [id, slot] of Object.entries(s.expected.starts ?? {})) {
        const d = plan.devices.find((x) => x.deviceId === id)!;
        const first = d.decisions.findIndex((v) => v !== 0);
        if (first !== slot && (s.expected.ties?.[id] ?? []).includes(first)) tied.add(id);
        else assert.equal(first, slot, `start of ${id}`);
      }
      for (const [id, decisions] of Object.entries(s.expected.decisions ?? {})) if (!tied.has(id)) assert.deepEqual(plan.devices.find((x) => x.deviceId === id)!.decisions, decisions);
      assert.deepEqual(
        plan.warnings.map((w) => ({ code: w.code, deviceId: w.deviceId })),
        s.expected.warnings,
      );
    });
  }
});
