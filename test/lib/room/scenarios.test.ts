// Room regression cases as data: each test/scenarios/room/*.json gives a config, the readings and
// the memory at a cycle, the phase to run and the commands expected.
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { emptyInputs, reconnectStep, roomConfig, seedLoopConfig, shedStep, type LaptopMemory, type RoomState } from "../../../lib/room";
import type { Reading } from "../../../lib/types";

interface Scenario {
  description: string;
  config: { preset?: "seed"; [k: string]: unknown };
  input: {
    now: string;
    pvW?: number;
    plugs: Reading[];
    batteries: Reading[];
    state?: { laptops: Record<string, Omit<LaptopMemory, "switchedAt"> & { switchedAt?: string }> };
  };
  expected: { phase: "reconnect" | "shed"; commands: [string, "on" | "off"][]; balanceW?: number; skipped?: string[] };
}

const dir = join(__dirname, "..", "..", "scenarios", "room");
const files = readdirSync(dir).filter((f) => /^room-.*\.json$/.test(f));

describe("room scenarios (test/scenarios/room/*.json)", function () {
  it("finds the scenario files", function () {
    assert.ok(files.length >= 5);
  });
  for (const file of files) {
    const sc = JSON.parse(readFileSync(join(dir, file), "utf8")) as Scenario;
    it(`${file}: ${sc.description}`, function () {
      const now = Date.parse(sc.input.now);
      const { preset, ...rest } = sc.config;
      const laptops = [...new Set([...sc.input.plugs, ...sc.input.batteries].map((r) => r.deviceId))];
      const config = (preset === "seed" ? seedLoopConfig : roomConfig)({ laptops, ...rest });
      const inputs = emptyInputs(now);
      if (sc.input.pvW !== undefined) inputs.pv = { w: sc.input.pvW, at: now };
      for (const r of sc.input.plugs) inputs.plugs[r.deviceId] = r;
      for (const r of sc.input.batteries) inputs.batteries[r.deviceId] = r;
      const state: RoomState = { laptops: {} };
      for (const [id, m] of Object.entries(sc.input.state?.laptops ?? {})) {
        state.laptops[id] = { ...m, switchedAt: m.switchedAt ? Date.parse(m.switchedAt) : undefined };
      }
      const step = (sc.expected.phase === "reconnect" ? reconnectStep : shedStep)(inputs, state, config);
      assert.deepEqual(step.commands.map((c) => [c.deviceId, c.action]), sc.expected.commands);
      if (sc.expected.balanceW !== undefined) assert.equal(step.report.balanceW, sc.expected.balanceW);
      if (sc.expected.skipped) assert.deepEqual(step.report.skipped.map((s) => s.deviceId), sc.expected.skipped);
      for (const d of step.report.decisions) assert.ok(d.reason.length > 10, "every decision explains itself");
    });
  }
});
