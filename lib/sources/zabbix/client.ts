// A small Zabbix JSON-RPC client: version detection with apiinfo.version, the right
// authentication per version (6.0: body field `auth`; 6.4+: `Authorization: Bearer`; after 7.0
// the body field is refused), user.login when no API token is given, and one re-login when the
// session has expired. Every failure is a typed error.
import { SourceError, type SourceErrorCode } from "../errors";
import { excerpt, httpRequest, safeUrl, type HttpResponse } from "../http";

/** Names the Zabbix API and trapper in errors. */
export const ZABBIX_SOURCE = "zabbix";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const AUTH_TEXT = /not authori[sz]ed|session terminated|re-login|api token expired/i;

/** A JSON-RPC `error` object returned by the server: code "auth" for refused credentials, else "remote"; the JSON-RPC code is `remoteCode`. */
export class ZabbixApiError extends SourceError {
  declare readonly remoteCode: number;
  constructor(
    readonly method: string,
    remoteCode: number,
    readonly apiMessage: string,
    readonly data: string | undefined,
  ) {
    super(ZABBIX_SOURCE, AUTH_TEXT.test(data ?? apiMessage) ? "auth" : "remote", `${method}: ${apiMessage}${data ? ` ${data}` : ""} (code ${remoteCode})`, { remoteCode });
    this.name = "ZabbixApiError";
  }

  /** Missing, wrong or expired credentials (6.0 and 7.x say it with -32602 or -32500). */
  get isAuthError(): boolean {
    return AUTH_TEXT.test(this.data ?? this.apiMessage);
  }

  get isSessionExpired(): boolean {
    return /session terminated|re-login/i.test(this.data ?? "");
  }
}

/** The HTTP exchange itself failed: time-out, refused connection, HTTP status, body not JSON-RPC. */
export class ZabbixTransportError extends SourceError {
  constructor(code: SourceErrorCode, message: string, status?: number) {
    super(ZABBIX_SOURCE, code, message, { status });
    this.name = "ZabbixTransportError";
  }
}

/** Zabbix answers (history.get over many items) can be large: a higher cap than the default. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** Receive buffers kept for the next history pages: two requests in flight, pages of a few MiB. */
const MAX_SPARE_BUFFERS = 2;
const MAX_SPARE_BYTES = 16 * 1024 * 1024;

export interface ZabbixCredentials {
  /** API token or an existing session id. */
  token?: string;
  username?: string;
  password?: string;
}

export interface ZabbixClientOptions extends ZabbixCredentials {
  /** e.g. http://zabbix.example/zabbix/api_jsonrpc.php (a URL ending in "/" or "/zabbix" gets api_jsonrpc.php appended). */
  url: string;
  timeoutMs?: number;
}

export interface ZabbixVersion {
  text: string;
  major: number;
  minor: number;
}

export function parseVersion(text: string): ZabbixVersion {
  const m = /^(\d+)\.(\d+)/.exec(text);
  if (!m) throw new ZabbixTransportError("parse", `apiinfo.version answered ${JSON.stringify(text)}, not a version`);
  return { text, major: Number(m[1]), minor: Number(m[2]) };
}

export type AuthStyle = "body" | "bearer";

/** 6.0–6.2: body field; 6.4 and later: Bearer header (the body field is refused after 7.0). */
export function authStyleFor(v: ZabbixVersion): AuthStyle {
  return v.major > 6 || (v.major === 6 && v.minor >= 4) ? "bearer" : "body";
}

export function apiUrl(url: string): string {
  const trimmed = url.trim();
  if (/\.php(\?|$)/.test(trimmed)) return trimmed;
  return `${trimmed.replace(/\/+$/, "")}/api_jsonrpc.php`;
}

/** Reads an answer's bytes into T, or returns undefined when they are not in the one shape it knows. */
export type AnswerScanner<T> = (bytes: Buffer) => T | undefined;

/** What callScanned got: the scanner's result, or the JSON-RPC `result` when the scanner passed. */
export type Scanned<T> = { scanned: T; json?: undefined } | { scanned?: undefined; json: JsonValue };

export class ZabbixClient {
  readonly url: string;
  readonly timeoutMs: number;
  private readonly creds: ZabbixCredentials;
  private versionInfo?: ZabbixVersion;
  private session?: string;
  private loggingIn?: Promise<string>;
  private nextId = 1;
  /** Receive buffers of scanned answers, reused (one per request in flight). */
  private spare: Buffer[] = [];

  constructor(options: ZabbixClientOptions) {
    if (!options.url) throw new RangeError("Zabbix API URL is missing");
    this.url = apiUrl(options.url);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.creds = { token: options.token || undefined, username: options.username || undefined, password: options.password || undefined };
  }

  /** The server's version (asked once, without authentication). */
  async version(): Promise<ZabbixVersion> {
    if (!this.versionInfo) {
      const text = await this.plainRpc("apiinfo.version", {}, undefined, undefined);
      if (typeof text !== "string") throw new ZabbixTransportError("parse", `apiinfo.version answered ${excerpt(JSON.stringify(text))}, not a version`);
      this.versionInfo = parseVersion(text);
    }
    return this.versionInfo;
  }

  /** Calls an authenticated method; logs in (again) with user/password when needed. */
  async call(method: string, params: JsonValue): Promise<JsonValue> {
    const answer = await this.callScanned(method, params, undefined);
    return (answer as { json: JsonValue }).json;
  }

