// The Zabbix sender (trapper) protocol: one TCP connection per request to port 10051, a 13-byte
// header ("ZBXD", flags 0x01, data length uint32 LE, reserved uint32) then UTF-8 JSON; the server
// answers with the same framing and closes.
import { Socket } from "node:net";
import { SourceError } from "../errors";
import { ZABBIX_SOURCE } from "./client";
import { withUniqueTimes, type PushResult, type PushValue } from "./api";

export const HEADER_LENGTH = 13;
const MAX_PACKET = 128 * 1024 * 1024;

export function encodeFrame(payload: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(payload), "utf8");
  const header = Buffer.alloc(HEADER_LENGTH);
  header.write("ZBXD", 0, "ascii");
  header[4] = 0x01;
  header.writeUInt32LE(json.length, 5);
  header.writeUInt32LE(0, 9);
  return Buffer.concat([header, json]);
}

/** Length of a complete frame at the start of `buf`, 0 when more bytes are needed; throws on a bad header. */
export function frameLength(buf: Buffer): number {
  if (buf.length < HEADER_LENGTH) return 0;
  if (buf.toString("ascii", 0, 4) !== "ZBXD") throw new SourceError(ZABBIX_SOURCE, "parse", `trapper: answer does not start with ZBXD (${buf.subarray(0, 8).toString("hex")})`);
  const flags = buf[4];
  if (flags & 0x02) throw new SourceError(ZABBIX_SOURCE, "parse", "trapper: compressed answers are not supported");
  if (flags & 0x04) throw new SourceError(ZABBIX_SOURCE, "parse", "trapper: large packets are not supported");
  const len = buf.readUInt32LE(5);
  if (len > MAX_PACKET) throw new SourceError(ZABBIX_SOURCE, "parse", `trapper: announced length ${len} is too large`);
  return buf.length >= HEADER_LENGTH + len ? HEADER_LENGTH + len : 0;
}

export function decodeFrame(buf: Buffer): unknown {
  const n = frameLength(buf);
  if (n === 0) throw new SourceError(ZABBIX_SOURCE, "parse", `trapper: truncated answer (${buf.length} bytes)`);
  const text = buf.toString("utf8", HEADER_LENGTH, n);
  try {
    return JSON.parse(text);
  } catch {
    throw new SourceError(ZABBIX_SOURCE, "parse", `trapper: the answer is not JSON: ${text.slice(0, 80)}`);
  }
}

/** "processed: 1; failed: 0; total: 1; seconds spent: 0.000055" (old servers: "Processed 1 Failed 0 Total 1 …"). */
export function parseSenderInfo(info: string): { processed: number; failed: number; total: number } | undefined {
  const get = (name: string) => {
    const m = new RegExp(`${name}:?\\s*(\\d+)`, "i").exec(info);
    // 400 digits would read as Infinity: a count beyond 2^53 is no count (the caller reports it).
    return m && Number.isSafeInteger(Number(m[1])) ? Number(m[1]) : undefined;
  };
  const processed = get("processed");
  const failed = get("failed");
  const total = get("total");
  if (processed === undefined || failed === undefined) return undefined;
  return { processed, failed, total: total ?? processed + failed };
}

export interface TrapperOptions {
  host: string;
  port?: number;
  timeoutMs?: number;
}

/** Exchanges one frame with a trapper and returns the decoded answer. */
export function trapperExchange(options: TrapperOptions, payload: unknown): Promise<unknown> {
  const port = options.port ?? 10051;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const where = `${options.host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let chunks = Buffer.alloc(0);
    let settled = false;
    const finish = (err: Error | undefined, value?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(() => finish(new SourceError(ZABBIX_SOURCE, "timeout", `trapper ${where}: no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on("error", (err: NodeJS.ErrnoException) => finish(new SourceError(ZABBIX_SOURCE, "unreachable", `trapper ${where}: ${err.code ?? err.message}`)));
    socket.on("data", (data: Buffer) => {
      chunks = Buffer.concat([chunks, data]);
      try {
        if (frameLength(chunks) > 0) finish(undefined, decodeFrame(chunks));
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on("end", () => {
      try {
        finish(undefined, decodeFrame(chunks));
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.connect(port, options.host, () => socket.write(encodeFrame(payload)));
  });
}

/** Pushes values with the "sender data" request; values need host + key. */
export async function sendValues(options: TrapperOptions, values: PushValue[], nowMs: number = Date.now()): Promise<PushResult> {
  const missing = values.findIndex((v) => !v.host || !v.key);
  if (missing >= 0) throw new RangeError(`value ${missing}: the trapper needs a host and a key (not an item id)`);
  const data = withUniqueTimes(values, nowMs).map((v) => ({ host: v.host, key: v.key, value: String(v.value), clock: v.clock, ns: v.ns }));
  const reply = await trapperExchange(options, { request: "sender data", data, clock: Math.floor(nowMs / 1000), ns: (nowMs % 1000) * 1_000_000 });
  const r = (typeof reply === "object" && reply !== null ? reply : {}) as { response?: unknown; info?: unknown };
  const info = typeof r.info === "string" ? r.info : "";
  if (r.response !== "success") throw new SourceError(ZABBIX_SOURCE, "remote", `trapper refused the request: ${info || JSON.stringify(reply).slice(0, 120)}`);
  const counts = parseSenderInfo(info);
  if (!counts) throw new SourceError(ZABBIX_SOURCE, "parse", `trapper: cannot read the counts in ${JSON.stringify(info)}`);
  const failures = counts.failed > 0 ? [{ index: -1, error: `${counts.failed} of ${counts.total} values refused by the server (unknown host or key, not a trapper item, sender not allowed, or value of the wrong type)` }] : [];
  return { method: "trapper", processed: counts.processed, failed: counts.failed, total: counts.total, failures, info };
}
