// Worker-thread entry: loads HiGHS once, warms it with a tiny solve, then places one request at
// a time. Messages: {id, input} in; {id, ok, result | error} out.
import { parentPort } from "node:worker_threads";
import { loadHighs, placeFlexibility, type PlacementInput } from "./index";

const ready = loadHighs().then((highs) => {
  // Warm-up: the first solve of a fresh runtime is about twice as slow.
  placeFlexibility(highs, {
    territory: { name: "warm-up", zone: "UTC", stepMinutes: 15, horizonSlots: 8 },
    forecast: { start: "2026-01-01T00:00:00Z", stepMinutes: 15, values: [100, -500, -900, 200, 0, 0, 0, 0], unit: "W" },
    requests: [{ deviceId: "w", kind: "machine", profileW: [100, 200, 100], earliestStart: "2026-01-01T00:00:00Z", latestEnd: "2026-01-01T02:00:00Z" }],
  });
  return highs;
});

parentPort?.on("message", (msg: { id: number; input: PlacementInput }) => {
  ready
    .then((highs) => {
      const result = placeFlexibility(highs, msg.input);
      parentPort?.postMessage({ id: msg.id, ok: true, result });
    })
    .catch((err: unknown) => {
      parentPort?.postMessage({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) });
    });
});
