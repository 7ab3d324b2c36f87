import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { clockSpeed, now, parseSpeed, realDelay } from "../../../lib/time/clock";

describe("lib/time/clock", function () {
  it("reads a speed of 1 or more, anything else is real time", function () {
    assert.deepEqual(["96", "1", "2.5", undefined, "", "0.5", "-3", "fast", "Infinity"].map(parseSpeed), [96, 1, 2.5, 1, 1, 1, 1, 1, 1]);
  });

  it("is the wall clock at speed 1 (so fake timers in tests drive it)", function () {
    assert.equal(clockSpeed(), 1);
    const before = Date.now();
    const t = now();
    assert.ok(t >= before && t <= Date.now());
    assert.equal(realDelay(1500), 1500);
  });

  it("runs ELFE_CLOCK_SPEED times faster from the process start, with timers shortened as much", function () {
    this.timeout(30_000);
    const script = `const c = require("./lib/time/clock.ts"); const t0 = c.now(), r0 = Date.now();
      setTimeout(() => console.log(JSON.stringify({ speed: c.clockSpeed(), sim: c.now() - t0, real: Date.now() - r0, delay: c.realDelay(60000) })), 200);`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { env: { ...process.env, ELFE_CLOCK_SPEED: "60" }, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const r = JSON.parse(run.stdout.trim()) as { speed: number; sim: number; real: number; delay: number };
    assert.equal(r.speed, 60);
    assert.ok(Math.abs(r.sim - 60 * r.real) <= 60 * 5, JSON.stringify(r));
    assert.equal(r.delay, 1000);
  });
});
