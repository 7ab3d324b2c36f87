// Plans and bindings for the dispatch tests.
import type { DispatchBinding, Plan, PlannedDevice } from "../../../lib/types";

export const ZONE = "Europe/Paris";

export function device(deviceId: string, decisions: number[], extra: Partial<PlannedDevice> = {}): PlannedDevice {
  return { deviceId, kind: "machine", continuous: false, decisions, energyWh: 1000, ...extra };
}

/** `slots` zeroes with 1 (or the given value) at each listed index. */
export function decisions(slots: number, ones: number[], value = 1): number[] {
  const d = new Array<number>(slots).fill(0);
  for (const i of ones) d[i] = value;
  return d;
}

export function plan(firstValidTimestamp: string, devices: PlannedDevice[], slotCount = 96): Plan {
  return {
    schemaVersion: 1,
    territory: "Vilaine",
    firstValidTimestamp,
    stepMinutes: 15,
    slotCount,
    devices,
    curves: { withoutFlexW: new Array(slotCount).fill(0), withFlexW: new Array(slotCount).fill(0) },
    runInfo: {
      buildMs: 1,
      solveMs: 1,
      method: "milp",
      objectiveWh: 0,
      deviceCount: devices.length,
      minHourDeficit: { w: 0, at: firstValidTimestamp },
      maxHourDeficit: { w: 0, at: firstValidTimestamp },
    },
    warnings: [],
  };
}

export function binding(deviceId: string, extra: Partial<DispatchBinding> = {}): DispatchBinding {
  return { deviceId, elfeType: 112, mode: 30, family: "shelly-gen1", plugId: `plug-${deviceId}`, typology: 120, ...extra };
}

export const heater = (deviceId: string, extra: Partial<DispatchBinding> = {}) =>
  binding(deviceId, { elfeType: 131, family: "tasmota", plugId: `tasmota-${deviceId}`, ...extra });
