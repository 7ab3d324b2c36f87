// Parsing shared by every device family: payloads arrive from core `mqtt in` as Buffers, strings,
// or already parsed (auto-detect turns "37.4" into 37.4 and JSON into objects), so every reader
// accepts all forms and says clearly what was wrong — a translator never returns NaN.

export type DeviceErrorCode = "not-json" | "missing-field" | "not-a-number" | "out-of-range" | "wrong-type" | "unsupported-command" | "unknown-device" | "unsafe-topic";

/** A payload or a command a translator cannot use; `topic` and `code` say which and why. */
export class DeviceMessageError extends Error {
  constructor(
    readonly code: DeviceErrorCode,
    readonly topic: string,
    detail: string,
  ) {
    super(`${topic}: ${detail}`);
    this.name = "DeviceMessageError";
  }
}

export interface Range {
  min: number;
  max: number;
}

/** Physical bounds: anything outside is a corrupt payload, not a measurement. */
export const RANGE = {
  powerW: { min: -1e6, max: 1e6 },
  energyWh: { min: 0, max: 1e12 },
  percent: { min: 0, max: 100 },
  temperatureC: { min: -60, max: 150 },
} satisfies Record<string, Range>;

const short = (value: unknown): string => {
  const s = typeof value === "string" ? value : Buffer.isBuffer(value) ? value.toString("utf8") : JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 40 ? `${s.slice(0, 40)}…` : s;
};

/** The payload as trimmed text (numbers and booleans as MQTT carried them). */
export function textOf(topic: string, payload: unknown): string {
  if (typeof payload === "string") return payload.trim();
  if (Buffer.isBuffer(payload)) return payload.toString("utf8").trim();
  if (payload instanceof Uint8Array) return Buffer.from(payload).toString("utf8").trim();
  if (typeof payload === "number" || typeof payload === "boolean") return String(payload);
  throw new DeviceMessageError("wrong-type", topic, `expected a text payload, got ${short(payload)}`);
}

/** The payload as a JSON object (parsed here unless `mqtt in` already did). */
export function jsonOf(topic: string, payload: unknown): Record<string, unknown> {
  let value = payload;
  if (typeof payload === "string" || Buffer.isBuffer(payload) || payload instanceof Uint8Array) {
    const text = textOf(topic, payload);
    try {
      value = JSON.parse(text);
    } catch {
      throw new DeviceMessageError("not-json", topic, `payload is not JSON: ${short(text)}`);
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DeviceMessageError("wrong-type", topic, `expected a JSON object, got ${short(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A finite number within range, from a number or a numeric text. */
export function numberOf(topic: string, value: unknown, what: string, range: Range): number {
  if (value === undefined || value === null) throw new DeviceMessageError("missing-field", topic, `${what} is missing`);
  let n: number;
  if (typeof value === "number") n = value;
  else if (typeof value === "string" || Buffer.isBuffer(value)) {
    const text = textOf(topic, value);
    n = text === "" ? NaN : Number(text);
  } else throw new DeviceMessageError("wrong-type", topic, `${what} is not a number: ${short(value)}`);
  if (!Number.isFinite(n)) throw new DeviceMessageError("not-a-number", topic, `${what} is not a number: ${short(value)}`);
  if (n < range.min || n > range.max) throw new DeviceMessageError("out-of-range", topic, `${what} ${n} is outside [${range.min}, ${range.max}]`);
  return n;
}

/** An on/off state from the words and values devices use (on/off, ON/OFF, true/false, 1/0). */
export function onOffOf(topic: string, value: unknown, what: string): boolean {
  const word = typeof value === "boolean" || typeof value === "number" ? String(value) : textOf(topic, value);
  switch (word.toLowerCase()) {
    case "on":
    case "true":
    case "1":
      return true;
    case "off":
    case "false":
    case "0":
      return false;
    default:
      throw new DeviceMessageError("wrong-type", topic, `${what} is neither on nor off: ${short(value)}`);
  }
}

/** A nested member of a JSON object, or a missing-field error naming its path. */
export function fieldOf(topic: string, obj: Record<string, unknown>, path: string): unknown {
  let value: unknown = obj;
  for (const key of path.split(".")) {
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    if (value === undefined) throw new DeviceMessageError("missing-field", topic, `${path} is missing`);
  }
  return value;
}

/** The topic's levels after a base (which may itself hold several levels), or null if the topic is elsewhere. */
export function levelsAfter(base: string, topic: string): string[] | null {
  const prefix = base.endsWith("/") ? base : `${base}/`;
  if (base !== "" && !topic.startsWith(prefix)) return null;
  return (base === "" ? topic : topic.slice(prefix.length)).split("/");
}

/** A last-will word: Online/online → true, Offline/offline → false. */
export function lastWillOf(topic: string, payload: unknown): boolean {
  const word = textOf(topic, payload).toLowerCase();
  if (word !== "online" && word !== "offline") throw new DeviceMessageError("wrong-type", topic, `last will is neither online nor offline: ${short(word)}`);
  return word === "online";
}

/**
 * True when `s` holds what a topic built from it must not: an MQTT wildcard (`+`, `#`), NUL or
 * another control character, and with `singleLevel` the level separator `/`.
 */
export function unsafeForTopic(s: string, singleLevel: boolean): boolean {
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 || c === 0x7f || ch === "+" || ch === "#" || (singleLevel && ch === "/")) return true;
  }
  return false;
}

/**
 * A device or plug id checked before it becomes one MQTT topic level: an id with `+` or `#` would
 * make a wildcard (refused by the broker, or worse, matched by other subscribers), `/` would
 * address another device's topic, and control characters corrupt the topic. `device` names the
 * device the order was for.
 */
export function topicLevel(level: string, device: string, what = "plug id"): string {
  if (typeof level !== "string" || level === "" || unsafeForTopic(level, true)) {
    throw new DeviceMessageError("unsafe-topic", device, `${what} ${JSON.stringify(level)} cannot be an MQTT topic level (empty, or holds +, #, / or a control character)`);
  }
  return level;
}
