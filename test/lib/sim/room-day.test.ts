import { strict as assert } from "node:assert";
import { roomConfig, seedLoopConfig } from "../../../lib/room";
import { cloudyPv, sampleRoom, simulateRoomDay, type RoomDayOptions } from "../../../lib/sim/room-day";

const day = Date.parse("2026-04-15T00:00:00+02:00");
const base = { day, periodMin: 10, capacityWh: 50, runW: 15, chargeW: 35, taperW: 12 };

describe("a simulated day of room 4A020", function () {
  this.timeout(20_000);
  const laptops = sampleRoom(6, 5);
  const ids = laptops.map((l) => l.id);

  it("PV hovering near the load: the seed's loop toggles every period, the room manager is bounded by its minimum times", function () {
    // 6 laptops draw about 6 × 50 W; the PV wanders ±20 W around 250 W all working day
    const options: RoomDayOptions = { ...base, laptops, pvAt: (m) => (m >= 480 && m < 1080 ? 250 + 20 * Math.sin(m / 7) : 0) };
    const seed = simulateRoomDay(options, { kind: "room", config: seedLoopConfig({ laptops: ids }) });
    const ours = simulateRoomDay(options, { kind: "room", config: roomConfig({ laptops: ids }) });
    // minimum on and off times of 20 min: at most on-off-on within any hour per plug
    assert.ok(ours.maxSwitchesPerPlugHour <= 3, `max ${ours.maxSwitchesPerPlugHour} switches of one plug in an hour`);
    assert.ok(seed.maxSwitchesPerPlugHour >= 10, `the seed's loop toggles each period (${seed.maxSwitchesPerPlugHour}/h)`);
    assert.ok(ours.switches * 4 < seed.switches, `${ours.switches} switches vs the seed's ${seed.switches}`);
  });

  it("on a cloudy day: more self-sufficient than no control, far fewer switches than the seed, energy balanced", function () {
    const options: RoomDayOptions = { ...base, laptops, pvAt: cloudyPv(300, 11) };
    const none = simulateRoomDay(options, { kind: "none" });
    const seed = simulateRoomDay(options, { kind: "room", config: seedLoopConfig({ laptops: ids }) });
    const ours = simulateRoomDay(options, { kind: "room", config: roomConfig({ laptops: ids }) });
    for (const r of [none, seed, ours]) {
      assert.ok(Math.abs(r.selfConsumedWh + r.importedWh - r.consumedWh) < 1e-6, "self-consumed + imported = consumed");
      assert.ok(r.selfConsumedWh <= r.pvWh + 1e-6);
    }
    assert.equal(none.switches, 0);
    assert.ok(ours.importedWh < none.importedWh, `import ${ours.importedWh.toFixed(0)} Wh vs ${none.importedWh.toFixed(0)} Wh uncontrolled`);
    assert.ok(ours.switches * 4 < seed.switches);
    assert.ok(ours.maxSwitchesPerPlugHour <= 3);
  });
});
