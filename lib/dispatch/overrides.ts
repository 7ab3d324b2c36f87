// Manual overrides from a flow. Priority: override > plan. One override per device; "auto"
// clears it; an override with `until` ends by itself at that instant.
import { toMillis, type Instant } from "../time/grid";
import type { Override } from "../types";

export type ActiveOverride = Override & { action: "on" | "off" | "disable"; since: number; untilMs?: number };

export class OverrideBook {
  private readonly active = new Map<string, ActiveOverride>();

  /** Records an override; returns what it replaced. An "until" already past is refused. */
  set(override: Override, now: Instant): { replaced?: ActiveOverride } {
    if (override.deviceId === "*") throw new RangeError("a dispatch override names one device: give its deviceId");
    const t = toMillis(now);
    if (override.until !== undefined && toMillis(override.until) <= t) {
      throw new RangeError(`override for ${override.deviceId} ends at ${override.until}, which has already passed`);
    }
    const replaced = this.active.get(override.deviceId);
    if (override.action === "auto") this.active.delete(override.deviceId);
    else {
      const active: ActiveOverride = { ...override, action: override.action, since: t };
      if (override.until !== undefined) active.untilMs = toMillis(override.until);
      this.active.set(override.deviceId, active);
    }
    return { replaced };
  }

  /** The override in force for a device at `now` (an expired one is not). */
  get(deviceId: string, now: Instant): ActiveOverride | undefined {
    const o = this.active.get(deviceId);
    if (!o) return undefined;
    return o.untilMs !== undefined && o.untilMs <= toMillis(now) ? undefined : o;
  }

  /** Removes and returns the overrides that have ended by `now`. */
  expire(now: Instant): ActiveOverride[] {
    const t = toMillis(now);
    const ended: ActiveOverride[] = [];
    for (const [id, o] of this.active) {
      if (o.untilMs !== undefined && o.untilMs <= t) {
        ended.push(o);
        this.active.delete(id);
      }
    }
    return ended;
  }

  /** The next instant an override ends (epoch ms), for the caller's timer. */
  nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const o of this.active.values()) {
      if (o.untilMs !== undefined && (next === undefined || o.untilMs < next)) next = o.untilMs;
    }
    return next;
  }

  list(): ActiveOverride[] {
    return [...this.active.values()];
  }
}
