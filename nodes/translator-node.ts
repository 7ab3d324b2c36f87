// Device translator nodes (elfe-shelly-gen1, elfe-tasmota …): one runtime for every plug family.
// Input: a DeviceCommand (or an array) → output 1, MQTT publishes for core `mqtt out`; a message
// from core `mqtt in` → output 2, Readings; output 3, confirmations, retries, failures, online/offline.
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { asError, errorStatus, safeTimeout, type StatusFill } from "./node-helpers";
import { AddressBook, Confirmations, type Due, type Translator, type TranslatorOptions } from "../lib/devices/translator";
import { validateDeviceCommand, type DeviceCommand, type MqttMessage } from "../lib/types";
import * as clock from "../lib/time/clock";

export interface TranslatorNodeDef extends NodeDef {
  base?: string;
  devices?: string;
  replyTopic?: string;
  timeoutS?: string | number;
  retries?: string | number;
}

const positive = (value: unknown, fallback: number) => {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 && value !== "" ? n : fallback;
};

export const mqttOut = (m: MqttMessage): NodeMessage => ({ topic: m.topic, payload: m.payload, qos: m.qos, retain: m.retain });

/** The commands a message carries, or undefined when it is not a DeviceCommand (nor an array of them). */
function commandsOf(payload: unknown): DeviceCommand[] | undefined {
  // Telemetry (text, Buffer, number) never is a command: skip validation on the hot path.
  if (typeof payload !== "object" || payload === null || Buffer.isBuffer(payload)) return undefined;
  const list = Array.isArray(payload) ? payload : [payload];
  const meant = list.some((c) => typeof c === "object" && c !== null && "action" in c && "deviceId" in c);
  if (!meant) return undefined; // a telemetry object (Tasmota SENSOR, Shelly status …)
  const checked = list.map((c) => validateDeviceCommand.check(c));
  const bad = checked.find((c) => !c.ok);
  if (bad && !bad.ok) throw bad.error; // a command with a wrong field: say which
  return checked.map((c) => (c as { ok: true; value: DeviceCommand }).value);
}

/**
 * elfe-dispatch names the plug in msg.plugId (a power finger is another plug than the appliance's
 * own): the order then goes to that plug, under the id its readings come back with, so the
 * translator confirms it and the dispatch recognises the readings. Without msg.plugId the
 * node's device list (or the device id itself) gives the plug.
 */
function forPlug(commands: DeviceCommand[] | undefined, plugId: unknown, book: AddressBook): DeviceCommand[] | undefined {
  if (!commands || typeof plugId !== "string" || plugId === "") return commands;
  return commands.map((c) => ({ ...c, deviceId: book.deviceOf(plugId) }));
}

/** Registers a translator node type: every family shares this runtime and differs by its factory. */
export function registerTranslatorNode(RED: NodeAPI, type: string, factory: (options: TranslatorOptions) => Translator): void {
  function TranslatorNode(this: Node, config: TranslatorNodeDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const translator = factory({ base: config.base?.trim(), devices: config.devices, replyTopic: config.replyTopic?.trim() });
    const book = new AddressBook(config.devices);
    const confirmations = new Confirmations({ timeoutMs: positive(config.timeoutS, 10) * 1000, retries: positive(config.retries, 2), idleW: 5 });
    let timer: NodeJS.Timeout | undefined;
    let lastRoutineStatus = 0;
    const say = (fill: StatusFill, key: string, params: Record<string, string | number> = {}) =>
      node.status({ fill, shape: fill === "red" ? "ring" : "dot", text: RED._(`${type}.status.${key}`, params) });
    /** Readings come by thousands: their status is shown at most once a second. */
    const sayRoutine = (key: string, params: Record<string, string | number>) => {
      const now = clock.now();
      if (now - lastRoutineStatus < 1000) return;
      lastRoutineStatus = now;
      say(key === "ignored" ? "grey" : "green", key, params);
    };

    const deliver = (due: Due, send: (msgs: (NodeMessage | NodeMessage[] | null)[]) => void) => {
      const resend = due.resend.flatMap((r) => r.messages.map(mqttOut));
      const events = [...due.resend.map((r) => r.event), ...due.events];
      if (resend.length === 0 && events.length === 0) return;
      send([resend, null, events.map((e) => ({ topic: e.deviceId, payload: e }))]);
      for (const e of events) {
        if (e.event === "failed") {
          say("red", "failed", { device: e.deviceId });
          node.error(new Error(`${e.deviceId}: ${e.command?.action ?? "order"} not confirmed after ${e.attempts} attempt(s): ${e.detail}`), { topic: e.deviceId, payload: e });
        } else if (e.event === "confirmed") say("green", "confirmed", { device: e.deviceId, action: e.command?.action ?? "" });
        else if (e.event === "retry") say("yellow", "retry", { device: e.deviceId, attempt: e.attempts ?? 0 });
      }
    };

    const schedule = () => {
      clearTimeout(timer);
      const next = confirmations.nextDeadline();
      if (next === undefined) return;
      timer = safeTimeout(node, Math.max(1, next - clock.now()), () => {
        deliver(confirmations.tick(clock.now()), (msgs) => node.send(msgs));
        schedule();
      });
    };

    node.on("input", (msg: NodeMessageInFlow, send, done) => {
      try {
        const commands = forPlug(commandsOf(msg.payload), (msg as { plugId?: unknown }).plugId, book);
        if (commands) {
          const out: NodeMessage[] = [];
          for (const cmd of commands) {
            if (cmd.family !== translator.family) throw new Error(`${cmd.deviceId}: a ${cmd.family} command sent to the ${translator.family} translator`);
            const messages = translator.command(cmd);
            confirmations.sent(cmd, messages, clock.now());
            out.push(...messages.map(mqttOut));
            if (messages.length === 0) send([null, null, { topic: cmd.deviceId, payload: { event: "unchanged", deviceId: cmd.deviceId, at: new Date(clock.now()).toISOString(), command: cmd } }]);
          }
          send([out, null, null]);
          const last = commands[commands.length - 1];
          say("blue", "sent", { device: last.deviceId, action: last.action });
          schedule();
          return done();
        }
        if (typeof msg.topic !== "string" || msg.topic === "") throw new Error("expected a DeviceCommand, or an MQTT message with a topic");
        const translation = translator.parse({ topic: msg.topic, payload: msg.payload }, new Date(clock.now()));
        if (!translation) {
          sayRoutine("ignored", { topic: msg.topic.slice(0, 40) });
          return done();
        }
        if (translation.readings.length > 0) {
          send([null, translation.readings.map((r) => ({ topic: r.deviceId, payload: r })), null]);
          sayRoutine("reading", { device: translation.readings[0].deviceId });
        }
        deliver(confirmations.observe(translation, clock.now()), send);
        schedule();
        done();
      } catch (err) {
        const e = asError(err);
        node.status(errorStatus(e));
        done(e);
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      clearTimeout(timer);
      node.status({});
      done();
    });
  }
  RED.nodes.registerType(type, TranslatorNode);
}
