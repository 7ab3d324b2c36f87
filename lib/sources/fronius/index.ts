// Fronius Solar API v1 (inverter / Datamanager, plain HTTP, JSON): GetPowerFlowRealtimeData and
// GetInverterRealtimeData. Head.Status.Code other than 0 is an error carrying its reason; code 8
// (LNRequestTimeout, sporadic) is retried once.
import { DateTime } from "luxon";
import type { Reading } from "../../types";
import { SourceError, guardParse, isRecord, numberOrNull } from "../errors";
import { httpOk, parseJson } from "../http";

const SOURCE = "fronius";

export const STATUS_NAMES: Record<number, string> = {
  1: "NotImplemented",
  2: "Uninitialized",
  3: "Initialized",
  4: "Running",
  5: "Timeout",
  6: "Argument error",
  7: "LNRequestError",
  8: "LNRequestTimeout",
  9: "LNParseError",
  10: "ConfigIOError",
  11: "NotSupported",
  12: "DeviceNotAvailable",
  255: "UnknownError",
};

/** Site power flow in W (our signs: gridW + = import; loadW + = consumption), energies in Wh. */
export interface PowerFlow {
  ts: string;
  mode?: string;
  /** PV production (0 when the inverter sleeps and reports null). */
  pvW: number;
  /** + import from the grid, − export. Null without a meter. */
  gridW: number | null;
  /** Site consumption, positive (Fronius reports it negative). Null without a meter. */
  loadW: number | null;
  /** + battery discharging, − charging; null without battery. */
  batteryW: number | null;
  /** Production − consumption of the site (= −gridW when the battery is idle). */
  balanceW: number | null;
  socPct: number | null;
  dayWh: number | null;
  yearWh: number | null;
  totalWh: number | null;
}

export interface InverterData {
  ts: string;
  /** Per device id (Scope=Device gives one, Scope=System one per inverter). */
  acPowerW: Record<string, number>;
  dayWh: Record<string, number | null>;
  totalWh: Record<string, number | null>;
  values: Record<string, { unit: string; value: number | null } | { unit: string; values: Record<string, number | null> }>;
  statusCode: number | null;
}

function head(json: unknown): { ts: string } {
  if (!isRecord(json) || !isRecord(json.Head) || !isRecord(json.Head.Status)) throw new SourceError(SOURCE, "parse", "the answer has no Head.Status: not a Solar API v1 answer");
  const st = json.Head.Status;
  const code = numberOrNull(st.Code);
  if (code === null) throw new SourceError(SOURCE, "parse", "Head.Status.Code is not a number");
  if (code !== 0) {
    const reason = [st.Reason, st.UserMessage].filter((s) => typeof s === "string" && s !== "").join(" / ");
    throw new SourceError(SOURCE, "remote", `status ${code} ${STATUS_NAMES[code] ?? ""}${reason ? `: ${reason}` : ""}`.trim(), { remoteCode: code });
  }
  const t = typeof json.Head.Timestamp === "string" ? DateTime.fromISO(json.Head.Timestamp, { setZone: true }) : null;
  return { ts: t && t.isValid ? (t.toISO({ suppressMilliseconds: true }) as string) : (DateTime.now().toISO({ suppressMilliseconds: true }) as string) };
}

function dataOf(json: unknown): Record<string, unknown> {
  const body = isRecord(json) ? json.Body : undefined;
  const data = isRecord(body) ? body.Data : undefined;
  if (!isRecord(data)) throw new SourceError(SOURCE, "parse", "Body.Data is missing");
  return data;
}

export function parsePowerFlow(text: string): PowerFlow {
  const json = parseJson(SOURCE, text);
  return guardParse(SOURCE, () => {
    const { ts } = head(json);
    const data = dataOf(json);
    if (!isRecord(data.Site)) throw new SourceError(SOURCE, "parse", "Body.Data.Site is missing");
    const site = data.Site;
    const pv = numberOrNull(site.P_PV) ?? 0;
    const grid = numberOrNull(site.P_Grid);
    const load = numberOrNull(site.P_Load);
    const akku = numberOrNull(site.P_Akku);
    const inverters = isRecord(data.Inverters) ? Object.values(data.Inverters).filter(isRecord) : [];
    const soc = inverters.map((i) => numberOrNull(i.SOC)).find((v) => v !== null) ?? null;
    const balance = load === null ? null : pv + (akku ?? 0) + load;
    // Each value is finite, but two near 1e308 add up to Infinity: such a flow is corrupt.
    if (balance !== null && !Number.isFinite(balance)) throw new SourceError(SOURCE, "parse", `Site powers out of range: P_PV ${pv}, P_Load ${load}, P_Akku ${akku}`);
    return {
      ts,
      mode: typeof site.Mode === "string" ? site.Mode : undefined,
      pvW: pv,
      gridW: grid,
      loadW: load === null ? null : -load,
      batteryW: akku,
      balanceW: balance,
      socPct: soc,
      dayWh: numberOrNull(site.E_Day),
      yearWh: numberOrNull(site.E_Year),
      totalWh: numberOrNull(site.E_Total),
    };
  });
}

