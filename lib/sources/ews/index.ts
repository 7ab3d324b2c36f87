// Schneider EcoStruxure Web Services (EWS), DataExchange 2011/05: GetValues, SetValues and
// GetContainerItems over SOAP 1.2 (or 1.1). Requests are built as text with every value
// XML-escaped; answers are parsed by fast-xml-parser with entity processing off, and any
// DOCTYPE/ENTITY declaration is refused before parsing. SOAP faults and per-item error results
// become SourceErrors naming the operation and the id.
import { XMLParser } from "fast-xml-parser";
import { SourceError, guardParse, isRecord } from "../errors";
import { httpRequest, safeUrl, type HttpAuth } from "../http";

const SOURCE = "ews";
export const EWS_NS = "http://www.schneider-electric.com/common/dataexchange/2011/05";
const SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
const SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";

export type SoapVersion = "1.1" | "1.2";
export type EwsOperation = "GetValues" | "SetValues" | "GetContainerItems" | "GetItems";

export function xmlEscape(s: string): string {
  // Characters XML 1.0 cannot carry at all are refused rather than sent.
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(s)) throw new SourceError(SOURCE, "config", `control character in ${JSON.stringify(s)}`);
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

export function envelope(version: SoapVersion, body: string): string {
  const soapNs = version === "1.2" ? SOAP12 : SOAP11;
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${soapNs}" xmlns:ns="${EWS_NS}"><soap:Header/><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

const ids = (list: readonly string[]) => list.map((id) => `<ns:Id>${xmlEscape(id)}</ns:Id>`).join("");

export function getValuesBody(idList: readonly string[]): string {
  return `<ns:GetValuesRequest version="1.2"><ns:GetValuesIds>${ids(idList)}</ns:GetValuesIds></ns:GetValuesRequest>`;
}

export interface SetItem {
  id: string;
  value: string | number | boolean;
}

export function formatValue(v: string | number | boolean): string {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new SourceError(SOURCE, "config", `cannot write ${v}`);
    return String(v);
  }
  if (typeof v === "boolean") return v ? "1" : "0";
  return v;
}

export function setValuesBody(items: readonly SetItem[]): string {
  const xml = items.map((i) => `<ns:ValueItem><ns:Id>${xmlEscape(i.id)}</ns:Id><ns:Value>${xmlEscape(formatValue(i.value))}</ns:Value></ns:ValueItem>`).join("");
  return `<ns:SetValuesRequest version="1.2"><ns:SetValuesItems>${xml}</ns:SetValuesItems></ns:SetValuesRequest>`;
}

export function getContainerItemsBody(idList: readonly string[]): string {
  return `<ns:GetContainerItemsRequest version="1.2"><ns:GetContainerItemsIds>${ids(idList)}</ns:GetContainerItemsIds></ns:GetContainerItemsRequest>`;
}

const ARRAYS = new Set(["ValueItem", "ErrorResult", "Result", "ContainerItem", "HistoryItem", "AlarmItem", "Id"]);
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => ARRAYS.has(name),
});

/** The five predefined XML entities and numeric references, decoded by hand (no DTD ever). */
export function decodeText(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
    if (e[0] === "#") {
      const cp = e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : "\uFFFD";
    }
    return ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" } as Record<string, string>)[e];
  });
}

