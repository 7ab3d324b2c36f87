// Small builders for room inputs: a room at a given instant with plugs, batteries and PV.
import { emptyInputs, type RoomInputs } from "../../../lib/room";

export const T0 = Date.parse("2026-06-10T10:00:00+02:00");
export const iso = (ms: number) => new Date(ms).toISOString();

export interface LaptopSpec {
  id: string;
  w?: number;
  on?: boolean;
  pct?: number;
  /** false: the plug does not answer. */
  plug?: boolean;
}

export function room(now: number, pvW: number | undefined, laptops: LaptopSpec[]): RoomInputs {
  const inputs = emptyInputs(now);
  if (pvW !== undefined) inputs.pv = { w: pvW, at: now };
  for (const l of laptops) {
    if (l.plug !== false) {
      const on = l.on ?? true;
      inputs.plugs[l.id] = { deviceId: l.id, ts: iso(now), on, powerW: on ? (l.w ?? 30) : 0 };
    }
    if (l.pct !== undefined) inputs.batteries[l.id] = { deviceId: l.id, ts: iso(now), batteryPct: l.pct, online: true };
  }
  return inputs;
}
