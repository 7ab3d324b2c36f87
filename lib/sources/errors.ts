// The one error type every source client throws: which source, what kind of failure, and the
// remote's own words (status, fault, code) when it gave any. Nodes show `message`; flows can
// branch on `code` (msg.error.code through a Catch node).
export type SourceErrorCode =
  | "config" // our settings are unusable (bad URL, missing id)
  | "unreachable" // connection refused, DNS, reset
  | "timeout" // no complete answer in time
  | "auth" // 401/403
  | "http" // another non-2xx status
  | "parse" // the body is not what the protocol says
  | "remote"; // the peer answered in its format and said "error" (SOAP fault, status code, per-item error)

export interface SourceErrorDetails {
  status?: number;
  /** The item the error is about (EWS id, Campbell field …). */
  id?: string;
  /** The peer's own error code (Fronius Status.Code, SOAP fault name …). */
  remoteCode?: string | number;
}

export class SourceError extends Error {
  /** The message without the source prefix (to re-throw it as a subclass of the same source). */
  readonly detail: string;
  readonly status?: number;
  readonly id?: string;
  readonly remoteCode?: string | number;
  constructor(
    readonly source: string,
    readonly code: SourceErrorCode,
    message: string,
    details: SourceErrorDetails = {},
  ) {
    super(`${source}: ${message}`);
    this.name = "SourceError";
    this.detail = message;
    this.status = details.status;
    this.id = details.id;
    this.remoteCode = details.remoteCode;
  }
}

/** Runs a parser and turns anything it throws that is not already ours into a parse error. */
export function guardParse<T>(source: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SourceError) throw err;
    throw new SourceError(source, "parse", err instanceof Error ? err.message : String(err));
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A JSON number, or a numeric string; anything else (NAN, "", null, objects) is null. */
export function numberOrNull(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}
