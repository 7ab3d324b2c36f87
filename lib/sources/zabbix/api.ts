// Typed Zabbix methods on top of the client: items by host group / host / key / tags,
// paged history.get and trend.get, host list, history.push. Values arrive as strings: every
// number is parsed and checked; a bad one is counted, never turned into a number.
import { ZabbixTransportError, type JsonValue, type ZabbixClient } from "./client";
import { HistoryColumns, ItemIndex } from "./history-columns";
import { scanHistoryAnswer } from "./history-scan";

export const TAG_OPERATORS = { contains: 0, equals: 1, notContains: 2, notEquals: 3, exists: 4, notExists: 5 } as const;

export interface TagFilter {
  tag: string;
  value?: string;
  operator?: keyof typeof TAG_OPERATORS;
}

export interface ItemSelection {
  itemids?: string[];
  /** Host group name. */
  group?: string;
  /** Host technical name. */
  host?: string;
  /** Item key pattern; `*` is a wildcard. */
  keyPattern?: string;
  tags?: TagFilter[];
  /** "and" (default) or "or" between tags. */
  tagsMatch?: "and" | "or";
}

export interface ZabbixItem {
  itemid: string;
  hostid: string;
  host: string;
  name: string;
  key: string;
  /** 0 float, 1 char, 2 log, 3 unsigned, 4 text, 5 binary. */
  valueType: number;
  units: string;
  /** Item type (2 = Zabbix trapper). */
  type: number;
}

export interface ZabbixHost {
  hostid: string;
  host: string;
  name: string;
}

function str(row: Record<string, JsonValue>, field: string, method: string): string {
  const v = row[field];
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  throw new ZabbixTransportError("parse", `${method}: field ${field} missing or not a string in ${JSON.stringify(row).slice(0, 120)}`);
}

function rowsOf(result: JsonValue, method: string): Record<string, JsonValue>[] {
  if (!Array.isArray(result)) throw new ZabbixTransportError("parse", `${method}: expected an array, got ${typeof result}`);
  for (const r of result) {
    if (typeof r !== "object" || r === null || Array.isArray(r)) throw new ZabbixTransportError("parse", `${method}: a row is not an object`);
  }
  return result as Record<string, JsonValue>[];
}

export function itemGetParams(sel: ItemSelection): Record<string, JsonValue> {
  const params: Record<string, JsonValue> = {
    output: ["itemid", "hostid", "name", "key_", "value_type", "units", "type"],
    selectHosts: ["host"],
    sortfield: "itemid",
  };
  if (sel.itemids?.length) params.itemids = sel.itemids;
  if (sel.group) params.group = sel.group;
  if (sel.host) params.host = sel.host;
  if (sel.keyPattern) {
    params.search = { key_: sel.keyPattern };
    params.searchWildcardsEnabled = true;
  }
  if (sel.tags?.length) {
    params.tags = sel.tags.map((t) => {
      const tag: Record<string, JsonValue> = { tag: t.tag, operator: TAG_OPERATORS[t.operator ?? (t.value === undefined ? "exists" : "equals")] };
      if (t.value !== undefined) tag.value = t.value;
      return tag;
    });
    params.evaltype = sel.tagsMatch === "or" ? 2 : 0;
  }
  return params;
}

/** A small whole number Zabbix sends as a string (value_type, type): anything else is the server's error. */
function code(row: Record<string, JsonValue>, field: string, fallback?: number): number {
  if (fallback !== undefined && (row[field] === undefined || row[field] === null)) return fallback;
  const n = Number(str(row, field, "item.get"));
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new ZabbixTransportError("parse", `item.get: field ${field} is not a type code: ${JSON.stringify(row[field]).slice(0, 40)}`);
  return n;
}

export async function getItems(client: ZabbixClient, sel: ItemSelection): Promise<ZabbixItem[]> {
  const rows = rowsOf(await client.call("item.get", itemGetParams(sel)), "item.get");
  return rows.map((r) => {
    const first = Array.isArray(r.hosts) ? r.hosts[0] : undefined;
    const host = first && typeof first === "object" && !Array.isArray(first) && typeof first.host === "string" ? first.host : "";
    return {
      itemid: str(r, "itemid", "item.get"),
      hostid: str(r, "hostid", "item.get"),
      host,
      name: typeof r.name === "string" ? r.name : "",
      key: str(r, "key_", "item.get"),
      valueType: code(r, "value_type"),
      units: typeof r.units === "string" ? r.units : "",
      type: code(r, "type", -1),
    };
  });
}

