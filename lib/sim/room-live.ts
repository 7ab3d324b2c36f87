// Room 4A020 living in real time for the demo: laptops that arrive, run, charge on their plug and
// leave (the same laptops as the simulated day of room-day.ts), a small PV panel, and the
// readings the room manager needs — plug power and state, battery state of charge, PV.
import { DateTime } from "luxon";
import type { DeviceCommand, Reading } from "../types";
import { sampleRoom, type SimLaptop } from "./room-day";

export interface SimRoomOptions {
  zone: string;
  seed: number;
  laptops: number;
  /** Battery capacity (Wh), running power (W), charging power below/above 80 % (W). */
  capacityWh?: number;
  runW?: number;
  chargeW?: number;
  taperW?: number;
}

export interface RoomReadings {
  plugs: Reading[];
  batteries: Reading[];
}

export class SimRoom {
  readonly laptops: SimLaptop[];
  private readonly pct = new Map<string, number>();
  private readonly plugOn = new Map<string, boolean>();
  private last?: number;
  private readonly capacityWh: number;
  private readonly runW: number;
  private readonly chargeW: number;
  private readonly taperW: number;

  constructor(private readonly options: SimRoomOptions) {
    this.laptops = sampleRoom(options.laptops, options.seed);
    for (const l of this.laptops) {
      this.pct.set(l.id, l.pct);
      this.plugOn.set(l.id, true);
    }
    this.capacityWh = options.capacityWh ?? 50;
    this.runW = options.runW ?? 30;
    this.chargeW = options.chargeW ?? 45;
    this.taperW = options.taperW ?? 15;
  }

  private minuteOfDay(ms: number): number {
    const t = DateTime.fromMillis(ms, { zone: this.options.zone });
    return t.hour * 60 + t.minute;
  }

  private inUse(l: SimLaptop, ms: number): boolean {
    const m = this.minuteOfDay(ms);
    return l.use.some(([a, b]) => m >= a && m < b);
  }

  private chargingW(id: string): number {
    const pct = this.pct.get(id) ?? 0;
    return pct >= 100 ? 0 : pct < 80 ? this.chargeW : this.taperW;
  }

  private plugW(l: SimLaptop, ms: number): number {
    return this.plugOn.get(l.id) ? (this.inUse(l, ms) ? this.runW : 0) + this.chargingW(l.id) : 0;
  }

  /** Batteries charge or drain from the last call to `now`, minute by minute (at most a day). */
  advance(now: number): void {
    if (this.last === undefined) {
      this.last = now;
      return;
    }
    let t = Math.max(this.last, now - 86_400_000);
    for (; t + 60_000 <= now; t += 60_000) {
      for (const l of this.laptops) {
        const charge = this.plugOn.get(l.id) ? this.chargingW(l.id) : 0;
        const drain = this.inUse(l, t) && !this.plugOn.get(l.id) ? this.runW : 0;
        const pct = (this.pct.get(l.id) ?? 0) + ((charge - drain) / 60 / this.capacityWh) * 100;
        this.pct.set(l.id, Math.min(100, Math.max(0, pct)));
      }
    }
    this.last = t;
  }

  /** A plug order from the room manager; unknown devices are not ours (false). */
  command(c: DeviceCommand): boolean {
    if (!this.plugOn.has(c.deviceId)) return false;
    this.plugOn.set(c.deviceId, c.action === "on");
    return true;
  }

  /** What the plugs and the battery services say at `now` (a silent battery service says nothing). */
  readings(now: number): RoomReadings {
    const ts = new Date(now).toISOString();
    const plugs: Reading[] = [];
    const batteries: Reading[] = [];
    for (const l of this.laptops) {
      plugs.push({ deviceId: l.id, ts, on: this.plugOn.get(l.id) ?? false, powerW: this.plugW(l, now), online: true });
      if (l.batteryAnswers && this.inUse(l, now)) batteries.push({ deviceId: l.id, ts, batteryPct: Math.round(this.pct.get(l.id) ?? 0), online: true });
    }
    return { plugs, batteries };
  }

  batteryPct(id: string): number | undefined {
    return this.pct.get(id);
  }
}
