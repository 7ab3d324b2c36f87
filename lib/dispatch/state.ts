// What the dispatch remembers of each device between slots: the on/off it last asked for and
// why, the last one-shot start, the mode it had before a "disable", whether it is online. The
// snapshot is what "state" reports.
import type { DispatchBinding } from "../types";
import type { ActiveOverride } from "./overrides";
import type { PendingStart } from "./confirmation";

export type Source = "plan" | "override" | "failsafe";

export interface DeviceMemory {
  /** The on/off last asked of the appliance (continuous devices, overrides, fail-safe). */
  desired?: boolean;
  source?: Source;
  reason?: string;
  /** Slot (ISO start) of the last one-shot start sent, so a slot starts a device once. */
  startedSlot?: string;
  /** When the last start was confirmed (ISO). */
  lastStartAt?: string;
  online?: boolean;
  /** Power was already flagged while it should be off (reset when the order changes). */
  powerFlagged?: boolean;
  /** Moved to manual here after a confirmed start, until the bindings show it too. */
  heldManual?: boolean;
  /** Unsupported typology already reported. */
  unsupportedReported?: boolean;
}

export interface DeviceSnapshot {
  deviceId: string;
  family: string;
  plugId: string;
  mode: number;
  typology?: number;
  desired?: "on" | "off";
  source?: Source;
  reason?: string;
  override?: { action: string; until?: string };
  pendingStart?: { attempt: number; slotStart: string };
  lastStartAt?: string;
  online?: boolean;
}

export class DeviceStates {
  private readonly memory = new Map<string, DeviceMemory>();

  of(deviceId: string): DeviceMemory {
    let m = this.memory.get(deviceId);
    if (!m) {
      m = {};
      this.memory.set(deviceId, m);
    }
    return m;
  }

  /** Forgets devices no longer bound. */
  keepOnly(deviceIds: ReadonlySet<string>): void {
    for (const id of this.memory.keys()) if (!deviceIds.has(id)) this.memory.delete(id);
  }

  /** What survives a restart: the last orders and starts, not the time-outs in flight. */
  dump(): Record<string, Pick<DeviceMemory, "desired" | "source" | "startedSlot" | "lastStartAt" | "heldManual">> {
    const out: Record<string, Pick<DeviceMemory, "desired" | "source" | "startedSlot" | "lastStartAt" | "heldManual">> = {};
    for (const [id, m] of this.memory) {
      out[id] = { desired: m.desired, source: m.source, startedSlot: m.startedSlot, lastStartAt: m.lastStartAt, heldManual: m.heldManual };
    }
    return out;
  }

  snapshot(binding: DispatchBinding, mode: number, override?: ActiveOverride, pending?: PendingStart): DeviceSnapshot {
    const m = this.memory.get(binding.deviceId) ?? {};
    const snap: DeviceSnapshot = { deviceId: binding.deviceId, family: binding.family, plugId: binding.plugId, mode };
    if (binding.typology !== undefined) snap.typology = binding.typology;
    if (m.desired !== undefined) snap.desired = m.desired ? "on" : "off";
    if (m.source) snap.source = m.source;
    if (m.reason) snap.reason = m.reason;
    if (override) snap.override = override.until ? { action: override.action, until: override.until } : { action: override.action };
    if (pending) snap.pendingStart = { attempt: pending.attempt, slotStart: pending.slotStart };
    if (m.lastStartAt) snap.lastStartAt = m.lastStartAt;
    if (m.online !== undefined) snap.online = m.online;
    return snap;
  }
}
