// Meteo-Concept forecast API (token in the query): hourly forecasts for the next 12 hours and
// 4 periods a day for 14 days, turned into SlotSeries on the territory grid (temperature
// interpolated, cloud cover held over each forecast step), and a PV forecast:
// clear-sky irradiance × (1 − k · cloud cover) × peak power × performance ratio.
import { DateTime } from "luxon";
import { SlotGrid, resamplePower, toMillis, type Instant } from "../../time";
import type { SlotSeries } from "../../types";
import { SourceError, guardParse, isRecord, numberOrNull } from "../errors";
import { httpRequest, parseJson, safeUrl } from "../http";

const SOURCE = "meteo-concept";
export const METEO_CONCEPT_URL = "https://api.meteo-concept.com/api";

export interface ForecastPoint {
  /** Start of the forecast step (ISO with offset). */
  ts: string;
  stepMinutes: number;
  temperatureC: number | null;
  weatherCode: number | null;
  /** 0..1 from the weather code (the API has no cloud-cover %), null for an unknown code. */
  cloudCover: number | null;
  rainProbabilityPct: number | null;
}

/** Cloud cover (0..1) that a Meteo-Concept weather code stands for. */
export function cloudCoverOf(code: number | null): number | null {
  if (code === null || !Number.isInteger(code) || code < 0) return null;
  const table: Record<number, number> = { 0: 0, 1: 0.25, 2: 0.5, 3: 0.65, 4: 0.85, 5: 1, 6: 0.95, 7: 0.95 };
  if (code in table) return table[code];
  if (code >= 10 && code <= 32) return 0.95; // rain, drizzle, snow, sleet
  if (code >= 40 && code <= 78) return 0.75; // showers: broken sky
  if (code >= 100 && code <= 142) return 0.85; // thunderstorms
  if (code >= 210 && code <= 235) return 0.8; // intermittent rain/snow
  return null;
}

export interface MeteoConceptQuery {
  token: string;
  /** INSEE code of the commune, or latitude/longitude. */
  insee?: string;
  latitude?: number;
  longitude?: number;
  baseUrl?: string;
  timeoutMs: number;
}

function url(q: MeteoConceptQuery, path: string, extra: Record<string, string> = {}): string {
  if (!q.token) throw new SourceError(SOURCE, "config", "no API token configured");
  let u: URL;
  try {
    u = new URL(`${(q.baseUrl ?? METEO_CONCEPT_URL).replace(/\/+$/, "")}/${path}`);
  } catch {
    throw new SourceError(SOURCE, "config", `not a URL: ${JSON.stringify(q.baseUrl)}`);
  }
  u.searchParams.set("token", q.token);
  if (q.insee) {
    if (!/^[0-9AB]{5}$/i.test(q.insee)) throw new SourceError(SOURCE, "config", `not an INSEE code: ${JSON.stringify(q.insee)}`);
    u.searchParams.set("insee", q.insee);
  } else if (q.latitude !== undefined && q.longitude !== undefined) u.searchParams.set("latlng", `${q.latitude},${q.longitude}`);
  else throw new SourceError(SOURCE, "config", "give an INSEE code or the territory's latitude and longitude");
  for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
  return u.toString();
}

async function get(q: MeteoConceptQuery, target: string): Promise<unknown> {
  const res = await httpRequest({ source: SOURCE, url: target, timeoutMs: q.timeoutMs });
  if (res.status !== 200) {
    let message = "";
    try {
      const j = JSON.parse(res.body) as unknown;
      if (isRecord(j) && typeof j.message === "string") message = j.message;
    } catch {
      message = res.body.slice(0, 120).replace(/\s+/g, " ");
    }
    const where = safeUrl(new URL(target));
    if (res.status === 401 || res.status === 403) throw new SourceError(SOURCE, "auth", `token refused by ${where} (HTTP ${res.status})${message ? `: ${message}` : ""}`, { status: res.status });
    if (res.status === 429) throw new SourceError(SOURCE, "http", `request quota exceeded (HTTP 429)${message ? `: ${message}` : ""}; poll less often`, { status: 429 });
    throw new SourceError(SOURCE, "http", `HTTP ${res.status} from ${where}${message ? `: ${message}` : ""}`, { status: res.status });
  }
  return parseJson(SOURCE, res.body);
}

