// The plans in force: the dispatch keeps the last few so that each device follows the newest
// plan that covers the current slot (ELFE reads "the latest row per device"): a plan published
// for the coming slot does not cut off the one still running, and a device missing from the
// newest plan keeps its previous schedule until that one expires.
import { toMillis, type Instant } from "../time/grid";
import type { Plan, PlannedDevice } from "../types";
import { decisionAt, slotPosition } from "./slot";

export interface DeviceSlot {
  plan: Plan;
  device: PlannedDevice;
  index: number;
  slotStart: string;
  decision: number;
}

export type Freshness = "fresh" | "expired" | "missing";

export class PlanBook {
  private plans: Plan[] = [];

  constructor(
    private readonly zone: string,
    private readonly keep = 4,
  ) {}

  /** Adds a plan (replacing one with the same first valid timestamp), newest first. */
  add(plan: Plan): void {
    const t = toMillis(plan.firstValidTimestamp);
    this.plans = [plan, ...this.plans.filter((p) => toMillis(p.firstValidTimestamp) !== t)]
      .sort((a, b) => toMillis(b.firstValidTimestamp) - toMillis(a.firstValidTimestamp))
      .slice(0, this.keep);
  }

  get latest(): Plan | undefined {
    return this.plans[0];
  }

  /** Forgets plans whose horizon has passed. */
  prune(now: Instant): void {
    this.plans = this.plans.filter((p) => slotPosition(p, this.zone, now).state !== "expired");
  }

  /**
   * "fresh" when some plan covers now; "expired" when none does and one has run out; "missing"
   * with no plan at all, or only plans that have not begun.
   */
  freshness(now: Instant): Freshness {
    const states = this.plans.map((p) => slotPosition(p, this.zone, now).state);
    if (states.includes("current")) return "fresh";
    return states.includes("expired") ? "expired" : "missing";
  }

  /** The newest plan covering now that holds this device, and its decision for the current slot. */
  lookup(deviceId: string, now: Instant): DeviceSlot | undefined {
    for (const plan of this.plans) {
      const pos = slotPosition(plan, this.zone, now);
      if (pos.state !== "current") continue;
      const device = plan.devices.find((d) => d.deviceId === deviceId);
      if (device) return { plan, device, index: pos.index, slotStart: pos.slotStart, decision: decisionAt(device, pos.index) };
    }
    return undefined;
  }

  /** The newest plan covering now (for the status), with its slot index. */
  current(now: Instant): { plan: Plan; index: number } | undefined {
    for (const plan of this.plans) {
      const pos = slotPosition(plan, this.zone, now);
      if (pos.state === "current") return { plan, index: pos.index };
    }
    return undefined;
  }

  get all(): readonly Plan[] {
    return this.plans;
  }
}
