import { strict as assert } from "node:assert";
import { DeviceMessageError } from "../../../lib/devices";
import { applyScreenEvent, drawScreen, parseScreenMessage, screenViewOf, type ScreenMessage } from "../../../lib/devices/openhasp";
import type { ScreenView } from "../../../lib/types";

const options = { zone: "Europe/Paris", stepMinutes: 15 };
const view: ScreenView = {
  node: "g002",
  balanceW: 12500,
  devices: [
    { deviceId: "washer", name: "Lave-linge", elfeType: 112, mode: 20, latestEnd: "2026-05-02T18:00:00+02:00", cycleMinutes: 150, powerW: 800 },
    { deviceId: "ev", elfeType: 221, mode: 30, departure: "2026-05-03T07:00:00+02:00", socPct: 40, targetSocPct: 80, capacityWh: 40000, maxPowerW: 7400, nextStart: "2026-05-02T23:15:00+02:00" },
    { deviceId: "tank", elfeType: 131, mode: 30 },
  ],
};
const lines = (payloads: string[]) => payloads.flatMap((p) => p.split("\n").map((l) => JSON.parse(l)));
const event = (page: number, id: number, ev: string, val?: number): Extract<ScreenMessage, { kind: "event" }> => ({ kind: "event", node: "g002", page, id, event: ev, val });
// 2026-05-02 14:07 in Paris (UTC+2)
const nowMs = Date.parse("2026-05-02T12:07:00Z");

