// The room's laptop battery service: GET http://<pc>:1095/getBattery answers
// {"BatteryFlag": n, "ACLineStatus": m} (Windows SYSTEM_POWER_STATUS), sometimes with
// "BatteryLifePercent". Flask sends it as text/html: the body is parsed whatever its type.
import type { BatteryBand, BatteryReading } from "../../types";
import { SourceError } from "../errors";
import { excerpt, httpRequest, safeUrl } from "../http";

/** Names the battery service in errors when no laptop is named. */
const SOURCE = "battery";

export interface BatteryStatus {
  flag: number;
  ac: number;
  /** 0–100 when known (255 = unknown is dropped). */
  lifePercent?: number;
}

const BYTE = (source: string, v: unknown, field: string): number => {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new SourceError(source, "parse", `${field} is ${JSON.stringify(v)}, not a byte`);
  return n;
};

/** `source` names the laptop (or the service) in errors. */
export function parseBatteryStatus(text: string, source = SOURCE): BatteryStatus {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SourceError(source, "parse", `the battery service did not answer JSON: ${excerpt(text) || "(empty body)"}`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new SourceError(source, "parse", `the battery service answered ${excerpt(text)}, not an object`);
  const o = body as Record<string, unknown>;
  if (o.BatteryFlag === undefined) throw new SourceError(source, "parse", `the battery service's answer has no BatteryFlag: ${excerpt(text)}`);
  const status: BatteryStatus = { flag: BYTE(source, o.BatteryFlag, "BatteryFlag"), ac: o.ACLineStatus === undefined ? 255 : BYTE(source, o.ACLineStatus, "ACLineStatus") };
  if (o.BatteryLifePercent !== undefined && o.BatteryLifePercent !== null) {
    const p = BYTE(source, o.BatteryLifePercent, "BatteryLifePercent");
    if (p <= 100) status.lifePercent = p;
    else if (p !== 255) throw new SourceError(source, "parse", `BatteryLifePercent is ${p}, neither 0–100 nor 255 (unknown)`);
  }
  return status;
}

/** The flag's band: critical wins over low, low over high; no bit of 1/2/4 is the middle band. */
export function bandOf(flag: number): BatteryBand {
  if (flag === 255) return { name: "unknown" };
  if (flag & 128) return { name: "none" };
  if (flag & 4) return { name: "critical", minPct: 0, maxPct: 5 };
  if (flag & 2) return { name: "low", minPct: 5, maxPct: 33 };
  if (flag & 1) return { name: "high", minPct: 66, maxPct: 100 };
  return { name: "medium", minPct: 33, maxPct: 66 };
}

export function batteryReading(deviceId: string, status: BatteryStatus, ts: string): BatteryReading {
  const band = bandOf(status.flag);
  const reading: BatteryReading = { deviceId, ts, online: true, batteryBand: band };
  if (status.ac === 0) reading.onMains = false;
  else if (status.ac === 1) reading.onMains = true;
  if (status.flag !== 255 && !(status.flag & 128)) reading.charging = (status.flag & 8) !== 0;
  if (band.name === "none") return reading;
  if (status.lifePercent !== undefined) {
    reading.batteryPct = status.lifePercent;
    reading.batteryExact = true;
  } else if (band.minPct !== undefined && band.maxPct !== undefined) {
    reading.batteryPct = (band.minPct + band.maxPct) / 2;
    reading.batteryExact = false;
  }
  return reading;
}

export interface Laptop {
  deviceId: string;
  url: string;
}

/** "pc01" → http://pc01:1095/getBattery; a URL is kept as is. */
export function batteryUrl(hostOrUrl: string): string {
  const s = hostOrUrl.trim();
  if (/^https?:\/\//i.test(s)) return s;
  return `http://${s.includes(":") ? s : `${s}:1095`}/getBattery`;
}

/** Lines "ordinateur01 = pc01" or "ordinateur01 = http://10.0.0.5:1095/getBattery". */
export function parseLaptopTable(text: string): Laptop[] {
  const out: Laptop[] = [];
  for (const [n, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) continue;
    const m = /^([^=\s]+)\s*=\s*(\S+)$/.exec(line);
    if (!m) throw new RangeError(`line ${n + 1}: expected "deviceId = host or URL"`);
    if (out.some((l) => l.deviceId === m[1])) throw new RangeError(`line ${n + 1}: ${m[1]} is listed twice`);
    out.push({ deviceId: m[1], url: batteryUrl(m[2]) });
  }
  return out;
}

/** `source` names the laptop in errors ("pc01: no answer from …"). */
export async function readBattery(url: string, timeoutMs = 3000, source = SOURCE): Promise<BatteryStatus> {
  const answer = await httpRequest({ source, url, timeoutMs });
  if (answer.status !== 200) throw new SourceError(source, "http", `HTTP ${answer.status} from ${safeUrl(url)}`, { status: answer.status });
  return parseBatteryStatus(answer.body, source);
}

/**
 * Polls every laptop in parallel, each with its own time-out. Never rejects: a laptop that does
 * not answer (firewall, asleep, refused) is `online: false` with the reason; one that answers
 * garbage is online with the error and no battery figures.
 */
export async function pollBatteries(laptops: Laptop[], options: { timeoutMs?: number; now?: () => Date } = {}): Promise<BatteryReading[]> {
  const now = options.now ?? (() => new Date());
  return Promise.all(
    laptops.map(async (l): Promise<BatteryReading> => {
      try {
        return batteryReading(l.deviceId, await readBattery(l.url, options.timeoutMs, l.deviceId), now().toISOString());
      } catch (err) {
        // A SourceError already starts with the laptop's id (its source).
        const answered = err instanceof SourceError && (err.code === "parse" || err.code === "http");
        const error = err instanceof SourceError ? err.message : `${l.deviceId}: ${err instanceof Error ? err.message : String(err)}`;
        return { deviceId: l.deviceId, ts: now().toISOString(), online: answered, error };
      }
    }),
  );
}
