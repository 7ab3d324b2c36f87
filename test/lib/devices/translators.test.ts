import { strict as assert } from "node:assert";
import { DeviceMessageError, type Translator } from "../../../lib/devices";
import { shellyGen1 } from "../../../lib/devices/shelly-gen1";
import { shellyGen2 } from "../../../lib/devices/shelly-gen2";
import { shellyHt } from "../../../lib/devices/shelly-ht";
import { outputStates, socorel } from "../../../lib/devices/socorel";
import { switchBot } from "../../../lib/devices/switchbot";
import { tasmota } from "../../../lib/devices/tasmota";
import { validateReading, type DeviceCommand, type PlugFamily } from "../../../lib/types";

const now = new Date("2026-05-02T12:00:30.000Z");
const ts = now.toISOString();
const cmd = (family: PlugFamily, deviceId: string, action: DeviceCommand["action"], value?: number): DeviceCommand => ({
  deviceId,
  family,
  action,
  value,
  reason: "plan",
  at: "2026-05-02T14:00:00+02:00",
});

/** The readings of one message, each checked against the shared validator (so never NaN). */
function readingsOf(t: Translator, topic: string, payload: unknown) {
  const out = t.parse({ topic, payload }, now);
  assert.ok(out, `${topic} was not recognised`);
  for (const r of out.readings) validateReading.parse(r);
  return out.readings.map(({ deviceId: _d, ts: at, ...values }) => {
    assert.equal(at, ts);
    return values;
  });
}

function rejects(t: Translator, topic: string, payload: unknown, code: string, message: RegExp) {
  assert.throws(
    () => t.parse({ topic, payload }, now),
    (err: unknown) => err instanceof DeviceMessageError && err.code === code && message.test(err.message) && err.message.startsWith(topic),
    `${topic} ${JSON.stringify(payload)} should fail with ${code}`,
  );
}

