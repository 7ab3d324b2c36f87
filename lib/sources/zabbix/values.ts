// What a message can ask Zabbix to store, turned into PushValues: explicit values (by item id
// or host + key), a bare number with the message topic as key, or Readings (one value per field).
import { ReadingSchema, type Reading } from "../../types";
import type { PushValue, TagFilter } from "./api";

export interface ValueDefaults {
  host?: string;
  topic?: string;
  keyPrefix?: string;
}

const READING_FIELDS = ["powerW", "energyWh", "on", "online", "batteryPct", "charging", "temperatureC", "humidityPct"] as const;

function fromReading(r: Reading, d: ValueDefaults): PushValue[] {
  if (!d.host) throw new RangeError("a Reading needs the node's host setting to name the Zabbix host");
  const clock = Math.floor(Date.parse(r.ts) / 1000);
  const prefix = d.keyPrefix || "elfe";
  const out: PushValue[] = [];
  for (const f of READING_FIELDS) {
    const v = r[f];
    if (v === undefined) continue;
    out.push({ host: d.host, key: `${prefix}.${f}[${r.deviceId}]`, value: typeof v === "boolean" ? (v ? 1 : 0) : v, clock });
  }
  return out;
}

function one(v: unknown, i: number, d: ValueDefaults): PushValue[] {
  if (typeof v === "number" || typeof v === "string") {
    if (!d.host || !d.topic) throw new RangeError("a bare value needs the node's host and msg.topic as the item key");
    if (typeof v === "number" && !Number.isFinite(v)) throw new RangeError(`value ${i} is not a finite number`);
    return [{ host: d.host, key: d.topic, value: v }];
  }
  if (typeof v !== "object" || v === null) throw new RangeError(`value ${i} is neither a number, a {key|itemid, value} object nor a Reading`);
  const o = v as Record<string, unknown>;
  if (typeof o.deviceId === "string" && typeof o.ts === "string") {
    const parsed = ReadingSchema.safeParse(o);
    if (!parsed.success) throw new RangeError(`value ${i} is not a valid Reading: ${parsed.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
    return fromReading(parsed.data, d);
  }
  const value = o.value;
  if (typeof value === "number" ? !Number.isFinite(value) : typeof value !== "string") throw new RangeError(`value ${i}: "value" must be a finite number or a string`);
  const clock = o.clock === undefined ? undefined : typeof o.clock === "string" && !/^\d+$/.test(o.clock) ? Math.floor(Date.parse(o.clock) / 1000) : Number(o.clock);
  if (clock !== undefined && !Number.isInteger(clock)) throw new RangeError(`value ${i}: clock must be Unix seconds or an ISO time`);
  const ns = o.ns === undefined ? undefined : Number(o.ns);
  if (ns !== undefined && (!Number.isInteger(ns) || ns < 0 || ns > 999_999_999)) throw new RangeError(`value ${i}: ns must be 0–999999999`);
  if (o.itemid !== undefined) return [{ itemid: String(o.itemid), value: value as number | string, clock, ns }];
  const key = typeof o.key === "string" ? o.key : d.topic;
  const host = typeof o.host === "string" ? o.host : d.host;
  if (!key || !host) throw new RangeError(`value ${i} names no item: give itemid, or key and host (or the node's host)`);
  return [{ host, key, value: value as number | string, clock, ns }];
}

export function toPushValues(payload: unknown, defaults: ValueDefaults): PushValue[] {
  const list = Array.isArray(payload) ? payload : [payload];
  const values = list.flatMap((v, i) => one(v, i, defaults));
  if (!values.length) throw new RangeError("nothing to push: the payload holds no value");
  return values;
}

/** "territoire=vilaine, mesure~prod, indicateurs" → equals, contains, exists filters. */
export function parseTagList(text: string): TagFilter[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^([^=~!]+?)\s*(=|~|!=|!~)\s*(.*)$/.exec(s);
      if (!m) return s.startsWith("!") ? { tag: s.slice(1).trim(), operator: "notExists" as const } : { tag: s, operator: "exists" as const };
      const operator = m[2] === "=" ? "equals" : m[2] === "~" ? "contains" : m[2] === "!=" ? "notEquals" : "notContains";
      return { tag: m[1].trim(), value: m[3].trim(), operator };
    });
}
