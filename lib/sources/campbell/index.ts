// Campbell Scientific datalogger web API, `DataQuery` with format=json (CSIJSON): URL building,
// parsing (units from the header, logger-local timestamps in the logger's own zone), paging on
// `more`, and the conversion of records to a SlotSeries, a Reading, or PV power from irradiance.
import { DateTime, IANAZone } from "luxon";
import { resamplePower, type SlotGrid, type Instant, toMillis } from "../../time";
import type { Reading, SlotSeries } from "../../types";
import { SourceError, guardParse, isRecord, numberOrNull } from "../errors";
import { httpOk, parseJson, type HttpAuth } from "../http";

const SOURCE = "campbell";

export type DataQueryMode = "most-recent" | "since-time" | "date-range" | "since-record" | "backfill";

export interface DataQuery {
  /** Logger root, e.g. http://datalogger.example/ (a LoggerNet front-end may add a path). */
  baseUrl: string;
  table: string;
  /** One field; blank = every field of the table. */
  field?: string;
  mode: DataQueryMode;
  /** most-recent: how many records (default 1). */
  records?: number;
  /** since-time and date-range start; date-range end (half-open [since, until)). */
  since?: Instant;
  until?: Instant;
  sinceRecord?: number;
  backfillSeconds?: number;
  /** The logger clock's zone: loggers often keep standard time all year (e.g. Etc/GMT-1). */
  loggerZone: string;
}

export interface CampbellField {
  name: string;
  units: string;
  process?: string;
  type?: string;
}

export interface CampbellRecord {
  /** ISO-8601 with offset: the logger's local time read in the logger's zone. */
  time: string;
  no?: number;
  /** Parallel to the fields; NAN / INF / non-numbers are null. */
  vals: (number | null)[];
}

export interface CampbellTable {
  station?: string;
  table?: string;
  fields: CampbellField[];
  records: CampbellRecord[];
  more: boolean;
}

function checkZone(zone: string): void {
  if (!IANAZone.isValidZone(zone)) throw new SourceError(SOURCE, "config", `unknown logger time zone ${JSON.stringify(zone)}`);
}

