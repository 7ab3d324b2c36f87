// A synthetic territory balance with daily, weekly and seasonal patterns, for benchmarks and
// tests: PV follows the sun (solar time), consumption follows the local clock (and its DST).
import type { SlotSeries } from "../types";
import { SlotGrid, type Instant } from "../time";
import { LocalClock } from "./local-clock";

export interface SyntheticOptions {
  zone?: string;
  stepMinutes?: number;
  start: Instant;
  days: number;
  seed?: number;
  latitude?: number;
  longitude?: number;
  /** PV peak power, W (default 60 kW). */
  pvPeakW?: number;
}

export interface SyntheticTerritory {
  balance: SlotSeries;
  /** Global horizontal irradiance, W/m² (what a weather forecast would give). */
  irradiance: SlotSeries;
  /** W of PV per W/m² of irradiance (pvPeakW / 1000). */
  pvFactor: number;
}

/** Small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticTerritory(options: SyntheticOptions): SyntheticTerritory {
  const zone = options.zone ?? "Europe/Paris";
  const grid = new SlotGrid({ zone, stepMinutes: options.stepMinutes ?? 15 });
  const clock = LocalClock.of(zone);
  const rand = prng(options.seed ?? 1);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const lat = ((options.latitude ?? 47.66) * Math.PI) / 180;
  const lon = options.longitude ?? -2.28;
  const pvPeak = options.pvPeakW ?? 60_000;
  const startDay = grid.dayStart(options.start);
  const endMs = startDay.plus({ days: options.days }).toMillis();
  const balance: number[] = [];
  const irradiance: number[] = [];
  let clearness = 0.5;
  let lastDate = "";
  for (let ms = startDay.toMillis(); ms < endMs; ms += grid.stepMs) {
    const mid = ms + grid.stepMs / 2;
    const date = clock.localDate(ms);
    const doy = (mid / 86_400_000) % 365.25;
    const season = Math.cos((2 * Math.PI * (doy - 172)) / 365.25); // 1 at the summer solstice
    if (date !== lastDate) {
      // Day-to-day weather: an AR(1) clearness around the season's mean.
      const meanClear = 0.5 + 0.15 * season;
      clearness = Math.min(0.95, Math.max(0.1, meanClear + 0.6 * (clearness - meanClear) + 0.18 * gauss()));
      lastDate = date;
    }
    const decl = ((23.44 * Math.PI) / 180) * Math.sin((2 * Math.PI * (doy - 81)) / 365.25);
    const solarHour = (((mid / 3_600_000) % 24) + lon / 15 + 24) % 24;
    const hourAngle = ((solarHour - 12) * 15 * Math.PI) / 180;
    const sinElev = Math.sin(lat) * Math.sin(decl) + Math.cos(lat) * Math.cos(decl) * Math.cos(hourAngle);
    const ghi = Math.max(0, 1000 * sinElev * clearness * (1 + 0.1 * gauss()));
    const wall = new Date(clock.wall(mid));
    const h = wall.getUTCHours() + wall.getUTCMinutes() / 60;
    const weekend = wall.getUTCDay() === 0 || wall.getUTCDay() === 6;
    const bump = (centre: number, width: number) => Math.exp(-(((h - centre) / width) ** 2));
    let load = 30_000 + 25_000 * Math.max(0, -season) + 8_000 * (1 - season) / 2;
    load += weekend ? 14_000 * bump(10, 2) + 10_000 * bump(13, 2) + 20_000 * bump(19.5, 2) : 16_000 * bump(7.5, 1.2) + 6_000 * bump(12.5, 1) + 24_000 * bump(19.5, 1.8);
    load *= 1 + 0.05 * gauss();
    balance.push(Math.round((ghi / 1000) * pvPeak - load));
    irradiance.push(Math.round(ghi));
  }
  const start = grid.iso(startDay);
  return {
    balance: { start, stepMinutes: grid.stepMinutes, values: balance, unit: "W", quantity: "balance" },
    irradiance: { start, stepMinutes: grid.stepMinutes, values: irradiance, unit: "W/m²", quantity: "irradiance" },
    pvFactor: pvPeak / 1000,
  };
}