export function parseInverterData(text: string): InverterData {
  const json = parseJson(SOURCE, text);
  return guardParse(SOURCE, () => {
    const { ts } = head(json);
    const data = dataOf(json);
    const values: InverterData["values"] = {};
    const perDevice = (key: string, deviceDefault: string): Record<string, number | null> => {
      const q = data[key];
      if (!isRecord(q)) return {};
      if (isRecord(q.Values)) return Object.fromEntries(Object.entries(q.Values).map(([k, v]) => [k, numberOrNull(v)]));
      return { [deviceDefault]: numberOrNull(q.Value) };
    };
    for (const [k, q] of Object.entries(data)) {
      if (!isRecord(q) || typeof q.Unit !== "string") continue;
      values[k] = isRecord(q.Values) ? { unit: q.Unit, values: perDevice(k, "1") } : { unit: q.Unit, value: numberOrNull(q.Value) };
    }
    const args = isRecord(json) && isRecord(json.Head) && isRecord(json.Head.RequestArguments) ? json.Head.RequestArguments : {};
    const dev = typeof args.DeviceId === "string" || typeof args.DeviceId === "number" ? String(args.DeviceId) : "1";
    // At night PAC is absent rather than 0.
    const pac = perDevice("PAC", dev);
    const acPowerW: Record<string, number> = Object.keys(pac).length ? Object.fromEntries(Object.entries(pac).map(([k, v]) => [k, v ?? 0])) : { [dev]: 0 };
    const status = isRecord(data.DeviceStatus) ? numberOrNull(data.DeviceStatus.StatusCode) : null;
    return { ts, acPowerW, dayWh: perDevice("DAY_ENERGY", dev), totalWh: perDevice("TOTAL_ENERGY", dev), values, statusCode: status };
  });
}

export interface FroniusOptions {
  /** http://<inverter> */
  baseUrl: string;
  timeoutMs: number;
  /** Retries on status 8 (LNRequestTimeout), default 1. */
  retries?: number;
}

function apiUrl(baseUrl: string, path: string): string {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new SourceError(SOURCE, "config", `not a URL: ${JSON.stringify(baseUrl)}`);
  }
  return new URL(`solar_api/v1/${path}`, u.href.endsWith("/") ? u.href : `${u.href}/`).toString();
}

async function getWithRetry<T>(options: FroniusOptions, url: string, parse: (body: string) => T): Promise<T> {
  const retries = options.retries ?? 1;
  for (let attempt = 0; ; attempt++) {
    const res = await httpOk({ source: SOURCE, url, timeoutMs: options.timeoutMs });
    try {
      return parse(res.body);
    } catch (err) {
      if (attempt < retries && err instanceof SourceError && err.remoteCode === 8) continue;
      throw err;
    }
  }
}

export async function readPowerFlow(options: FroniusOptions): Promise<PowerFlow> {
  return getWithRetry(options, apiUrl(options.baseUrl, "GetPowerFlowRealtimeData.fcgi"), parsePowerFlow);
}

export async function readInverter(options: FroniusOptions, scope: { system: true } | { deviceId: number }): Promise<InverterData> {
  const q = "system" in scope ? "Scope=System" : `Scope=Device&DeviceId=${encodeURIComponent(String(scope.deviceId))}&DataCollection=CommonInverterData`;
  return getWithRetry(options, `${apiUrl(options.baseUrl, "GetInverterRealtimeData.cgi")}?${q}`, parseInverterData);
}

/** The PV side as a Reading: production power and energy of the day. */
export function powerFlowReading(flow: PowerFlow, deviceId: string): Reading {
  return { deviceId, ts: flow.ts, powerW: flow.pvW, ...(flow.dayWh !== null ? { energyWh: flow.dayWh } : {}) };
}

export function inverterReading(data: InverterData, deviceId: string): Reading {
  const powerW = Object.values(data.acPowerW).reduce((a, b) => a + b, 0);
  const day = Object.values(data.dayWh).filter((v): v is number => v !== null);
  const energyWh = day.reduce((a, b) => a + b, 0);
  // Per-inverter values near 1e308 add up to Infinity: a corrupt answer, not a reading.
  if (!Number.isFinite(powerW) || !Number.isFinite(energyWh)) throw new SourceError(SOURCE, "parse", `inverter totals out of range for ${deviceId}: PAC ${powerW}, DAY_ENERGY ${energyWh}`, { id: deviceId });
  return { deviceId, ts: data.ts, powerW, ...(day.length ? { energyWh } : {}) };
}
