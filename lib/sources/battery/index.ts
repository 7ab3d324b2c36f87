// The room's laptop battery service: GET http://<pc>:1095/getBattery answers
// {"BatteryFlag": n, "ACLineStatus": m} (Windows SYSTEM_POWER_STATUS), sometimes with
// "BatteryLifePercent". Flask sends it as text/html: the body is parsed whatever its type.
import type { BatteryBand, BatteryReading } from "../../types";
import { excerpt, httpRequest, safeUrl, SourceError } from "../fetch-http";

export interface BatteryStatus {
  flag: number;
  ac: number;
  /** 0–100 when known (255 = unknown is dropped). */
  lifePercent?: number;
}

const BYTE = (v: unknown, field: string): number => {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new SourceError(`${field} is ${JSON.stringify(v)}, not a byte`, "parse");
  return n;
};

export function parseBatteryStatus(text: string): BatteryStatus {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SourceError(`the battery service did not answer JSON: ${excerpt(text) || "(empty body)"}`, "parse");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new SourceError(`the battery service answered ${excerpt(text)}, not an object`, "parse");
  const o = body as Record<string, unknown>;
  if (o.BatteryFlag === undefined) throw new SourceError(`the battery service's answer has no BatteryFlag: ${excerpt(text)}`, "parse");
  const status: BatteryStatus = { flag: BYTE(o.BatteryFlag, "BatteryFlag"), ac: o.ACLineStatus === undefined ? 255 : BYTE(o.ACLineStatus, "ACLineStatus") };
  if (o.BatteryLifePercent !== undefined && o.BatteryLifePercent !== null) {
    const p = BYTE(o.BatteryLifePercent, "BatteryLifePercent");
    if (p <= 100) status.lifePercent = p;
    else if (p !== 255) throw new SourceError(`BatteryLifePercent is ${p}, neither 0–100 nor 255 (unknown)`, "parse");
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

export async function readBattery(url: string, timeoutMs = 3000): Promise<BatteryStatus> {
  const answer = await httpRequest({ url, timeoutMs });
  if (answer.status !== 200) throw new SourceError(`HTTP ${answer.status} from ${safeUrl(url)}`, "http");
  return parseBatteryStatus(answer.text);
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
        return batteryReading(l.deviceId, await readBattery(l.url, options.timeoutMs), now().toISOString());
      } catch (err) {
        const e = err instanceof SourceError ? err : new SourceError(String((err as Error)?.message ?? err), "protocol");
        const answered = e.kind === "parse" || e.kind === "http";
        return { deviceId: l.deviceId, ts: now().toISOString(), online: answered, error: `${l.deviceId}: ${e.message}` };
      }
    }),
  );
}
