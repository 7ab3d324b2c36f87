// A small HTTP(S) client for the source clients: whole-request time-out, a body-size cap,
// Basic or Digest (RFC 7616, MD5/SHA-256, qop=auth) authentication, typed errors, and one retry
// when a kept-alive connection is reset before any answer.
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { SourceError } from "./errors";

export interface HttpAuth {
  user: string;
  password: string;
  /** "auto": answer whatever challenge the server sends (Digest or Basic); "basic": send Basic at once. */
  scheme?: "auto" | "basic" | "digest";
}

export interface HttpRequest {
  /** Names the source in errors ("campbell", "ews" …). */
  source: string;
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Answers larger than this are refused (default 8 MiB). */
  maxBytes?: number;
  auth?: HttpAuth;
  /** false accepts self-signed certificates (an explicit setting, never the default). */
  rejectUnauthorized?: boolean;
  /**
   * A buffer to read the body into (a bigger one is made when it does not fit): for large answers
   * read again and again, it spares allocating and concatenating megabytes each time. The
   * response's `bytes` then view `buffer`, valid until the caller reuses it.
   */
  receiveInto?: Buffer;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as UTF-8 text (decoded on first use). */
  readonly body: string;
  /** The body's bytes, for parsers that scan them without a string copy (large JSON answers). */
  bytes: Buffer;
  /** The buffer `bytes` lie in (with `receiveInto`: that one, or the bigger one made), to reuse. */
  buffer: Buffer;
}

/** A response whose text is decoded only when asked for: a byte scanner never pays for it. */
function response(status: number, headers: http.IncomingHttpHeaders, bytes: Buffer, buffer: Buffer = bytes): HttpResponse {
  let text: string | undefined;
  return {
    status,
    headers,
    bytes,
    buffer,
    get body() {
      return (text ??= bytes.toString("utf8"));
    },
  };
}

function parseUrl(source: string, url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SourceError(source, "config", `not a URL: ${JSON.stringify(url)}`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new SourceError(source, "config", `only http and https URLs, got ${u.protocol}`);
  return u;
}

/** The URL without its query (which may carry a token): what errors may show. */
export function safeUrl(url: URL | string): string {
  if (typeof url === "string") {
    try {
      url = new URL(url);
    } catch {
      return "(invalid URL)";
    }
  }
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** The first characters of a body, on one line, for error messages. */
export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Errors of a connection reset before any byte of the answer: the request may be sent again once. */
const resetBeforeAnswer = new WeakSet<SourceError>();

/**
 * One exchange; a kept-alive connection that the server closed just as we reused it (ECONNRESET
 * before any answer) is retried once on a fresh connection.
 */
async function exchange(req: HttpRequest, u: URL, headers: Record<string, string>): Promise<HttpResponse> {
  try {
    return await once(req, u, headers);
  } catch (err) {
    if (err instanceof SourceError && resetBeforeAnswer.has(err)) return once(req, u, headers);
    throw err;
  }
}

function once(req: HttpRequest, u: URL, headers: Record<string, string>): Promise<HttpResponse> {
  const maxBytes = req.maxBytes ?? 8 * 1024 * 1024;
  const lib = u.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: SourceError | null, res?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        r.destroy();
        reject(err);
      } else resolve(res as HttpResponse);
    };
    const r = lib.request(
      u,
      {
        method: req.method ?? "GET",
        headers: { ...headers, ...(req.body !== undefined ? { "Content-Length": String(Buffer.byteLength(req.body)) } : {}) },
        rejectUnauthorized: req.rejectUnauthorized ?? true,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let store = req.receiveInto;
        const declared = Number(res.headers["content-length"]);
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) finish(new SourceError(req.source, "parse", `answer larger than ${maxBytes} bytes from ${safeUrl(u)}`));
          else if (!store) chunks.push(c);
          else {
            if (size > store.length) {
              const bigger = Buffer.allocUnsafe(Math.max(size, store.length * 2, declared <= maxBytes ? declared : 0));
              store.copy(bigger, 0, 0, size - c.length);
              store = bigger;
            }
            c.copy(store, size - c.length);
          }
        });
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (store) finish(null, response(status, res.headers, store.subarray(0, size), store));
          else finish(null, response(status, res.headers, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
        });
        res.on("error", (e) => finish(new SourceError(req.source, "unreachable", `${safeUrl(u)}: ${e.message}`)));
      },
    );
    const timer = setTimeout(() => finish(new SourceError(req.source, "timeout", `no answer from ${safeUrl(u)} within ${req.timeoutMs} ms`)), req.timeoutMs);
    let answered = false;
    r.on("response", () => {
      answered = true;
    });
    r.on("error", (e: NodeJS.ErrnoException) => {
      const err = new SourceError(req.source, "unreachable", `${safeUrl(u)}: ${e.code ?? e.message}`);
      if (!answered && e.code === "ECONNRESET" && r.reusedSocket) resetBeforeAnswer.add(err);
      finish(err);
    });
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

