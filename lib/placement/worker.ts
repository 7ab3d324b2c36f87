// Worker-thread entry: loads HiGHS once, warms it with a tiny solve (and fuller ones when idle),
// then places one request at a time. Messages: {id, input} in; {id, ok, result | error} out.
import { parentPort } from "node:worker_threads";
import { loadHighs, placeFlexibility, type PlacementInput } from "./index";
import { sampleTerritory } from "./sample";
import { warmUp } from "./warm-up";

const ready = loadHighs().then((highs) => {
  // Warm-up: the first solve of a fresh runtime is about twice as slow.
  placeFlexibility(highs, {
    territory: { name: "warm-up", zone: "UTC", stepMinutes: 15, horizonSlots: 8 },
    forecast: { start: "2026-01-01T00:00:00Z", stepMinutes: 15, values: [100, -500, -900, 200, 0, 0, 0, 0], unit: "W" },
    requests: [{ deviceId: "w", kind: "machine", profileW: [100, 200, 100], earliestStart: "2026-01-01T00:00:00Z", latestEnd: "2026-01-01T02:00:00Z" }],
  });
  return highs;
});

/**
 * Fuller warm-ups once the worker has been idle a few seconds, unless a request came first: the
 * WebAssembly engine and V8 optimise HiGHS's code and ours as they run them. A few solves of
 * sample territories, one at a time so that a request arriving meanwhile waits for one only, and
 * no more than WARM_UP_BUDGET_MS in all. After them, a first real solve of 1 000 devices took
 * about as long as the steady state (see bench/README.md).
 */
const WARM_UP_AFTER_MS = 3000;
const WARM_UP_SIZES = [100, 300, 1000, 1000];
const WARM_UP_BUDGET_MS = 2500;
let requested = false;
setTimeout(() => {
  void ready
    .then((highs) =>
      warmUp(
        (size, k) => placeFlexibility(highs, { territory: { name: "warm-up", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 }, ...sampleTerritory(size, { seed: k + 1 }), options: { timeLimitS: 2 } }),
        WARM_UP_SIZES,
        WARM_UP_BUDGET_MS,
        () => requested,
      ),
    )
    .catch(() => undefined); // Only a warm-up: a failure here must not end the worker; a real request reports its own.
}, WARM_UP_AFTER_MS).unref();

parentPort?.on("message", (msg: { id: number; input: PlacementInput }) => {
  requested = true;
  ready
    .then((highs) => {
      const result = placeFlexibility(highs, msg.input);
      parentPort?.postMessage({ id: msg.id, ok: true, result });
    })
    .catch((err: unknown) => {
      parentPort?.postMessage({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) });
    });
});
