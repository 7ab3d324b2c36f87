import { strict as assert } from "node:assert";
import { SlotGrid } from "../../../lib/time";

const paris = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });

describe("lib/time SlotGrid", function () {
  it("floors any instant to its quarter-hour in the territory's zone", function () {
    assert.equal(paris.iso(paris.slotStart("2026-06-10T10:22:31Z")), "2026-06-10T12:15:00+02:00");
    assert.equal(paris.iso(paris.slotEnd("2026-06-10T10:22:31Z")), "2026-06-10T12:30:00+02:00");
    assert.equal(paris.iso(paris.slotStart("2026-06-10T12:15:00+02:00")), "2026-06-10T12:15:00+02:00");
  });

  it("has 96 quarter-hours on a normal day, 92 on 2026-03-29 and 100 on 2026-10-25 in Paris", function () {
    assert.equal(paris.slotsInDay("2026-06-10"), 96);
    assert.equal(paris.slotsInDay("2026-03-29"), 92);
    assert.equal(paris.slotsInDay("2026-10-25"), 100);
    assert.equal(paris.slotsInDay("2026-10-25T23:59:00+01:00"), 100);
  });

  it("steps over the spring-forward gap: 01:45 is followed by 03:00", function () {
    const starts = paris.starts("2026-03-29T01:50:00+01:00", 3).map((d) => paris.iso(d));
    assert.deepEqual(starts, ["2026-03-29T01:45:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T03:15:00+02:00"]);
    assert.equal(paris.slotOfDay("2026-03-29T03:00:00+02:00"), 8);
  });

  it("counts the repeated hour twice on the fall-back day", function () {
    const starts = paris.starts("2026-10-25T02:45:00+02:00", 6).map((d) => paris.iso(d));
    assert.deepEqual(starts, [
      "2026-10-25T02:45:00+02:00",
      "2026-10-25T02:00:00+01:00",
      "2026-10-25T02:15:00+01:00",
      "2026-10-25T02:30:00+01:00",
      "2026-10-25T02:45:00+01:00",
      "2026-10-25T03:00:00+01:00",
    ]);
    assert.equal(paris.slotOfDay("2026-10-25T02:00:00+01:00"), 12);
    assert.equal(paris.slotOfDay("2026-10-25T23:45:00+01:00"), 99);
  });

  it("gives 96 consecutive starts 15 min apart across both DST changes", function () {
    for (const from of ["2026-03-28T12:00:00+01:00", "2026-10-24T12:00:00+02:00"]) {
      const starts = paris.starts(from, 96).map((d) => d.toMillis());
      for (let i = 1; i < starts.length; i++) assert.equal(starts[i] - starts[i - 1], 900_000);
    }
  });

  it("aligns hourly slots on the local clock in a +05:30 zone (Asia/Kolkata)", function () {
    const kolkata = new SlotGrid({ zone: "Asia/Kolkata", stepMinutes: 60 });
    assert.equal(kolkata.iso(kolkata.slotStart("2026-06-10T10:10:00Z")), "2026-06-10T15:00:00+05:30");
    assert.equal(kolkata.slotStart("2026-06-10T10:10:00Z").toUTC().toISO(), "2026-06-10T09:30:00.000Z");
    assert.equal(kolkata.slotsInDay("2026-06-10"), 24);
  });

  it("crosses a +09:30/+10:30 DST change in Adelaide with half-hour slots", function () {
    const adelaide = new SlotGrid({ zone: "Australia/Adelaide", stepMinutes: 30 });
    // 2026-10-04 02:00 ACST -> 03:00 ACDT
    assert.equal(adelaide.slotsInDay("2026-10-04"), 46);
    const starts = adelaide.starts("2026-10-04T01:30:00+09:30", 2).map((d) => adelaide.iso(d));
    assert.deepEqual(starts, ["2026-10-04T01:30:00+09:30", "2026-10-04T03:00:00+10:30"]);
  });

  it("says how long until the next boundary and counts slots from an origin", function () {
    assert.equal(paris.msUntilNextSlot("2026-06-10T12:14:30+02:00"), 30_000);
    assert.equal(paris.msUntilNextSlot("2026-06-10T12:15:00+02:00"), 900_000);
    assert.equal(paris.indexFrom("2026-10-25T00:00:00+02:00", "2026-10-25T02:00:00+01:00"), 12);
    assert.equal(paris.indexFrom("2026-06-10T12:00:00+02:00", "2026-06-10T11:50:00+02:00"), -1);
  });

  it("writes ISO times with the zone's own offset, milliseconds only when there are some", function () {
    assert.equal(paris.iso("2026-10-25T00:30:00Z"), "2026-10-25T02:30:00+02:00");
    assert.equal(paris.iso("2026-10-25T01:30:00Z"), "2026-10-25T02:30:00+01:00");
    assert.equal(paris.iso("2026-10-25T01:30:00.250Z"), "2026-10-25T02:30:00.250+01:00");
    assert.equal(new SlotGrid({ zone: "America/St_Johns", stepMinutes: 15 }).iso("2026-06-10T12:00:00Z"), "2026-06-10T09:30:00-02:30");
    // The same as luxon's own rendering, on every quarter-hour of both DST days.
    for (const ms of paris.startsMs("2026-03-28T12:00:00+01:00", 200).concat(paris.startsMs("2026-10-24T12:00:00+02:00", 200))) {
      assert.equal(paris.iso(ms), paris.at(ms).toISO({ suppressMilliseconds: true }));
    }
  });

  it("refuses an unknown zone, a slot length that does not divide a day and a malformed time", function () {
    assert.throws(() => new SlotGrid({ zone: "Europe/Atlantis", stepMinutes: 15 }), /unknown time zone/);
    assert.throws(() => new SlotGrid({ zone: "Europe/Paris", stepMinutes: 7 }), /dividing a day/);
    assert.throws(() => paris.slotStart("yesterday"), /not an ISO-8601 time/);
    assert.throws(() => paris.slotStart("2026-06-10T12:00:00"), /without offset/);
  });
});
