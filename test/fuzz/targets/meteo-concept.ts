// Meteo-Concept forecasts, through to the weather series. Typed error: SourceError.
import { DateTime } from "luxon";
import { SourceError } from "../../../lib/sources/errors";
import { forecastSeries, parseForecast } from "../../../lib/sources/meteo-concept";
import { SlotGrid } from "../../../lib/time";
import { typedError, type FuzzTarget } from "../harness";

const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });
const item = (t: DateTime, i: number) => ({ insee: "35236", cp: 35600, latitude: 47.65, longitude: -2.08, datetime: t.toFormat("yyyy-MM-dd'T'HH:mm:ssZZZ"), temp2m: 10 + i, rh2m: 80, probarain: 10, weather: i % 2 ? 3 : 0 });
const from = DateTime.fromISO("2026-06-10T10:00:00+02:00", { setZone: true });
const hourly = JSON.stringify({ city: { insee: "35236", name: "Redon" }, update: "2026-06-10T09:00:00+0200", forecast: [0, 1, 2, 3].map((i) => item(from.plus({ hours: i }), i)) });
const periods = JSON.stringify({ city: { insee: "35236" }, forecast: [[0, 1, 2, 3].map((i) => ({ ...item(from.plus({ hours: 6 * i }), i), period: i }))] });

export const meteoConceptTargets: FuzzTarget[] = [
  {
    name: "meteo-concept: parseForecast → forecastSeries",
    samples: [hourly, periods],
    run: (input, sample) => {
      const points = parseForecast(input as string, sample === 0 ? 60 : 360);
      const series = points.length ? forecastSeries(grid, points, { peakW: 3000, latitude: 47.65, longitude: -2.08, performanceRatio: 0.8, cloudK: 0.75 }) : undefined;
      return { points, series };
    },
    typed: typedError(SourceError),
  },
];
