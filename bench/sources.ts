// Parsing cost of each source, per answer, on realistic sizes. Run: npm run bench:sources
import { performance } from "node:perf_hooks";
import { SlotGrid } from "../lib/time";
import { parseDataQuery, tableToSeries } from "../lib/sources/campbell";
import { parseGetValues } from "../lib/sources/ews";
import { parsePowerFlow } from "../lib/sources/fronius";
import { forecastSeries, parseForecast } from "../lib/sources/meteo-concept";
import { P1Splitter, parseTelegram } from "../lib/sources/p1";
import { DSMR5_NL } from "../test/support/p1-telegrams";

const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });

function bench(name: string, size: string, fn: () => unknown, minMs = 500): { name: string; size: string; perOpUs: number; opsPerS: number } {
  for (let i = 0; i < 20; i++) fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    fn();
    n++;
  }
  const ms = (performance.now() - t0) / n;
  return { name, size, perOpUs: Math.round(ms * 1000 * 10) / 10, opsPerS: Math.round(1000 / ms) };
}

const campbellBody = (n: number) =>
  JSON.stringify({
    head: { environment: { station_name: "S" }, fields: [{ name: "G", units: "W/m^2", process: "Avg" }] },
    data: Array.from({ length: n }, (_, i) => ({ time: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString().slice(0, 19), no: i, vals: [i % 24 < 6 ? 0 : 500] })),
  });
const c24 = campbellBody(24);
const c720 = campbellBody(720);

const ewsBody = (n: number) =>
  `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetValuesResponse><GetValuesItems>${Array.from({ length: n }, (_, i) => `<ValueItem><Id>01/Server 1/4A020/P${i}</Id><State>0</State><Value>${i}.5</Value></ValueItem>`).join("")}</GetValuesItems></GetValuesResponse></s:Body></s:Envelope>`;
const e1 = ewsBody(1);
const e500 = ewsBody(500);

const fronius = JSON.stringify({ Head: { Status: { Code: 0 }, Timestamp: "2026-06-10T12:00:00+02:00" }, Body: { Data: { Site: { P_PV: 4210, P_Grid: -2950, P_Load: -1260, E_Day: 18250 } } } });

const forecast = { forecast: Array.from({ length: 56 }, (_, i) => ({ datetime: new Date(Date.UTC(2026, 5, 10) + i * 6 * 3_600_000).toISOString(), temp2m: 15, weather: i % 6 })) };

const stream = DSMR5_NL.repeat(10);

const rows = [
  bench("campbell parse + series", "24 hourly records", () => tableToSeries(grid, parseDataQuery(c24, "Etc/GMT-1"), { pv: { peakW: 3000, performanceRatio: 0.8 } })),
  bench("campbell parse + series", "720 records (a month)", () => tableToSeries(grid, parseDataQuery(c720, "Etc/GMT-1"))),
  bench("ews GetValues parse", "1 id", () => parseGetValues(e1)),
  bench("ews GetValues parse", "500 ids", () => parseGetValues(e500)),
  bench("fronius power flow parse", "1 answer", () => parsePowerFlow(fronius)),
  bench("meteo-concept → 15-min series + PV", "14 days × 4 periods", () => forecastSeries(grid, parseForecast(forecast, 360), { latitude: 47.6, longitude: -2.1, peakW: 3000, performanceRatio: 0.8, cloudK: 0.75 })),
  bench("p1 parse (CRC checked)", "1 DSMR 5 telegram", () => parseTelegram(DSMR5_NL)),
  bench("p1 split + parse", "10 telegrams in 64-byte chunks", () => {
    const s = new P1Splitter();
    for (let i = 0; i < stream.length; i += 64) for (const it of s.push(stream.slice(i, i + 64))) if ("telegram" in it) parseTelegram(it.telegram);
  }),
];
console.log("| source | input | µs per op | ops/s |");
console.log("| --- | --- | ---: | ---: |");
for (const r of rows) console.log(`| ${r.name} | ${r.size} | ${r.perOpUs} | ${r.opsPerS} |`);
