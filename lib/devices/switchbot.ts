// SwitchBot Bot through the ESP32 BLE bridge (ELFE type 311): `switchbot/<hub>/bot/<bot>/set`
// PRESS. A press toggles the appliance, so the translator tracks the state it expects and only
// presses when an on/off order changes it. Plug ids are `<hub>/<bot>`. The bridge reports press
// results on `…/status`, battery % and rssi, and its last will under the hub (`switchbot/<hub>/lastwill`).
import type { DeviceCommand, MqttInbound, MqttMessage, Translation } from "../types";
import { DeviceMessageError, RANGE, jsonOf, levelsAfter, lastWillOf, numberOf, onOffOf, topicLevel } from "./parse";
import { AddressBook, ack, nothing, publish, reading, wantedState, type Translator, type TranslatorOptions } from "./translator";

const FAILED = new Set(["failed", "errorConnect", "errorCommand"]);

export interface SwitchBotTranslator extends Translator {
  /** The appliance state we believe in (after the last confirmed press or reported state). */
  expected(deviceId: string): boolean | undefined;
}

export function switchBot(options: TranslatorOptions = {}): SwitchBotTranslator {
  const base = options.base || "switchbot";
  const book = new AddressBook(options.devices);
  const believed = new Map<string, boolean>();
  /** Presses sent and not yet reported, with the state each one should lead to. */
  const pressing = new Map<string, boolean | undefined>();
  const seen = new Set<string>(book.knownPlugs());

  const setTopic = (deviceId: string) => {
    const plug = book.plugOf(deviceId);
    if (!/^[^/]+\/[^/]+$/.test(plug)) throw new DeviceMessageError("unknown-device", deviceId, `SwitchBot plug id must be "<hub>/<bot>", got "${plug}"`);
    seen.add(plug);
    const [hub, bot] = plug.split("/");
    return `${base}/${topicLevel(hub, deviceId, "SwitchBot hub id")}/bot/${topicLevel(bot, deviceId, "SwitchBot bot id")}/set`;
  };

  return {
    family: "switchbot",
    expected: (deviceId) => believed.get(deviceId),
    subscriptions: () => [`${base}/+/bot/+/status`, `${base}/+/bot/+/state`, `${base}/+/bot/+/attributes`, `${base}/+/bot/+/battery`, `${base}/+/lastwill`],
    command(cmd: DeviceCommand): MqttMessage[] {
      const topic = setTopic(cmd.deviceId);
      if (cmd.action === "press") {
        const now = believed.get(cmd.deviceId);
        pressing.set(cmd.deviceId, now === undefined ? undefined : !now);
        return [publish(topic, "PRESS")];
      }
      const want = wantedState(cmd, topic);
      if (believed.get(cmd.deviceId) === want) return [];
      pressing.set(cmd.deviceId, want);
      return [publish(topic, "PRESS")];
    },
    parse({ topic, payload }: MqttInbound, now: Date): Translation | null {
      const levels = levelsAfter(base, topic);
      if (!levels || levels.length < 2) return null;
      const [hub, second, bot, kind] = levels;
      if (levels.length === 2 && second === "lastwill") {
        const online = lastWillOf(topic, payload);
        const bots = [...seen].filter((p) => p.startsWith(`${hub}/`));
        return { readings: bots.map((p) => ({ deviceId: book.deviceOf(p), ts: now.toISOString(), online })), acks: [] };
      }
      if (levels.length !== 4 || second !== "bot") return null;
      const plug = `${hub}/${bot}`;
      seen.add(plug);
      const deviceId = book.deviceOf(plug);
      switch (kind) {
        case "status": {
          const status = jsonOf(topic, payload).status;
          if (typeof status !== "string") throw new DeviceMessageError("missing-field", topic, "status is missing");
          if (!pressing.has(deviceId)) return nothing();
          if (status === "success") {
            const after = pressing.get(deviceId);
            pressing.delete(deviceId);
            if (after === undefined) return ack({ deviceId, ok: true, detail: "press succeeded" });
            // The bot has no state of its own: the appliance is now in the state the press led to,
            // and says so as a reading too, so a dispatch can confirm a start made by a bot alone.
            believed.set(deviceId, after);
            return { readings: [{ deviceId, ts: now.toISOString(), on: after }], acks: [{ deviceId, ok: true, on: after, detail: "press succeeded" }] };
          }
          if (FAILED.has(status)) {
            // Kept: a retry is the same press, whose result comes on this topic again.
            return ack({ deviceId, ok: false, detail: `press ${status}` });
          }
          return nothing(); // connected, commandSent, busy: still pressing
        }
        case "state": {
          const on = onOffOf(topic, payload, "state");
          believed.set(deviceId, on);
          return reading(deviceId, now, { on });
        }
        case "attributes": {
          const attrs = jsonOf(topic, payload);
          return reading(deviceId, now, { batteryPct: numberOf(topic, attrs.batt, "batt", RANGE.percent) });
        }
        case "battery":
          return reading(deviceId, now, { batteryPct: numberOf(topic, payload, "battery", RANGE.percent) });
        default:
          return kind === "set" || kind === "rssi" ? nothing() : null;
      }
    },
  };
}