  /**
   * Like `call`, but hands the answer's bytes to `scan` first (large answers read without building
   * a JSON tree); when `scan` does not recognise them, the ordinary JSON path decides, with the
   * same typed errors (JSON-RPC error objects, bodies that are not JSON …).
   */
  async callScanned<T>(method: string, params: JsonValue, scan: AnswerScanner<T> | undefined): Promise<Scanned<T>> {
    const style = authStyleFor(await this.version());
    const usesLogin = !this.creds.token;
    let auth = await this.authValue();
    try {
      return await this.rpc(method, params, auth, style, scan);
    } catch (err) {
      if (!(err instanceof ZabbixApiError) || !err.isAuthError || !usesLogin || !this.creds.username) throw err;
      // Session expired (or was terminated): log in once more and retry once.
      if (this.session === auth) this.session = undefined;
      auth = await this.authValue();
      return this.rpc(method, params, auth, style, scan);
    }
  }

  /** Ends the session opened by user.login (an API token is left alone). */
  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session || this.creds.token || !this.versionInfo) return;
    try {
      await this.plainRpc("user.logout", [], session, authStyleFor(this.versionInfo));
    } catch {
      // The session may already be gone; closing must not fail because of it.
    }
  }

  private async authValue(): Promise<string> {
    if (this.creds.token) return this.creds.token;
    if (this.session) return this.session;
    if (!this.creds.username) throw new ZabbixTransportError("config", "no API token and no user name configured");
    if (!this.loggingIn) {
      this.loggingIn = this.login().finally(() => {
        this.loggingIn = undefined;
      });
    }
    return this.loggingIn;
  }

  private async login(): Promise<string> {
    const v = await this.version();
    // 5.4 renamed `user` to `username`; older servers only know `user`.
    const nameField = v.major > 5 || (v.major === 5 && v.minor >= 4) ? "username" : "user";
    const params: Record<string, JsonValue> = { [nameField]: this.creds.username ?? "", password: this.creds.password ?? "" };
    const result = await this.plainRpc("user.login", params, undefined, undefined);
    if (typeof result !== "string" || result === "") throw new ZabbixTransportError("parse", "user.login did not return a session id");
    this.session = result;
    return result;
  }

  /** One unauthenticated-or-given-auth exchange, answered by the JSON path. */
  private async plainRpc(method: string, params: JsonValue, auth: string | undefined, style: AuthStyle | undefined): Promise<JsonValue> {
    const answer = await this.rpc<never>(method, params, auth, style, undefined);
    return (answer as { json: JsonValue }).json;
  }

  private async rpc<T>(method: string, params: JsonValue, auth: string | undefined, style: AuthStyle | undefined, scan: AnswerScanner<T> | undefined): Promise<Scanned<T>> {
    const id = this.nextId++;
    const body: Record<string, JsonValue> = { jsonrpc: "2.0", method, params, id };
    const headers: Record<string, string> = { "Content-Type": "application/json-rpc", Accept: "application/json" };
    if (auth !== undefined) {
      if (style === "bearer") headers.Authorization = `Bearer ${auth}`;
      else body.auth = auth;
    }
    let answer: HttpResponse;
    try {
      // Large scanned answers (history pages) are read into a reused buffer: megabytes a page.
      const receiveInto = scan ? (this.spare.pop() ?? Buffer.allocUnsafe(1 << 20)) : undefined;
      answer = await httpRequest({ source: ZABBIX_SOURCE, url: this.url, method: "POST", headers, body: JSON.stringify(body), timeoutMs: this.timeoutMs, maxBytes: MAX_ANSWER_BYTES, receiveInto });
    } catch (err) {
      if (!(err instanceof SourceError)) throw err;
      throw new ZabbixTransportError(err.code, `${method}: ${err.detail}`, err.status);
    }
    try {
      return this.answerOf(method, answer, scan);
    } finally {
      // Whatever came of it, the answer has been read (scanned columns and text are copies).
      if (scan && this.spare.length < MAX_SPARE_BUFFERS && answer.buffer.length <= MAX_SPARE_BYTES) this.spare.push(answer.buffer);
    }
  }

  /** The JSON-RPC answer, or what `scan` read of it; every failure a typed error. */
  private answerOf<T>(method: string, answer: HttpResponse, scan: AnswerScanner<T> | undefined): Scanned<T> {
    const where = safeUrl(this.url);
    if (answer.status !== 200) {
      const text = answer.body;
      const code = answer.status === 401 || answer.status === 403 ? "auth" : "http";
      throw new ZabbixTransportError(code, `${method}: HTTP ${answer.status} from ${where}${text ? `: ${excerpt(text)}` : ""}`, answer.status);
    }
    if (scan) {
      const scanned = scan(answer.bytes);
      if (scanned !== undefined) return { scanned };
    }
    const text = answer.body;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ZabbixTransportError("parse", `${method}: the answer of ${where} is not JSON (${answer.headers["content-type"] || "no content type"}): ${excerpt(text) || "(empty body)"}`, answer.status);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ZabbixTransportError("parse", `${method}: the answer of ${where} is not a JSON-RPC object: ${excerpt(text)}`);
    }
    const reply = parsed as { error?: unknown; result?: JsonValue };
    if (reply.error !== undefined) {
      const e = (typeof reply.error === "object" && reply.error !== null ? reply.error : {}) as { code?: unknown; message?: unknown; data?: unknown };
      throw new ZabbixApiError(method, typeof e.code === "number" ? e.code : Number(e.code) || 0, typeof e.message === "string" ? e.message : "error", e.data === undefined ? undefined : String(e.data));
    }
    if (!("result" in reply)) throw new ZabbixTransportError("parse", `${method}: the answer has neither result nor error: ${excerpt(text)}`);
    return { json: reply.result as JsonValue };
  }
}