/** Text content of a parsed element (string, or an object with #text when it has attributes). */
function text(v: unknown): string {
  if (typeof v === "string") return decodeText(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (isRecord(v) && v["#text"] !== undefined) return text(v["#text"]);
  if (Array.isArray(v)) return v.length ? text(v[0]) : "";
  return "";
}

function list(v: unknown): Record<string, unknown>[] {
  if (Array.isArray(v)) return v.filter(isRecord);
  return isRecord(v) ? [v] : [];
}

function child(v: unknown, name: string): unknown {
  return isRecord(v) ? v[name] : undefined;
}

/** Parses a SOAP answer into its Body's first element; faults become SourceErrors. */
export function parseSoap(xml: string, operation: EwsOperation, ids: readonly string[] = []): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new SourceError(SOURCE, "parse", `${operation}: the answer declares a DOCTYPE or ENTITY; refused (XXE)`);
  const doc = guardParse(SOURCE, () => {
    const trimmed = xml.trim();
    if (!trimmed.startsWith("<")) throw new SourceError(SOURCE, "parse", `${operation}: the answer is not XML: ${JSON.stringify(trimmed.slice(0, 60))}`);
    return parser.parse(trimmed, true) as unknown;
  });
  const body = child(child(doc, "Envelope"), "Body");
  if (!isRecord(body)) throw new SourceError(SOURCE, "parse", `${operation}: the answer is not a SOAP envelope`);
  const fault = body.Fault;
  if (fault !== undefined) {
    const f = isRecord(fault) ? fault : {};
    // SOAP 1.2: Code/Value, Reason/Text, Detail/<name>; SOAP 1.1: faultcode, faultstring, detail.
    const code = text(child(f.Code, "Value")) || text(f.faultcode);
    const reason = text(child(f.Reason, "Text")) || text(f.faultstring);
    const detail = f.Detail ?? f.detail;
    const name = isRecord(detail) ? Object.keys(detail).find((k) => !k.startsWith("@") && k !== "#text") : undefined;
    const about = ids.length ? ` (ids: ${ids.slice(0, 5).join(", ")}${ids.length > 5 ? " …" : ""})` : "";
    throw new SourceError(SOURCE, "remote", `${operation} fault ${name ?? code}: ${reason || "no reason given"}${about}`, { remoteCode: name ?? code, id: ids.length === 1 ? ids[0] : undefined });
  }
  const response = body[`${operation}Response`];
  if (response === undefined) throw new SourceError(SOURCE, "parse", `${operation}: no ${operation}Response in the SOAP body`);
  return isRecord(response) ? response : {};
}

export interface EwsValue {
  id: string;
  /** As the server wrote it. */
  value: string;
  /** The value as a number when it is one (booleans as 1/0), else null. */
  numeric: number | null;
  /** 0 = normal; other codes are server-specific (forced, offline …). */
  state: number | null;
  ok: boolean;
}

export interface EwsItemError {
  id: string;
  message: string;
}

