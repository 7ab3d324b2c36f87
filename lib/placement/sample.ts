// Generated territories for the benchmark, the property tests and the example flow: a PV and
// base-load balance over one horizon and a configurable mix of flexible devices. Deterministic
// for a given seed.
import { SlotGrid } from "../time/grid";
import type { FlexRequest, SlotSeries } from "../types";

export interface Mix {
  machine: number;
  "water-heater": number;
  ev: number;
  "ev-modulating": number;
  "heater-pilot-wire": number;
  "heater-thermal": number;
}

export const DEFAULT_MIX: Mix = { machine: 0.45, "water-heater": 0.2, ev: 0.15, "ev-modulating": 0.05, "heater-pilot-wire": 0.1, "heater-thermal": 0.05 };

/** ELFE's default washing-machine cycle (W per 15-min slot). */
export const DEFAULT_CYCLE_W = [1750.8, 516.6, 1365.6, 57.0, 50.7, 180.3, 1618.8, 4.0];

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Territory {
  forecast: SlotSeries;
  requests: FlexRequest[];
}

/**
 * `count` devices on a territory sized for them, horizon of `slots` 15-min slots from `start`
 * (a slot boundary of `zone`).
 */
export function sampleTerritory(count: number, options: { seed?: number; start?: string; zone?: string; slots?: number; mix?: Partial<Mix> } = {}): Territory {
  const random = rng(options.seed ?? 42);
  const zone = options.zone ?? "Europe/Paris";
  const grid = new SlotGrid({ zone, stepMinutes: 15 });
  const start = grid.slotStart(options.start ?? "2026-06-10T06:00:00+02:00");
  const n = options.slots ?? 96;
  const iso = (slot: number) => grid.iso(start.toMillis() + slot * 900_000);
  const hourOf = (slot: number) => {
    const d = grid.at(start.toMillis() + slot * 900_000);
    return d.hour + d.minute / 60;
  };
  const homes = Math.max(1, count);
  const values: number[] = [];
  for (let t = 0; t < n; t++) {
    const hr = hourOf(t);
    const pv = hr > 6 && hr < 21 ? Math.sin((Math.PI * (hr - 6)) / 15) ** 1.5 : 0;
    const cloud = 0.8 + 0.2 * random();
    const base = 450 + 250 * Math.exp(-((hr - 8) ** 2) / 2) + 450 * Math.exp(-((hr - 19.5) ** 2) / 3);
    values.push(Math.round(homes * (1100 * pv * cloud - base)));
  }
  const mix = { ...DEFAULT_MIX, ...options.mix };
  const kinds = Object.keys(mix) as (keyof Mix)[];
  const total = kinds.reduce((s, k) => s + mix[k], 0);
  const pick = (): keyof Mix => {
    let r = random() * total;
    for (const k of kinds) {
      r -= mix[k];
      if (r < 0) return k;
    }
    return "machine";
  };
  const between = (a: number, b: number) => a + Math.floor(random() * (b - a + 1));
  const localDay = grid.at(start).startOf("day");
  const at = (dayOffset: number, hour: number) => grid.iso(localDay.plus({ days: dayOffset, hours: hour }).toMillis());
  const requests: FlexRequest[] = [];
  for (let i = 0; i < count; i++) {
    const kind = pick();
    const deviceId = `${kind}-${i}`;
    if (kind === "machine") {
      const scale = 0.7 + 0.6 * random();
      const len = between(4, 10);
      const profileW = Array.from({ length: len }, (_, k) => Math.round(DEFAULT_CYCLE_W[k % 8] * scale));
      const s = between(0, 40);
      requests.push({ deviceId, kind: "machine", elfeType: 112, profileW, earliestStart: iso(s), latestEnd: iso(Math.min(n, s + len + between(4, 40))) });
    } else if (kind === "water-heater") {
      const powerW = between(15, 30) * 100;
      requests.push({
        deviceId,
        kind: "water-heater",
        elfeType: 131,
        powerW,
        energyWh: between(10, 50) * 100,
        windows: [
          { start: at(0, 12), end: at(0, 17) },
          { start: at(0, 22), end: at(1, 6) },
        ],
      });
    } else if (kind === "ev" || kind === "ev-modulating") {
      const socPct = between(20, 60);
      const modulating = kind === "ev-modulating";
      requests.push({
        deviceId,
        kind: "ev",
        elfeType: 221,
        maxPowerW: random() < 0.5 ? 3700 : 7400,
        minPowerW: modulating ? 1400 : undefined,
        capacityWh: between(30, 60) * 1000,
        socPct,
        targetSocPct: 80,
        minSocPct: modulating ? Math.min(80, socPct + 20) : undefined,
        departure: iso(between(24, n)),
        modulating,
      });
    } else if (kind === "heater-pilot-wire") {
      requests.push({
        deviceId,
        kind: "heater-pilot-wire",
        elfeType: 151,
        ecoW: between(3, 6) * 100,
        comfortW: between(10, 20) * 100,
        comfortPeriods: [
          { start: at(0, 17), end: at(0, 22) },
          { start: at(1, 6), end: at(1, 9) },
        ],
        ecoForcedMaxPct: 20,
      });
    } else {
      const models = [
        { resistanceKPerW: 0.003893, capacityJPerK: 3328767 },
        { resistanceKPerW: 0.00457, capacityJPerK: 2835616 },
        { resistanceKPerW: 0.005621, capacityJPerK: 2305479 },
      ];
      requests.push({
        deviceId,
        kind: "heater-thermal",
        elfeType: 155,
        maxPowerW: 1500,
        tempC: 18 + random() * 2,
        model: models[between(0, 2)],
        bands: [
          { start: iso(0), end: iso(n + 1), minC: 16, maxC: 22 },
          { start: at(0, 17), end: at(0, 22), minC: 19, maxC: 21 },
        ],
        outsideC: { start: iso(0), stepMinutes: 15, unit: "°C", values: Array.from({ length: n }, (_, t) => Math.round((8 + 6 * Math.sin((Math.PI * (hourOf(t) - 9)) / 12)) * 10) / 10) },
      });
    }
  }
  return { forecast: { start: iso(0), stepMinutes: 15, values, unit: "W", quantity: "balance" }, requests };
}
