// A local Zabbix server for tests: the JSON-RPC API (node:http) and a trapper (TCP, sender
// framing), behaving like a real 6.0 / 7.0 / 7.4 server as shared/reference/protocols.md §2
// describes: auth styles per version, strict parameter checks, values as strings, history.get
// defaulting to type 3, trends without the current hour, history.push only from 7.0, silent
// drops on duplicate clock+ns, unknown items failing in the sender's counts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";

export interface FakeRow {
  clock: number;
  ns: number;
  value: string;
}

export interface FakeItem {
  itemid: string;
  hostid: string;
  host: string;
  name?: string;
  key: string;
  /** 0 float, 1 char, 2 log, 3 unsigned, 4 text. */
  valueType: number;
  units?: string;
  /** 2 = Zabbix trapper. */
  type?: number;
  tags?: { tag: string; value: string }[];
  groups?: string[];
  disabled?: boolean;
  /** ms since epoch; pushes within 10 s of creation fail (configuration cache). */
  createdAt?: number;
  historyDays?: number;
  history?: FakeRow[];
  /** Generated history: one value every `stepS` seconds from `from` to `till` (Unix s), value = fn(clock). */
  generated?: { from: number; till: number; stepS: number; fn: (clock: number) => number };
  unsupported?: boolean;
}

export type FakeFault = "html" | "truncated" | "http500" | "slow" | "no-content-type-check" | "not-object" | undefined;

export interface FakeZabbixOptions {
  version?: string;
  users?: Record<string, string>;
  tokens?: Record<string, { expired?: boolean }>;
  items?: FakeItem[];
  now?: () => number;
  slowMs?: number;
  /**
   * Keep the JSON of each history.get / trend.get answer after its first render and send the same
   * bytes when the same parameters come again (benchmarks: a real server is another machine, its
   * formatting is not the client's cost). Only for a fixed data set: items and `now` must not change.
   */
  cacheAnswers?: boolean;
}

export interface LoggedRequest {
  method: string;
  params: unknown;
  bodyAuth?: string;
  bearer?: string;
  contentType: string;
}

class RpcError extends Error {
  constructor(
    readonly code: number,
    readonly rpcMessage: string,
    readonly data: string,
  ) {
    super(data);
  }
}

const invalidParams = (data: string) => new RpcError(-32602, "Invalid params.", data);

const ALLOWED: Record<string, string[]> = {
  "apiinfo.version": [],
  "user.login": ["username", "password", "user", "userData"],
  "user.logout": [],
  "item.get": ["output", "itemids", "hostids", "groupids", "group", "host", "search", "searchWildcardsEnabled", "filter", "tags", "evaltype", "selectHosts", "sortfield", "sortorder", "limit", "monitored"],
  "host.get": ["output", "groupids", "hostids", "sortfield", "filter", "search", "limit"],
  "hostgroup.get": ["output", "filter", "search"],
  "history.get": ["history", "itemids", "hostids", "time_from", "time_till", "sortfield", "sortorder", "output", "limit"],
  "trend.get": ["itemids", "time_from", "time_till", "output", "limit"],
};

function checkParams(method: string, params: unknown): Record<string, unknown> {
  if (method === "history.push" || method === "user.logout") return {};
  if (typeof params !== "object" || params === null || Array.isArray(params)) throw invalidParams('Invalid parameter "/": an array is expected.'.replace("an array", "an object"));
  for (const k of Object.keys(params)) {
    if (!ALLOWED[method].includes(k)) throw invalidParams(`Invalid parameter "/": unexpected parameter "${k}".`);
  }
  return params as Record<string, unknown>;
}

function asIdList(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v]).map(String);
}

function intParam(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw invalidParams(`Invalid parameter "/${name}": an integer is expected.`);
  return n;
}

/** A result already written as JSON (large generated answers), as UTF-8 bytes. */
class RawJson {
  constructor(readonly bytes: Buffer) {}
}

