// A simulated day of room 4A020: a PV curve with clouds, laptops that arrive, run, charge and
// leave, and a controller called every period. Used by the tests (no chatter, energy balance) and
// by bench/room-day (comparison with no control and with the seed's plain loop).
import { emptyInputs, emptyRoomState, roomCycle, type RoomConfig, type RoomInputs, type RoomState } from "../room";
import type { DeviceCommand, SlotSeries } from "../types";

export interface SimLaptop {
  id: string;
  /** Minutes of the day [from, to) during which the laptop runs on the desk. */
  use: [number, number][];
  /** State of charge at midnight (%). */
  pct: number;
  /** Its battery service answers (false: the seed's firewall). */
  batteryAnswers: boolean;
}

export interface RoomDayOptions {
  /** Local midnight of the simulated day (epoch ms). */
  day: number;
  laptops: SimLaptop[];
  /** PV power available to the room at minute m (W). */
  pvAt: (minute: number) => number;
  /** Controller period (min). */
  periodMin: number;
  /** Battery capacity (Wh), running power (W), charging power below/above 80 % (W). */
  capacityWh: number;
  runW: number;
  chargeW: number;
  taperW: number;
  /** Give the controller a perfect 15-min PV forecast (slot averages of pvAt). */
  forecast?: boolean;
}

export type Strategy = { kind: "none" } | { kind: "room"; config: RoomConfig };

export interface RoomDayResult {
  switches: number;
  /** Most switches of one plug within any hour. */
  maxSwitchesPerPlugHour: number;
  pvWh: number;
  consumedWh: number;
  selfConsumedWh: number;
  importedWh: number;
  /** Minutes a laptop in use spent with an empty battery. */
  emptyMinutes: number;
  /** Lowest state of charge of a laptop in use (%). */
  minPct: number;
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A clear-sky bell from 7:00 to 19:00 peaking at `peakW`, with cloud passages from `seed`. */
export function cloudyPv(peakW: number, seed: number, cloudiness = 0.35): (minute: number) => number {
  const rnd = random(seed);
  const factor: number[] = [];
  let m = 0;
  while (m < 1440) {
    const cloudy = rnd() < cloudiness;
    const length = 3 + Math.floor(rnd() * (cloudy ? 25 : 40));
    const f = cloudy ? 0.15 + rnd() * 0.45 : 0.9 + rnd() * 0.1;
    for (let i = 0; i < length && m < 1440; i++, m++) factor.push(f);
  }
  return (minute) => {
    const x = (minute - 420) / 720;
    if (x <= 0 || x >= 1) return 0;
    return peakW * Math.sin(Math.PI * x) ** 1.5 * factor[Math.floor(minute) % 1440];
  };
}

export function simulateRoomDay(options: RoomDayOptions, strategy: Strategy): RoomDayResult {
  const { day, laptops } = options;
  const pct: Record<string, number> = Object.fromEntries(laptops.map((l) => [l.id, l.pct]));
  const plugOn: Record<string, boolean> = Object.fromEntries(laptops.map((l) => [l.id, true]));
  const switchTimes: Record<string, number[]> = Object.fromEntries(laptops.map((l) => [l.id, []]));
  const inUse = (l: SimLaptop, m: number) => l.use.some(([a, b]) => m >= a && m < b);
  const chargeOf = (id: string) => (pct[id] >= 100 ? 0 : pct[id] < 80 ? options.chargeW : options.taperW);
  const plugPower = (l: SimLaptop, m: number) => (plugOn[l.id] ? (inUse(l, m) ? options.runW : 0) + chargeOf(l.id) : 0);

  const forecast: SlotSeries | undefined = options.forecast
    ? {
        start: new Date(day).toISOString(),
        stepMinutes: 15,
        unit: "W",
        values: Array.from({ length: 96 }, (_, slot) => {
          let sum = 0;
          for (let i = 0; i < 15; i++) sum += options.pvAt(slot * 15 + i);
          return sum / 15;
        }),
      }
    : undefined;
  const observe = (m: number, now: number): RoomInputs => {
    const inputs = emptyInputs(now);
    inputs.pvForecast = forecast;
    const ts = new Date(now).toISOString();
    inputs.pv = { w: options.pvAt(m), at: now };
    for (const l of laptops) {
      inputs.plugs[l.id] = { deviceId: l.id, ts, on: plugOn[l.id], powerW: plugPower(l, m) };
      if (l.batteryAnswers && inUse(l, m)) inputs.batteries[l.id] = { deviceId: l.id, ts, batteryPct: Math.round(pct[l.id]), online: true };
    }
    return inputs;
  };
  const apply = (commands: DeviceCommand[], m: number) => {
    for (const c of commands) {
      const on = c.action === "on";
      if (plugOn[c.deviceId] !== on) switchTimes[c.deviceId].push(m);
      plugOn[c.deviceId] = on;
    }
  };

  let state: RoomState = emptyRoomState();
  const result: RoomDayResult = { switches: 0, maxSwitchesPerPlugHour: 0, pvWh: 0, consumedWh: 0, selfConsumedWh: 0, importedWh: 0, emptyMinutes: 0, minPct: 100 };
  for (let m = 0; m < 1440; m++) {
    const now = day + m * 60_000;
    if (strategy.kind === "room" && m % options.periodMin === 0) {
      const cycle = roomCycle(observe(m, now), state, strategy.config, (commands) => {
        apply(commands, m);
        return observe(m, now + 5000);
      });
      // The reconnect commands were applied by the measurement; now the shedding ones.
      apply(cycle.commands.slice(cycle.reconnect.decisions.length), m);
      state = cycle.state;
    }
    let load = 0;
    for (const l of laptops) {
      const used = inUse(l, m);
      const p = plugPower(l, m);
      load += p;
      const charge = plugOn[l.id] ? chargeOf(l.id) : 0;
      const drain = used && !plugOn[l.id] ? options.runW : 0;
      pct[l.id] = Math.min(100, Math.max(0, pct[l.id] + ((charge - drain) / 60 / options.capacityWh) * 100));
      if (used) {
        result.minPct = Math.min(result.minPct, pct[l.id]);
        if (pct[l.id] <= 0) result.emptyMinutes++;
      }
    }
    const pv = options.pvAt(m);
    result.pvWh += pv / 60;
    result.consumedWh += load / 60;
    result.selfConsumedWh += Math.min(pv, load) / 60;
    result.importedWh += Math.max(0, load - pv) / 60;
  }
  for (const times of Object.values(switchTimes)) {
    result.switches += times.length;
    for (let i = 0; i < times.length; i++) {
      const inHour = times.filter((t) => t >= times[i] && t < times[i] + 60).length;
      result.maxSwitchesPerPlugHour = Math.max(result.maxSwitchesPerPlugHour, inHour);
    }
  }
  return result;
}

/** The room of the bench and the tests: `n` laptops, staggered hours, some with a silent battery service. */
export function sampleRoom(n: number, seed: number): SimLaptop[] {
  const rnd = random(seed);
  return Array.from({ length: n }, (_, i) => {
    const arrive = 8 * 60 + Math.floor(rnd() * 90);
    const lunch = 12 * 60 + Math.floor(rnd() * 30);
    const leave = 16 * 60 + Math.floor(rnd() * 120);
    return {
      id: `PC${String(i + 1).padStart(2, "0")}`,
      use: [
        [arrive, lunch],
        [lunch + 60, leave],
      ],
      pct: 25 + Math.floor(rnd() * 70),
      batteryAnswers: rnd() > 0.2,
    };
  });
}
