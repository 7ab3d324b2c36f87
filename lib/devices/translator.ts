// What every plug family provides, the device-id ↔ plug-id book, and the confirmation tracker
// (order sent → device agrees within a time-out, else retry a bounded number of times, then fail).
import type { DeviceAck, DeviceCommand, DeviceEvent, MqttInbound, MqttMessage, PlugFamily, Reading, Translation } from "../types";
import { DeviceMessageError } from "./parse";

export interface Translator {
  readonly family: PlugFamily | "shelly-ht";
  /** The MQTT publishes that carry the order (empty when the device is known to be in that state already). */
  command(cmd: DeviceCommand): MqttMessage[];
  /** What the message means, or null if the topic is not one of this family's. */
  parse(msg: MqttInbound, now: Date): Translation | null;
  /** Topics to subscribe (core `mqtt in`) to hear every device of this family. */
  subscriptions(): string[];
}

export interface TranslatorOptions {
  /** Base topic for families that have one ("shellies", "switchbot", "Socorel" …). */
  base?: string;
  /** Lines `deviceId = plugId`; a device not listed uses its deviceId as plug id. */
  devices?: string;
  /** Shelly gen2: the RPC `src` base; replies come on `<src>/<plug>/rpc`. */
  replyTopic?: string;
}

/** Which plug (topic id) drives which piloted device, both ways. */
export class AddressBook {
  private readonly plugs = new Map<string, string>();
  private readonly devices = new Map<string, string>();

  constructor(mapping = "") {
    for (const line of mapping.split(/[\n;,]/)) {
      const [deviceId, plugId] = line.split("=").map((s) => s.trim());
      if (!deviceId || !plugId) continue;
      this.plugs.set(deviceId, plugId);
      this.devices.set(plugId, deviceId);
    }
  }

  plugOf(deviceId: string): string {
    return this.plugs.get(deviceId) ?? deviceId;
  }

  deviceOf(plugId: string): string {
    return this.devices.get(plugId) ?? plugId;
  }

  /** Every plug id listed in the book. */
  knownPlugs(): string[] {
    return [...this.devices.keys()];
  }
}

export const nothing = (): Translation => ({ readings: [], acks: [] });
export const reading = (deviceId: string, now: Date, values: Omit<Reading, "deviceId" | "ts">): Translation => ({
  readings: [{ deviceId, ts: now.toISOString(), ...values }],
  acks: [],
});
export const ack = (a: DeviceAck): Translation => ({ readings: [], acks: [a] });

/** The order's wanted on/off state, or an error for an action the family does not know. */
export function wantedState(cmd: DeviceCommand, topic: string): boolean {
  if (cmd.action === "on") return true;
  if (cmd.action === "off") return false;
  throw new DeviceMessageError("unsupported-command", topic, `action "${cmd.action}" is not supported by ${cmd.family} devices`);
}

export function publish(topic: string, payload: string, qos: 0 | 1 | 2 = 1): MqttMessage {
  return { topic, payload, qos, retain: false };
}

interface Pending {
  command: DeviceCommand;
  messages: MqttMessage[];
  want?: boolean;
  attempts: number;
  deadline: number;
}

export interface ConfirmOptions {
  timeoutMs: number;
  retries: number;
  /** Power above which a device that should be off is flagged. */
  idleW: number;
}

/** What the tracker asks its node to do when time passes. */
export interface Due {
  resend: { messages: MqttMessage[]; event: DeviceEvent }[];
  events: DeviceEvent[];
}

/**
 * Pure confirmation bookkeeping: `sent` records an order, `observe` matches readings and acks
 * against it, `tick` reports what timed out. Time is passed in, so tests need no clock.
 */
export class Confirmations {
  private readonly pending = new Map<string, Pending>();
  private readonly wanted = new Map<string, boolean>();
  private readonly online = new Map<string, boolean>();
  private readonly flagged = new Set<string>();
  /** Devices switched on whose meter has not yet shown the appliance start. */
  private readonly starting = new Set<string>();

