// Slot lookup: which decision of a plan holds at a given instant. The index counts real slots
// from the plan's first valid timestamp on the territory's grid, so a 92- or 100-slot DST day
// shifts nothing; a plan that starts in the future has no slot yet (ELFE's truncation ran it
// early), and one whose last slot has passed has expired.
import { SlotGrid, type Instant } from "../time/grid";
import type { Plan, PlannedDevice } from "../types";

export type SlotPosition =
  | { state: "current"; index: number; slotStart: string }
  | { state: "future"; index: number }
  | { state: "expired"; index: number };

/** Where `now` falls in the plan: slot index from firstValidTimestamp, on the plan's step in `zone`. */
export function slotPosition(
  plan: Pick<Plan, "firstValidTimestamp" | "stepMinutes" | "slotCount">,
  zone: string,
  now: Instant,
  grid = new SlotGrid({ zone, stepMinutes: plan.stepMinutes }),
): SlotPosition {
  const index = grid.indexFrom(plan.firstValidTimestamp, now);
  if (index < 0) return { state: "future", index };
  if (index >= plan.slotCount) return { state: "expired", index };
  return { state: "current", index, slotStart: grid.iso(grid.slotStart(now)) };
}

/** A device's decision at slot `index`; a decisions array shorter than the plan reads as 0. */
export function decisionAt(device: PlannedDevice, index: number): number {
  return device.decisions[index] ?? 0;
}

/** When the plan's last slot ends (ISO). */
export function planEnd(plan: Pick<Plan, "firstValidTimestamp" | "stepMinutes" | "slotCount">, zone: string): string {
  const grid = new SlotGrid({ zone, stepMinutes: plan.stepMinutes });
  const start = grid.slotStart(plan.firstValidTimestamp);
  return grid.iso(start.toMillis() + plan.slotCount * grid.stepMs);
}
