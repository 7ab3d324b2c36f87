// Shelly Plus/Pro (gen2, ELFE type 411): JSON-RPC over MQTT. Orders go to `<p>/rpc` with
// `src` = `<reply base>/<p>`, so the device answers on `<reply base>/<p>/rpc`; answers are matched
// by their `id`. Telemetry: `<p>/status/switch:0` (apower W, aenergy.total Wh, output),
// `<p>/events/rpc` NotifyStatus (only the changed keys), `<p>/online` last will.
import type { DeviceCommand, MqttInbound, MqttMessage, Reading, Translation } from "../types";
import { DeviceMessageError, RANGE, fieldOf, jsonOf, levelsAfter, numberOf, onOffOf, topicLevel } from "./parse";
import { AddressBook, ack, nothing, publish, reading, type Translator, type TranslatorOptions } from "./translator";

export const SWITCH = "switch:0";

interface RpcCall {
  deviceId: string;
  on?: boolean;
}

/** The Reading fields of a (full or partial) `switch:0` status object. */
function switchStatus(topic: string, status: unknown, full: boolean): Omit<Reading, "deviceId" | "ts"> {
  if (typeof status !== "object" || status === null) throw new DeviceMessageError("wrong-type", topic, `${SWITCH} is not an object`);
  const s = status as Record<string, unknown>;
  const values: Omit<Reading, "deviceId" | "ts"> = {};
  if (full || s.output !== undefined) values.on = onOffOf(topic, fieldOf(topic, s, "output"), "output");
  if (s.apower !== undefined) values.powerW = numberOf(topic, s.apower, "apower", RANGE.powerW);
  if (s.aenergy !== undefined) values.energyWh = numberOf(topic, fieldOf(topic, s, "aenergy.total"), "aenergy.total", RANGE.energyWh);
  return values;
}

export function shellyGen2(options: TranslatorOptions = {}): Translator {
  const replyBase = options.replyTopic || "elfe-controle";
  const book = new AddressBook(options.devices);
  // Optional levels before each device's topic prefix (a prefix such as `elfe/D003`).
  const base = options.base ? `${options.base}/` : "";
  const calls = new Map<number, RpcCall>();
  let nextId = 1;

  const rpc = (cmd: DeviceCommand, method: string, params: Record<string, unknown>, on?: boolean): MqttMessage[] => {
    const plug = topicLevel(book.plugOf(cmd.deviceId), cmd.deviceId);
    const id = nextId++;
    calls.set(id, { deviceId: cmd.deviceId, on });
    if (calls.size > 1000) calls.delete(calls.keys().next().value as number); // unanswered calls do not pile up
    return [publish(`${base}${plug}/rpc`, JSON.stringify({ id, src: `${replyBase}/${plug}`, method, params }))];
  };

  const reply = (topic: string, payload: unknown): Translation => {
    const body = jsonOf(topic, payload);
    const id = numberOf(topic, body.id, "id", { min: 0, max: Number.MAX_SAFE_INTEGER });
    const call = calls.get(id);
    if (!call) return nothing(); // another controller's call, or one already answered
    calls.delete(id);
    if (body.error !== undefined) {
      // An error member that is not an object (null, a text) is still a refusal: said as it came.
      const e = (typeof body.error === "object" && body.error !== null ? body.error : { message: body.error }) as { code?: unknown; message?: unknown };
      return ack({ deviceId: call.deviceId, ok: false, detail: `RPC error ${String(e.code)}: ${String(e.message)}` });
    }
    if (body.result === undefined) throw new DeviceMessageError("missing-field", topic, "result is missing");
    return ack({ deviceId: call.deviceId, ok: true, on: call.on, detail: "rpc result" });
  };

  return {
    family: "shelly-gen2",
    subscriptions: () => [`${replyBase}/+/rpc`, ...[`+/status/${SWITCH}`, "+/events/rpc", "+/online"].map((t) => base + t)],
    command(cmd: DeviceCommand): MqttMessage[] {
      if (cmd.action === "on" || cmd.action === "off") return rpc(cmd, "Switch.Set", { id: 0, on: cmd.action === "on" }, cmd.action === "on");
      if (cmd.action === "set" && typeof cmd.value === "number" && Number.isFinite(cmd.value) && cmd.value >= 0) {
        // Safety net of the seed's "Commande config": powered on at boot, and back on `value` s after an off.
        const config = { initial_state: "on", auto_on: cmd.value > 0, auto_on_delay: cmd.value };
        return rpc(cmd, "Switch.SetConfig", { id: 0, config });
      }
      throw new DeviceMessageError("unsupported-command", `${base}${book.plugOf(cmd.deviceId)}/rpc`, `action "${cmd.action}" needs on, off, or set with a delay in seconds`);
    },
    parse({ topic, payload }: MqttInbound, now: Date): Translation | null {
      const back = levelsAfter(replyBase, topic);
      if (back && back.length === 2 && back[1] === "rpc") return reply(topic, payload);
      if (!topic.startsWith(base)) return null;
      const [plug, ...rest] = topic.slice(base.length).split("/");
      const deviceId = book.deviceOf(plug);
      switch (rest.join("/")) {
        case `status/${SWITCH}`:
          return reading(deviceId, now, switchStatus(topic, jsonOf(topic, payload), true));
        case "events/rpc": {
          const frame = jsonOf(topic, payload);
          if (frame.method !== "NotifyStatus" && frame.method !== "NotifyFullStatus") return nothing();
          const params = fieldOf(topic, frame, "params");
          if (typeof params !== "object" || params === null) throw new DeviceMessageError("wrong-type", topic, "params is not an object");
          const status = (params as Record<string, unknown>)[SWITCH];
          return status === undefined ? nothing() : reading(deviceId, now, switchStatus(topic, status, false));
        }
        case "online":
          return reading(deviceId, now, { online: onOffOf(topic, payload, "online") });
        default:
          return null;
      }
    },
  };
}
