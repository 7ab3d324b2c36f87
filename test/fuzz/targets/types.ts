// The message validators of lib/types.ts, which every node runs on its input: valid samples of each
// contract, mutated. Typed error: ValidationError; what passes holds no NaN or Infinity.
import * as types from "../../../lib/types";
import { ValidationError } from "../../../lib/types";
import { typedError, type FuzzTarget } from "../harness";

const AT = "2026-06-10T12:00:00+02:00";
const plan = {
  schemaVersion: 1, territory: "Pays de Vilaine", firstValidTimestamp: AT, stepMinutes: 15, slotCount: 2,
  devices: [{ deviceId: "m1", kind: "machine", continuous: false, decisions: [1, 0], start: AT, energyWh: 500 }],
  curves: { withoutFlexW: [100, -200], withFlexW: [-1900, -200] },
  runInfo: { buildMs: 1, solveMs: 2, method: "milp", objectiveWh: 10, boundWh: 9, gap: 0.1, deviceCount: 1, minHourDeficit: { w: -100, at: AT }, maxHourDeficit: { w: 200, at: AT } },
  warnings: [{ code: "WARN_CONSTRAINT", deviceId: "m1", message: "late" }],
};
const flex = [
  { deviceId: "m1", kind: "machine", profileW: [1750, 500], earliestStart: AT, latestEnd: "2026-06-10T18:00:00Z", optional: true },
  { deviceId: "w1", kind: "water-heater", powerW: 2000, energyWh: 3000, windows: [{ start: AT, end: "2026-06-10T16:00:00+02:00" }] },
  { deviceId: "e1", kind: "ev", maxPowerW: 7400, minPowerW: 1400, capacityWh: 50000, socPct: 20, targetSocPct: 80, departure: "2026-06-11T07:00:00Z", modulating: true },
  { deviceId: "h1", kind: "heater-pilot-wire", ecoW: 500, comfortW: 1500, comfortPeriods: [{ start: AT, end: "2026-06-10T22:00:00+02:00" }], ecoForcedMaxPct: 30 },
  { deviceId: "t1", kind: "heater-thermal", maxPowerW: 2000, tempC: 19, model: { resistanceKPerW: 0.01, capacityJPerK: 1e7 }, bands: [{ start: AT, end: "2026-06-10T22:00:00+02:00", minC: 19, maxC: 21 }] },
];
const validators: [string, { parse(v: unknown): unknown }, unknown[]][] = [
  ["SlotSeries", types.validateSlotSeries, [{ start: AT, stepMinutes: 15, values: [1, null, -3], unit: "W", quantity: "balance" }]],
  ["FlexRequest", types.validateFlexRequest, flex],
  ["FlexRequest[]", types.validateFlexRequests, [flex]],
  ["Plan", types.validatePlan, [plan]],
  ["DeviceCommand", types.validateDeviceCommand, [{ deviceId: "p1", family: "tasmota", action: "set", value: 30, reason: "plan", at: AT }]],
  ["Reading", types.validateReading, [{ deviceId: "p1", ts: AT, powerW: 45.2, energyWh: 1200, on: true, online: true, batteryPct: 50, charging: false, temperatureC: 21.5, humidityPct: 40 }]],
  ["DeviceBinding", types.validateDeviceBinding, [{ deviceId: "12", name: "Lave-linge", elfeType: 111, mode: 30, family: "shelly-gen1", plugId: "shellyplug-s-A8BC25", typology: 1 }]],
  ["SlotTick", types.validateSlotTick, [{ territory: "t", zone: "Europe/Paris", stepMinutes: 15, slotStart: AT, slotEnd: "2026-06-10T12:15:00+02:00", slotOfDay: 48, slotsInDay: 96, horizon: [AT] }]],
  ["SetpointCommand", types.validateSetpointCommand, [{ point: "heating", id: "01/Server 1/4A020/Setpoint", value: 20.5, unit: "°C", reason: "warmth", at: AT }]],
  ["BatteryReading", types.validateBatteryReading, [{ deviceId: "pc01", ts: AT, online: true, batteryPct: 83, batteryBand: { name: "high", minPct: 66, maxPct: 100 }, onMains: true, batteryExact: false }]],
  ["LearnedProfile", types.validateLearnedProfile, [{ deviceId: "m1", profileW: [1750.8, 516.6], stepMinutes: 15, durationMinutes: 30, energyWh: 566, cycleCount: 3, method: "median", learnedAt: AT }]],
  ["Override", types.validateOverride, [{ deviceId: "m1", action: "on", until: AT }]],
  ["DeviceBinding[]", types.validateDispatchBindings, [[{ deviceId: "12", elfeType: 111, mode: 30, family: "switchbot", plugId: "hub1/bot1", powerFinger: { family: "switchbot", plugId: "hub1/bot2" }, failSafe: "off", startPowerW: 50 }]]],
  ["DispatchEvent", types.validateDispatchEvent, [{ kind: "confirmed", at: AT, message: "ok", deviceId: "12", attempt: 1, coordination: { mode: 30, commandState: 1, controlState: 1, running: true, lastStartAt: AT } }]],
];

export const typesTargets: FuzzTarget[] = validators.map(([shape, v, samples]) => ({
  name: `types: validate ${shape}`,
  samples,
  run: (input) => v.parse(input),
  typed: typedError(ValidationError),
  // DispatchEvent.devices is free-form by contract (records of anything).
  allowNonFinite: (path) => path.startsWith(".devices"),
}));