/** ASCII text appended to a growing buffer, byte by byte (no string per row, no encoding pass). */
class AsciiWriter {
  buf = Buffer.allocUnsafe(1 << 20);
  n = 0;

  text(s: string): void {
    if (this.n + s.length > this.buf.length) this.grow(s.length);
    const buf = this.buf;
    let n = this.n;
    for (let i = 0; i < s.length; i++) buf[n++] = s.charCodeAt(i);
    this.n = n;
  }

  bytes(b: Uint8Array): void {
    if (this.n + b.length > this.buf.length) this.grow(b.length);
    const buf = this.buf;
    let n = this.n;
    for (let i = 0; i < b.length; i++) buf[n++] = b[i];
    this.n = n;
  }

  done(): Buffer {
    return this.buf.subarray(0, this.n);
  }

  private grow(more: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + more));
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }
}

const HISTORY_FIELDS = ["itemid", "clock", "value", "ns"];

/** history.get's `output`: "extend" (the default) or a list of the history fields, checked as Zabbix checks it. */
function historyOutput(output: unknown): string[] {
  if (output === undefined || output === "extend") return HISTORY_FIELDS;
  if (!Array.isArray(output)) throw invalidParams('Invalid parameter "/output": value must be one of "extend", "count".');
  output.forEach((f, i) => {
    if (typeof f !== "string" || !HISTORY_FIELDS.includes(f)) throw invalidParams(`Invalid parameter "/output/${i + 1}": value must be one of ${HISTORY_FIELDS.map((x) => `"${x}"`).join(", ")}.`);
  });
  // The columns come back in the table's order (itemid, clock, value, ns), as the SQL select lists them.
  return HISTORY_FIELDS.filter((f) => output.includes(f));
}

function pick(row: Record<string, string>, fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) out[f] = row[f];
  return out;
}

/**
 * Writes one generated row (ns 0) as JSON.stringify(pick(row, fields)) would: constant bytes
 * around the clock and the value (digits and String(number), which need no escaping). Undefined
 * when the item id is not plain ASCII (the caller then builds objects).
 */
function rowWriter(itemid: string, fields: string[]): ((out: AsciiWriter, clock: string, value: string) => void) | undefined {
  const pieces = [""];
  const marks: string[] = [];
  fields.forEach((f, i) => {
    const sep = i ? "," : "{";
    if (f === "clock" || f === "value") {
      pieces[pieces.length - 1] += `${sep}"${f}":"`;
      marks.push(f);
      pieces.push('"');
    } else pieces[pieces.length - 1] += `${sep}${f === "itemid" ? `"itemid":${JSON.stringify(itemid)}` : `"ns":"0"`}`;
  });
  pieces[pieces.length - 1] += fields.length ? "}" : "{}";
  if (pieces.some((piece) => !/^[\x20-\x7e]*$/.test(piece))) return undefined;
  const bytes = pieces.map((piece) => Buffer.from(piece, "latin1"));
  return (out, clock, value) => {
    out.bytes(bytes[0]);
    marks.forEach((mark, i) => {
      out.text(mark === "clock" ? clock : value);
      out.bytes(bytes[i + 1]);
    });
  };
}

export class FakeZabbix {
  version: string;
  items: FakeItem[];
  users: Record<string, string>;
  tokens: Record<string, { expired?: boolean }>;
  sessions = new Map<string, { user: string; expired: boolean }>();
  requests: LoggedRequest[] = [];
  trapperRequests: unknown[] = [];
  fault: FakeFault;
  /** Changes an answer's result before it is sent (a misbehaving server). */
  rewrite?: (method: string, result: unknown) => unknown;
  trapperFault: "close" | "garbage" | "failed" | undefined;
  now: () => number;
  slowMs: number;
  readonly cacheAnswers: boolean;
  /** Rendered answers by method and parameters (with `cacheAnswers`). */
  private answers = new Map<string, RawJson>();
  /** history.get and trend.get answers rendered so far (not those sent again from `answers`). */
  renderedAnswers = 0;
  private http?: Server;
  private tcp?: TcpServer;
  private sockets = new Set<Socket>();
  url = "";
  trapperPort = 0;

