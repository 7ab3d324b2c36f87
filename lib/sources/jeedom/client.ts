// Jeedom's API (core/api/jeeApi.php): the simple URL API (`type=cmd&id=N`, plain-text value)
// and JSON-RPC 2.0 (`cmd::execCmd`, `cmd::byId`). Jeedom answers errors with HTTP 200 and a
// French sentence (simple API) or an `error` object (JSON-RPC): both become JeedomErrors.
import { SourceError, type SourceErrorCode } from "../errors";
import { excerpt, httpRequest, safeUrl, type HttpRequest, type HttpResponse } from "../http";

const SOURCE = "jeedom";

/** A Jeedom failure; `remoteCode` is the JSON-RPC error code when the server gave one (-32001 bad key, -32701/-32702 unknown command …). */
export class JeedomError extends SourceError {
  constructor(code: SourceErrorCode, message: string, details: { status?: number; remoteCode?: number } = {}) {
    super(SOURCE, code, message, details);
    this.name = "JeedomError";
  }
}

export type JeedomApi = "http" | "jsonrpc";

export interface JeedomOptions {
  /** Jeedom's base URL (http://jeedom.example) or the full jeeApi.php URL. */
  url: string;
  apiKey: string;
  api?: JeedomApi;
  timeoutMs?: number;
}

export interface JeedomCommand {
  id: string;
  name: string;
  type: string;
  subType: string;
  eqLogicId: string;
  unit: string;
  value?: string;
}

/** Sentences Jeedom's simple API answers (HTTP 200) instead of a value. */
const ERROR_TEXT = /aucune commande|autoris|cl[ée] api|api key|not authori[sz]ed|erreur|error|exception/i;

export function jeedomEndpoint(url: string): string {
  const u = url.trim();
  if (/\.php(\?|$)/.test(u)) return u;
  return `${u.replace(/\/+$/, "")}/core/api/jeeApi.php`;
}

export class JeedomClient {
  readonly endpoint: string;
  readonly api: JeedomApi;
  readonly timeoutMs: number;
  private readonly apiKey: string;
  private nextId = 1;

  constructor(options: JeedomOptions) {
    if (!options.url) throw new RangeError("Jeedom URL is missing");
    if (!options.apiKey) throw new RangeError("Jeedom API key is missing");
    this.endpoint = jeedomEndpoint(options.url);
    this.apiKey = options.apiKey;
    this.api = options.api ?? "http";
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Current value of an info command, as Jeedom gives it (text). */
  async readInfo(id: number): Promise<string> {
    if (this.api === "jsonrpc") {
      const result = await this.rpc("cmd::execCmd", { id });
      if (typeof result === "object" && result !== null && !Array.isArray(result) && "value" in result) {
        const v = (result as { value: unknown }).value;
        if (v === null || v === undefined) throw new JeedomError("remote", `command ${id} has no value (is it an action command?)`);
        return String(v);
      }
      throw new JeedomError("parse", `command ${id}: unexpected answer ${excerpt(JSON.stringify(result))}`);
    }
    const text = await this.simple(id);
    if (text.trim() === "") throw new JeedomError("remote", `command ${id} answered nothing (is it an action command?)`);
    return text.trim();
  }

  /** An info command's value as a number; Jeedom's error sentences and text are refused. */
  async readNumber(id: number): Promise<number> {
    const text = await this.readInfo(id);
    const n = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(n)) {
      throw ERROR_TEXT.test(text) ? new JeedomError("remote", `refused command ${id}: ${excerpt(text)}`) : new JeedomError("parse", `command ${id} gave ${JSON.stringify(excerpt(text, 40))}, not a number`);
    }
    return n;
  }

  /** Runs an action command (plug on/off). */
  async execAction(id: number): Promise<void> {
    if (this.api === "jsonrpc") {
      await this.rpc("cmd::execCmd", { id });
      return;
    }
    const text = (await this.simple(id)).trim();
    if (text && ERROR_TEXT.test(text)) throw new JeedomError("remote", `refused command ${id}: ${excerpt(text)}`);
  }

  /** A command's description (JSON-RPC only). */
  async byId(id: number): Promise<JeedomCommand> {
    const r = await this.rpc("cmd::byId", { id });
    if (typeof r !== "object" || r === null || Array.isArray(r)) throw new JeedomError("parse", `cmd::byId ${id}: unexpected answer`);
    const o = r as Record<string, unknown>;
    const s = (k: string) => (o[k] === undefined || o[k] === null ? "" : String(o[k]));
    return { id: s("id"), name: s("name"), type: s("type"), subType: s("subType"), eqLogicId: s("eqLogic_id"), unit: s("unite"), value: o.currentValue === undefined ? undefined : s("currentValue") };
  }

  private async simple(id: number): Promise<string> {
    const url = `${this.endpoint}?apikey=${encodeURIComponent(this.apiKey)}&type=cmd&id=${encodeURIComponent(String(id))}`;
    const answer = await this.exchange({ url, method: "GET", timeoutMs: this.timeoutMs });
    return answer.body;
  }

  private async rpc(method: string, params: Record<string, unknown>): Promise<unknown> {
    const id = String(this.nextId++);
    const answer = await this.exchange({
      url: this.endpoint,
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id, method, params: { ...params, apikey: this.apiKey } }),
      timeoutMs: this.timeoutMs,
    });
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      throw new JeedomError("parse", `${method}: the answer is not JSON: ${excerpt(answer.body) || "(empty body)"}`);
    }
    const o = (typeof body === "object" && body !== null ? body : {}) as { error?: { code?: unknown; message?: unknown }; result?: unknown };
    if (o.error) {
      const code = Number(o.error.code);
      // -32001: the API key is refused.
      throw new JeedomError(code === -32001 ? "auth" : "remote", `${method}: ${String(o.error.message ?? "error")} (code ${code})`, { remoteCode: Number.isFinite(code) ? code : undefined });
    }
    if (!("result" in o)) throw new JeedomError("parse", `${method}: the answer has neither result nor error: ${excerpt(answer.body)}`);
    return o.result;
  }

  private async exchange(req: Omit<HttpRequest, "source">): Promise<HttpResponse> {
    let answer: HttpResponse;
    try {
      answer = await httpRequest({ ...req, source: SOURCE });
    } catch (err) {
      if (!(err instanceof SourceError)) throw err;
      throw new JeedomError(err.code, err.detail, { status: err.status });
    }
    const where = safeUrl(this.endpoint);
    const status = answer.status;
    if (status === 404) throw new JeedomError("http", `${where}: HTTP 404 (address wrong, or this IP banned after failed API keys)`, { status });
    if (status === 401 || status === 403) throw new JeedomError("auth", `${where}: HTTP ${status}: ${excerpt(answer.body)}`, { status });
    if (status !== 200) throw new JeedomError("http", `${where}: HTTP ${status}: ${excerpt(answer.body)}`, { status });
    if (/^\s*<(!doctype|html)/i.test(answer.body)) throw new JeedomError("parse", `${where} answered an HTML page: ${excerpt(answer.body.replace(/<[^>]*>/g, " "))}`);
    return answer;
  }
}
