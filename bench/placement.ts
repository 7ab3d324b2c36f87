// Benchmark of the placement (not a test): generated mixed territories of N devices; prints
// build and solve times, method, gap, imports before/after, the proven bound, the LP bound and
// the greedy's imports, then the worst event-loop delay of the main thread during a worker solve.
// Usage: npx tsx bench/placement.ts [N …] [--mix=machine=0.5,ev=0.2,...] [--limit=seconds] [--seed=k] [--steady] [--big]
// (--seed=k: territory seed N + k instead of N, to see another instance of the same size;
// --steady: each instance solved twice before the solve measured.)
import { monitorEventLoopDelay } from "node:perf_hooks";
import { loadHighs, placeFlexibility } from "../lib/placement";
import { PlacementRunner } from "../lib/placement/runner";
import { sampleTerritory, type Mix } from "../lib/placement/sample";

const args = process.argv.slice(2);
const mixArg = args.find((a) => a.startsWith("--mix="))?.slice(6);
const mix: Partial<Mix> = {};
if (mixArg) for (const kv of mixArg.split(",")) mix[kv.split("=")[0] as keyof Mix] = Number(kv.split("=")[1]);
const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
const Ns = sizes.length ? sizes : [100, 300, 1000, 3000, ...(args.includes("--big") ? [10000] : [])];
const limitArg = args.find((a) => a.startsWith("--limit="));
const timeLimitS = limitArg ? Number(limitArg.slice(8)) : 30;
const steady = args.includes("--steady");
const seedShift = Number(args.find((a) => a.startsWith("--seed="))?.slice(7) ?? 0);
const territory = { name: "bench", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };
const kwh = (wh: number | undefined) => (wh === undefined ? "-" : (wh / 1000).toFixed(1));

async function main() {
  const highs = await loadHighs();
  // Warm-up (JIT), as the worker does.
  placeFlexibility(highs, { territory, ...sampleTerritory(50, { seed: 1, mix }) });
  console.log("N      build ms  solve ms  method    gap        imports before kWh  after kWh  bound kWh  LP bound kWh  greedy kWh");
  for (const N of Ns) {
    const t = sampleTerritory(N, { seed: N + seedShift, mix });
    // --steady: the same instance twice before, as a worker that solves every 15 minutes has run
    // HiGHS's code paths often enough for the WebAssembly engine to have optimised them.
    if (steady) for (let k = 0; k < 2; k++) placeFlexibility(highs, { territory, ...t, options: { timeLimitS, withGreedy: true } });
    const r = placeFlexibility(highs, { territory, ...t, options: { timeLimitS, withGreedy: true } });
    const i = r.plan.runInfo;
    console.log(
      [
        String(N).padEnd(6),
        i.buildMs.toFixed(0).padStart(8),
        i.solveMs.toFixed(0).padStart(9),
        ("  " + i.method).padEnd(10),
        (i.gap === undefined ? "-" : i.gap.toExponential(2)).padEnd(10),
        kwh(r.details.importsBeforeWh).padStart(19),
        kwh(i.objectiveWh).padStart(10),
        kwh(i.boundWh).padStart(10),
        kwh(r.details.lpBoundWh).padStart(13),
        kwh(r.details.greedyImportsWh).padStart(11),
        r.plan.warnings.length ? `  ${r.plan.warnings.length} warnings` : "",
        args.includes("--notes") ? `  ${r.details.notes.join("; ")}` : "",
      ].join(" "),
    );
  }
  // Event-loop delay of this thread while a worker solves N = 1000: its first request, once it has
  // warmed itself up while idle (3 s after its start, then 2.5 s at most), as the node's worker does.
  const runner = new PlacementRunner();
  runner.start();
  await new Promise((r) => setTimeout(r, 6500));
  const input = { territory, ...sampleTerritory(1000, { seed: 1000, mix }) };
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await new Promise((r) => setTimeout(r, 20));
  const t0 = performance.now();
  const r = await runner.solve(input);
  const wall = performance.now() - t0;
  h.disable();
  console.log(`worker, first solve after its idle warm-up, N=1000: ${wall.toFixed(0)} ms wall (solve ${r.plan.runInfo.solveMs.toFixed(0)} ms, ${r.plan.runInfo.method}, gap ${r.plan.runInfo.gap?.toExponential(2) ?? "-"}), worst event-loop delay ${(h.max / 1e6).toFixed(1)} ms`);
  await runner.close();
}
void main();
