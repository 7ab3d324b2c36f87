import { strict as assert } from "node:assert";
import { SimTerritory } from "../../../lib/sim/territory";
import { SimRoom } from "../../../lib/sim/room-live";
import { validateReading, validateSlotSeries } from "../../../lib/types";

const options = { zone: "Europe/Paris", stepMinutes: 15, seed: 42, pvPeakW: 60_000, households: 20 };

describe("sim: territory (PV, households, balance history)", function () {
  it("is deterministic from its seed, dark at night, sunny at noon in June, weaker in December", function () {
    const a = new SimTerritory(options);
    const b = new SimTerritory(options);
    const noon = Date.parse("2026-06-10T13:30:00+02:00");
    assert.equal(a.pvW(noon), b.pvW(noon));
    assert.equal(a.loadW(noon), b.loadW(noon));
    assert.notEqual(new SimTerritory({ ...options, seed: 43 }).pvW(noon), a.pvW(noon));
    assert.equal(a.pvW(Date.parse("2026-06-10T02:00:00+02:00")), 0);
    const day = (start: string) => Array.from({ length: 96 }, (_, i) => a.pvW(Date.parse(start) + i * 900_000)).reduce((x, y) => x + y, 0);
    assert.ok(day("2026-06-10T00:00:00+02:00") > 1.5 * day("2026-12-10T00:00:00+01:00"));
    assert.ok(a.loadW(Date.parse("2026-06-10T19:30:00+02:00")) > a.loadW(Date.parse("2026-06-10T03:30:00+02:00")));
    assert.equal(a.balanceW(noon), a.pvW(noon) - a.loadW(noon));
  });

  it("gives the history on the territory's slots, with the 100 quarter-hours of the fall-back day", function () {
    const sim = new SimTerritory(options);
    const end = Date.parse("2026-10-26T00:00:00+01:00");
    const h = sim.history(end, 1);
    assert.ok(validateSlotSeries.check(h).ok);
    assert.equal(h.start, "2026-10-25T00:00:00+02:00");
    assert.equal(h.values.length, 100);
    assert.ok(h.values.every((v) => Number.isFinite(v)));
    assert.equal(sim.history(Date.parse("2026-06-10T10:07:00+02:00"), 7).values.length, 7 * 96);
  });
});

describe("sim: room 4A020 in real time", function () {
  it("laptops charge on their plug and drain when it is cut, and the readings are valid Readings", function () {
    const room = new SimRoom({ zone: "Europe/Paris", seed: 7, laptops: 4 });
    const morning = Date.parse("2026-06-10T10:00:00+02:00");
    room.advance(morning);
    const working = room.laptops.find((l) => l.use.some(([a, b]) => a <= 600 && 660 <= b))!;
    assert.ok(working, "a laptop in use from 10:00 to 11:00");
    assert.equal(room.command({ deviceId: working.id, family: "jeedom", action: "off", reason: "shed", at: new Date(morning).toISOString() }), true);
    assert.equal(room.command({ deviceId: "PC99", family: "jeedom", action: "off", reason: "shed", at: new Date(morning).toISOString() }), false);
    const before = room.batteryPct(working.id)!;
    room.advance(morning + 3_600_000);
    assert.ok(room.batteryPct(working.id)! < before, "drains for an hour on battery");
    const r = room.readings(morning + 3_600_000);
    assert.equal(r.plugs.length, 4);
    assert.ok([...r.plugs, ...r.batteries].every((x) => validateReading.check(x).ok));
    assert.deepEqual(r.plugs.find((p) => p.deviceId === working.id)?.powerW, 0);
  });
});
