// The territory every slot-reasoning node refers to: moving a flow to another territory means
// editing this one object.
import { SlotGrid, type Instant } from "./time/grid";
import type { SlotTick } from "./types";

export interface Territory {
  name: string;
  zone: string;
  stepMinutes: number;
  horizonSlots: number;
  latitude?: number;
  longitude?: number;
}

export const TERRITORY_DEFAULTS: Territory = { name: "territory", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };

/** Settings as an editor gives them (strings, blanks) -> a checked Territory; throws a RangeError naming the field. */
export function parseTerritory(raw: Record<string, unknown>): Territory {
  const text = (v: unknown) => (v === undefined || v === null ? "" : String(v).trim());
  const int = (field: string, fallback: number, min: number, max: number): number => {
    const s = text(raw[field]);
    const n = s === "" ? fallback : Number(s);
    if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`${field} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw[field])}`);
    return n;
  };
  const coord = (field: string, limit: number): number | undefined => {
    const s = text(raw[field]);
    if (s === "") return undefined;
    const n = Number(s);
    if (!Number.isFinite(n) || Math.abs(n) > limit) throw new RangeError(`${field} must be a number within ±${limit}, got ${JSON.stringify(raw[field])}`);
    return n;
  };
  const territory: Territory = {
    name: text(raw.name) || TERRITORY_DEFAULTS.name,
    zone: text(raw.zone) || TERRITORY_DEFAULTS.zone,
    stepMinutes: int("stepMinutes", TERRITORY_DEFAULTS.stepMinutes, 1, 1440),
    horizonSlots: int("horizonSlots", TERRITORY_DEFAULTS.horizonSlots, 1, 10_000),
    latitude: coord("latitude", 90),
    longitude: coord("longitude", 180),
  };
  gridOf(territory); // checks the zone and that the slot length divides a day
  return territory;
}

export function gridOf(territory: Territory): SlotGrid {
  return new SlotGrid({ zone: territory.zone, stepMinutes: territory.stepMinutes });
}

/** What the slot clock announces for the slot containing `t`. */
export function slotTick(territory: Territory, t: Instant): SlotTick {
  const grid = gridOf(territory);
  const start = grid.slotStart(t);
  return {
    territory: territory.name,
    zone: territory.zone,
    stepMinutes: territory.stepMinutes,
    slotStart: grid.iso(start),
    slotEnd: grid.iso(grid.nextSlotStart(start)),
    slotOfDay: grid.slotOfDay(start),
    slotsInDay: grid.slotsInDay(start),
    horizon: grid.startsMs(start, territory.horizonSlots).map((ms) => grid.iso(ms)),
  };
}