function numeric(v: string): number | null {
  const s = v.trim().toLowerCase();
  if (s === "true") return 1;
  if (s === "false") return 0;
  if (s === "") return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

function errorsOf(v: unknown): EwsItemError[] {
  return list(child(v, "ErrorResult")).map((e) => ({ id: text(e.Id), message: text(e.Message) || "error" }));
}

export function parseGetValues(xml: string, requested: readonly string[] = []): { values: EwsValue[]; errors: EwsItemError[] } {
  const r = parseSoap(xml, "GetValues", requested);
  return guardParse(SOURCE, () => {
    const values = list(child(r.GetValuesItems, "ValueItem")).map((it) => {
      const value = text(it.Value);
      const st = text(it.State).toLowerCase();
      const state = st === "" ? null : st === "true" ? 0 : st === "false" ? 1 : numeric(st);
      return { id: text(it.Id), value, numeric: numeric(value), state, ok: state === null || state === 0 };
    });
    return { values, errors: errorsOf(r.GetValuesErrorResults) };
  });
}

export interface EwsSetResult {
  id: string;
  success: boolean;
  message: string;
}

export function parseSetValues(xml: string, requested: readonly string[] = []): { results: EwsSetResult[]; errors: EwsItemError[] } {
  const r = parseSoap(xml, "SetValues", requested);
  return guardParse(SOURCE, () => ({
    results: list(child(r.SetValuesResults, "Result")).map((it) => {
      const s = text(it.Success).toLowerCase();
      return { id: text(it.Id), success: s === "true" || s === "1", message: text(it.Message) };
    }),
    errors: errorsOf(r.SetValuesErrorResults),
  }));
}

export interface EwsBrowseItem {
  id: string;
  name: string;
  description: string;
  type: string;
  kind: "container" | "value" | "history" | "alarm";
  unit?: string;
  writeable?: boolean;
}

export function parseGetContainerItems(xml: string, requested: readonly string[] = []): { items: EwsBrowseItem[]; errors: EwsItemError[] } {
  const r = parseSoap(xml, "GetContainerItems", requested);
  return guardParse(SOURCE, () => {
    const items: EwsBrowseItem[] = [];
    const common = (it: Record<string, unknown>) => ({ id: text(it.Id), name: text(it.Name), description: text(it.Description), type: text(it.Type) });
    for (const c of list(child(r.GetContainerItemsItems, "ContainerItem"))) {
      const inner = c.Items;
      for (const x of list(child(child(inner, "ContainerItems"), "ContainerItem"))) items.push({ ...common(x), kind: "container" });
      for (const x of list(child(child(inner, "ValueItems"), "ValueItem"))) {
        const w = text(x.Writeable).toLowerCase();
        items.push({ ...common(x), kind: "value", unit: text(x.Unit) || undefined, writeable: w === "1" || w === "true" });
      }
      for (const x of list(child(child(inner, "HistoryItems"), "HistoryItem"))) items.push({ ...common(x), kind: "history" });
      for (const x of list(child(child(inner, "AlarmItems"), "AlarmItem"))) items.push({ ...common(x), kind: "alarm" });
    }
    return { items, errors: errorsOf(r.GetContainerItemsErrorResults) };
  });
}

export interface EwsClientOptions {
  /** https://<server>/EcoStruxure/DataExchange */
  url: string;
  soapVersion?: SoapVersion;
  auth?: HttpAuth;
  timeoutMs: number;
  /** false accepts a self-signed certificate. */
  rejectUnauthorized?: boolean;
}

/** Posts one operation and returns the raw answer; non-200 answers without a Fault are errors. */
export async function postSoap(options: EwsClientOptions, operation: EwsOperation, body: string, requested: readonly string[]): Promise<string> {
  const version = options.soapVersion ?? "1.2";
  const action = `${EWS_NS}/${operation}In`;
  const headers: Record<string, string> =
    version === "1.2" ? { "Content-Type": `application/soap+xml; charset=utf-8; action="${action}"` } : { "Content-Type": "text/xml; charset=utf-8", SOAPAction: `"${action}"` };
  const res = await httpRequest({ source: SOURCE, url: options.url, method: "POST", headers, body: envelope(version, body), timeoutMs: options.timeoutMs, auth: options.auth, rejectUnauthorized: options.rejectUnauthorized });
  if (res.status === 401 || res.status === 403) throw new SourceError(SOURCE, "auth", `${operation}: ${safeUrl(new URL(options.url))} refused the credentials (HTTP ${res.status})`, { status: res.status });
  if (res.status !== 200) {
    // A SOAP fault comes with 500 (or 400): parseSoap throws it with its name; anything else is HTTP.
    if (/Fault/.test(res.body)) parseSoap(res.body, operation, requested);
    throw new SourceError(SOURCE, "http", `${operation}: HTTP ${res.status} from ${safeUrl(new URL(options.url))}`, { status: res.status });
  }
  return res.body;
}

export async function getValues(options: EwsClientOptions, idList: readonly string[]): Promise<{ values: EwsValue[]; errors: EwsItemError[] }> {
  if (idList.length === 0) throw new SourceError(SOURCE, "config", "GetValues needs at least one id");
  return parseGetValues(await postSoap(options, "GetValues", getValuesBody(idList), idList), idList);
}

export async function setValues(options: EwsClientOptions, items: readonly SetItem[]): Promise<{ results: EwsSetResult[]; errors: EwsItemError[] }> {
  if (items.length === 0) throw new SourceError(SOURCE, "config", "SetValues needs at least one item");
  const idList = items.map((i) => i.id);
  return parseSetValues(await postSoap(options, "SetValues", setValuesBody(items), idList), idList);
}

export async function getContainerItems(options: EwsClientOptions, idList: readonly string[]): Promise<{ items: EwsBrowseItem[]; errors: EwsItemError[] }> {
  return parseGetContainerItems(await postSoap(options, "GetContainerItems", getContainerItemsBody(idList), idList), idList);
}

/** The first per-item failure as an error naming the id (for callers that want all-or-nothing). */
export function itemErrors(operation: EwsOperation, errors: readonly EwsItemError[], failed: readonly EwsSetResult[] = []): SourceError | null {
  const all = [...errors, ...failed.filter((f) => !f.success).map((f) => ({ id: f.id, message: f.message || "not written" }))];
  if (all.length === 0) return null;
  const list = all.map((e) => `${e.id}: ${e.message}`).join("; ");
  return new SourceError(SOURCE, "remote", `${operation} failed for ${list}`, { id: all[0].id, remoteCode: all[0].message });
}
