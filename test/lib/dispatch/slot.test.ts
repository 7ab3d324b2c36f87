import { strict as assert } from "node:assert";
import { PlanBook, decisionAt, planEnd, slotPosition } from "../../../lib/dispatch";
import { ZONE, decisions, device, plan } from "./fixtures";

describe("dispatch slot lookup", function () {
  it("counts real slots from the plan's first valid timestamp", function () {
    const p = plan("2026-06-10T12:00:00+02:00", []);
    assert.deepEqual(slotPosition(p, ZONE, "2026-06-10T12:00:00+02:00"), { state: "current", index: 0, slotStart: "2026-06-10T12:00:00+02:00" });
    assert.deepEqual(slotPosition(p, ZONE, "2026-06-10T12:14:59+02:00"), { state: "current", index: 0, slotStart: "2026-06-10T12:00:00+02:00" });
    assert.equal(slotPosition(p, ZONE, "2026-06-10T13:15:00+02:00").index, 5);
    assert.equal(slotPosition(p, ZONE, "2026-06-11T11:45:00+02:00").index, 95);
  });

  it("has no slot yet for a plan that starts in the future (no early slot 0 as ELFE's truncation gives)", function () {
    const p = plan("2026-06-10T12:15:00+02:00", []);
    assert.deepEqual(slotPosition(p, ZONE, "2026-06-10T12:05:00+02:00"), { state: "future", index: -1 });
  });

  it("expires the plan when its horizon has passed", function () {
    const p = plan("2026-06-10T12:00:00+02:00", []);
    assert.deepEqual(slotPosition(p, ZONE, "2026-06-11T12:00:00+02:00"), { state: "expired", index: 96 });
    assert.equal(planEnd(p, ZONE), "2026-06-11T12:00:00+02:00");
  });

  it("across the spring-forward day (92 quarter-hours) the index follows real time, not the wall clock", function () {
    const p = plan("2026-03-29T00:00:00+01:00", [], 92);
    // 03:00 CEST is only 2 h after midnight CET: slot 8, not 12.
    assert.equal(slotPosition(p, ZONE, "2026-03-29T03:00:00+02:00").index, 8);
    assert.equal(slotPosition(p, ZONE, "2026-03-29T23:45:00+02:00").index, 91);
    assert.equal(slotPosition(p, ZONE, "2026-03-30T00:00:00+02:00").state, "expired");
    assert.equal(planEnd(p, ZONE), "2026-03-30T00:00:00+02:00");
  });

  it("across the fall-back day (100 quarter-hours) both 02:xx hours get their own slots", function () {
    const p = plan("2026-10-25T00:00:00+02:00", [], 100);
    assert.equal(slotPosition(p, ZONE, "2026-10-25T02:30:00+02:00").index, 10);
    assert.equal(slotPosition(p, ZONE, "2026-10-25T02:30:00+01:00").index, 14);
    assert.equal(slotPosition(p, ZONE, "2026-10-25T23:45:00+01:00").index, 99);
    assert.equal(slotPosition(p, ZONE, "2026-10-26T00:00:00+01:00").state, "expired");
  });

  it("reads a missing decision as 0", function () {
    assert.equal(decisionAt(device("a", [0, 1]), 1), 1);
    assert.equal(decisionAt(device("a", [0, 1]), 5), 0);
  });

  it("the plan book gives each device the newest plan covering now, and tells fresh from expired from missing", function () {
    const book = new PlanBook(ZONE);
    assert.equal(book.freshness("2026-06-10T12:00:00+02:00"), "missing");
    book.add(plan("2026-06-10T12:00:00+02:00", [device("wm", decisions(96, [3])), device("dw", decisions(96, [4]))]));
    // The next plan is published before its first slot, and no longer holds the dishwasher.
    book.add(plan("2026-06-10T12:15:00+02:00", [device("wm", decisions(96, [0]))]));
    const before = book.lookup("wm", "2026-06-10T12:10:00+02:00");
    assert.equal(before?.plan.firstValidTimestamp, "2026-06-10T12:00:00+02:00");
    assert.equal(before?.index, 0);
    const after = book.lookup("wm", "2026-06-10T12:15:00+02:00");
    assert.equal(after?.plan.firstValidTimestamp, "2026-06-10T12:15:00+02:00");
    assert.equal(after?.decision, 1);
    assert.equal(book.lookup("dw", "2026-06-10T13:00:00+02:00")?.decision, 1, "the dishwasher keeps its previous plan");
    assert.equal(book.freshness("2026-06-11T12:10:00+02:00"), "fresh");
    assert.equal(book.freshness("2026-06-11T12:15:00+02:00"), "expired");
    assert.equal(book.lookup("wm", "2026-06-11T12:15:00+02:00"), undefined);
  });
});
