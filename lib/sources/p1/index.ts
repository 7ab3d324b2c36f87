// DSMR P1 smart-meter telegrams (DSMR 2.2 / 3 / 4 / 5 and the Belgian e-MUCS variant): split a
// byte stream into telegrams, check the CRC16 (DSMR 4+), parse the OBIS lines, and give a Reading.
import { DateTime, FixedOffsetZone, IANAZone } from "luxon";
import type { Reading } from "../../types";
import { SourceError } from "../errors";

const SOURCE = "p1";

/** CRC-16/ARC (poly 0xA001 reflected, init 0) as DSMR 4/5 put it after the '!'. */
export function crc16(text: string): number {
  let crc = 0;
  const bytes = Buffer.from(text, "latin1");
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

export function crcHex(text: string): string {
  return crc16(text).toString(16).toUpperCase().padStart(4, "0");
}

/** A telegram header: '/', three letters of the maker, one digit (baud-rate code), e.g. /ISk5\\2MT382. */
const HEADER = /\/[A-Za-z]{3}\d/;

export type SplitItem = { telegram: string } | { error: SourceError };

/**
 * Reassembles telegrams from chunks of any size (Node-RED's serial node may cut on newlines,
 * a TCP stream anywhere). A telegram runs from its header to '!' followed by its CRC
 * (4 hex digits, DSMR 4/5) or directly by the line end (DSMR 2.2/3, no CRC).
 */
export class P1Splitter {
  private buf = "";
  /** Bytes kept at most while waiting for an end (a telegram is well under 4 kB). */
  constructor(private readonly maxBytes = 16_384) {}

  push(chunk: string | Buffer): SplitItem[] {
    this.buf += typeof chunk === "string" ? chunk : chunk.toString("latin1");
    const out: SplitItem[] = [];
    for (;;) {
      const start = this.buf.search(HEADER);
      if (start < 0) {
        this.buf = this.buf.slice(-4); // a header may be arriving in pieces
        break;
      }
      if (start > 0) this.buf = this.buf.slice(start);
      const end = /\r?\n!([0-9A-Fa-f]{4})?(\r?\n|$)/.exec(this.buf);
      const next = this.buf.slice(1).search(HEADER);
      if (next >= 0 && (!end || end.index > next)) {
        out.push({ error: new SourceError(SOURCE, "parse", "telegram cut: a new telegram began before the end ('!') of the previous one") });
        this.buf = this.buf.slice(next + 1);
        continue;
      }
      if (!end || end[2] === "") {
        if (this.buf.length > this.maxBytes) {
          out.push({ error: new SourceError(SOURCE, "parse", `no telegram end within ${this.maxBytes} bytes`) });
          this.buf = "";
        }
        break;
      }
      const stop = end.index + end[0].length;
      out.push({ telegram: this.buf.slice(0, stop) });
      this.buf = this.buf.slice(stop);
    }
    return out;
  }

  reset(): void {
    this.buf = "";
  }
}

export interface P1Telegram {
  header: string;
  /** "2.2", "4.2", "5.0" … from 1-3:0.2.8 (Belgium: 0-0:96.1.4), absent on DSMR 2.2/3. */
  version?: string;
  equipmentId?: string;
  /** Meter time (ISO with offset), when the telegram carries one. */
  ts?: string;
  tariff?: number;
  /** kWh per tariff (1, 2 …). */
  importKWh: Record<string, number>;
  exportKWh: Record<string, number>;
  /** Instantaneous power, kW (DSMR writes kW). */
  importKW?: number;
  exportKW?: number;
  /** Per phase (L1..L3), present on DSMR 4+ three-phase meters. */
  phases: { importKW?: number; exportKW?: number; voltageV?: number; currentA?: number }[];
  gas?: { m3: number; ts?: string };
  /** Every OBIS line as read: id → raw values. */
  raw: Record<string, string[]>;
  crcChecked: boolean;
}

const offsets = new Map<string, [number, number]>();

/** The zone's winter and summer offsets (minutes) in a year, cached: a meter sends a telegram every second. */
function seasonOffsets(zone: string, year: number): [number, number] {
  const key = `${zone} ${year}`;
  let o = offsets.get(key);
  if (!o) {
    o = [DateTime.fromObject({ year, month: 1, day: 1 }, { zone }).offset, DateTime.fromObject({ year, month: 7, day: 1 }, { zone }).offset];
    if (offsets.size > 64) offsets.clear();
    offsets.set(key, o);
  }
  return o;
}

function meterTime(v: string, zone: string): string | undefined {
  const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})([SW])?$/.exec(v);
  if (!m) return undefined;
  const parts = { year: 2000 + Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]) };
  let dt: DateTime;
  if (m[7]) {
    // S/W says which offset applies: it settles the repeated hour at the end of summer time.
    const [winter, summer] = seasonOffsets(zone, parts.year);
    dt = DateTime.fromObject(parts, { zone: FixedOffsetZone.instance(m[7] === "S" ? summer : winter) });
  } else dt = DateTime.fromObject(parts, { zone });
  return dt.isValid ? (dt.setZone(zone).toISO({ suppressMilliseconds: true }) as string) : undefined;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.split("*")[0]);
  return v.split("*")[0].trim() !== "" && Number.isFinite(n) ? n : undefined;
}

