// Tasmota and Nous A1T plugs (ELFE types 112, 211): `cmnd/<t>/POWER` ON/OFF; replies on
// `stat/<t>/POWER` (text) or `stat/<t>/RESULT` (JSON), periodic `tele/<t>/STATE` and
// `tele/<t>/SENSOR` (ENERGY.Power W, ENERGY.Total kWh → Wh), `tele/<t>/LWT` Online/Offline.
import type { DeviceCommand, MqttInbound, MqttMessage, Reading, Translation } from "../types";
import { DeviceMessageError, RANGE, fieldOf, jsonOf, lastWillOf, numberOf, onOffOf, topicLevel } from "./parse";
import { AddressBook, nothing, publish, reading, wantedState, type Translator, type TranslatorOptions } from "./translator";

const WH_PER_KWH = 1000;
/** kWh with 3 decimals × 1000 without binary artefacts (12.345 kWh → 12345 Wh, not 12344.999…). */
const roundMilli = (wh: number) => Math.round(wh * 1000) / 1000;

/** POWER, or POWER1 on multi-relay firmwares, from a STATE or RESULT object. */
function relayOf(topic: string, obj: Record<string, unknown>): boolean | undefined {
  const value = obj.POWER ?? obj.POWER1;
  return value === undefined ? undefined : onOffOf(topic, value, "POWER");
}

export function tasmota(options: TranslatorOptions = {}): Translator {
  const book = new AddressBook(options.devices);
  // Tasmota's FullTopic may put a base before %prefix% (e.g. `elfe/%prefix%/%topic%/`).
  const base = options.base ? `${options.base}/` : "";
  return {
    family: "tasmota",
    subscriptions: () => ["stat/+/POWER", "stat/+/RESULT", "tele/+/STATE", "tele/+/SENSOR", "tele/+/LWT"].map((t) => base + t),
    command(cmd: DeviceCommand): MqttMessage[] {
      const topic = `${base}cmnd/${topicLevel(book.plugOf(cmd.deviceId), cmd.deviceId)}/POWER`;
      return [publish(topic, wantedState(cmd, topic) ? "ON" : "OFF")];
    },
    parse({ topic, payload }: MqttInbound, now: Date): Translation | null {
      if (!topic.startsWith(base)) return null;
      const [prefix, plug, kind, ...rest] = topic.slice(base.length).split("/");
      if (!plug || !kind || rest.length > 0 || (prefix !== "stat" && prefix !== "tele")) return null;
      const deviceId = book.deviceOf(plug);
      switch (`${prefix}/${kind}`) {
        case "stat/POWER":
        case "stat/POWER1":
          return reading(deviceId, now, { on: onOffOf(topic, payload, "POWER") });
        case "stat/RESULT":
        case "tele/STATE": {
          const on = relayOf(topic, jsonOf(topic, payload));
          if (on === undefined && kind === "STATE") throw new DeviceMessageError("missing-field", topic, "POWER is missing");
          // A RESULT of another command (TelePeriod, Unknown …) says nothing about the relay.
          return on === undefined ? nothing() : reading(deviceId, now, { on });
        }
        case "tele/SENSOR": {
          const energy = fieldOf(topic, jsonOf(topic, payload), "ENERGY");
          if (typeof energy !== "object" || energy === null) throw new DeviceMessageError("wrong-type", topic, "ENERGY is not an object");
          const values: Omit<Reading, "deviceId" | "ts"> = {
            powerW: numberOf(topic, fieldOf(topic, energy as Record<string, unknown>, "Power"), "ENERGY.Power", RANGE.powerW),
            energyWh: roundMilli(numberOf(topic, fieldOf(topic, energy as Record<string, unknown>, "Total"), "ENERGY.Total (kWh)", RANGE.energyWh) * WH_PER_KWH),
          };
          return reading(deviceId, now, values);
        }
        case "tele/LWT":
          return reading(deviceId, now, { online: lastWillOf(topic, payload) });
        default:
          return null;
      }
    },
  };
}
