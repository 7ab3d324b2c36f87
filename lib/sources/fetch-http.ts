// Temporary second HTTP layer (fetch-based) of the Zabbix, Jeedom and battery clients; lib/sources/http.ts is the other.
// Small HTTP helper shared by the protocol clients: one request over the global fetch with a
// time-out that also covers reading the body, and errors that say what went wrong and where
// (never the query string: it may carry an API key).

export class SourceError extends Error {
  constructor(
    message: string,
    readonly kind: "timeout" | "network" | "http" | "parse" | "protocol",
  ) {
    super(message);
    this.name = "SourceError";
  }
}

export interface HttpRequest {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** Scheme, host and path of a URL, without the query string (which may carry secrets). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

/**
 * One HTTP exchange. A kept-alive connection that the server closed just as we reused it
 * (ECONNRESET before any answer) is retried once on a fresh connection.
 */
export async function httpRequest(req: HttpRequest): Promise<HttpAnswer> {
  try {
    return await httpOnce(req);
  } catch (err) {
    if (err instanceof SourceError && err.kind === "network" && /ECONNRESET|UND_ERR_SOCKET|other side closed/.test(err.message)) return httpOnce(req);
    throw err;
  }
}

async function httpOnce(req: HttpRequest): Promise<HttpAnswer> {
  const controller = new AbortController();
  const where = safeUrl(req.url);
  const timer = setTimeout(() => controller.abort(), req.timeoutMs);
  try {
    const res = await fetch(req.url, { method: req.method ?? "GET", headers: req.headers, body: req.body, signal: controller.signal });
    const text = await res.text();
    return { status: res.status, contentType: res.headers.get("content-type") ?? "", text };
  } catch (err) {
    if (controller.signal.aborted) throw new SourceError(`no answer from ${where} within ${req.timeoutMs} ms`, "timeout");
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new SourceError(`cannot reach ${where}: ${detail}`, "network");
  } finally {
    clearTimeout(timer);
  }
}

/** The first characters of a body, on one line, for error messages. */
export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