export async function getHosts(client: ZabbixClient, group?: string): Promise<ZabbixHost[]> {
  const params: Record<string, JsonValue> = { output: ["hostid", "host", "name"], sortfield: "host" };
  if (group) params.groupids = await groupIds(client, group);
  const rows = rowsOf(await client.call("host.get", params), "host.get");
  return rows.map((r) => ({ hostid: str(r, "hostid", "host.get"), host: str(r, "host", "host.get"), name: typeof r.name === "string" ? r.name : "" }));
}

async function groupIds(client: ZabbixClient, name: string): Promise<string[]> {
  const rows = rowsOf(await client.call("hostgroup.get", { output: ["groupid"], filter: { name: [name] } }), "hostgroup.get");
  return rows.map((r) => str(r, "groupid", "hostgroup.get"));
}

export interface TrendPoint {
  itemid: string;
  /** Start of the hour. */
  clock: number;
  num: number;
  avg: number;
  min: number;
  max: number;
}

export interface PageOptions {
  /** Rows per request (default 50 000). */
  pageSize?: number;
}

function num(v: JsonValue | undefined): number {
  if (typeof v === "number") return v;
  if (typeof v !== "string" || v.trim() === "") return NaN;
  return Number(v);
}

/** The history fields a read needs: ns only splits a second, nothing at the scale of a slot. */
export const HISTORY_OUTPUT = ["itemid", "clock", "value"];

/** The JSON path's reading of a history.get result into columns (the byte scanner's fallback). */
export function historyColumnsOf(result: JsonValue, ids: ItemIndex, page: HistoryColumns): void {
  page.reset();
  for (const r of rowsOf(result, "history.get")) {
    const clock = num(r.clock);
    if (!Number.isInteger(clock)) throw new ZabbixTransportError("parse", `history.get: clock ${JSON.stringify(r.clock)} is not a Unix time`);
    const ns = num(r.ns);
    const value = num(r.value);
    const ok = Number.isFinite(value);
    page.push(ids.of(String(r.itemid)), clock, Number.isFinite(ns) ? ns : 0, ok ? value : NaN, ok ? undefined : String(r.value));
  }
}

/** Page columns left by finished reads, for the next ones (two reads in flight by default). */
const sparePages: HistoryColumns[] = [];
const MAX_SPARE_PAGES = 2;
const SPARE_PAGE_ROWS = 65_536;

/**
 * history.get for items of one value type (0 float or 3 unsigned), paged by clock so that a long
 * range never arrives as one giant answer. Each page is handed to `onPage` as columns (row `item`
 * is the position in `itemids`, -1 for a row to leave out); the columns are reused for the next
 * page, so `onPage` reads them before it returns.
 */
export async function forEachHistoryPage(
  client: ZabbixClient,
  itemids: string[],
  valueType: number,
  timeFrom: number,
  timeTill: number,
  onPage: (page: HistoryColumns) => void,
  options: PageOptions = {},
): Promise<void> {
  const limit = options.pageSize ?? 50_000;
  const page = sparePages.pop() ?? new HistoryColumns(Math.min(limit, SPARE_PAGE_ROWS));
  try {
    const ids = new ItemIndex(itemids);
    const scan = (body: Buffer): HistoryColumns | undefined => {
      page.reset();
      if (scanHistoryAnswer(body, ids, page)) return page;
      page.reset();
      return undefined;
    };
    let from = timeFrom;
    // Rows at the page's last clock may continue on the next page: remember them to skip repeats.
    let seenAtFrom = new Set<string>();
    for (;;) {
      const answer = await client.callScanned(
        "history.get",
        { history: valueType, itemids, time_from: from, time_till: timeTill, sortfield: "clock", sortorder: "ASC", output: HISTORY_OUTPUT, limit },
        scan,
      );
      if (answer.scanned === undefined) historyColumnsOf(answer.json, ids, page);
      const rows = page.n;
      const clocks = page.clock; // read after the answer: columns that grew are new arrays
      let last = -Infinity;
      for (let i = 0; i < rows; i++) {
        const clock = clocks[i];
        if (clock === from && seenAtFrom.size && seenAtFrom.has(page.rowKey(i))) {
          page.item[i] = -1;
          continue;
        }
        if (clock > last) last = clock;
      }
      const next = new Set<string>();
      if (rows >= limit && last > from) {
        for (let i = 0; i < rows; i++) if (clocks[i] === last && page.item[i] >= 0) next.add(page.rowKey(i));
      }
      onPage(page);
      if (rows < limit) return;
      if (last <= from) {
        throw new ZabbixTransportError("config", `history.get: more than ${limit} values at one second (${from}); raise the page size`);
      }
      seenAtFrom = next;
      from = last;
    }
  } finally {
    page.reset();
    // Columns grown past the usual page are left to the collector.
    if (sparePages.length < MAX_SPARE_PAGES && page.item.length <= SPARE_PAGE_ROWS) sparePages.push(page);
  }
}

