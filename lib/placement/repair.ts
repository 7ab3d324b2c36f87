// ELFE's three repairs of an impossible window (reference §3), applied in order and once, each
// said in a WARN_CONSTRAINT naming the device and the change. Slots are horizon indices.
import type { Horizon, Warn } from "./context";

export interface Window {
  /** First allowed start slot and one past the last slot the job may use. */
  s: number;
  e: number;
}

/**
 * `D` slots must fit in [s, e). `deadlinePast`: the user's end is at or before the horizon start.
 * Returns the repaired window, or null (with WARN_IMPOSSIBLE) when the job is longer than the horizon.
 */
export function repairWindow(deviceId: string, w: Window, D: number, deadlinePast: boolean, h: Horizon, warn: Warn): Window | null {
  let { s } = w;
  // The user's own end (possibly beyond the horizon): rule 1 is about the user's window, not the horizon.
  let e = w.e;
  const at = (slot: number) => h.iso(slot);
  if (D > h.n) {
    warn("WARN_IMPOSSIBLE", deviceId, `${deviceId}: needs ${D} slots, more than the ${h.n}-slot horizon: left out`);
    return null;
  }
  if (deadlinePast) {
    s = 0;
    e = D;
    warn("WARN_CONSTRAINT", deviceId, `${deviceId}: deadline already past: runs as soon as possible, ${at(0)} to ${at(D)}`);
    return { s, e };
  }
  if (s + D > e) {
    warn("WARN_CONSTRAINT", deviceId, `${deviceId}: window too short for ${D} slots: end moved from ${at(e)} to ${at(s + D)}`);
    e = s + D;
  }
  if (s + D > h.n) {
    warn("WARN_CONSTRAINT", deviceId, `${deviceId}: does not fit before the horizon end: earliest start moved from ${at(s)} to ${at(h.n - D)}`);
    s = h.n - D;
  }
  return { s, e: Math.min(e, h.n) };
}
