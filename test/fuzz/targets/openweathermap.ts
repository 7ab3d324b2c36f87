// OpenWeatherMap 5-day/3-hour forecasts, through to the weather series. Typed error: SourceError.
import { SourceError } from "../../../lib/sources/errors";
import { forecastSeries } from "../../../lib/sources/meteo-concept";
import { parseOwmForecast } from "../../../lib/sources/openweathermap";
import { SlotGrid } from "../../../lib/time";
import { typedError, type FuzzTarget } from "../harness";

const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });
const t0 = Date.parse("2026-10-24T21:00:00Z") / 1000;
const item = (i: number) => ({ dt: t0 + i * 10800, main: { temp: 10 + i, feels_like: 9, humidity: 60 }, weather: [{ id: i % 2 ? 804 : 800, main: "Clouds" }], clouds: { all: i * 20 }, wind: { speed: 3 }, pop: 0.2, dt_txt: "" });

export const openweathermapTargets: FuzzTarget[] = [
  {
    name: "openweathermap: parseOwmForecast → forecastSeries",
    samples: [JSON.stringify({ cod: "200", message: 0, cnt: 4, list: [0, 1, 2, 3].map(item) })],
    run: (input) => {
      const points = parseOwmForecast(input as string, "Europe/Paris");
      return { points, series: points.length ? forecastSeries(grid, points) : undefined };
    },
    typed: typedError(SourceError),
  },
];
