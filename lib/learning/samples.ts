// What a learner accepts as a power curve: timestamped samples, Readings, or a SlotSeries.
import { validateSlotSeries } from "../types";
import { toMillis, type Sample } from "../time";

/**
 * `[{ts, value}]`, `[{ts, powerW}]` (Readings) or a SlotSeries (each slot's value from its start
 * to the next slot) -> samples. Throws an Error saying what is wrong with the input.
 */
export function powerSamples(input: unknown): Sample[] {
  if (Array.isArray(input)) {
    return input.map((item: unknown, i) => {
      if (typeof item !== "object" || item === null) throw new Error(`sample [${i}] is not an object`);
      const r = item as Record<string, unknown>;
      const value = r.value !== undefined ? r.value : r.powerW;
      if (typeof r.ts !== "string" && typeof r.ts !== "number") throw new Error(`sample [${i}] has no ts (ISO time or epoch ms)`);
      if (value !== null && (typeof value !== "number" || !Number.isFinite(value))) throw new Error(`sample [${i}] has no finite value or powerW`);
      toMillis(r.ts); // throws on a bad time
      return { ts: r.ts, value: value as number | null };
    });
  }
  if (typeof input === "object" && input !== null && "values" in input) {
    const series = validateSlotSeries.check(input);
    if (!series.ok) throw new Error(`power curve is not a SlotSeries: ${series.error.message}`);
    const s = series.value;
    const start = toMillis(s.start);
    const stepMs = s.stepMinutes * 60_000;
    const out: Sample[] = [];
    s.values.forEach((v, i) => {
      if (v === null) return;
      out.push({ ts: start + i * stepMs, value: v });
      if (i === s.values.length - 1 || s.values[i + 1] === null) out.push({ ts: start + (i + 1) * stepMs - 1, value: v });
    });
    return out;
  }
  throw new Error("power curve must be an array of {ts, value} / {ts, powerW} samples or a SlotSeries");
}
