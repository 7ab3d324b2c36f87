// Socorel controller: 8 outputs registered as 8 devices, plug ids `<serial>/<n>` (n = 1..8).
// Order: `Socorel/<serial>/sortie<n>` 1/0 (as ELFE's control-command sends it). States per output
// on `Socorel/<serial>/EtatSortie<n>`, or all at once on `Socorel/<serial>/EtatSorties` (the payload
// is not documented: accepted as "10000000", [1,0,…], or {"EtatSortie1":1,…}); `PA1MN` is the
// controller's power (W) as the device `<serial>`.
import type { DeviceCommand, MqttInbound, MqttMessage, Translation } from "../types";
import { DeviceMessageError, RANGE, jsonOf, levelsAfter, numberOf, onOffOf, textOf, topicLevel } from "./parse";
import { AddressBook, publish, reading, wantedState, type Translator, type TranslatorOptions } from "./translator";

export const SOCOREL_OUTPUTS = 8;

/** The eight output states of an EtatSorties payload, index 0 = output 1. */
export function outputStates(topic: string, payload: unknown): boolean[] {
  // mqtt in's auto-detect turns "01000000" into the number 1000000: put the leading zeros back.
  let value: unknown = typeof payload === "number" ? String(payload).padStart(SOCOREL_OUTPUTS, "0") : payload;
  if (typeof value === "string" || Buffer.isBuffer(value)) {
    const text = textOf(topic, value);
    if (/^[01]([,; ]?[01]){7}$/.test(text)) value = text.replace(/[,; ]/g, "").split("");
    else if (text.startsWith("[")) value = jsonOf(topic, `{"v":${text}}`).v;
    else value = jsonOf(topic, text);
  }
  let values: unknown[];
  if (Array.isArray(value)) values = value;
  else if (typeof value === "object" && value !== null) {
    const obj = value as Record<string, unknown>;
    values = Array.from({ length: SOCOREL_OUTPUTS }, (_, i) => obj[`EtatSortie${i + 1}`] ?? obj[`sortie${i + 1}`] ?? obj[String(i + 1)]);
  } else throw new DeviceMessageError("wrong-type", topic, "EtatSorties is neither 8 digits, an array nor an object");
  if (values.length !== SOCOREL_OUTPUTS) throw new DeviceMessageError("wrong-type", topic, `expected ${SOCOREL_OUTPUTS} output states, got ${values.length}`);
  return values.map((v, i) => {
    if (v === undefined || v === null) throw new DeviceMessageError("missing-field", topic, `EtatSortie${i + 1} is missing`);
    return onOffOf(topic, v, `EtatSortie${i + 1}`);
  });
}

export function socorel(options: TranslatorOptions = {}): Translator {
  const base = options.base || "Socorel";
  const book = new AddressBook(options.devices);
  return {
    family: "socorel",
    subscriptions: () => [`${base}/+/EtatSorties`, `${base}/+/+`],
    command(cmd: DeviceCommand): MqttMessage[] {
      const plug = book.plugOf(cmd.deviceId);
      const match = /^([^/]+)\/([1-8])$/.exec(plug);
      if (!match) throw new DeviceMessageError("unknown-device", cmd.deviceId, `Socorel plug id must be "<serial>/<output 1-8>", got "${plug}"`);
      const topic = `${base}/${topicLevel(match[1], cmd.deviceId, "Socorel serial")}/sortie${match[2]}`;
      return [publish(topic, wantedState(cmd, topic) ? "1" : "0")];
    },
    parse({ topic, payload }: MqttInbound, now: Date): Translation | null {
      const levels = levelsAfter(base, topic);
      if (!levels || levels.length !== 2) return null;
      const [serial, item] = levels;
      const ts = now.toISOString();
      if (item === "EtatSorties") {
        const states = outputStates(topic, payload);
        return { readings: states.map((on, i) => ({ deviceId: book.deviceOf(`${serial}/${i + 1}`), ts, on })), acks: [] };
      }
      const single = /^EtatSortie([1-8])$/.exec(item);
      if (single) return reading(book.deviceOf(`${serial}/${single[1]}`), now, { on: onOffOf(topic, payload, item) });
      if (item === "PA1MN") return reading(book.deviceOf(serial), now, { powerW: numberOf(topic, payload, "PA1MN", RANGE.powerW) });
      return null;
    },
  };
}
