// Start confirmation: after a one-shot start, wait for a Reading that shows it happened — the
// main device's switch in the expected state, or the appliance's power above its start threshold
// — within a time-out. ELFE moves the appliance to manual on a failed start and so loses the
// flexibility; here the caller retries a bounded number of times and then reports.
import type { Reading } from "../types";
import type { ConfirmPolicy } from "./typologies/typology";

export interface PendingStart {
  deviceId: string;
  /** 1 for the first start, 2 for the first retry … */
  attempt: number;
  sentAt: number;
  deadline: number;
  policy: ConfirmPolicy;
  thresholdW: number;
  /** Ids whose switch state counts (the appliance and its main plug). */
  mainIds: ReadonlySet<string>;
  /** Every id of the installation whose power counts (plug, meter, sensor, fingers). */
  ids: ReadonlySet<string>;
  /** The slot the start was planned for (ISO). */
  slotStart: string;
  /** A reading after the order showed the appliance not drawing power: it did not start. */
  sawLowPower: boolean;
}

export type ReadingVerdict = { confirmed: PendingStart; by: string } | undefined;

/** Readings stamped this long before the order still count (clock skew between hosts). */
const SKEW_MS = 2_000;

export class ConfirmationTracker {
  private readonly pending = new Map<string, PendingStart>();
  /** Reading id -> the devices whose pending start it may confirm. */
  private readonly byId = new Map<string, Set<string>>();

  begin(start: PendingStart): void {
    this.cancel(start.deviceId);
    this.pending.set(start.deviceId, start);
    for (const id of start.ids) {
      let set = this.byId.get(id);
      if (!set) this.byId.set(id, (set = new Set()));
      set.add(start.deviceId);
    }
  }

  get(deviceId: string): PendingStart | undefined {
    return this.pending.get(deviceId);
  }

  cancel(deviceId: string): void {
    const p = this.pending.get(deviceId);
    if (!p) return;
    this.pending.delete(deviceId);
    for (const id of p.ids) {
      const set = this.byId.get(id);
      set?.delete(deviceId);
      if (set?.size === 0) this.byId.delete(id);
    }
  }

  /** Applies a reading; a start it confirms is removed and returned. */
  onReading(reading: Reading, readingMs: number): ReadingVerdict {
    for (const deviceId of this.byId.get(reading.deviceId) ?? []) {
      const p = this.pending.get(deviceId);
      if (!p || readingMs < p.sentAt - SKEW_MS) continue;
      if (p.policy.expectOn !== undefined && reading.on === p.policy.expectOn && p.mainIds.has(reading.deviceId)) {
        this.cancel(p.deviceId);
        return { confirmed: p, by: `${reading.deviceId} reports ${reading.on ? "on" : "off"}` };
      }
      if (p.policy.power && reading.powerW !== undefined) {
        if (reading.powerW >= p.thresholdW) {
          this.cancel(p.deviceId);
          return { confirmed: p, by: `${reading.deviceId} draws ${reading.powerW} W (≥ ${p.thresholdW} W)` };
        }
        p.sawLowPower = true;
      }
    }
    return undefined;
  }

  /** Removes and returns the starts whose time-out has passed. */
  due(now: number): PendingStart[] {
    const out = [...this.pending.values()].filter((p) => p.deadline <= now);
    for (const p of out) this.cancel(p.deviceId);
    return out;
  }

  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const p of this.pending.values()) if (next === undefined || p.deadline < next) next = p.deadline;
    return next;
  }

  list(): PendingStart[] {
    return [...this.pending.values()];
  }
}
