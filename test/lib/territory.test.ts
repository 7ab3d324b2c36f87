import { strict as assert } from "node:assert";
import { parseTerritory, slotTick } from "../../lib/territory";

describe("lib/territory", function () {
  it("fills defaults from blank editor fields", function () {
    assert.deepEqual(parseTerritory({ name: "", zone: "", stepMinutes: "", horizonSlots: "", latitude: "", longitude: "" }), {
      name: "territory", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96, latitude: undefined, longitude: undefined,
    });
  });

  it("refuses bad settings with a message naming the field", function () {
    assert.throws(() => parseTerritory({ stepMinutes: "7" }), /dividing a day/);
    assert.throws(() => parseTerritory({ horizonSlots: "abc" }), /horizonSlots/);
    assert.throws(() => parseTerritory({ latitude: "95" }), /latitude/);
    assert.throws(() => parseTerritory({ zone: "Mars/Olympus" }), /unknown time zone/);
  });

  it("announces the slot, its index in a DST day and the next horizon", function () {
    const t = parseTerritory({ name: "Vilaine", horizonSlots: 4 });
    const tick = slotTick(t, "2026-10-25T02:07:00+01:00");
    assert.equal(tick.slotStart, "2026-10-25T02:00:00+01:00");
    assert.equal(tick.slotEnd, "2026-10-25T02:15:00+01:00");
    assert.equal(tick.slotOfDay, 12);
    assert.equal(tick.slotsInDay, 100);
    assert.deepEqual(tick.horizon, ["2026-10-25T02:00:00+01:00", "2026-10-25T02:15:00+01:00", "2026-10-25T02:30:00+01:00", "2026-10-25T02:45:00+01:00"]);
  });
});