/** trend.get (hourly min/avg/max) for numeric items, paged by clock like history. */
export async function forEachTrendPage(
  client: ZabbixClient,
  itemids: string[],
  timeFrom: number,
  timeTill: number,
  onPage: (points: TrendPoint[]) => void,
  options: PageOptions = {},
): Promise<void> {
  const limit = options.pageSize ?? 50_000;
  let from = timeFrom;
  let seen = new Set<string>();
  for (;;) {
    const result = await client.call("trend.get", {
      itemids,
      time_from: from,
      time_till: timeTill,
      output: ["itemid", "clock", "num", "value_min", "value_avg", "value_max"],
      limit,
    });
    const rows = rowsOf(result, "trend.get");
    const points: TrendPoint[] = [];
    let last = -Infinity;
    for (const r of rows) {
      const clock = num(r.clock);
      if (!Number.isInteger(clock)) throw new ZabbixTransportError("parse", `trend.get: clock ${JSON.stringify(r.clock)} is not a Unix time`);
      const key = `${String(r.itemid)}/${clock}`;
      if (seen.has(key)) continue;
      if (clock > last) last = clock;
      points.push({ itemid: String(r.itemid), clock, num: num(r.num), avg: num(r.value_avg), min: num(r.value_min), max: num(r.value_max) });
    }
    onPage(points);
    if (rows.length < limit) return;
    if (last <= from) throw new ZabbixTransportError("config", `trend.get: more than ${limit} rows at one hour; raise the page size`);
    seen = new Set(points.filter((p) => p.clock === last).map((p) => `${p.itemid}/${p.clock}`));
    from = last;
  }
}

/** A value to push: by item id, or by host technical name + item key. */
export interface PushValue {
  itemid?: string;
  host?: string;
  key?: string;
  value: number | string;
  /** Unix seconds; the server's time when absent. */
  clock?: number;
  ns?: number;
}

export interface PushResult {
  method: "history.push" | "trapper";
  processed: number;
  failed: number;
  total: number;
  /** Per-value failures when the server names them (history.push does; the trapper only counts). */
  failures: { index: number; itemid?: string; host?: string; key?: string; error: string }[];
  info?: string;
}

/**
 * Gives every value an explicit clock and ns, distinct per item: Zabbix silently drops a second
 * value with the same clock and ns, and numbers values without ns by their position.
 */
export function withUniqueTimes(values: PushValue[], nowMs: number = Date.now()): PushValue[] {
  const used = new Set<string>();
  const baseClock = Math.floor(nowMs / 1000);
  const baseNs = (nowMs % 1000) * 1_000_000;
  return values.map((v) => {
    const id = v.itemid ?? `${v.host ?? ""}\u0000${v.key ?? ""}`;
    const clock = v.clock ?? baseClock;
    let ns = v.ns ?? (v.clock === undefined ? baseNs : 0);
    while (used.has(`${id}/${clock}/${ns}`)) ns++;
    used.add(`${id}/${clock}/${ns}`);
    return { ...v, clock, ns };
  });
}

/** history.push (Zabbix 7.0 and later). */
export async function pushHistory(client: ZabbixClient, values: PushValue[]): Promise<PushResult> {
  const params: JsonValue = withUniqueTimes(values).map((v) => {
    const out: Record<string, JsonValue> = { value: v.value, clock: v.clock ?? 0, ns: v.ns ?? 0 };
    if (v.itemid) out.itemid = Number(v.itemid);
    else {
      out.host = v.host ?? "";
      out.key = v.key ?? "";
    }
    return out;
  });
  const result = await client.call("history.push", params);
  const data = typeof result === "object" && result !== null && !Array.isArray(result) && Array.isArray(result.data) ? result.data : undefined;
  if (!data || data.length !== values.length) {
    throw new ZabbixTransportError("parse", `history.push: expected ${values.length} results, got ${JSON.stringify(result).slice(0, 120)}`);
  }
  const failures: PushResult["failures"] = [];
  data.forEach((d, index) => {
    const row = (typeof d === "object" && d !== null && !Array.isArray(d) ? d : {}) as Record<string, JsonValue>;
    if (row.error !== undefined) failures.push({ index, itemid: values[index].itemid ?? (row.itemid === undefined ? undefined : String(row.itemid)), host: values[index].host, key: values[index].key, error: String(row.error) });
  });
  return { method: "history.push", processed: values.length - failures.length, failed: failures.length, total: values.length, failures };
}
