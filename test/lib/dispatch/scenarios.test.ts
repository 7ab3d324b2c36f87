// Regression cases as data: each file of test/scenarios/dispatch/ is a sequence of inputs at
// given instants and the commands and events the dispatcher must give for each.
import { strict as assert } from "node:assert";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Dispatcher, type Outcome } from "../../../lib/dispatch";
import { validateDeviceCommand, validateDispatchBindings, validateOverride, validatePlan, validateReading } from "../../../lib/types";
import { decisions, device, plan } from "./fixtures";

interface Step {
  at: string;
  bindings?: unknown[];
  plan?: { firstValidTimestamp: string; slotCount: number; devices: { deviceId: string; continuous: boolean; on: number[] }[] };
  override?: unknown;
  reading?: unknown;
  tick?: boolean;
  wake?: boolean;
  state?: boolean;
  expect?: { commands?: string[]; events?: string[] };
}

const dir = join(__dirname, "..", "..", "scenarios", "dispatch");
const files = readdirSync(dir).filter((f) => f.endsWith(".json"));

function run(d: Dispatcher, step: Step): Outcome {
  if (step.bindings) return d.setBindings(validateDispatchBindings.parse(step.bindings), step.at);
  if (step.plan) {
    const p = step.plan;
    const planned = p.devices.map((x) => device(x.deviceId, decisions(p.slotCount, x.on), { continuous: x.continuous }));
    return d.setPlan(validatePlan.parse(plan(p.firstValidTimestamp, planned, p.slotCount)), step.at);
  }
  if (step.override) return d.setOverride(validateOverride.parse(step.override), step.at);
  if (step.reading) return d.reading(validateReading.parse(step.reading), step.at);
  if (step.tick) return d.tick(step.at);
  if (step.wake) return d.wake(step.at);
  if (step.state) return d.fullState(step.at);
  throw new Error(`step at ${step.at} does nothing`);
}

describe("dispatch scenarios (test/scenarios/dispatch)", function () {
  it("has scenarios", () => assert.ok(files.length >= 3));
  for (const file of files) {
    const scenario = JSON.parse(readFileSync(join(dir, file), "utf8")) as { description: string; options: { zone: string }; steps: Step[] };
    it(`${file}: ${scenario.description}`, function () {
      const d = new Dispatcher(scenario.options);
      scenario.steps.forEach((step, i) => {
        const out = run(d, step);
        for (const c of out.commands) validateDeviceCommand.parse(c.command);
        const where = `${file} step ${i} at ${step.at}`;
        if (step.expect?.commands) {
          assert.deepEqual(out.commands.map((c) => `${c.command.deviceId} ${c.command.family} ${c.plugId} ${c.command.action} +${c.delayMs}`), step.expect.commands, where);
        }
        if (step.expect?.events) {
          assert.deepEqual(out.events.map((e) => (e.deviceId ? `${e.kind} ${e.deviceId}` : e.kind)), step.expect.events, where);
        }
      });
    });
  }
});
