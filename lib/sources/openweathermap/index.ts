// OpenWeatherMap 5 day / 3 hour forecast (`/data/2.5/forecast`, key as `appid`), the second
// weather provider: same ForecastPoint shape as Meteo-Concept, with a real cloud cover (%).
import { DateTime } from "luxon";
import { SourceError, guardParse, isRecord, numberOrNull } from "../errors";
import { httpRequest, parseJson, safeUrl } from "../http";
import type { ForecastPoint } from "../meteo-concept";

const SOURCE = "openweathermap";
export const OPENWEATHERMAP_URL = "https://api.openweathermap.org/data/2.5";

export interface OwmQuery {
  apiKey: string;
  latitude: number;
  longitude: number;
  baseUrl?: string;
  timeoutMs: number;
}

/** `{"cod":"200","list":[{"dt":…,"main":{"temp":…},"clouds":{"all":…},"weather":[{"id":…}],"pop":…}]}`, step 3 h. */
export function parseOwmForecast(body: string, zone = "UTC"): ForecastPoint[] {
  const json = parseJson(SOURCE, body);
  return guardParse(SOURCE, () => {
    if (!isRecord(json) || !Array.isArray(json.list)) throw new SourceError(SOURCE, "parse", "the answer has no forecast list");
    const points = json.list.map((it, i): ForecastPoint => {
      if (!isRecord(it) || typeof it.dt !== "number" || !Number.isFinite(it.dt)) throw new SourceError(SOURCE, "parse", `list[${i}] has no dt`);
      const main = isRecord(it.main) ? it.main : {};
      const clouds = isRecord(it.clouds) ? numberOrNull(it.clouds.all) : null;
      const weather = Array.isArray(it.weather) && isRecord(it.weather[0]) ? numberOrNull(it.weather[0].id) : null;
      const pop = numberOrNull(it.pop);
      const ts = DateTime.fromSeconds(it.dt, { zone });
      if (!ts.isValid) throw new SourceError(SOURCE, "parse", `list[${i}].dt is not a time`);
      return {
        ts: ts.toISO({ suppressMilliseconds: true }) as string,
        stepMinutes: 180,
        temperatureC: numberOrNull(main.temp),
        weatherCode: weather,
        cloudCover: clouds === null ? null : Math.min(1, Math.max(0, clouds / 100)),
        // pop is a probability: outside 0..1 it is corrupt (and 1e307 × 100 would be Infinity).
        rainProbabilityPct: pop === null || pop < 0 || pop > 1 ? null : Math.round(pop * 100),
      };
    });
    return points.sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
  });
}

export async function fetchOwmForecast(q: OwmQuery, zone = "UTC"): Promise<ForecastPoint[]> {
  if (!q.apiKey) throw new SourceError(SOURCE, "config", "no API key configured");
  let u: URL;
  try {
    u = new URL(`${(q.baseUrl ?? OPENWEATHERMAP_URL).replace(/\/+$/, "")}/forecast`);
  } catch {
    throw new SourceError(SOURCE, "config", `not a URL: ${JSON.stringify(q.baseUrl)}`);
  }
  u.searchParams.set("lat", String(q.latitude));
  u.searchParams.set("lon", String(q.longitude));
  u.searchParams.set("appid", q.apiKey);
  u.searchParams.set("units", "metric");
  const res = await httpRequest({ source: SOURCE, url: u.toString(), timeoutMs: q.timeoutMs });
  if (res.status !== 200) {
    let message = "";
    try {
      const j = JSON.parse(res.body) as unknown;
      if (isRecord(j) && typeof j.message === "string") message = j.message;
    } catch {
      message = res.body.slice(0, 120).replace(/\s+/g, " ");
    }
    const where = safeUrl(u);
    if (res.status === 401 || res.status === 403) throw new SourceError(SOURCE, "auth", `API key refused by ${where} (HTTP ${res.status})${message ? `: ${message}` : ""}`, { status: res.status });
    if (res.status === 429) throw new SourceError(SOURCE, "http", `request quota exceeded (HTTP 429)${message ? `: ${message}` : ""}; poll less often`, { status: 429 });
    throw new SourceError(SOURCE, "http", `HTTP ${res.status} from ${where}${message ? `: ${message}` : ""}`, { status: res.status });
  }
  return parseOwmForecast(res.body, zone);
}
