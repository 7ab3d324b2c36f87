// Security: MQTT topics built from device and plug ids. An id with `+` or `#` would become a
// wildcard, `/` another device's topic, NUL or a control character a corrupt topic: every
// topic builder refuses them with a DeviceMessageError naming the device.
import { strict as assert } from "node:assert";
import { DeviceMessageError, TRANSLATORS, topicLevel, unsafeForTopic, type TranslatorFamily } from "../../../lib/devices";
import { drawScreen, screenViewOf } from "../../../lib/devices/openhasp";
import { deviceOf, type BindingRow } from "../../../lib/coordination";
import type { DeviceCommand, PlugFamily } from "../../../lib/types";

const BAD_LEVELS = ["+", "#", "a/b", "plug+", "plug#", "a\u0000b", "a\nb", "a\tb", "a\u007fb", "a\u001bb", ""];
const cmd = (family: PlugFamily, deviceId: string): DeviceCommand => ({ deviceId, family, action: "on", reason: "plan", at: "2026-05-02T14:00:00+02:00" });

function refused(fn: () => unknown, device: string): void {
  assert.throws(fn, (e: unknown) => e instanceof DeviceMessageError && e.code === "unsafe-topic" && e.topic === device && /cannot be an MQTT topic level/.test(e.message), `accepted ${JSON.stringify(device)}`);
}

describe("MQTT topics built from device ids (security)", function () {
  it("topicLevel refuses wildcards, the separator, NUL and control characters, and keeps ordinary ids", function () {
    for (const bad of BAD_LEVELS) refused(() => topicLevel(bad, "dev-1"), "dev-1");
    for (const ok of ["shellyplug-s-A8BC25", "nous_a1t.1", "écran-g002", "SN:123"]) assert.equal(topicLevel(ok, "dev-1"), ok);
    assert.equal(unsafeForTopic("site/a/plug", false), false);
    assert.equal(unsafeForTopic("site/+/plug", false), true);
  });

  for (const family of ["shelly-gen1", "shelly-gen2", "tasmota"] as TranslatorFamily[]) {
    it(`${family}: an order for a plug id with +, #, /, NUL or a control character is refused, naming the device`, function () {
      // Without an address-book line the device id is the plug id.
      for (const bad of BAD_LEVELS.filter((b) => b !== "")) refused(() => TRANSLATORS[family]({}).command(cmd(family as PlugFamily, bad)), bad);
      // The address book's plug id is checked too, not only the device id.
      refused(() => TRANSLATORS[family]({ devices: "washer = plug#1" }).command(cmd(family as PlugFamily, "washer")), "washer");
      assert.equal(TRANSLATORS[family]({}).command(cmd(family as PlugFamily, "plug-1")).length, 1);
    });
  }

  it("switchbot: hub and bot ids are each one level; socorel: the serial is one level", function () {
    const sb = TRANSLATORS.switchbot({ devices: "boiler = hub+/bot1\nkettle = hub1/bot#" });
    refused(() => sb.command(cmd("switchbot", "boiler")), "boiler");
    refused(() => sb.command(cmd("switchbot", "kettle")), "kettle");
    const so = TRANSLATORS.socorel({ devices: "heater = SN#1/3\ntank = SN\u00001/4" });
    refused(() => so.command(cmd("socorel", "heater")), "heater");
    refused(() => so.command(cmd("socorel", "tank")), "tank");
    assert.deepEqual(so.command(cmd("socorel", "SN1/2")).map((m) => m.topic), ["Socorel/SN1/sortie2"]);
  });

  it("openHASP: a node name with a wildcard, separator or control character is refused before any topic is built", function () {
    for (const node of ["g+", "g#", "a/b", "g\u0000", "g\n", ""]) {
      assert.throws(() => screenViewOf({ node, devices: [] }), (e: unknown) => e instanceof DeviceMessageError && /node/.test(e.message), JSON.stringify(node));
      assert.throws(() => drawScreen({ node, devices: [] }, { zone: "Europe/Paris", stepMinutes: 15 }, false), (e: unknown) => e instanceof DeviceMessageError && e.code === "unsafe-topic");
    }
  });

  it("coordination rows: an id_materiel or explicit root topic with +, # or a control character is refused, naming the device", function () {
    const row = (over: Partial<BindingRow>): BindingRow => ({
      epom_id: 12, name: null, type: 111, mode: 30, typology: null, domotic_type: 111, usage: 11, id_materiel: "shellyplug-s-A8BC25", sortie: null, root: null,
      family: "shelly-gen1", root_template: "shellies/{id}", command_template: "shellies/{id}/relay/0/command", state_template: null, ...over,
    });
    for (const bad of ["plug+", "plug#", "a\u0000", "a\r\n"]) {
      assert.throws(() => deviceOf(row({ id_materiel: bad })), (e: unknown) => e instanceof RangeError && /device 12: id_materiel/.test(e.message));
      assert.throws(() => deviceOf(row({ root: `site/${bad}` })), (e: unknown) => e instanceof RangeError && /device 12: racine_topic_mqtt/.test(e.message));
    }
    // A root topic of several levels stays allowed; a SwitchBot id holds its hub and bot.
    assert.equal(deviceOf(row({ root: "elfe/site-a/plug" })).commandTopic, "elfe/site-a/plug/relay/0/command");
    assert.equal(deviceOf(row({ family: "switchbot", id_materiel: "hub1/bot1", root_template: "switchbot/{id}", command_template: "switchbot/{id}/set" })).commandTopic, "switchbot/hub1/bot1/set");
  });
});