  constructor(private readonly options: ConfirmOptions) {}

  sent(command: DeviceCommand, messages: MqttMessage[], nowMs: number): void {
    const want = command.action === "on" ? true : command.action === "off" ? false : undefined;
    if (want !== undefined) this.wanted.set(command.deviceId, want);
    if (messages.length === 0) return;
    this.pending.set(command.deviceId, { command, messages, want, attempts: 1, deadline: nowMs + this.options.timeoutMs });
  }

  get size(): number {
    return this.pending.size;
  }

  /** The earliest deadline of the orders still waiting, if any. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const p of this.pending.values()) next = next === undefined ? p.deadline : Math.min(next, p.deadline);
    return next;
  }

  observe(translation: Translation, nowMs: number): Due {
    const at = new Date(nowMs).toISOString();
    const due: Due = { resend: [], events: [] };
    for (const r of translation.readings) {
      if (r.online !== undefined && this.online.get(r.deviceId) !== r.online) {
        this.online.set(r.deviceId, r.online);
        due.events.push({ event: r.online ? "online" : "offline", deviceId: r.deviceId, at });
      }
      const p = this.pending.get(r.deviceId);
      if (p && p.want !== undefined && r.on === p.want) this.confirm(p, at, due, "state");
      const want = this.wanted.get(r.deviceId);
      if (r.powerW !== undefined && r.powerW > this.options.idleW && this.starting.delete(r.deviceId)) {
        due.events.push({ event: "started", deviceId: r.deviceId, at, detail: `${r.powerW} W` });
      }
      if (r.powerW !== undefined) {
        const drawing = want === false && r.powerW > this.options.idleW && !this.pending.has(r.deviceId);
        // Flagged once per episode, not at every telemetry message.
        if (drawing && !this.flagged.has(r.deviceId)) due.events.push({ event: "power-while-off", deviceId: r.deviceId, at, detail: `${r.powerW} W` });
        if (drawing) this.flagged.add(r.deviceId);
        else this.flagged.delete(r.deviceId);
      }
    }
    for (const a of translation.acks) {
      const p = this.pending.get(a.deviceId);
      if (!p) continue;
      if (a.ok) this.confirm(p, at, due, a.detail ?? "acknowledged");
      else this.retryOrFail(p, nowMs, due, a.detail ?? "refused");
    }
    return due;
  }

  tick(nowMs: number): Due {
    const due: Due = { resend: [], events: [] };
    for (const p of [...this.pending.values()]) {
      if (p.deadline <= nowMs) this.retryOrFail(p, nowMs, due, `no confirmation within ${this.options.timeoutMs / 1000} s`);
    }
    return due;
  }

  private confirm(p: Pending, at: string, due: Due, detail: string): void {
    this.pending.delete(p.command.deviceId);
    if (p.want === true) this.starting.add(p.command.deviceId);
    else this.starting.delete(p.command.deviceId);
    due.events.push({ event: "confirmed", deviceId: p.command.deviceId, at, command: p.command, attempts: p.attempts, detail });
  }

  private retryOrFail(p: Pending, nowMs: number, due: Due, detail: string): void {
    const at = new Date(nowMs).toISOString();
    const offline = this.online.get(p.command.deviceId) === false;
    if (p.attempts > this.options.retries || offline) {
      this.pending.delete(p.command.deviceId);
      const why = offline ? `${detail}; the device is offline (last will)` : detail;
      due.events.push({ event: "failed", deviceId: p.command.deviceId, at, command: p.command, attempts: p.attempts, detail: why });
      return;
    }
    p.attempts += 1;
    p.deadline = nowMs + this.options.timeoutMs;
    due.resend.push({ messages: p.messages, event: { event: "retry", deviceId: p.command.deviceId, at, command: p.command, attempts: p.attempts, detail } });
  }
}