  constructor(options: FakeZabbixOptions = {}) {
    this.version = options.version ?? "7.0.5";
    this.users = options.users ?? { ems: "secret" };
    this.tokens = options.tokens ?? {};
    this.items = options.items ?? [];
    this.now = options.now ?? (() => Date.now());
    this.slowMs = options.slowMs ?? 2000;
    this.cacheAnswers = options.cacheAnswers ?? false;
  }

  get major(): number {
    return Number(this.version.split(".")[0]);
  }
  get minor(): number {
    return Number(this.version.split(".")[1]);
  }

  async start(): Promise<this> {
    this.http = createServer((req, res) => void this.onHttp(req, res));
    await new Promise<void>((resolve) => this.http!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}/zabbix/api_jsonrpc.php`;
    this.tcp = createTcpServer((s) => this.onTrapper(s));
    await new Promise<void>((resolve) => this.tcp!.listen(0, "127.0.0.1", resolve));
    this.trapperPort = (this.tcp.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.http?.closeAllConnections();
    await Promise.all([
      new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve())),
      new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve())),
    ]);
  }

  expireSessions(): void {
    for (const s of this.sessions.values()) s.expired = true;
  }

  private index?: { items: FakeItem[]; byId: Map<string, FakeItem> };

  item(id: string): FakeItem | undefined {
    if (this.index?.items !== this.items || this.index.byId.size !== this.items.length) {
      this.index = { items: this.items, byId: new Map(this.items.map((i) => [i.itemid, i])) };
    }
    return this.index.byId.get(id);
  }

  /** Rows of an item between two clocks, inclusive, in clock order. */
  rowsOf(item: FakeItem, from: number, till: number): FakeRow[] {
    if (item.generated) {
      const g = item.generated;
      const rows: FakeRow[] = [];
      const first = Math.max(g.from, g.from + Math.ceil((from - g.from) / g.stepS) * g.stepS);
      for (let c = first; c <= Math.min(till, g.till); c += g.stepS) rows.push({ clock: c, ns: 0, value: String(g.fn(c)) });
      return rows;
    }
    return (item.history ?? []).filter((r) => r.clock >= from && r.clock <= till).sort((a, b) => a.clock - b.clock || a.ns - b.ns);
  }

  /** Each stored value of an item between two clocks, as a number (generated values without their text). */
  private forEachValue(item: FakeItem, from: number, till: number, each: (clock: number, value: number) => void): void {
    const g = item.generated;
    if (!g) {
      for (const r of this.rowsOf(item, from, till)) each(r.clock, Number(r.value));
      return;
    }
    // Number(String(x)) is x for every number but -0, which trends print as 0 all the same.
    const first = Math.max(g.from, g.from + Math.ceil((from - g.from) / g.stepS) * g.stepS);
    for (let c = first; c <= Math.min(till, g.till); c += g.stepS) each(c, g.fn(c));
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const contentType = String(req.headers["content-type"] ?? "").split(";")[0].trim();
    if (this.fault === "http500") return void res.writeHead(500, { "Content-Type": "text/html" }).end("<html><body><h1>500 Internal Server Error</h1></body></html>");
    if (this.fault === "html") return void res.writeHead(200, { "Content-Type": "text/html" }).end("<!DOCTYPE html><html><head><title>Zabbix</title></head><body>Maintenance</body></html>");
    if (!["application/json-rpc", "application/json", "application/jsonrequest"].includes(contentType)) return void res.writeHead(412).end();
    if (this.fault === "slow") await new Promise((r) => setTimeout(r, this.slowMs));
    let body: { jsonrpc?: unknown; method?: unknown; params?: unknown; id?: unknown; auth?: unknown };
    try {
      body = JSON.parse(text);
    } catch {
      return this.reply(res, { jsonrpc: "2.0", error: { code: -32700, message: "Parse error.", data: "Invalid JSON. An error occurred on the server while parsing the JSON text." }, id: null });
    }
    const id = body.id ?? null;
    try {
      if (body.jsonrpc !== "2.0") throw new RpcError(-32600, "Invalid request.", 'Invalid parameter "/jsonrpc": value must be "2.0".');
      if (typeof body.method !== "string") throw new RpcError(-32600, "Invalid request.", 'Invalid parameter "/method": a character string is expected.');
      if (body.id === undefined) throw new RpcError(-32600, "Invalid request.", 'Invalid parameter "/": the parameter "id" is missing.');
      const bearerHeader = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
      const bodyAuth = typeof body.auth === "string" ? body.auth : undefined;
      this.requests.push({ method: body.method, params: body.params, bodyAuth, bearer: bearerHeader, contentType });
      if ("auth" in body && (this.major > 7 || (this.major === 7 && this.minor > 0))) throw new RpcError(-32600, "Invalid request.", 'Invalid parameter "/": unexpected parameter "auth".');
      const result = this.dispatch(body.method, body.params, bodyAuth, this.major >= 7 || (this.major === 6 && this.minor >= 4) ? bearerHeader : undefined, "auth" in body);
      const final = this.rewrite ? this.rewrite(body.method, result) : result;
      if (this.fault === "truncated") {
        const full = JSON.stringify({ jsonrpc: "2.0", result: final, id });
        return void res.writeHead(200, { "Content-Type": "application/json" }).end(full.slice(0, Math.max(1, Math.floor(full.length / 2))));
      }
      if (this.fault === "not-object") return void res.writeHead(200, { "Content-Type": "application/json" }).end("[1,2,3]");
      if (final instanceof RawJson) {
        const tail = Buffer.from(`,"id":${JSON.stringify(id)}}`, "utf8");
        return void res.writeHead(200, { "Content-Type": "application/json" }).end(Buffer.concat([Buffer.from('{"jsonrpc":"2.0","result":'), final.bytes, tail]));
      }
      this.reply(res, { jsonrpc: "2.0", result: final, id });
    } catch (err) {
      if (!(err instanceof RpcError)) throw err;
      this.reply(res, { jsonrpc: "2.0", error: { code: err.code, message: err.rpcMessage, data: err.data }, id });
    }
  }

  private reply(res: ServerResponse, body: unknown): void {
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(body));
  }

  private authenticate(auth: string | undefined): string {
    if (!auth) throw invalidParams(this.major >= 7 ? "Not authorized." : "Not authorised.");
    const token = this.tokens[auth];
    if (token) {
      if (token.expired) throw new RpcError(-32500, "Application error.", "API token expired.");
      return "token";
    }
    const session = this.sessions.get(auth);
    if (!session) throw invalidParams(this.major >= 7 ? "Not authorized." : "Not authorised.");
    if (session.expired) throw invalidParams("Session terminated, re-login, please.");
    return session.user;
  }

  private dispatch(method: string, rawParams: unknown, bodyAuth: string | undefined, bearer: string | undefined, hasBodyAuth: boolean): unknown {
    if (method === "apiinfo.version" || method === "user.login") {
      if (hasBodyAuth) throw invalidParams(`The "${method}" method must be called without the "auth" parameter.`);
      const p = checkParams(method, rawParams);
      if (method === "apiinfo.version") return this.version;
      if (this.major >= 7 && "user" in p) throw invalidParams('Invalid parameter "/": unexpected parameter "user".');
      const name = String(p.username ?? p.user ?? "");
      if (!(name in this.users) || this.users[name] !== p.password) throw new RpcError(-32500, "Application error.", "Incorrect user name or password or account is temporarily blocked.");
      const sid = randomBytes(16).toString("hex");
      this.sessions.set(sid, { user: name, expired: false });
      return sid;
    }
    if (method === "history.push" && (this.major < 7)) throw new RpcError(-32601, "Method not found.", `Incorrect API "history".`);
    if (!(method in ALLOWED) && method !== "history.push") throw new RpcError(-32601, "Method not found.", `Incorrect method "${method}".`);
    // 6.0 ignores the Bearer header; 6.4+ takes it first.
    const auth = bearer ?? bodyAuth;
    this.authenticate(auth);
    if (method === "user.logout") {
      this.sessions.delete(auth ?? "");
      return true;
    }
    if (method === "history.push") return this.historyPush(rawParams);
    const p = checkParams(method, rawParams);
    switch (method) {
      case "item.get":
        return this.itemGet(p);
      case "host.get":
        return this.hostGet(p);
      case "hostgroup.get":
        return this.groups()
          .filter((g) => {
            const names = (p.filter as { name?: string[] } | undefined)?.name;
            return !names || names.includes(g.name);
          })
          .map((g) => ({ groupid: g.groupid, name: g.name }));
      case "history.get":
        return this.cached(method, p, () => this.historyGet(p));
      default:
        return this.cached(method, p, () => this.trendGet(p));
    }
  }

  /** The answer of `render`, as JSON bytes kept for the same request when `cacheAnswers` is on. */
  private cached(method: string, p: Record<string, unknown>, render: () => unknown): unknown {
    // A rewrite or a fault changes answers per request: never cached.
    if (!this.cacheAnswers || this.rewrite !== undefined || this.fault !== undefined) {
      const result = render();
      this.renderedAnswers++;
      return result;
    }
    const key = `${method} ${JSON.stringify(p)}`;
    let answer = this.answers.get(key);
    if (!answer) {
      const result = render();
      // The bytes reply() would send for it: JSON.stringify of the whole answer writes the result so.
      // (A generated answer lies in a bigger growing buffer: kept as a copy of its own size.)
      answer = new RawJson(result instanceof RawJson ? Buffer.from(result.bytes) : Buffer.from(JSON.stringify(result), "utf8"));
      this.answers.set(key, answer);
      this.renderedAnswers++;
    }
    return answer;
  }

  private groups(): { groupid: string; name: string }[] {
    const names = [...new Set(this.items.flatMap((i) => i.groups ?? []))].sort();
    return names.map((name, i) => ({ groupid: String(100 + i), name }));
  }

  private hostGet(p: Record<string, unknown>): unknown {
    const groupids = asIdList(p.groupids);
    const groups = this.groups();
    const hosts = new Map<string, { hostid: string; host: string; name: string }>();
    for (const it of this.items) {
      if (groupids && !(it.groups ?? []).some((g) => groupids.includes(groups.find((x) => x.name === g)?.groupid ?? ""))) continue;
      hosts.set(it.hostid, { hostid: it.hostid, host: it.host, name: it.host });
    }
    return [...hosts.values()].sort((a, b) => a.host.localeCompare(b.host));
  }

  private itemGet(p: Record<string, unknown>): unknown {
    const itemids = asIdList(p.itemids);
    const hostids = asIdList(p.hostids);
    const tags = p.tags as { tag: string; value?: string; operator?: number | string }[] | undefined;
    const evaltype = Number(p.evaltype ?? 0);
    const search = (p.search as { key_?: string } | undefined)?.key_;
    const wildcards = p.searchWildcardsEnabled === true;
    const filterKeys = (p.filter as { key_?: string[] | string } | undefined)?.key_;
    const tagMatch = (it: FakeItem, t: { tag: string; value?: string; operator?: number | string }) => {
      const op = Number(t.operator ?? 0);
      const own = (it.tags ?? []).filter((x) => x.tag === t.tag);
      const v = t.value ?? "";
      switch (op) {
        case 0: return own.some((x) => x.value.toLowerCase().includes(v.toLowerCase()));
        case 1: return own.some((x) => x.value === v);
        case 2: return !own.some((x) => x.value.toLowerCase().includes(v.toLowerCase()));
        case 3: return !own.some((x) => x.value === v);
        case 4: return own.length > 0;
        case 5: return own.length === 0;
        default: throw invalidParams(`Invalid parameter "/tags/1/operator": value must be one of 0, 1, 2, 3, 4, 5.`);
      }
    };
    let out = this.items.filter((it) => {
      if (itemids && !itemids.includes(it.itemid)) return false;
      if (hostids && !hostids.includes(it.hostid)) return false;
      if (p.host !== undefined && it.host !== p.host) return false;
      if (p.group !== undefined && !(it.groups ?? []).includes(String(p.group))) return false;
      if (filterKeys !== undefined && !(Array.isArray(filterKeys) ? filterKeys : [filterKeys]).includes(it.key)) return false;
      if (search !== undefined) {
        if (wildcards) {
          // With wildcards enabled the pattern is matched whole (no implicit "contains").
          const re = new RegExp(`^${search.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
          if (!re.test(it.key)) return false;
        } else if (!it.key.toLowerCase().includes(search.toLowerCase())) return false;
      }
      if (tags?.length) {
        if (evaltype === 2) return tags.some((t) => tagMatch(it, t));
        const byName = new Map<string, typeof tags>();
        for (const t of tags) byName.set(t.tag, [...(byName.get(t.tag) ?? []), t]);
        return [...byName.values()].every((group) => group.some((t) => tagMatch(it, t)));
      }
      return true;
    });
    out = out.sort((a, b) => Number(a.itemid) - Number(b.itemid));
    const limit = intParam(p.limit, "limit");
    if (limit !== undefined) out = out.slice(0, limit);
    return out.map((it) => {
      const row: Record<string, unknown> = {
        itemid: it.itemid,
        hostid: it.hostid,
        name: it.name ?? it.key,
        key_: it.key,
        value_type: String(it.valueType),
        units: it.units ?? "",
        type: String(it.type ?? 0),
      };
      if (p.selectHosts !== undefined) row.hosts = [{ hostid: it.hostid, host: it.host }];
      return row;
    });
  }

  private historyGet(p: Record<string, unknown>): unknown {
    const history = intParam(p.history, "history") ?? 3; // defaults to unsigned, as a real server does
    const fields = historyOutput(p.output);
    const itemids = asIdList(p.itemids) ?? this.items.map((i) => i.itemid);
    const from = intParam(p.time_from, "time_from") ?? 0;
    const till = intParam(p.time_till, "time_till") ?? Math.floor(this.now() / 1000);
    const limit = intParam(p.limit, "limit");
    const items = itemids.map((id) => this.item(id)).filter((i): i is FakeItem => !!i && i.valueType === history);
    const desc = p.sortorder === "DESC";
    const gen = items.length > 0 && items.every((i) => i.generated && i.generated.stepS === items[0].generated!.stepS && i.generated.from === items[0].generated!.from);
    if (gen && p.sortfield === "clock" && !desc) {
      // Clock-major generation: cheap paging over large generated histories. Without a rewrite
      // or a fault to apply, the answer is written as JSON bytes at once (the same bytes
      // JSON.stringify would give): a benchmark's server must not be the slow end.
      const g = items[0].generated!;
      const first = Math.max(g.from, g.from + Math.ceil((from - g.from) / g.stepS) * g.stepS);
      const writers = this.rewrite === undefined && this.fault === undefined ? items.map((it) => rowWriter(it.itemid, fields)) : [];
      const asText = writers.length > 0 && writers.every((w) => w !== undefined);
      const out = new AsciiWriter();
      out.text("[");
      const rows: Record<string, string>[] = [];
      let n = 0;
      for (let c = first; c <= till && (limit === undefined || n < limit); c += g.stepS) {
        const clockText = String(c);
        for (let k = 0; k < items.length; k++) {
          const it = items[k];
          if (c > it.generated!.till) continue;
          const value = String(it.generated!.fn(c));
          if (asText) {
            if (n) out.text(",");
            writers[k]!(out, clockText, value);
          } else rows.push(pick({ itemid: it.itemid, clock: clockText, value, ns: "0" }, fields));
          n++;
          if (limit !== undefined && n >= limit) break;
        }
      }
      out.text("]");
      return asText ? new RawJson(out.done()) : rows;
    }
    let rows = items.flatMap((it) => this.rowsOf(it, from, till).map((r) => ({ itemid: it.itemid, ...r })));
    if (p.sortfield === "clock") rows.sort((a, b) => (desc ? b.clock - a.clock || b.ns - a.ns : a.clock - b.clock || a.ns - b.ns));
    if (limit !== undefined) rows = rows.slice(0, limit);
    return rows.map((r) => pick({ itemid: r.itemid, clock: String(r.clock), value: r.value, ns: String(r.ns) }, fields));
  }

  private trendGet(p: Record<string, unknown>): unknown {
    const itemids = asIdList(p.itemids) ?? [];
    const from = intParam(p.time_from, "time_from") ?? 0;
    const till = intParam(p.time_till, "time_till") ?? Math.floor(this.now() / 1000);
    const limit = intParam(p.limit, "limit");
    const currentHour = Math.floor(this.now() / 3_600_000) * 3600;
    const out: { itemid: string; clock: number; num: number; min: number; avg: number; max: number }[] = [];
    for (const id of itemids) {
      const it = this.item(id);
      if (!it || (it.valueType !== 0 && it.valueType !== 3)) continue;
      const hours = new Map<number, { n: number; sum: number; min: number; max: number }>();
      this.forEachValue(it, Math.floor(from / 3600) * 3600, till + 3600, (clock, v) => {
        const h = Math.floor(clock / 3600) * 3600;
        if (!Number.isFinite(v)) return;
        const acc = hours.get(h);
        if (acc) {
          acc.n++;
          acc.sum += v;
          acc.min = Math.min(acc.min, v);
          acc.max = Math.max(acc.max, v);
        } else hours.set(h, { n: 1, sum: v, min: v, max: v });
      });
      for (const [h, a] of hours) {
        if (h >= currentHour || h < from - 3599 || h > till) continue; // the current hour is not in trends yet
        out.push({ itemid: id, clock: h, num: a.n, min: a.min, max: a.max, avg: a.sum / a.n });
      }
    }
    out.sort((a, b) => a.clock - b.clock || Number(a.itemid) - Number(b.itemid));
    const rows = limit === undefined ? out : out.slice(0, limit);
    const fmt = (v: number) => v.toFixed(4);
    return rows.map((r) => ({ itemid: r.itemid, clock: String(r.clock), num: String(r.num), value_min: fmt(r.min), value_avg: fmt(r.avg), value_max: fmt(r.max) }));
  }

  /** Stores one value as the server would; returns an error text, or undefined when accepted (even if silently dropped). */
  private store(item: FakeItem | undefined, value: unknown, clock: number, ns: number, viaApi: boolean): string | undefined {
    if (!item) return "No permissions to referred object or it does not exist.";
    if (item.disabled) return "Item is disabled.";
    if (item.type !== 2) return viaApi ? "Item is not of type Zabbix trapper." : "not a trapper item";
    if (item.createdAt !== undefined && this.now() - item.createdAt < 10_000) return "item not in configuration cache yet";
    const text = String(value);
    const numeric = item.valueType === 0 ? /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text) : item.valueType === 3 ? /^\s*\d+\s*$/.test(text) : true;
    if (!numeric) {
      item.unsupported = true;
      return `Value "${text}" of type "string" is not suitable for value type "${item.valueType === 0 ? "Numeric (float)" : "Numeric (unsigned)"}".`;
    }
    item.unsupported = false;
    const keep = (item.historyDays ?? 90) * 86400;
    if (clock < Math.floor(this.now() / 1000) - keep) return undefined; // older than the history period: dropped, yet "processed"
    const rows = (item.history ??= []);
    if (rows.some((r) => r.clock === clock && r.ns === ns)) return undefined; // same clock and ns: dropped silently
    rows.push({ clock, ns, value: text.trim() });
    return undefined;
  }

  private historyPush(params: unknown): unknown {
    if (!Array.isArray(params) && (typeof params !== "object" || params === null)) throw invalidParams('Invalid parameter "/": an array is expected.');
    const list = (Array.isArray(params) ? params : [params]) as Record<string, unknown>[];
    const nowS = Math.floor(this.now() / 1000);
    const data = list.map((v, i) => {
      for (const k of Object.keys(v)) if (!["itemid", "host", "key", "value", "clock", "ns"].includes(k)) throw invalidParams(`Invalid parameter "/${i + 1}": unexpected parameter "${k}".`);
      if (v.value === undefined) throw invalidParams(`Invalid parameter "/${i + 1}": the parameter "value" is missing.`);
      const item = v.itemid !== undefined ? this.item(String(v.itemid)) : this.items.find((it) => it.host === v.host && it.key === v.key);
      const clock = v.clock === undefined ? nowS : Number(v.clock);
      const ns = v.ns === undefined ? 0 : Number(v.ns);
      const error = this.store(item, v.value, clock, ns, true);
      const id = item?.itemid ?? (v.itemid === undefined ? undefined : String(v.itemid));
      return error ? { ...(id ? { itemid: id } : {}), error } : { itemid: id };
    });
    return { response: "success", data };
  }

  private onTrapper(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let buf = Buffer.alloc(0);
    socket.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 13) return;
      if (buf.toString("ascii", 0, 4) !== "ZBXD" || buf[4] !== 0x01) return void socket.destroy();
      const len = buf.readUInt32LE(5);
      if (buf.length < 13 + len) return;
      if (this.trapperFault === "close") return void socket.destroy();
      if (this.trapperFault === "garbage") return void socket.end("HTTP/1.1 400 Bad Request\r\n\r\n");
      let req: { request?: string; data?: { host?: string; key?: string; value?: unknown; clock?: number; ns?: number }[] };
      try {
        req = JSON.parse(buf.toString("utf8", 13, 13 + len));
      } catch {
        return void socket.end(frame({ response: "failed", info: "cannot parse as a valid JSON object" }));
      }
      this.trapperRequests.push(req);
      if (this.trapperFault === "failed" || req.request !== "sender data" || !Array.isArray(req.data)) {
        return void socket.end(frame({ response: "failed", info: `unknown request "${String(req.request)}"` }));
      }
      const t0 = process.hrtime.bigint();
      const nowS = Math.floor(this.now() / 1000);
      let failed = 0;
      req.data.forEach((v, i) => {
        const item = this.items.find((it) => it.host === v.host && it.key === v.key);
        // Without ns, values are numbered by their position in the request.
        const err = this.store(item, v.value, v.clock ?? nowS, v.ns ?? i, false);
        if (err) failed++;
      });
      const spent = Number(process.hrtime.bigint() - t0) / 1e9;
      socket.end(frame({ response: "success", info: `processed: ${req.data.length - failed}; failed: ${failed}; total: ${req.data.length}; seconds spent: ${spent.toFixed(6)}` }));
    });
  }
}

function frame(payload: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(payload), "utf8");
  const header = Buffer.alloc(13);
  header.write("ZBXD", 0, "ascii");
  header[4] = 1;
  header.writeUInt32LE(json.length, 5);
  return Buffer.concat([header, json]);
}
