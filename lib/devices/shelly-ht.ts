// Shelly H&T (ELFE type 611), a battery sensor that wakes, publishes and sleeps: read-only.
// Gen1: `shellies/<id>/sensor/temperature` °C, `…/humidity` %RH, `…/battery` %, `…/ext_power`;
// gen2 (Plus/Gen3): `<p>/status/temperature:0` tC, `<p>/status/humidity:0` rh,
// `<p>/status/devicepower:0` battery.percent; both: `online` (flips false at each sleep).
import type { DeviceCommand, MqttInbound, MqttMessage, Translation } from "../types";
import { DeviceMessageError, RANGE, fieldOf, jsonOf, levelsAfter, numberOf, onOffOf } from "./parse";
import { AddressBook, nothing, reading, type Translator, type TranslatorOptions } from "./translator";

export function shellyHt(options: TranslatorOptions = {}): Translator {
  const base = options.base || "shellies";
  const book = new AddressBook(options.devices);

  const gen1 = (topic: string, plug: string, path: string, payload: unknown, now: Date): Translation | null => {
    const deviceId = book.deviceOf(plug);
    switch (path) {
      case "sensor/temperature":
        return reading(deviceId, now, { temperatureC: numberOf(topic, payload, "temperature", RANGE.temperatureC) });
      case "sensor/humidity":
        return reading(deviceId, now, { humidityPct: numberOf(topic, payload, "humidity", RANGE.percent) });
      case "sensor/battery":
        return reading(deviceId, now, { batteryPct: numberOf(topic, payload, "battery", RANGE.percent) });
      case "sensor/ext_power":
        return reading(deviceId, now, { charging: onOffOf(topic, payload, "ext_power") });
      case "online":
        return reading(deviceId, now, { online: onOffOf(topic, payload, "online") });
      default:
        return path.startsWith("sensor/") || path === "announce" || path === "info" ? nothing() : null;
    }
  };

  const gen2 = (topic: string, plug: string, path: string, payload: unknown, now: Date): Translation | null => {
    const deviceId = book.deviceOf(plug);
    switch (path) {
      case "status/temperature:0":
        return reading(deviceId, now, { temperatureC: numberOf(topic, fieldOf(topic, jsonOf(topic, payload), "tC"), "tC", RANGE.temperatureC) });
      case "status/humidity:0":
        return reading(deviceId, now, { humidityPct: numberOf(topic, fieldOf(topic, jsonOf(topic, payload), "rh"), "rh", RANGE.percent) });
      case "status/devicepower:0": {
        const status = jsonOf(topic, payload);
        const battery = numberOf(topic, fieldOf(topic, status, "battery.percent"), "battery.percent", RANGE.percent);
        const external = (status.external as { present?: unknown } | undefined)?.present;
        return reading(deviceId, now, external === undefined ? { batteryPct: battery } : { batteryPct: battery, charging: onOffOf(topic, external, "external.present") });
      }
      case "online":
        return reading(deviceId, now, { online: onOffOf(topic, payload, "online") });
      default:
        return null;
    }
  };

  return {
    family: "shelly-ht",
    subscriptions: () => [`${base}/+/sensor/+`, `${base}/+/online`, "+/status/temperature:0", "+/status/humidity:0", "+/status/devicepower:0", "+/online"],
    command(cmd: DeviceCommand): MqttMessage[] {
      throw new DeviceMessageError("unsupported-command", book.plugOf(cmd.deviceId), "a Shelly H&T is a sensor: it takes no order");
    },
    parse({ topic, payload }: MqttInbound, now: Date): Translation | null {
      const levels = levelsAfter(base, topic);
      if (levels && levels.length >= 2) return gen1(topic, levels[0], levels.slice(1).join("/"), payload, now);
      const [plug, ...rest] = topic.split("/");
      return rest.length > 0 ? gen2(topic, plug, rest.join("/"), payload, now) : null;
    },
  };
}