function point(item: unknown, stepMinutes: number, i: number): ForecastPoint {
  if (!isRecord(item) || typeof item.datetime !== "string") throw new SourceError(SOURCE, "parse", `forecast[${i}] has no datetime`);
  const dt = DateTime.fromISO(item.datetime, { setZone: true });
  if (!dt.isValid) throw new SourceError(SOURCE, "parse", `forecast[${i}].datetime is not a time: ${JSON.stringify(item.datetime)}`);
  const code = numberOrNull(item.weather);
  return {
    ts: dt.toISO({ suppressMilliseconds: true }) as string,
    stepMinutes,
    temperatureC: numberOrNull(item.temp2m),
    weatherCode: code,
    cloudCover: cloudCoverOf(code),
    rainProbabilityPct: numberOrNull(item.probarain),
  };
}

/** `{"city":…,"forecast":[…]}` (hourly) or `{"forecast":[[…4 periods…], …]}` (periods). */
export function parseForecast(body: string | unknown, stepMinutes: number): ForecastPoint[] {
  const json = typeof body === "string" ? parseJson(SOURCE, body) : body;
  return guardParse(SOURCE, () => {
    if (!isRecord(json) || !Array.isArray(json.forecast)) throw new SourceError(SOURCE, "parse", "the answer has no forecast list");
    const items = json.forecast.flat();
    const points = items.map((it, i) => point(it, stepMinutes, i));
    points.sort((a, b) => toMillis(a.ts) - toMillis(b.ts));
    return points;
  });
}

/** Next 12 hours, hourly. */
export async function fetchNextHours(q: MeteoConceptQuery): Promise<ForecastPoint[]> {
  return parseForecast(await get(q, url(q, "forecast/nextHours", { hourly: "true" })), 60);
}

/** 14 days × 4 periods of 6 hours (night, morning, afternoon, evening). */
export async function fetchPeriods(q: MeteoConceptQuery): Promise<ForecastPoint[]> {
  return parseForecast(await get(q, url(q, "forecast/daily/periods")), 360);
}

/** Hourly points where they exist, periods after them (the period straddling the seam is cut to start there). */
export function mergeForecasts(hourly: ForecastPoint[], periods: ForecastPoint[]): ForecastPoint[] {
  if (hourly.length === 0) return periods;
  const lastStep = hourly[hourly.length - 1];
  const seam = toMillis(lastStep.ts) + lastStep.stepMinutes * 60_000;
  const after: ForecastPoint[] = [];
  for (const p of periods) {
    const start = toMillis(p.ts);
    const end = start + p.stepMinutes * 60_000;
    if (start >= seam) after.push(p);
    else if (end > seam) {
      const ts = DateTime.fromISO(p.ts, { setZone: true }).plus({ milliseconds: seam - start });
      after.push({ ...p, ts: ts.toISO({ suppressMilliseconds: true }) as string, stepMinutes: (end - seam) / 60_000 });
    }
  }
  return [...hourly, ...after];
}

// --- Clear sky -------------------------------------------------------------------------------

/** Cosine of the solar zenith angle at t (NOAA low-precision formulas). */
export function cosZenith(t: Instant, latitude: number, longitude: number): number {
  const ms = toMillis(t);
  const d = new Date(ms);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  const dayOfYear = Math.floor((ms - start) / 86_400_000);
  const hours = d.getUTCHours() + d.getUTCMinutes() / 60 + d.getUTCSeconds() / 3600;
  const g = ((2 * Math.PI) / 365) * (dayOfYear + (hours - 12) / 24);
  const decl = 0.006918 - 0.399912 * Math.cos(g) + 0.070257 * Math.sin(g) - 0.006758 * Math.cos(2 * g) + 0.000907 * Math.sin(2 * g) - 0.002697 * Math.cos(3 * g) + 0.00148 * Math.sin(3 * g);
  const eqTime = 229.18 * (0.000075 + 0.001868 * Math.cos(g) - 0.032077 * Math.sin(g) - 0.014615 * Math.cos(2 * g) - 0.040849 * Math.sin(2 * g));
  const trueSolarMinutes = hours * 60 + eqTime + 4 * longitude;
  const hourAngle = ((trueSolarMinutes / 4 - 180) * Math.PI) / 180;
  const lat = (latitude * Math.PI) / 180;
  return Math.sin(lat) * Math.sin(decl) + Math.cos(lat) * Math.cos(decl) * Math.cos(hourAngle);
}

