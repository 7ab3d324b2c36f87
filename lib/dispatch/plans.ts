// The plans in force: the dispatch keeps the last few so that each device follows the newest
// plan that covers the current slot (ELFE reads "the latest row per device"): a plan published
// for the coming slot does not cut off the one still running, and a device missing from the
// newest plan keeps its previous schedule until that one expires.
import { SlotGrid, toMillis, type Instant } from "../time/grid";
import type { Plan, PlannedDevice } from "../types";
import { decisionAt, slotPosition, type SlotPosition } from "./slot";

export interface DeviceSlot {
  plan: Plan;
  device: PlannedDevice;
  index: number;
  slotStart: string;
  decision: number;
}

export type Freshness = "fresh" | "expired" | "missing";

interface Entry {
  plan: Plan;
  start: number;
  grid: SlotGrid;
  byId: Map<string, PlannedDevice>;
}

export class PlanBook {
  private entries: Entry[] = [];
  /** Positions of every plan at the last instant asked (a boundary asks once per device). */
  private memo: { at: number; positions: SlotPosition[] } | undefined;

  constructor(
    private readonly zone: string,
    private readonly keep = 4,
  ) {}

  /** Adds a plan (replacing one with the same first valid timestamp), newest first. */
  add(plan: Plan): void {
    const start = toMillis(plan.firstValidTimestamp);
    const entry: Entry = {
      plan,
      start,
      grid: new SlotGrid({ zone: this.zone, stepMinutes: plan.stepMinutes }),
      byId: new Map(plan.devices.map((d) => [d.deviceId, d])),
    };
    this.entries = [entry, ...this.entries.filter((e) => e.start !== start)].sort((a, b) => b.start - a.start).slice(0, this.keep);
    this.memo = undefined;
  }

  get latest(): Plan | undefined {
    return this.entries[0]?.plan;
  }

  get all(): readonly Plan[] {
    return this.entries.map((e) => e.plan);
  }

  private positions(now: Instant): SlotPosition[] {
    const at = toMillis(now);
    if (this.memo?.at !== at) this.memo = { at, positions: this.entries.map((e) => slotPosition(e.plan, this.zone, at, e.grid)) };
    return this.memo.positions;
  }

  /**
   * "fresh" when some plan covers now; "expired" when none does and one has run out; "missing"
   * with no plan at all, or only plans that have not begun.
   */
  freshness(now: Instant): Freshness {
    const states = this.positions(now).map((p) => p.state);
    if (states.includes("current")) return "fresh";
    return states.includes("expired") ? "expired" : "missing";
  }

  /** The newest plan covering now that holds this device, and its decision for the current slot. */
  lookup(deviceId: string, now: Instant): DeviceSlot | undefined {
    const positions = this.positions(now);
    for (let i = 0; i < this.entries.length; i++) {
      const pos = positions[i];
      if (pos.state !== "current") continue;
      const device = this.entries[i].byId.get(deviceId);
      if (device) return { plan: this.entries[i].plan, device, index: pos.index, slotStart: pos.slotStart, decision: decisionAt(device, pos.index) };
    }
    return undefined;
  }

  /** The newest plan covering now (for the status), with its slot index. */
  current(now: Instant): { plan: Plan; index: number } | undefined {
    const positions = this.positions(now);
    const i = positions.findIndex((p) => p.state === "current");
    return i < 0 ? undefined : { plan: this.entries[i].plan, index: positions[i].index };
  }
}
