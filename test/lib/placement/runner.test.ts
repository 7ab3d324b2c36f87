// The worker-thread runner: the caller's event loop keeps running during a solve, one solve at
// a time, queue or replace policy, closed runner refuses work.
import { strict as assert } from "node:assert";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { PlacementRunner, ReplacedError, parkedWorkers } from "../../../lib/placement/runner";
import { sampleTerritory } from "../../../lib/placement/sample";

const territory = { name: "run", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };
const machinesOnly = { machine: 1, "water-heater": 0, ev: 0, "ev-modulating": 0, "heater-pilot-wire": 0, "heater-thermal": 0 };
const small = () => ({ territory, ...sampleTerritory(3, { seed: 5, mix: machinesOnly }), options: { timeLimitS: 2 } });

describe("lib/placement/runner", function () {
  this.timeout(60_000);
  let runner: PlacementRunner | undefined;
  afterEach(async () => {
    await runner?.close();
    runner = undefined;
  });

  it("solves in a worker: the event loop of the caller is never blocked for the length of the solve", async function () {
    runner = new PlacementRunner();
    await runner.solve(small()); // worker started and warm
    // 300 one-start devices whose rounding gap keeps the MILP running to the time limit.
    const oneStart = { machine: 0.5, "water-heater": 0.25, ev: 0.25, "ev-modulating": 0, "heater-pilot-wire": 0, "heater-thermal": 0 };
    const input = { territory, ...sampleTerritory(300, { seed: 300, mix: oneStart }), options: { timeLimitS: 1.5 } };
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    await new Promise((r) => setTimeout(r, 20));
    const { plan } = await runner.solve(input);
    h.disable();
    const worstMs = h.max / 1e6;
    assert.ok(plan.runInfo.solveMs > 300, `solve too short to tell: ${plan.runInfo.solveMs} ms`);
    assert.ok(worstMs < plan.runInfo.solveMs / 2, `event loop blocked ${worstMs} ms during a ${plan.runInfo.solveMs} ms solve`);
  });

  it("a request that comes while a new worker warms up when idle (3 s after its start) is solved by HiGHS", async function () {
    // Three runners at once: at most two parked workers exist, so one at least is new.
    const runners = [new PlacementRunner(), new PlacementRunner(), new PlacementRunner()];
    try {
      for (const r of runners) r.start();
      await new Promise((r) => setTimeout(r, 3200));
      const results = await Promise.all(runners.map((r) => r.solve({ territory, ...sampleTerritory(50, { seed: 5 }) })));
      assert.ok(results.every((r) => r.plan.runInfo.method !== "greedy" && !r.plan.warnings.some((w) => w.code === "WARN_IMPOSSIBLE")), JSON.stringify(results.map((r) => r.plan.warnings)));
    } finally {
      await Promise.all(runners.map((r) => r.close()));
    }
  });

  it("queue policy: every request is solved, one at a time, in order", async function () {
    runner = new PlacementRunner({ policy: "queue" });
    const results = await Promise.all([1, 2, 3].map((i) => runner!.solve({ ...small(), territory: { ...territory, name: `q${i}` } })));
    assert.deepEqual(results.map((r) => r.plan.territory), ["q1", "q2", "q3"]);
    // Solved by HiGHS in the worker, not by the greedy fallback of a failed worker.
    assert.ok(results.every((r) => r.plan.runInfo.method !== "greedy" && !r.plan.warnings.some((w) => w.code === "WARN_IMPOSSIBLE")), JSON.stringify(results.map((r) => r.plan.warnings)));
  });

  it("replace policy: a new request replaces the one waiting, not the one running", async function () {
    runner = new PlacementRunner({ policy: "replace" });
    const first = runner.solve({ ...small(), territory: { ...territory, name: "first" } });
    const second = runner.solve({ ...small(), territory: { ...territory, name: "second" } });
    second.catch(() => undefined); // asserted below
    const third = runner.solve({ ...small(), territory: { ...territory, name: "third" } });
    assert.equal((await first).plan.territory, "first");
    await assert.rejects(second, ReplacedError);
    assert.equal((await third).plan.territory, "third");
  });

  it("an error of the placement comes back as a rejection; a closed runner refuses work", async function () {
    runner = new PlacementRunner();
    await assert.rejects(runner.solve({ ...small(), forecast: { start: "2026-06-10T06:07:00+02:00", stepMinutes: 15, values: [1], unit: "W" } }), /not on a slot boundary/);
    await runner.close();
    await assert.rejects(runner.solve(small()), /closed/);
  });

  it("a closed runner's idle worker is parked and reused by the next runner (a redeploy); a busy one is stopped", async function () {
    const threadOf = (r: PlacementRunner) => (r as unknown as { worker?: { threadId: number } }).worker?.threadId;
    const a = new PlacementRunner();
    await a.solve(small());
    const thread = threadOf(a);
    const before = parkedWorkers();
    await a.close();
    assert.equal(parkedWorkers(), before + 1);
    runner = new PlacementRunner();
    runner.start();
    assert.equal(threadOf(runner), thread, "the parked worker, already warm");
    assert.equal(parkedWorkers(), before);
    const { plan } = await runner.solve(small());
    assert.ok(plan.runInfo.method !== "greedy" && !plan.warnings.some((w) => w.code === "WARN_IMPOSSIBLE"), JSON.stringify(plan.warnings));
    // Closed in the middle of a solve: its worker is terminated, never parked.
    const busy = new PlacementRunner();
    const solving = busy.solve({ territory, ...sampleTerritory(150, { seed: 9 }), options: { timeLimitS: 3 } });
    solving.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    const parkedNow = parkedWorkers();
    await busy.close();
    await assert.rejects(solving, /closed/);
    assert.equal(parkedWorkers(), parkedNow);
  });

  it("a worker that crashes during a solve: the greedy placement answers, with a warning saying why; the next solve has a new worker", async function () {
    runner = new PlacementRunner();
    await runner.solve(small());
    const worker = (runner as unknown as { worker: { terminate(): Promise<number> } }).worker;
    const solving = runner.solve({ territory, ...sampleTerritory(150, { seed: 9 }), options: { timeLimitS: 5 } });
    await new Promise((r) => setTimeout(r, 100));
    await worker.terminate(); // as a crash of the thread would
    const { plan } = await solving;
    assert.equal(plan.runInfo.method, "greedy");
    assert.ok(plan.warnings.some((w) => w.code === "WARN_IMPOSSIBLE" && /placement worker exited with code \d+: greedy placement used/.test(w.message)), JSON.stringify(plan.warnings));
    assert.ok(plan.devices.length > 0);
    const next = await runner.solve(small());
    assert.notEqual(next.plan.runInfo.method, "greedy", "a new worker solves the next one");
  });
});
