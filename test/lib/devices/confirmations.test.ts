import { strict as assert } from "node:assert";
import { AddressBook, Confirmations } from "../../../lib/devices";
import type { DeviceCommand } from "../../../lib/types";

const on: DeviceCommand = { deviceId: "washer", family: "tasmota", action: "on", reason: "plan", at: "2026-05-02T14:00:00+02:00" };
const off: DeviceCommand = { ...on, action: "off" };
const msg = [{ topic: "cmnd/A1/POWER", payload: "ON", qos: 1 as const, retain: false }];
const ts = "2026-05-02T12:00:00.000Z";

describe("confirmation tracker", function () {
  it("confirms on agreeing state, not on a disagreeing one", function () {
    const c = new Confirmations({ timeoutMs: 1000, retries: 2, idleW: 5 });
    c.sent(on, msg, 0);
    assert.deepEqual(c.observe({ readings: [{ deviceId: "washer", ts, on: false }], acks: [] }, 10).events, []);
    const due = c.observe({ readings: [{ deviceId: "washer", ts, on: true }], acks: [] }, 20);
    assert.deepEqual(due.events.map((e) => [e.event, e.attempts]), [["confirmed", 1]]);
    assert.equal(c.size, 0);
    assert.deepEqual(c.observe({ readings: [{ deviceId: "washer", ts, powerW: 2 }], acks: [] }, 30).events, [], "standby power is not a start");
    assert.deepEqual(c.observe({ readings: [{ deviceId: "washer", ts, powerW: 1850 }], acks: [] }, 40).events.map((e) => [e.event, e.detail]), [["started", "1850 W"]]);
    assert.deepEqual(c.observe({ readings: [{ deviceId: "washer", ts, powerW: 1900 }], acks: [] }, 50).events, [], "reported once");
  });

  it("retries at each time-out, then fails; at once when the last will said offline", function () {
    const c = new Confirmations({ timeoutMs: 1000, retries: 1, idleW: 5 });
    c.sent(on, msg, 0);
    assert.deepEqual(c.tick(999), { resend: [], events: [] });
    const first = c.tick(1000);
    assert.deepEqual(first.resend.map((r) => [r.messages, r.event.event, r.event.attempts]), [[msg, "retry", 2]]);
    assert.equal(c.nextDeadline(), 2000);
    assert.deepEqual(c.tick(2000).events.map((e) => [e.event, e.attempts]), [["failed", 2]]);
    c.sent(on, msg, 3000);
    const lwt = c.observe({ readings: [{ deviceId: "washer", ts, online: false }], acks: [] }, 3100);
    assert.deepEqual(lwt.events.map((e) => e.event), ["offline"]);
    const failed = c.tick(4000).events[0];
    assert.equal(failed.event, "failed");
    assert.match(failed.detail!, /offline \(last will\)/);
  });

  it("flags power drawn by a device that should be off", function () {
    const c = new Confirmations({ timeoutMs: 1000, retries: 0, idleW: 5 });
    c.sent(off, msg, 0);
    c.observe({ readings: [{ deviceId: "washer", ts, on: false }], acks: [] }, 10);
    assert.deepEqual(c.observe({ readings: [{ deviceId: "washer", ts, powerW: 3 }], acks: [] }, 20).events, []);
    assert.deepEqual(c.observe({ readings: [{ deviceId: "washer", ts, powerW: 640 }], acks: [] }, 30).events.map((e) => [e.event, e.detail]), [["power-while-off", "640 W"]]);
    assert.deepEqual(c.observe({ readings: [{ deviceId: "washer", ts, powerW: 650 }], acks: [] }, 40).events, [], "once per episode");
    c.observe({ readings: [{ deviceId: "washer", ts, powerW: 0 }], acks: [] }, 50);
    assert.equal(c.observe({ readings: [{ deviceId: "washer", ts, powerW: 700 }], acks: [] }, 60).events.length, 1);
  });

  it("maps device ids to plug ids both ways; unlisted ids are their own plug", function () {
    const book = new AddressBook("washer = A123\n  ev=D003 \nbroken\n");
    assert.deepEqual([book.plugOf("washer"), book.plugOf("ev"), book.plugOf("x"), book.deviceOf("D003"), book.deviceOf("zz")], ["A123", "D003", "x", "ev", "zz"]);
  });
});
