import { strict as assert } from "node:assert";
import { ecsEnergy, latestTemperatures } from "../../../lib/learning";

describe("lib/learning ecsEnergy", function () {
  const end = "2026-06-10T16:00:00Z";
  it("takes last − first counter reading over the last 24 h, in Wh from a kWh meter", function () {
    const counter = [
      { ts: "2026-06-09T15:00:00Z", value: 100 }, // before the window
      { ts: "2026-06-09T16:30:00Z", value: 101.2 },
      { ts: "2026-06-10T04:00:00Z", value: 103.0 },
      { ts: "2026-06-10T15:45:00Z", value: 104.5 },
    ];
    const r = ecsEnergy({ counter, counterUnit: "kWh" }, end);
    assert.equal(r.method, "counter");
    assert.ok(Math.abs(r.energyWh - 3300) < 1e-6);
    assert.equal(r.samples, 3);
  });

  it("steps over a counter reset", function () {
    const counter = [
      { ts: "2026-06-10T01:00:00Z", value: 5000 },
      { ts: "2026-06-10T02:00:00Z", value: 6000 },
      { ts: "2026-06-10T03:00:00Z", value: 100 },
      { ts: "2026-06-10T04:00:00Z", value: 600 },
    ];
    const r = ecsEnergy({ counter }, end);
    assert.deepEqual([r.energyWh, r.resets], [1500, 1]);
  });

  it("integrates the power (trapezoids) when there is no counter", function () {
    const power = [
      { ts: "2026-06-10T01:00:00Z", value: 0 },
      { ts: "2026-06-10T02:00:00Z", value: 2000 },
      { ts: "2026-06-10T04:00:00Z", value: 2000 },
      { ts: "2026-06-10T04:30:00Z", value: 0 },
    ];
    const r = ecsEnergy({ power, counter: [{ ts: "2026-06-10T01:00:00Z", value: 1 }] }, end);
    assert.equal(r.method, "power");
    assert.equal(r.energyWh, 1000 + 4000 + 500);
  });

  it("says when there is not enough data", function () {
    assert.throws(() => ecsEnergy({ power: [{ ts: "2026-06-10T01:00:00Z", value: 5 }] }, end), /not enough readings/);
  });
});

describe("lib/learning latestTemperatures", function () {
  it("keeps the latest reading per heater with its age, stale beyond the limit", function () {
    const readings = [
      { deviceId: "h1", ts: "2026-06-10T10:00:00Z", temperatureC: 19 },
      { deviceId: "h1", ts: "2026-06-10T10:50:00Z", temperatureC: 19.5 },
      { deviceId: "h1", ts: "2026-06-10T11:30:00Z", temperatureC: 30 }, // future
      { deviceId: "h2", ts: "2026-06-10T08:00:00Z", temperatureC: 17 },
      { deviceId: "h3", ts: "2026-06-10T10:59:00Z", powerW: 3 },
    ];
    assert.deepEqual(latestTemperatures(readings, "2026-06-10T11:00:00Z", 30), [
      { deviceId: "h1", temperatureC: 19.5, ts: "2026-06-10T10:50:00Z", ageMinutes: 10, stale: false },
      { deviceId: "h2", temperatureC: 17, ts: "2026-06-10T08:00:00Z", ageMinutes: 180, stale: true },
    ]);
  });
});