/** Haurwitz clear-sky global horizontal irradiance, W/m². */
export function clearSkyGhi(t: Instant, latitude: number, longitude: number): number {
  const cz = cosZenith(t, latitude, longitude);
  return cz <= 0 ? 0 : 1098 * cz * Math.exp(-0.057 / cz);
}

export interface PvModel {
  latitude: number;
  longitude: number;
  peakW: number;
  performanceRatio: number;
  /** PV = clear sky × (1 − k · cloud cover); 0.75 by default (Kasten–Czeplak's coefficient). */
  cloudK: number;
}

// --- Resampling onto the grid --------------------------------------------------------------

const MAX_SPAN_MS = 31 * 86_400_000;

function span(grid: SlotGrid, points: ForecastPoint[]): { start: DateTime; count: number } {
  const first = toMillis(points[0].ts);
  const last = points[points.length - 1];
  const end = toMillis(last.ts) + last.stepMinutes * 60_000;
  // The API forecasts 14 days: a point dated years away is a corrupt answer, not millions of slots.
  if (end - first > MAX_SPAN_MS || end < first) {
    throw new SourceError(SOURCE, "parse", `the forecast runs from ${points[0].ts} to ${last.ts}: more than ${MAX_SPAN_MS / 86_400_000} days`);
  }
  const start = grid.slotStart(first);
  const count = grid.indexFrom(start, end - 1) + 1;
  return { start, count };
}

/** Each point holds over its own step; the end point 1 ms early keeps a missing step a gap. */
function held(points: ForecastPoint[], value: (p: ForecastPoint) => number | null) {
  return points.flatMap((p) => {
    const v = value(p);
    const a = toMillis(p.ts);
    return v === null ? [] : [{ ts: a, value: v }, { ts: a + p.stepMinutes * 60_000 - 1, value: v }];
  });
}

export interface WeatherSeries {
  temperatureC: SlotSeries;
  cloudCoverPct: SlotSeries;
  pvW?: SlotSeries;
}

/** Forecast points → series on `grid`: temperature interpolated linearly, cloud cover held, PV per slot. */
export function forecastSeries(grid: SlotGrid, points: ForecastPoint[], pv?: PvModel): WeatherSeries {
  if (points.length === 0) {
    const empty = (unit: string, quantity: string): SlotSeries => ({ start: grid.iso(grid.slotStart(Date.now())), stepMinutes: grid.stepMinutes, values: [], unit, quantity });
    return { temperatureC: empty("°C", "temperature"), cloudCoverPct: empty("%", "cloud-cover"), ...(pv ? { pvW: empty("W", "production") } : {}) };
  }
  const { start, count } = span(grid, points);
  const maxStep = Math.max(...points.map((p) => p.stepMinutes));
  // Temperature: a straight line between forecast points, the last one held over its step.
  const tPoints = points.filter((p) => p.temperatureC !== null).map((p) => ({ ts: toMillis(p.ts), value: p.temperatureC as number }));
  const lastT = points[points.length - 1];
  if (lastT.temperatureC !== null) tPoints.push({ ts: toMillis(lastT.ts) + lastT.stepMinutes * 60_000, value: lastT.temperatureC });
  const temperatureC = resamplePower(grid, tPoints, { start, count, interpolation: "linear", maxGapMinutes: maxStep, unit: "°C", quantity: "temperature" }).series;
  const cloud = resamplePower(grid, held(points, (p) => (p.cloudCover === null ? null : p.cloudCover * 100)), { start, count, maxGapMinutes: maxStep, unit: "%", quantity: "cloud-cover" }).series;
  const out: WeatherSeries = { temperatureC, cloudCoverPct: cloud };
  if (pv) {
    const starts = grid.starts(start, count + 1).map((d) => d.toMillis());
    const values = cloud.values.map((cc, i) => {
      if (cc === null) return null;
      // Mean clear-sky irradiance over the slot from 5 samples.
      let sum = 0;
      for (let k = 0; k < 5; k++) sum += clearSkyGhi(starts[i] + ((k + 0.5) / 5) * (starts[i + 1] - starts[i]), pv.latitude, pv.longitude);
      const factor = Math.max(0, 1 - pv.cloudK * (cc / 100));
      return Math.round((sum / 5 / 1000) * pv.peakW * pv.performanceRatio * factor * 10) / 10;
    });
    out.pvW = { start: cloud.start, stepMinutes: grid.stepMinutes, values, unit: "W", quantity: "production" };
  }
  return out;
}