/** An instant as the logger's wall clock reads it: YYYY-MM-DDTHH:MM:SS without zone. */
export function loggerTime(t: Instant, zone: string): string {
  checkZone(zone);
  return DateTime.fromMillis(toMillis(t), { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

export function dataQueryUrl(q: DataQuery): string {
  checkZone(q.loggerZone);
  if (!/^[\w.[\]-]+$/.test(q.table)) throw new SourceError(SOURCE, "config", `not a table name: ${JSON.stringify(q.table)}`);
  if (q.field !== undefined && q.field !== "" && !/^[\w.()[\]-]+$/.test(q.field)) throw new SourceError(SOURCE, "config", `not a field name: ${JSON.stringify(q.field)}`);
  let u: URL;
  try {
    u = new URL(q.baseUrl);
  } catch {
    throw new SourceError(SOURCE, "config", `not a URL: ${JSON.stringify(q.baseUrl)}`);
  }
  const p = u.searchParams;
  p.set("command", "DataQuery");
  p.set("uri", `dl:${q.table}${q.field ? `.${q.field}` : ""}`);
  p.set("format", "json");
  p.set("mode", q.mode);
  const need = (v: Instant | undefined, what: string): Instant => {
    if (v === undefined) throw new SourceError(SOURCE, "config", `mode ${q.mode} needs ${what}`);
    return v;
  };
  switch (q.mode) {
    case "most-recent": {
      const n = q.records ?? 1;
      if (!Number.isInteger(n) || n < 1) throw new SourceError(SOURCE, "config", `records must be a whole number >= 1, got ${n}`);
      p.set("p1", String(n));
      break;
    }
    case "since-time":
      p.set("p1", loggerTime(need(q.since, "a start time"), q.loggerZone));
      break;
    case "date-range":
      p.set("p1", loggerTime(need(q.since, "a start time"), q.loggerZone));
      p.set("p2", loggerTime(need(q.until, "an end time"), q.loggerZone));
      break;
    case "since-record":
      p.set("p1", String(need(q.sinceRecord, "a record number")));
      break;
    case "backfill":
      p.set("p1", String(need(q.backfillSeconds, "a number of seconds")));
      break;
  }
  return u.toString();
}

/** Parses a DataQuery JSON answer; anything else (HTML, text errors, broken JSON) is a typed error. */
export function parseDataQuery(body: string, loggerZone: string): CampbellTable {
  checkZone(loggerZone);
  const json = parseJson(SOURCE, body);
  return guardParse(SOURCE, () => {
    if (!isRecord(json) || !isRecord(json.head)) throw new SourceError(SOURCE, "parse", "the answer has no head: not a DataQuery JSON answer");
    const head = json.head;
    if (!Array.isArray(head.fields)) throw new SourceError(SOURCE, "parse", "head.fields is missing (unknown table or field?)");
    const fields: CampbellField[] = head.fields.map((f, i) => {
      if (!isRecord(f) || typeof f.name !== "string") throw new SourceError(SOURCE, "parse", `head.fields[${i}] has no name`);
      return {
        name: f.name,
        units: typeof f.units === "string" ? f.units : "",
        process: typeof f.process === "string" ? f.process : undefined,
        type: typeof f.type === "string" ? f.type : undefined,
      };
    });
    const env = isRecord(head.environment) ? head.environment : {};
    const rawData = json.data === null || json.data === undefined ? [] : json.data;
    if (!Array.isArray(rawData)) throw new SourceError(SOURCE, "parse", "data is not an array");
    const records: CampbellRecord[] = rawData.map((r, i) => {
      if (!isRecord(r) || typeof r.time !== "string" || !Array.isArray(r.vals)) throw new SourceError(SOURCE, "parse", `data[${i}] lacks time or vals`);
      if (r.vals.length !== fields.length) throw new SourceError(SOURCE, "parse", `data[${i}] has ${r.vals.length} values for ${fields.length} fields`);
      if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(r.time)) throw new SourceError(SOURCE, "parse", `data[${i}].time is not a logger time: ${JSON.stringify(r.time)}`);
      const dt = DateTime.fromISO(r.time.replace(" ", "T"), { zone: loggerZone });
      if (!dt.isValid) throw new SourceError(SOURCE, "parse", `data[${i}].time is not a valid time: ${JSON.stringify(r.time)}`);
      return { time: dt.toISO({ suppressMilliseconds: true }) as string, no: Number.isSafeInteger(r.no) ? (r.no as number) : undefined, vals: r.vals.map(numberOrNull) };
    });
    return {
      station: typeof env.station_name === "string" ? env.station_name : undefined,
      table: typeof env.table_name === "string" ? env.table_name : undefined,
      fields,
      records,
      more: json.more === true,
    };
  });
}

export interface FetchOptions {
  timeoutMs: number;
  auth?: HttpAuth;
  /** Pages to follow while the logger says `more` (default 20). */
  maxPages?: number;
}

/** Runs the query, following `more` with since-record pages. */
export async function queryCampbell(q: DataQuery, options: FetchOptions): Promise<CampbellTable> {
  const maxPages = options.maxPages ?? 20;
  let query = q;
  let result: CampbellTable | undefined;
  for (let page = 0; page < maxPages; page++) {
    const res = await httpOk({ source: SOURCE, url: dataQueryUrl(query), timeoutMs: options.timeoutMs, auth: options.auth ? { ...options.auth, scheme: "basic" } : undefined });
    const table = parseDataQuery(res.body, q.loggerZone);
    if (result) {
      if (table.fields.map((f) => f.name).join() !== result.fields.map((f) => f.name).join()) throw new SourceError(SOURCE, "parse", "the fields changed between pages");
      result.records.push(...table.records);
      result.more = table.more;
    } else result = table;
    const last = table.records[table.records.length - 1];
    if (!table.more || last?.no === undefined) break;
    query = { ...q, mode: "since-record", sinceRecord: last.no + 1 };
  }
  return result as CampbellTable;
}

/** Index of the wanted field (by name, or the only one). */
export function fieldIndex(table: CampbellTable, field?: string): number {
  if (field) {
    const i = table.fields.findIndex((f) => f.name === field);
    if (i < 0) throw new SourceError(SOURCE, "remote", `field ${field} is not in the answer (${table.fields.map((f) => f.name).join(", ") || "no fields"})`, { id: field });
    return i;
  }
  if (table.fields.length !== 1) throw new SourceError(SOURCE, "config", `the table has ${table.fields.length} fields: name the one to use`);
  return 0;
}

export interface PvConversion {
  /** Peak power of the array in W (under 1000 W/m²). */
  peakW: number;
  /** Performance ratio, 0..1 (losses of inverter, cables, temperature; 0.8 is typical). */
  performanceRatio: number;
}

/** How a field's unit turns into W: irradiance (with a PV conversion) or power units. */
export function powerFactor(units: string, pv?: PvConversion): { factor: number; unit: string; quantity?: string } | null {
  const u = units.replace(/\s+/g, "").toLowerCase();
  if (/^w\/m(\^?2|²)$/.test(u)) {
    if (!pv) return null;
    return { factor: (pv.peakW / 1000) * pv.performanceRatio, unit: "W", quantity: "production" };
  }
  if (u === "w") return { factor: 1, unit: "W" };
  if (u === "kw") return { factor: 1000, unit: "W" };
  return null;
}

/** The longest span one answer's records may cover: a year of records and some margin. */
const MAX_SPAN_DAYS = 400;
const MAX_SPAN_MS = MAX_SPAN_DAYS * 86_400_000;

/** Milli-unit precision: drops float noise (705.9 × 2.4 = 1694.1599999…) no sensor resolves. */
const round3 = (v: number) => {
  const r = Math.round(v * 1000) / 1000;
  return Number.isFinite(r) ? r : v; // near the float limit there are no decimals to round
};

function intervalMs(records: CampbellRecord[], fallbackMinutes: number): number {
  let best = Infinity;
  for (let i = 1; i < records.length; i++) {
    const d = toMillis(records[i].time) - toMillis(records[i - 1].time);
    if (d > 0 && d < best) best = d;
  }
  return Number.isFinite(best) ? best : fallbackMinutes * 60_000;
}

export interface SeriesOptions {
  field?: string;
  pv?: PvConversion;
  /** Averaging interval of the table when it cannot be seen from the records (default 60). */
  intervalMinutes?: number;
}

/**
 * Records → SlotSeries on the territory grid. A record's time is the END of its averaging
 * interval, so its value covers [time − interval, time); a slot is averaged from the records
 * that cover it (a 15-min slot inside an hourly record gets that hour's mean).
 */
export function tableToSeries(grid: SlotGrid, table: CampbellTable, options: SeriesOptions = {}): SlotSeries {
  const i = fieldIndex(table, options.field);
  const field = table.fields[i];
  const conv = powerFactor(field.units, options.pv) ?? { factor: 1, unit: field.units || "1", quantity: undefined };
  const recs = table.records.filter((r) => r.vals[i] !== null);
  if (table.records.length === 0) return { start: grid.iso(grid.slotStart(Date.now())), stepMinutes: grid.stepMinutes, values: [], unit: conv.unit, quantity: conv.quantity };
  const step = intervalMs(table.records, options.intervalMinutes ?? 60);
  // Each record holds over its own interval; its end point sits 1 ms early so that a missing
  // record leaves a hole longer than the interval, which the resampler treats as a gap.
  const samples = recs.flatMap((r) => {
    const end = toMillis(r.time);
    const v = (r.vals[i] as number) * conv.factor;
    return [
      { ts: end - step, value: v },
      { ts: end - 1, value: v },
    ];
  });
  const firstStart = toMillis(table.records[0].time) - step;
  const lastEnd = toMillis(table.records[table.records.length - 1].time);
  const start = grid.slotStart(firstStart);
  // A record dated centuries away (a corrupt logger clock) would make millions of slots.
  if (lastEnd - firstStart > MAX_SPAN_MS || lastEnd < firstStart) {
    throw new SourceError(SOURCE, "parse", `the records of ${field.name} run from ${table.records[0].time} to ${table.records[table.records.length - 1].time}: not one answer's span (at most ${MAX_SPAN_DAYS} days, in order)`, { id: field.name });
  }
  const count = grid.indexFrom(start, lastEnd - 1) + 1;
  const series = resamplePower(grid, samples, { start, count, maxGapMinutes: step / 60_000, unit: conv.unit, quantity: conv.quantity }).series;
  return { ...series, values: series.values.map((v) => (v === null ? null : round3(v))) };
}

/** The newest record with a value, as a Reading (power only: irradiance needs a PV conversion). */
export function latestReading(table: CampbellTable, deviceId: string, options: SeriesOptions = {}): Reading {
  const i = fieldIndex(table, options.field);
  const field = table.fields[i];
  const conv = powerFactor(field.units, options.pv);
  if (!conv) throw new SourceError(SOURCE, "config", `field ${field.name} is in ${field.units || "no unit"}: a Reading needs W, kW, or W/m² with a PV peak power`, { id: field.name });
  for (let k = table.records.length - 1; k >= 0; k--) {
    const v = table.records[k].vals[i];
    if (v === null) continue;
    const powerW = round3(v * conv.factor);
    if (!Number.isFinite(powerW)) throw new SourceError(SOURCE, "parse", `${field.name} ${v} ${field.units} is out of range for a power`, { id: field.name });
    return { deviceId, ts: table.records[k].time, powerW };
  }
  throw new SourceError(SOURCE, "remote", `no valid value of ${field.name} in the answer (empty data or only NAN)`, { id: field.name });
}