/** Parses one telegram (with its CRC checked when present). `zone` is the meter's clock zone. */
export function parseTelegram(telegram: string, options: { zone?: string; requireCrc?: boolean } = {}): P1Telegram {
  const zone = options.zone ?? "Europe/Amsterdam";
  if (!IANAZone.isValidZone(zone)) throw new SourceError(SOURCE, "config", `unknown meter time zone ${JSON.stringify(zone)}`);
  const text = telegram.replace(/^[\s\S]*?(?=(^|\n)\/)/, "").replace(/^\n/, "");
  if (!text.startsWith("/")) throw new SourceError(SOURCE, "parse", "not a telegram: no '/' header");
  const bang = text.lastIndexOf("!");
  if (bang < 0) throw new SourceError(SOURCE, "parse", "telegram cut: no '!' end");
  const crcText = text.slice(bang + 1).trim();
  let crcChecked = false;
  if (crcText !== "") {
    if (!/^[0-9A-Fa-f]{4}$/.test(crcText)) throw new SourceError(SOURCE, "parse", `bad CRC field ${JSON.stringify(crcText.slice(0, 8))}`);
    const expected = crcHex(text.slice(0, bang + 1));
    if (expected !== crcText.toUpperCase()) throw new SourceError(SOURCE, "parse", `CRC mismatch: telegram says ${crcText.toUpperCase()}, content gives ${expected}; telegram rejected`, { remoteCode: "crc" });
    crcChecked = true;
  } else if (options.requireCrc) throw new SourceError(SOURCE, "parse", "telegram without CRC refused (DSMR 4/5 expected)");
  const lines = text.slice(0, bang).split(/\r?\n/);
  const header = lines[0].slice(1).trim();
  // DSMR 2.2 gas: the value sits on the line after 0-n:24.3.0; join continuation lines.
  const joined: string[] = [];
  for (const l of lines.slice(1)) {
    if (l.startsWith("(") && joined.length) joined[joined.length - 1] += l.trim();
    else if (l.trim() !== "") joined.push(l.trim());
  }
  const raw: Record<string, string[]> = {};
  for (const l of joined) {
    const m = /^(\d+-\d+:\d+\.\d+\.\d+)((?:\([^()]*\))+)$/.exec(l);
    if (!m) continue; // unknown lines (e.g. manufacturer-specific) are skipped, not fatal
    raw[m[1]] = [...m[2].matchAll(/\(([^()]*)\)/g)].map((x) => x[1]);
  }
  const first = (id: string) => raw[id]?.[0];
  const t: P1Telegram = { header, importKWh: {}, exportKWh: {}, phases: [], raw, crcChecked };
  t.version = first("1-3:0.2.8") ?? first("1-0:0.2.8") ?? first("0-0:96.1.4");
  if (t.version && /^\d\d$/.test(t.version)) t.version = `${t.version[0]}.${t.version[1]}`;
  t.equipmentId = first("0-0:96.1.1") ?? first("0-0:96.1.0");
  const ts = first("0-0:1.0.0");
  if (ts) t.ts = meterTime(ts, zone);
  t.tariff = num(first("0-0:96.14.0"));
  for (const [id, vals] of Object.entries(raw)) {
    const e = /^1-0:([12])\.8\.(\d)$/.exec(id);
    if (e) {
      const v = num(vals[0]);
      if (v !== undefined) (e[1] === "1" ? t.importKWh : t.exportKWh)[e[2]] = v;
    }
  }
  t.importKW = num(first("1-0:1.7.0"));
  t.exportKW = num(first("1-0:2.7.0"));
  [21, 41, 61].forEach((base, i) => {
    const ph = { importKW: num(first(`1-0:${base}.7.0`)), exportKW: num(first(`1-0:${base + 1}.7.0`)), voltageV: num(first(`1-0:${base + 11}.7.0`)), currentA: num(first(`1-0:${base + 10}.7.0`)) };
    if (Object.values(ph).some((v) => v !== undefined)) t.phases[i] = Object.fromEntries(Object.entries(ph).filter(([, v]) => v !== undefined));
  });
  for (const [id, vals] of Object.entries(raw)) {
    const g = /^0-\d:24\.(2\.1|2\.3|3\.0)$/.exec(id);
    if (!g) continue;
    const v = num(vals[vals.length - 1]);
    if (v !== undefined) t.gas = { m3: v, ...(vals.length > 1 && meterTime(vals[0], zone) ? { ts: meterTime(vals[0], zone) } : {}) };
  }
  if (Object.keys(t.importKWh).length === 0 && t.importKW === undefined) throw new SourceError(SOURCE, "parse", "the telegram has no electricity import data (1-0:1.8.x / 1-0:1.7.0)");
  return t;
}

/** Reading: powerW = import − export (W, positive when drawing from the grid), energyWh = imported energy over all tariffs. */
export function telegramReading(t: P1Telegram, deviceId: string, receivedAt: Date = new Date()): Reading {
  const imported = Object.values(t.importKWh);
  const powerW = t.importKW === undefined ? undefined : Math.round((t.importKW - (t.exportKW ?? 0)) * 1000 * 1000) / 1000;
  return {
    deviceId,
    ts: t.ts ?? (DateTime.fromJSDate(receivedAt).toISO({ suppressMilliseconds: true }) as string),
    ...(powerW !== undefined ? { powerW } : {}),
    ...(imported.length ? { energyWh: Math.round(imported.reduce((a, b) => a + b, 0) * 1000 * 1000) / 1000 } : {}),
  };
}