describe("openHASP ELFI screen", function () {
  it("updates values only: LED, dropdown indexes, switch, summary LEDs, balance and connection label", function () {
    const msgs = drawScreen(view, options, false);
    assert.ok(msgs.every((m) => m.topic === "hasp/g002/command/jsonl" && m.qos === 1 && !m.retain && m.payload.length < 2000));
    const all = lines(msgs.map((m) => m.payload));
    const at = (page: number, id: number) => all.find((l) => l.page === page && l.id === id);
    assert.deepEqual(at(3, 10), { page: 3, id: 10, bg_color: "#FF0000" });
    assert.deepEqual(at(3, 3), { page: 3, id: 3, val: 0 });
    assert.deepEqual(at(3, 8), { page: 3, id: 8, val: 18 });
    assert.deepEqual(at(3, 9), { page: 3, id: 9, val: 0 });
    assert.deepEqual(at(3, 5), { page: 3, id: 5, val: 2 });
    assert.deepEqual(at(3, 6), { page: 3, id: 6, val: 2 });
    assert.deepEqual(at(5, 5), { page: 5, id: 5, val: 7 });
    assert.deepEqual(at(5, 8), { page: 5, id: 8, val: 4 });
    assert.deepEqual(at(5, 11), { page: 5, id: 11, text: "Départ prévu 23:15" });
    assert.deepEqual(at(6, 10), { page: 6, id: 10, bg_color: "#00FF00" });
    assert.deepEqual([at(8, 13)?.bg_color, at(8, 15)?.bg_color, at(8, 16)?.bg_color, at(8, 12)], ["#FF0000", "#00FF00", "#00FF00", undefined]);
    assert.deepEqual(at(8, 20), { page: 8, id: 20, text: "Équilibre +12.5 kW" });
    assert.deepEqual(at(9, 8), { page: 9, id: 8, text: "écran connecté", text_color: "#208020" });
    assert.equal(all.some((l) => "obj" in l), false);
  });

  it("draws in full after a reboot: clears pages 2–9, then creates each object", function () {
    const msgs = drawScreen(view, options, true);
    assert.deepEqual(msgs.slice(0, 8).map((m) => [m.topic, m.payload]), [2, 3, 4, 5, 6, 7, 8, 9].map((p) => ["hasp/g002/command/clearpage", String(p)]));
    const all = lines(msgs.slice(8).map((m) => m.payload));
    assert.ok(msgs.slice(8).every((m) => m.payload.length <= 1800));
    const deadline = all.find((l) => l.page === 3 && l.id === 8);
    assert.equal(deadline.obj, "dropdown");
    assert.equal(deadline.options.split("\n").length, 24);
    assert.equal(all.find((l) => l.page === 3 && l.id === 3).obj, "switch");
    assert.equal(all.find((l) => l.page === 9 && l.id === 8).obj, "label");
  });

  it("parses events and the LWT; ignores other state topics; rejects garbage", function () {
    assert.deepEqual(parseScreenMessage({ topic: "hasp/g002/state/p3b8", payload: '{"event":"changed","val":17,"text":"17"}' }), { kind: "event", node: "g002", page: 3, id: 8, event: "changed", val: 17, text: "17" });
    assert.deepEqual(parseScreenMessage({ topic: "hasp/g002/LWT", payload: "online" }), { kind: "lwt", node: "g002", online: true });
    assert.equal(parseScreenMessage({ topic: "hasp/g002/state/idle", payload: "off" }), null);
    assert.equal(parseScreenMessage({ topic: "shellies/x/online", payload: "true" }), null);
    assert.throws(() => parseScreenMessage({ topic: "hasp/g002/state/p3b8", payload: "down" }), (e: unknown) => e instanceof DeviceMessageError && e.code === "not-json");
    assert.throws(() => parseScreenMessage({ topic: "hasp/g002/state/p3b8", payload: { val: 1 } }), /event is missing/);
    assert.throws(() => parseScreenMessage({ topic: "hasp/g002/state/p3b8", payload: { event: "changed", val: "x" } }), /val is not a number/);
  });

  it("switching a machine to piloted rolls its past deadline forward and declares 'finish by 18:00'", function () {
    const stale = { ...view, devices: [{ ...view.devices[0], latestEnd: "2026-04-28T18:07:00+02:00" }] };
    const out = applyScreenEvent(stale, event(3, 3, "up", 1), nowMs, options);
    assert.deepEqual(out.actions, [{ event: "mode", deviceId: "washer", mode: 30, at: "2026-05-02T14:07:00.000+02:00" }]);
    assert.equal(out.view.devices[0].latestEnd, "2026-05-02T18:00:00.000+02:00");
    assert.deepEqual(out.flex, {
      deviceId: "washer",
      name: "Lave-linge",
      elfeType: 112,
      kind: "machine",
      profileW: Array(10).fill(800),
      earliestStart: "2026-05-02T14:07:00.000+02:00",
      latestEnd: "2026-05-02T18:00:00.000+02:00",
    });
    assert.equal(out.redraw, true);
    const manual = applyScreenEvent(out.view, event(3, 3, "up", 0), nowMs, options);
    assert.deepEqual(manual.actions.map((a) => a.event === "mode" && a.mode), [20]);
    assert.equal(manual.flex, undefined);
  });

  it("deadline and cycle dropdowns edit the wished time (today, else tomorrow) and the duration", function () {
    const piloted = { ...view, devices: [{ ...view.devices[0], mode: 30 }] };
    const hour = applyScreenEvent(piloted, event(3, 8, "changed", 9), nowMs, options);
    assert.equal(hour.view.devices[0].latestEnd, "2026-05-03T09:00:00.000+02:00", "09:00 has passed today: tomorrow");
    assert.equal(hour.flex?.kind === "machine" && hour.flex.latestEnd, "2026-05-03T09:00:00.000+02:00");
    const quarter = applyScreenEvent(hour.view, event(3, 9, "changed", 3), nowMs, options);
    assert.equal(quarter.view.devices[0].latestEnd, "2026-05-03T09:45:00.000+02:00");
    const cycle = applyScreenEvent(quarter.view, event(3, 5, "changed", 1), nowMs, options);
    assert.equal(cycle.view.devices[0].cycleMinutes, 90);
    assert.equal(cycle.flex?.kind === "machine" && cycle.flex.profileW.length, 6);
    const ignored = applyScreenEvent(piloted, event(3, 8, "down", 9), nowMs, options);
    assert.equal(ignored.redraw, false);
    assert.equal(ignored.view, piloted);
    const start = applyScreenEvent(piloted, event(3, 12, "up"), nowMs, options);
    assert.deepEqual(start.actions.map((a) => a.event), ["start-now"]);
  });

  it("a deadline set the evening before the spring DST change lands on the next day's wall-clock hour", function () {
    const piloted = { ...view, devices: [{ ...view.devices[0], mode: 30 }] };
    const evening = Date.parse("2026-03-28T21:00:00Z"); // 22:00 in Paris, UTC+1
    const out = applyScreenEvent(piloted, event(3, 8, "changed", 9), evening, options);
    assert.equal(out.view.devices[0].latestEnd, "2026-03-29T09:00:00.000+02:00");
    const autumn = applyScreenEvent(piloted, event(3, 8, "changed", 2), Date.parse("2026-10-24T22:00:00Z"), options);
    // 02:00 happens twice that night: the first one, the earlier and safer deadline.
    assert.equal(autumn.view.devices[0].latestEnd, "2026-10-25T02:00:00.000+02:00");
  });

  it("EV page: charge and availability declare 'charge to 80 % by 7:00'", function () {
    const out = applyScreenEvent(view, event(5, 8, "changed", 3), nowMs, options);
    assert.equal(out.view.devices[1].socPct, 30);
    assert.deepEqual(out.flex, { deviceId: "ev", elfeType: 221, kind: "ev", maxPowerW: 7400, capacityWh: 40000, socPct: 30, targetSocPct: 80, departure: "2026-05-03T07:00:00+02:00", modulating: false });
    const when = applyScreenEvent(out.view, event(5, 5, "changed", 6), nowMs, options);
    assert.equal(when.flex?.kind === "ev" && when.flex.departure, "2026-05-03T06:00:00.000+02:00");
  });

  it("a machine without its power cannot be declared: a clear error", function () {
    const bare = { node: "g002", devices: [{ deviceId: "dw", elfeType: 111, mode: 20, cycleMinutes: 60, latestEnd: "2026-05-02T20:00:00+02:00" }] };
    assert.throws(() => applyScreenEvent(bare, event(2, 3, "up", 1), nowMs, options), /needs powerW/);
  });

  it("takes a view from a message and the next starts from a plan", function () {
    const plan = { devices: [{ deviceId: "washer", start: "2026-05-02T16:00:00+02:00" }] } as never;
    assert.equal(screenViewOf(view, plan).devices[0].nextStart, "2026-05-02T16:00:00+02:00");
    assert.throws(() => screenViewOf({ node: "g002", devices: [{ deviceId: "x" }] }), /devices.0.elfeType/);
    assert.throws(() => screenViewOf({ node: "a/#", devices: [] }), /node/);
  });

  it("fuzz regression: a view whose device fields are NaN or not times is refused, naming the field", function () {
    const bad = (devices: unknown[]) => () => screenViewOf({ node: "g002", devices });
    const refused = (field: RegExp) => (e: unknown) => e instanceof DeviceMessageError && e.code === "wrong-type" && field.test(e.message);
    assert.throws(bad([{ ...view.devices[0], latestEnd: Number.NaN }]), refused(/devices\.0\.latestEnd/));
    assert.throws(bad([{ ...view.devices[0], powerW: Number.NaN }]), refused(/devices\.0\.powerW/));
    assert.throws(bad([{ ...view.devices[1], socPct: 140 }]), refused(/devices\.0\.socPct/));
    assert.throws(bad([{ ...view.devices[1], departure: "tomorrow" }]), refused(/devices\.0\.departure/));
    assert.deepEqual(screenViewOf(view), view);
  });
});
