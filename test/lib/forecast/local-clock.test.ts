import { strict as assert } from "node:assert";
import { LocalClock, SeriesIndex } from "../../../lib/forecast";
import { SlotGrid } from "../../../lib/time";

const paris = new LocalClock("Europe/Paris");
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe("lib/forecast LocalClock", function () {
  it("finds the same local time k days earlier across DST changes", function () {
    // 2026-03-30 12:00+02:00 -> 2026-03-29 12:00+02:00 -> 2026-03-28 12:00+01:00
    const t = Date.parse("2026-03-30T10:00:00Z");
    assert.equal(iso(paris.daysBefore(t, 1)), "2026-03-29T10:00:00.000Z");
    assert.equal(iso(paris.daysBefore(t, 2)), "2026-03-28T11:00:00.000Z");
    assert.equal(iso(paris.daysBefore(t, -1)), "2026-03-31T10:00:00.000Z");
  });

  it("has no 02:30 on the spring-forward day, and picks an occurrence of 02:30 on the fall-back day", function () {
    assert.equal(paris.daysBefore(Date.parse("2026-03-30T00:30:00Z"), 1), null); // 02:30+02:00 on 03-30
    const second = paris.daysBefore(Date.parse("2026-10-26T01:30:00Z"), 1); // 02:30+01:00 on 10-26
    assert.equal(iso(second), "2026-10-25T01:30:00.000Z");
    const first = paris.daysBefore(Date.parse("2026-10-24T00:30:00Z"), -1); // 02:30+02:00 on 10-24
    assert.equal(iso(first), "2026-10-25T00:30:00.000Z");
  });

  it("gives local dates and hour starts in a half-hour zone", function () {
    const india = new LocalClock("Asia/Kolkata");
    const t = Date.parse("2026-06-10T19:00:00Z"); // 00:30 local on the 11th
    assert.equal(india.localDate(t), "2026-06-11");
    assert.equal(iso(india.hourStart(t)), "2026-06-10T18:30:00.000Z");
  });

  it("equals SlotGrid.starts over both DST changes", function () {
    const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });
    for (const from of ["2026-03-28T22:00:00+01:00", "2026-10-24T22:00:00+02:00"]) {
      const ms = Date.parse(from);
      assert.deepEqual(paris.slotStarts(grid, ms, 300), grid.starts(ms, 300).map((d) => d.toMillis()));
    }
  });

  it("reads a series by instant, a gap or outside being null", function () {
    const s = new SeriesIndex({ start: "2026-06-10T00:00:00Z", stepMinutes: 60, values: [1, null, 3], unit: "W" });
    assert.deepEqual([0, 1, 2, 3].map((h) => s.valueAt(Date.parse("2026-06-10T00:30:00Z") + h * 3_600_000)), [1, null, 3, null]);
    assert.equal(s.valueAt(Date.parse("2026-06-09T23:59:00Z")), null);
  });
});
