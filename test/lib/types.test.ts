import { strict as assert } from "node:assert";
import {
  ValidationError,
  validateDeviceCommand,
  validateFlexRequest,
  validatePlan,
  validateReading,
  validateSlotSeries,
} from "../../lib/types";

const fails = (result: { ok: boolean; error?: ValidationError }, pattern: RegExp) => {
  assert.equal(result.ok, false);
  assert.match(result.error!.message, pattern);
};

describe("lib/types validators", function () {
  it("accept a valid SlotSeries with gaps and reject NaN, a zone-less time and a missing unit, naming the field", function () {
    assert.ok(validateSlotSeries.check({ start: "2026-06-10T12:00:00+02:00", stepMinutes: 15, values: [1, null, -3], unit: "W" }).ok);
    fails(validateSlotSeries.check({ start: "2026-06-10T12:00:00+02:00", stepMinutes: 15, values: [1, Number.NaN], unit: "W" }), /SlotSeries: values\[1\]/);
    fails(validateSlotSeries.check({ start: "2026-06-10T12:00:00", stepMinutes: 15, values: [], unit: "W" }), /SlotSeries: start/);
    fails(validateSlotSeries.check({ start: "2026-06-10T12:00:00Z", stepMinutes: 15, values: [] }), /unit/);
  });

  it("tell FlexRequest kinds apart and name the missing field of each", function () {
    const machine = { deviceId: "m1", kind: "machine", profileW: [1750, 500], earliestStart: "2026-06-10T08:00:00Z", latestEnd: "2026-06-10T18:00:00Z" };
    assert.ok(validateFlexRequest.check(machine).ok);
    fails(validateFlexRequest.check({ ...machine, profileW: [] }), /profileW/);
    fails(validateFlexRequest.check({ deviceId: "e1", kind: "ev", maxPowerW: 7400, capacityWh: 50000, socPct: 120, targetSocPct: 80, departure: "2026-06-10T07:00:00Z", modulating: true }), /socPct/);
    fails(validateFlexRequest.check({ deviceId: "w1", kind: "water-heater", powerW: 2000, energyWh: 3000 }), /windows/);
    fails(validateFlexRequest.check({ deviceId: "x", kind: "boat" }), /kind/);
  });

  it("check a Plan, a DeviceCommand and a Reading", function () {
    const plan = {
      schemaVersion: 1,
      territory: "Pays de Vilaine",
      firstValidTimestamp: "2026-06-10T12:00:00+02:00",
      stepMinutes: 15,
      slotCount: 2,
      devices: [{ deviceId: "m1", kind: "machine", continuous: false, decisions: [1, 0], energyWh: 500 }],
      curves: { withoutFlexW: [100, -200], withFlexW: [-1900, -200] },
      runInfo: {
        buildMs: 1, solveMs: 2, method: "milp", objectiveWh: 10, deviceCount: 1,
        minHourDeficit: { w: -100, at: "2026-06-10T12:00:00+02:00" }, maxHourDeficit: { w: 200, at: "2026-06-10T12:00:00+02:00" },
      },
      warnings: [],
    };
    assert.ok(validatePlan.check(plan).ok);
    fails(validatePlan.check({ ...plan, devices: [{ ...plan.devices[0], decisions: [1, "0"] }] }), /devices\[0\]\.decisions\[1\]/);
    assert.ok(validateDeviceCommand.check({ deviceId: "p1", family: "tasmota", action: "on", reason: "plan", at: "2026-06-10T12:00:00Z" }).ok);
    fails(validateDeviceCommand.check({ deviceId: "p1", family: "zigbee", action: "on", reason: "plan", at: "2026-06-10T12:00:00Z" }), /family/);
    fails(validateReading.check({ deviceId: "p1", ts: "2026-06-10T12:00:00Z", batteryPct: 140 }), /batteryPct/);
  });

  it("parse() throws the ValidationError itself", function () {
    assert.throws(() => validateReading.parse({ ts: "2026-06-10T12:00:00Z" }), (err: unknown) => err instanceof ValidationError && /deviceId/.test(err.message));
  });
});
