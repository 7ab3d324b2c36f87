// Shelly gen1 plugs (ELFE type 111): `shellies/<id>/relay/0/command` on/off; telemetry in plain
// text — relay state, power in W, energy in watt-minutes (converted to Wh here), `online` last will.
import type { DeviceCommand, MqttInbound, MqttMessage, Translation } from "../types";
import { RANGE, levelsAfter, numberOf, onOffOf, textOf, topicLevel } from "./parse";
import { AddressBook, nothing, publish, reading, wantedState, type Translator, type TranslatorOptions } from "./translator";

export const WATT_MINUTES_PER_WH = 60;

export function shellyGen1(options: TranslatorOptions = {}): Translator {
  const base = options.base || "shellies";
  const book = new AddressBook(options.devices);
  return {
    family: "shelly-gen1",
    subscriptions: () => [`${base}/+/relay/0`, `${base}/+/relay/0/+`, `${base}/+/online`],
    command(cmd: DeviceCommand): MqttMessage[] {
      const topic = `${base}/${topicLevel(book.plugOf(cmd.deviceId), cmd.deviceId)}/relay/0/command`;
      return [publish(topic, wantedState(cmd, topic) ? "on" : "off")];
    },
    parse({ topic, payload }: MqttInbound, now: Date): Translation | null {
      const levels = levelsAfter(base, topic);
      if (!levels || levels.length < 2) return null;
      const deviceId = book.deviceOf(levels[0]);
      const path = levels.slice(1).join("/");
      switch (path) {
        case "relay/0": {
          const state = textOf(topic, payload).toLowerCase();
          // Overpower: the plug cut the load itself.
          return reading(deviceId, now, { on: state === "overpower" ? false : onOffOf(topic, state, "relay state") });
        }
        case "relay/0/power":
          return reading(deviceId, now, { powerW: numberOf(topic, payload, "power", RANGE.powerW) });
        case "relay/0/energy":
          return reading(deviceId, now, { energyWh: numberOf(topic, payload, "energy (W·min)", RANGE.energyWh) / WATT_MINUTES_PER_WH });
        case "online":
          return reading(deviceId, now, { online: onOffOf(topic, payload, "online") });
        default:
          return path.startsWith("relay/0/command") ? nothing() : null;
      }
    },
  };
}
