// Weather forecast from Meteo-Concept (or OpenWeatherMap) for the territory: temperature, cloud cover and a PV
// forecast, on the territory's slots and hourly.
import type { Node, NodeAPI, NodeCredentials, NodeDef, NodeMessageInFlow } from "node-red";
import { fetchNextHours, fetchPeriods, forecastSeries, mergeForecasts, METEO_CONCEPT_URL, type ForecastPoint, type PvModel } from "../../lib/sources/meteo-concept";
import { fetchOwmForecast, OPENWEATHERMAP_URL } from "../../lib/sources/openweathermap";
import { gridOf } from "../../lib/territory";
import { SlotGrid } from "../../lib/time";
import { validateSlotSeries } from "../../lib/types";
import { errorStatus, territoryOf, timeoutMs } from "../node-helpers";

interface WeatherDef extends NodeDef {
  territory: string;
  provider: string;
  url: string;
  insee: string;
  horizon: string;
  peakW: string | number;
  performanceRatio: string | number;
  cloudK: string | number;
  timeout: string | number;
}

interface WeatherCredentials {
  token?: string;
}

const numberOr = (v: unknown, fallback: number) => (v === "" || v === undefined || v === null || !Number.isFinite(Number(v)) ? fallback : Number(v));

export default function register(RED: NodeAPI): void {
  function ElfeWeather(this: Node<WeatherCredentials>, config: WeatherDef) {
    RED.nodes.createNode(this, config);
    const node = this;

    node.on("input", async (msg: NodeMessageInFlow, send, done) => {
      try {
        const territory = territoryOf(RED, config.territory);
        if (territory instanceof Error) throw territory;
        const token = node.credentials?.token ?? "";
        if (!token) throw new Error(RED._("elfe-weather.errors.noToken"));
        const owm = config.provider === "openweathermap";
        const insee = owm ? "" : (config.insee ?? "").trim();
        if (!insee && (territory.latitude === undefined || territory.longitude === undefined)) throw new Error(RED._("elfe-weather.errors.noLocation"));
        const peakW = numberOr(config.peakW, 0);
        let pv: PvModel | undefined;
        if (peakW > 0) {
          if (territory.latitude === undefined || territory.longitude === undefined) throw new Error(RED._("elfe-weather.errors.noLocation"));
          pv = { latitude: territory.latitude, longitude: territory.longitude, peakW, performanceRatio: numberOr(config.performanceRatio, 0.8), cloudK: numberOr(config.cloudK, 0.75) };
        }
        node.status({ fill: "blue", shape: "dot", text: RED._("elfe-weather.status.reading") });
        const wait = timeoutMs(config.timeout, 15);
        let points: ForecastPoint[];
        if (owm) {
          points = await fetchOwmForecast({ apiKey: token, latitude: territory.latitude as number, longitude: territory.longitude as number, baseUrl: config.url || OPENWEATHERMAP_URL, timeoutMs: wait }, territory.zone);
        } else {
          const q = { token, insee: insee || undefined, latitude: territory.latitude, longitude: territory.longitude, baseUrl: config.url || METEO_CONCEPT_URL, timeoutMs: wait };
          const hours = config.horizon === "periods" ? [] : await fetchNextHours(q);
          const periods = config.horizon === "hours" ? [] : await fetchPeriods(q);
          points = mergeForecasts(hours, periods);
        }
        const slots = forecastSeries(gridOf(territory), points, pv);
        const hourly = forecastSeries(new SlotGrid({ zone: territory.zone, stepMinutes: 60 }), points, pv);
        for (const s of [slots.temperatureC, slots.cloudCoverPct, slots.pvW]) if (s) validateSlotSeries.parse(s);
        const out = msg as NodeMessageInFlow & { hourly?: unknown; forecast?: unknown };
        out.payload = slots;
        out.hourly = hourly;
        out.forecast = points;
        node.status({ fill: "green", shape: "dot", text: RED._("elfe-weather.status.read", { count: slots.temperatureC.values.length, until: points.length ? points[points.length - 1].ts.slice(0, 16).replace("T", " ") : "" }) });
        send(out);
        done();
      } catch (err) {
        node.status(errorStatus(err));
        done(err as Error);
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      node.status({});
      done();
    });
  }
  const credentials: NodeCredentials<WeatherCredentials> = { token: { type: "password" } };
  RED.nodes.registerType("elfe-weather", ElfeWeather, { credentials });
}