/** Parameters of a `WWW-Authenticate: Digest …` challenge. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  const params: Record<string, string> = {};
  if (!m) return { scheme: "", params };
  for (const p of m[2].matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : p[3];
  return { scheme: m[1].toLowerCase(), params };
}

/** The Authorization header answering a Digest challenge (qop=auth or none). */
export function digestAuthorization(auth: HttpAuth, method: string, uri: string, challenge: Record<string, string>, nc = 1, cnonce = randomBytes(8).toString("hex")): string {
  const algorithm = (challenge.algorithm ?? "MD5").toUpperCase();
  const hashName = algorithm.startsWith("SHA-256") ? "sha256" : "md5";
  const h = (s: string) => createHash(hashName).update(s, "utf8").digest("hex");
  const realm = challenge.realm ?? "";
  const nonce = challenge.nonce ?? "";
  let ha1 = h(`${auth.user}:${realm}:${auth.password}`);
  if (algorithm.endsWith("-SESS")) ha1 = h(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = h(`${method}:${uri}`);
  const qops = (challenge.qop ?? "").split(",").map((q) => q.trim());
  const ncHex = nc.toString(16).padStart(8, "0");
  const useQop = qops.includes("auth");
  const response = useQop ? h(`${ha1}:${nonce}:${ncHex}:${cnonce}:auth:${ha2}`) : h(`${ha1}:${nonce}:${ha2}`);
  const q = (s: string) => `"${s.replace(/(["\\])/g, "\\$1")}"`;
  const parts = [`username=${q(auth.user)}`, `realm=${q(realm)}`, `nonce=${q(nonce)}`, `uri=${q(uri)}`, `algorithm=${algorithm}`, `response=${q(response)}`];
  if (useQop) parts.push(`qop=auth`, `nc=${ncHex}`, `cnonce=${q(cnonce)}`);
  if (challenge.opaque !== undefined) parts.push(`opaque=${q(challenge.opaque)}`);
  return `Digest ${parts.join(", ")}`;
}

const basic = (auth: HttpAuth) => `Basic ${Buffer.from(`${auth.user}:${auth.password}`, "utf8").toString("base64")}`;

/** One request, answering one authentication challenge if credentials are given. Non-2xx is NOT an error here. */
export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const u = parseUrl(req.source, req.url);
  const headers: Record<string, string> = { "User-Agent": "node-red-contrib-elfe", ...req.headers };
  const auth = req.auth && req.auth.user !== "" ? req.auth : undefined;
  if (auth?.scheme === "basic") headers.Authorization = basic(auth);
  const first = await exchange(req, u, headers);
  if (first.status !== 401 || !auth || auth.scheme === "basic") return first;
  const raw = first.headers["www-authenticate"];
  const challenges = (Array.isArray(raw) ? raw : raw ? [raw] : []).map(parseChallenge);
  const digest = challenges.find((c) => c.scheme === "digest");
  if (digest) {
    const uri = `${u.pathname}${u.search}`;
    return exchange(req, u, { ...headers, Authorization: digestAuthorization(auth, req.method ?? "GET", uri, digest.params) });
  }
  if (auth.scheme !== "digest" && challenges.some((c) => c.scheme === "basic")) return exchange(req, u, { ...headers, Authorization: basic(auth) });
  return first;
}

/** httpRequest, then a typed error for 401/403 and other non-2xx statuses. */
export async function httpOk(req: HttpRequest): Promise<HttpResponse> {
  const res = await httpRequest(req);
  if (res.status === 401 || res.status === 403) throw new SourceError(req.source, "auth", `${safeUrl(new URL(req.url))} refused the credentials (HTTP ${res.status})`, { status: res.status });
  if (res.status < 200 || res.status > 299) {
    throw new SourceError(req.source, "http", `HTTP ${res.status} from ${safeUrl(new URL(req.url))}: ${res.body.slice(0, 200).replace(/\s+/g, " ")}`, { status: res.status });
  }
  return res;
}

/** JSON.parse with a parse error naming the source. */
export function parseJson(source: string, body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new SourceError(source, "parse", `the answer is not JSON: ${JSON.stringify(body.slice(0, 80))}`);
  }
}