describe("device translators", function () {
  describe("Shelly gen1 (111)", function () {
    const t = shellyGen1({ devices: "washer-12 = shellyplug-s-A8BC25" });

    it("sends on/off to relay/0/command (the seed's cell lacks `command`), QoS 1, never retained", function () {
      assert.deepEqual(t.command(cmd("shelly-gen1", "washer-12", "on")), [{ topic: "shellies/shellyplug-s-A8BC25/relay/0/command", payload: "on", qos: 1, retain: false }]);
      assert.deepEqual(t.command(cmd("shelly-gen1", "plug-9", "off")), [{ topic: "shellies/plug-9/relay/0/command", payload: "off", qos: 1, retain: false }]);
      assert.throws(() => t.command(cmd("shelly-gen1", "washer-12", "press")), /action "press" is not supported/);
    });

    it("reads state, power W, energy in watt-minutes as Wh, and the last will, in text or parsed form", function () {
      const root = "shellies/shellyplug-s-A8BC25";
      assert.deepEqual(readingsOf(t, `${root}/relay/0`, "on"), [{ on: true }]);
      assert.deepEqual(readingsOf(t, `${root}/relay/0`, Buffer.from("overpower")), [{ on: false }]);
      assert.deepEqual(readingsOf(t, `${root}/relay/0/power`, "37.42"), [{ powerW: 37.42 }]);
      assert.deepEqual(readingsOf(t, `${root}/relay/0/power`, 412), [{ powerW: 412 }]);
      assert.deepEqual(readingsOf(t, `${root}/relay/0/energy`, "486230"), [{ energyWh: 486230 / 60 }]);
      assert.deepEqual(readingsOf(t, `${root}/relay/0/energy`, 120), [{ energyWh: 2 }]);
      assert.deepEqual(readingsOf(t, `${root}/online`, "false"), [{ online: false }]);
      assert.deepEqual(readingsOf(t, `${root}/online`, true), [{ online: true }]);
      assert.equal(t.parse({ topic: `${root}/relay/0`, payload: "on" }, now)?.readings[0].deviceId, "washer-12");
      assert.equal(t.parse({ topic: "shellies/announce", payload: "{}" }, now), null);
      assert.equal(t.parse({ topic: "tele/A123/STATE", payload: "{}" }, now), null);
    });

    it("rejects garbage with a clear error", function () {
      const root = "shellies/p1";
      rejects(t, `${root}/relay/0/power`, "abc", "not-a-number", /power is not a number: abc/);
      rejects(t, `${root}/relay/0/power`, "", "not-a-number", /power is not a number/);
      rejects(t, `${root}/relay/0/power`, "NaN", "not-a-number", /not a number/);
      rejects(t, `${root}/relay/0/power`, "1e308", "out-of-range", /outside/);
      rejects(t, `${root}/relay/0/energy`, "-5", "out-of-range", /outside \[0/);
      rejects(t, `${root}/relay/0/power`, { w: 3 }, "wrong-type", /not a number/);
      rejects(t, `${root}/relay/0`, "maybe", "wrong-type", /neither on nor off/);
    });
  });

  describe("Tasmota / Nous A1T (112, 211)", function () {
    const t = tasmota({ devices: "boiler = A123" });

    it("sends ON/OFF in upper case to cmnd/<topic>/POWER", function () {
      assert.deepEqual(t.command(cmd("tasmota", "boiler", "on")), [{ topic: "cmnd/A123/POWER", payload: "ON", qos: 1, retain: false }]);
      assert.deepEqual(t.command(cmd("tasmota", "B001", "off")), [{ topic: "cmnd/B001/POWER", payload: "OFF", qos: 1, retain: false }]);
      assert.deepEqual(tasmota({ base: "elfe" }).command(cmd("tasmota", "B001", "on"))[0].topic, "elfe/cmnd/B001/POWER");
    });

    it("reads POWER replies, STATE, SENSOR (kWh → Wh) and the LWT", function () {
      assert.deepEqual(readingsOf(t, "stat/A123/POWER", "ON"), [{ on: true }]);
      assert.deepEqual(readingsOf(t, "stat/A123/RESULT", '{"POWER":"OFF"}'), [{ on: false }]);
      assert.deepEqual(t.parse({ topic: "stat/A123/RESULT", payload: { Command: "Unknown" } }, now), { readings: [], acks: [] });
      assert.deepEqual(readingsOf(t, "tele/A123/STATE", { Time: "2024-05-02T12:00:30", UptimeSec: 3723, POWER: "ON", Wifi: { RSSI: 70 } }), [{ on: true }]);
      assert.deepEqual(readingsOf(t, "tele/A123/STATE", '{"POWER1":"OFF"}'), [{ on: false }]);
      const sensor = '{"Time":"2024-05-02T12:00:30","ENERGY":{"TotalStartTime":"2023-11-02T10:12:40","Total":12.345,"Yesterday":0.512,"Today":0.210,"Period":3,"Power":412,"Voltage":231,"Current":1.861}}';
      assert.deepEqual(readingsOf(t, "tele/A123/SENSOR", sensor), [{ powerW: 412, energyWh: 12345 }]);
      assert.deepEqual(readingsOf(t, "tele/A123/LWT", "Offline"), [{ online: false }]);
      assert.deepEqual(readingsOf(t, "tele/A123/LWT", "Online"), [{ online: true }]);
      assert.equal(t.parse({ topic: "stat/A123/POWER", payload: "ON" }, now)?.readings[0].deviceId, "boiler");
    });

    it("rejects garbage with a clear error", function () {
      rejects(t, "tele/A123/SENSOR", "{not json", "not-json", /not JSON/);
      rejects(t, "tele/A123/SENSOR", '{"Time":"x"}', "missing-field", /ENERGY is missing/);
      rejects(t, "tele/A123/SENSOR", '{"ENERGY":{"Total":1}}', "missing-field", /Power is missing/);
      rejects(t, "tele/A123/SENSOR", '{"ENERGY":{"Power":"lots","Total":1}}', "not-a-number", /ENERGY.Power is not a number/);
      rejects(t, "tele/A123/SENSOR", '{"ENERGY":{"Power":5,"Total":1e300}}', "out-of-range", /ENERGY.Total/);
      rejects(t, "tele/A123/SENSOR", "[1,2]", "wrong-type", /expected a JSON object/);
      rejects(t, "tele/A123/STATE", '{"Time":"x"}', "missing-field", /POWER is missing/);
      rejects(t, "tele/A123/LWT", "Sleeping", "wrong-type", /neither online nor offline/);
    });
  });

  describe("Shelly gen2 (411)", function () {
    it("calls Switch.Set on <prefix>/rpc with src = reply base/prefix and matches the answer by id", function () {
      const t = shellyGen2({ devices: "ev-1 = D003", replyTopic: "controle" });
      const [m] = t.command(cmd("shelly-gen2", "ev-1", "on"));
      assert.deepEqual({ ...m, payload: JSON.parse(m.payload) }, {
        topic: "D003/rpc",
        payload: { id: 1, src: "controle/D003", method: "Switch.Set", params: { id: 0, on: true } },
        qos: 1,
        retain: false,
      });
      const [m2] = t.command(cmd("shelly-gen2", "ev-1", "off"));
      assert.equal(JSON.parse(m2.payload).id, 2);
      // Answers in any order, by id; an unknown id (another controller's) is nothing to us.
      assert.deepEqual(t.parse({ topic: "controle/D003/rpc", payload: '{"id":2,"src":"shellyplus1pm-a","dst":"controle/D003","result":{"was_on":true}}' }, now), {
        readings: [],
        acks: [{ deviceId: "ev-1", ok: true, on: false, detail: "rpc result" }],
      });
      assert.deepEqual(t.parse({ topic: "controle/D003/rpc", payload: { id: 1, error: { code: -103, message: "Invalid argument 'id'" } } }, now)?.acks, [
        { deviceId: "ev-1", ok: false, detail: "RPC error -103: Invalid argument 'id'" },
      ]);
      assert.deepEqual(t.parse({ topic: "controle/D003/rpc", payload: { id: 99, result: {} } }, now), { readings: [], acks: [] });
    });

    it("sends the seed's Switch.SetConfig with a numeric delay and id only in params", function () {
      const t = shellyGen2({ replyTopic: "controle" });
      const payload = JSON.parse(t.command(cmd("shelly-gen2", "D014", "set", 1800))[0].payload);
      assert.deepEqual(payload, { id: 1, src: "controle/D014", method: "Switch.SetConfig", params: { id: 0, config: { initial_state: "on", auto_on: true, auto_on_delay: 1800 } } });
      assert.throws(() => t.command(cmd("shelly-gen2", "D014", "press")), DeviceMessageError);
    });

    it("reads status/switch:0 (apower W, aenergy.total Wh), NotifyStatus deltas and online", function () {
      const t = shellyGen2({ devices: "ev-1 = D003" });
      const status = { id: 0, source: "MQTT", output: true, apower: 412.3, voltage: 231.4, current: 1.82, aenergy: { total: 15234.871, by_minute: [6871.2, 6902, 6899.4], minute_ts: 1714650060 } };
      assert.deepEqual(readingsOf(t, "D003/status/switch:0", JSON.stringify(status)), [{ on: true, powerW: 412.3, energyWh: 15234.871 }]);
      const notify = { src: "shellyplusplugs-a0b1", dst: "D003/events", method: "NotifyStatus", params: { ts: 1714650061.42, "switch:0": { id: 0, output: false, source: "MQTT" } } };
      assert.deepEqual(readingsOf(t, "D003/events/rpc", notify), [{ on: false }]);
      assert.deepEqual(t.parse({ topic: "D003/events/rpc", payload: { method: "NotifyEvent", params: { events: [] } } }, now), { readings: [], acks: [] });
      assert.deepEqual(readingsOf(t, "D003/online", "false"), [{ online: false }]);
      rejects(t, "D003/status/switch:0", '{"id":0,"apower":3}', "missing-field", /output is missing/);
      rejects(t, "D003/status/switch:0", '{"id":0,"output":true,"apower":"NaN"}', "not-a-number", /apower/);
      rejects(t, "D003/status/switch:0", '{"output":true,"aenergy":{}}', "missing-field", /aenergy.total is missing/);
      rejects(t, "elfe-controle/D003/rpc", "{}", "missing-field", /id is missing/);
    });
  });

  describe("SwitchBot (311)", function () {
    it("presses to change the expected state, and not when it already holds", function () {
      const t = switchBot({ devices: "dishwasher = C002/C003" });
      const press = [{ topic: "switchbot/C002/bot/C003/set", payload: "PRESS", qos: 1, retain: false }];
      assert.deepEqual(t.command(cmd("switchbot", "dishwasher", "on")), press);
      assert.equal(t.expected("dishwasher"), undefined, "not believed before the bridge says success");
      assert.deepEqual(t.parse({ topic: "switchbot/C002/bot/C003/status", payload: '{"status":"commandSent","command":"PRESS"}' }, now), { readings: [], acks: [] });
      const success = t.parse({ topic: "switchbot/C002/bot/C003/status", payload: '{"status":"success","value":1,"command":"PRESS"}' }, now);
      assert.deepEqual(success?.acks, [{ deviceId: "dishwasher", ok: true, on: true, detail: "press succeeded" }]);
      assert.deepEqual(success?.readings, [{ deviceId: "dishwasher", ts: now.toISOString(), on: true }], "the state the press led to, for the dispatch's confirmation");
      assert.equal(t.expected("dishwasher"), true);
      assert.deepEqual(t.command(cmd("switchbot", "dishwasher", "on")), [], "already on: a press would switch it off");
      assert.deepEqual(t.command(cmd("switchbot", "dishwasher", "off")), press);
      assert.deepEqual(t.parse({ topic: "switchbot/C002/bot/C003/status", payload: { status: "failed", value: 9 } }, now)?.acks, [{ deviceId: "dishwasher", ok: false, detail: "press failed" }]);
      assert.equal(t.expected("dishwasher"), true, "a failed press changes nothing");
      assert.deepEqual(t.command(cmd("switchbot", "dishwasher", "press")), press, "press always presses");
      assert.throws(() => t.command(cmd("switchbot", "no-hub", "on")), /must be "<hub>\/<bot>"/);
    });

    it("reads battery, attributes, state, and the hub's last will for each of its bots", function () {
      const t = switchBot({ devices: "dishwasher = C002/C003\nwasher = C002/C004\nother = C009/C001" });
      assert.deepEqual(readingsOf(t, "switchbot/C002/bot/C003/battery", "94"), [{ batteryPct: 94 }]);
      assert.deepEqual(readingsOf(t, "switchbot/C002/bot/C003/attributes", '{"rssi":-78,"mode":"Press","state":"OFF","batt":61}'), [{ batteryPct: 61 }]);
      assert.deepEqual(readingsOf(t, "switchbot/C002/bot/C003/state", "ON"), [{ on: true }]);
      assert.equal(t.expected("dishwasher"), true);
      const will = t.parse({ topic: "switchbot/C002/lastwill", payload: "offline" }, now);
      assert.deepEqual(will?.readings.map((r) => [r.deviceId, r.online]), [["dishwasher", false], ["washer", false]]);
      assert.deepEqual(t.parse({ topic: "switchbot/C002/bot/C003/rssi", payload: "-78" }, now), { readings: [], acks: [] });
      rejects(t, "switchbot/C002/bot/C003/battery", "140", "out-of-range", /battery 140/);
      rejects(t, "switchbot/C002/bot/C003/status", "PRESS ok", "not-json", /not JSON/);
      rejects(t, "switchbot/C002/lastwill", "maybe", "wrong-type", /neither online nor offline/);
    });
  });

  describe("Shelly H&T (611)", function () {
    const t = shellyHt({ devices: "living = shellyht-F002" });
    it("reads gen1 sensor topics in °C, %RH and %, and gen2 status objects", function () {
      assert.deepEqual(readingsOf(t, "shellies/shellyht-F002/sensor/temperature", "21.38"), [{ temperatureC: 21.38 }]);
      assert.deepEqual(readingsOf(t, "shellies/shellyht-F002/sensor/humidity", 48.5), [{ humidityPct: 48.5 }]);
      assert.deepEqual(readingsOf(t, "shellies/shellyht-F002/sensor/battery", "87"), [{ batteryPct: 87 }]);
      assert.deepEqual(readingsOf(t, "shellies/shellyht-F002/sensor/ext_power", "false"), [{ charging: false }]);
      assert.deepEqual(readingsOf(t, "shellies/shellyht-F002/online", "false"), [{ online: false }]);
      assert.equal(t.parse({ topic: "shellies/shellyht-F002/sensor/temperature", payload: "20" }, now)?.readings[0].deviceId, "living");
      assert.deepEqual(readingsOf(t, "F003/status/temperature:0", '{"id":0,"tC":19.6,"tF":67.3}'), [{ temperatureC: 19.6 }]);
      assert.deepEqual(readingsOf(t, "F003/status/humidity:0", { id: 0, rh: 51.2 }), [{ humidityPct: 51.2 }]);
      assert.deepEqual(readingsOf(t, "F003/status/devicepower:0", { id: 0, battery: { V: 5.9, percent: 80 }, external: { present: false } }), [{ batteryPct: 80, charging: false }]);
    });
    it("takes no order and rejects garbage", function () {
      assert.throws(() => t.command(cmd("shelly-gen1", "living", "on")), /takes no order/);
      rejects(t, "shellies/shellyht-F002/sensor/temperature", "999", "out-of-range", /temperature 999/);
      rejects(t, "shellies/shellyht-F002/sensor/humidity", "wet", "not-a-number", /humidity/);
      rejects(t, "F003/status/temperature:0", '{"id":0}', "missing-field", /tC is missing/);
    });
  });

  describe("Socorel (8 outputs)", function () {
    const t = socorel({ devices: "heater-1 = 121345678/1\nheater-3 = 121345678/3" });
    it("orders one output with 1/0 on sortie<n>", function () {
      assert.deepEqual(t.command(cmd("socorel", "heater-3", "on")), [{ topic: "Socorel/121345678/sortie3", payload: "1", qos: 1, retain: false }]);
      assert.deepEqual(t.command(cmd("socorel", "031636408854/8", "off")), [{ topic: "Socorel/031636408854/sortie8", payload: "0", qos: 1, retain: false }]);
      assert.throws(() => t.command(cmd("socorel", "heater-9", "on")), /"<serial>\/<output 1-8>"/);
    });
    it("reads EtatSortie<n>, EtatSorties in its accepted forms, and PA1MN", function () {
      assert.deepEqual(readingsOf(t, "Socorel/121345678/EtatSortie3", "1"), [{ on: true }]);
      const all = t.parse({ topic: "Socorel/121345678/EtatSorties", payload: "10100000" }, now);
      assert.deepEqual(all?.readings.map((r) => [r.deviceId, r.on]).slice(0, 4), [["heater-1", true], ["121345678/2", false], ["heater-3", true], ["121345678/4", false]]);
      const states = [true, false, true, false, false, false, false, false];
      assert.deepEqual(outputStates("x", 10100000), states);
      assert.deepEqual(outputStates("x", "01000000"), [false, true, false, false, false, false, false, false]);
      assert.deepEqual(outputStates("x", 1000000), [false, true, false, false, false, false, false, false], "mqtt in's auto-detect dropped the leading zero");
      assert.deepEqual(outputStates("x", "[1,0,1,0,0,0,0,0]"), states);
      assert.deepEqual(outputStates("x", "1,0,1,0,0,0,0,0"), states);
      assert.deepEqual(outputStates("x", { EtatSortie1: 1, EtatSortie2: 0, EtatSortie3: "ON", EtatSortie4: 0, EtatSortie5: 0, EtatSortie6: 0, EtatSortie7: 0, EtatSortie8: false }), states);
      assert.deepEqual(readingsOf(t, "Socorel/121345678/PA1MN", "2350"), [{ powerW: 2350 }]);
      rejects(t, "Socorel/121345678/EtatSorties", "[1,0]", "wrong-type", /expected 8 output states, got 2/);
      rejects(t, "Socorel/121345678/EtatSorties", '{"EtatSortie1":1}', "missing-field", /EtatSortie2 is missing/);
      rejects(t, "Socorel/121345678/EtatSorties", "hello", "not-json", /not JSON/);
    });
  });

  it("fuzz regression: a Shelly gen2 NotifyStatus whose params is null is a wrong-type error, not a TypeError", function () {
    const t = shellyGen2({});
    rejects(t, "shellyplus1pm-a8032ab1/events/rpc", '{"method":"NotifyStatus","params":null}', "wrong-type", /params is not an object/);
    rejects(t, "shellyplus1pm-a8032ab1/events/rpc", { method: "NotifyFullStatus", params: 5 }, "wrong-type", /params is not an object/);
  });

  it("fuzz regression: a Shelly gen2 RPC reply whose error is null is a refusal, not a TypeError", function () {
    const t = shellyGen2({});
    t.command(cmd("shelly-gen2", "p", "on"));
    assert.deepEqual(t.parse({ topic: "elfe-controle/p/rpc", payload: '{"id":1,"error":null}' }, now), { readings: [], acks: [{ deviceId: "p", ok: false, detail: "RPC error undefined: null" }] });
  });
});
