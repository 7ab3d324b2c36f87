// Hot-water tank (ECS) energy drawn over the last 24 h (ELFE's ECS_acquisition), the tank's
// need for its next placement: from its energy counter when there is one, else from its power.
import { toMillis, type Instant, type Sample } from "../time";

export interface EcsEnergyInput {
  /** Cumulative energy counter readings. */
  counter?: readonly Sample[];
  /** Unit of the counter (default "Wh"; ELFE's meters give kWh). */
  counterUnit?: "Wh" | "kWh";
  /** Instantaneous power readings, W. */
  power?: readonly Sample[];
}

export interface EcsEnergy {
  energyWh: number;
  method: "counter" | "power";
  from: string;
  to: string;
  /** Readings used. */
  samples: number;
  /** Counter resets (a reading lower than the one before) stepped over. */
  resets: number;
}

function inWindow(samples: readonly Sample[] | undefined, fromMs: number, toMs: number): { ms: number; v: number }[] {
  const pts: { ms: number; v: number }[] = [];
  for (const s of samples ?? []) {
    if (s.value === null || !Number.isFinite(s.value)) continue;
    const ms = toMillis(s.ts);
    if (ms >= fromMs && ms <= toMs) pts.push({ ms, v: s.value });
  }
  return pts.sort((a, b) => a.ms - b.ms);
}

/**
 * Energy drawn over `hours` (default 24) ending at `end`: last − first counter reading (resets
 * stepped over), or, without two counter readings, the trapezoidal integral of the power readings.
 */
export function ecsEnergy(input: EcsEnergyInput, end: Instant, hours = 24): EcsEnergy {
  if (!Number.isFinite(hours) || hours <= 0) throw new RangeError(`hours must be > 0, got ${hours}`);
  const toMs = toMillis(end);
  const fromMs = toMs - hours * 3_600_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const counter = inWindow(input.counter, fromMs, toMs);
  if (counter.length >= 2) {
    const factor = input.counterUnit === "kWh" ? 1000 : 1;
    let wh = 0;
    let resets = 0;
    for (let i = 1; i < counter.length; i++) {
      const d = counter[i].v - counter[i - 1].v;
      if (d < 0) resets++;
      else wh += d * factor;
    }
    return { energyWh: wh, method: "counter", from: iso(counter[0].ms), to: iso(counter[counter.length - 1].ms), samples: counter.length, resets };
  }
  const power = inWindow(input.power, fromMs, toMs);
  if (power.length >= 2) {
    let wh = 0;
    for (let i = 1; i < power.length; i++) wh += ((power[i].v + power[i - 1].v) / 2) * ((power[i].ms - power[i - 1].ms) / 3_600_000);
    return { energyWh: wh, method: "power", from: iso(power[0].ms), to: iso(power[power.length - 1].ms), samples: power.length, resets: 0 };
  }
  throw new Error(`not enough readings between ${iso(fromMs)} and ${iso(toMs)}: need two counter or two power readings`);
}

/**
 * Readings of a tank's meter (`{ts, energyWh}` and/or `{ts, powerW}`, e.g. Reading[]) or
 * `{counter, power}` sample lists -> the ecsEnergy input. Throws an Error on anything else.
 */
export function ecsInput(payload: unknown, counterUnit: "Wh" | "kWh" = "Wh"): EcsEnergyInput {
  if (Array.isArray(payload)) {
    const counter: Sample[] = [];
    const power: Sample[] = [];
    payload.forEach((item: unknown, i) => {
      if (typeof item !== "object" || item === null) throw new Error(`reading [${i}] is not an object`);
      const r = item as Record<string, unknown>;
      if (typeof r.ts !== "string" && typeof r.ts !== "number") throw new Error(`reading [${i}] has no ts (ISO time or epoch ms)`);
      toMillis(r.ts);
      if (typeof r.energyWh === "number") counter.push({ ts: r.ts, value: r.energyWh });
      if (typeof r.powerW === "number") power.push({ ts: r.ts, value: r.powerW });
    });
    return { counter, power, counterUnit };
  }
  if (typeof payload === "object" && payload !== null && ("counter" in payload || "power" in payload)) {
    const p = payload as Record<string, unknown>;
    const list = (v: unknown, name: string): Sample[] | undefined => {
      if (v === undefined) return undefined;
      if (!Array.isArray(v)) throw new Error(`${name} must be an array of {ts, value}`);
      return v as Sample[];
    };
    return { counter: list(p.counter, "counter"), power: list(p.power, "power"), counterUnit };
  }
  throw new Error("ECS readings must be an array of {ts, energyWh} / {ts, powerW} or {counter, power} sample lists");
}
