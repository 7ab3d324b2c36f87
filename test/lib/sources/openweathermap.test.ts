import { strict as assert } from "node:assert";
import fc from "fast-check";
import { SlotGrid } from "../../../lib/time";
import { SourceError } from "../../../lib/sources/errors";
import { forecastSeries } from "../../../lib/sources/meteo-concept";
import { fetchOwmForecast, parseOwmForecast } from "../../../lib/sources/openweathermap";
import { fakeServer, sendJson, type FakeServer } from "../../support/fake-http";

const item = (dt: number, temp: number, clouds: number) => ({ dt, main: { temp, feels_like: temp, humidity: 60 }, weather: [{ id: clouds > 50 ? 804 : 800, main: "Clouds" }], clouds: { all: clouds }, wind: { speed: 3 }, pop: 0.2, dt_txt: "" });
const t0 = Date.parse("2026-10-24T21:00:00Z") / 1000;

describe("lib/sources/openweathermap", function () {
  let server: FakeServer | undefined;
  afterEach(async () => server?.close());

  it("asks the 5-day/3-hour forecast in metric units and reads cloud cover in %", async function () {
    server = await fakeServer((req, res) =>
      req.url.searchParams.get("appid") === "k" ? sendJson(res, { cod: "200", message: 0, cnt: 9, list: Array.from({ length: 9 }, (_, i) => item(t0 + i * 10800, 10 + i, i * 10)) }) : sendJson(res, { cod: 401, message: "Invalid API key." }, 401),
    );
    const pts = await fetchOwmForecast({ apiKey: "k", latitude: 47.65, longitude: -2.08, baseUrl: server.url, timeoutMs: 1000 }, "Europe/Paris");
    assert.deepEqual(Object.fromEntries(server.requests[0].url.searchParams), { lat: "47.65", lon: "-2.08", appid: "k", units: "metric" });
    assert.equal(pts[0].ts, "2026-10-24T23:00:00+02:00");
    assert.deepEqual([pts[1].cloudCover, pts[1].rainProbabilityPct, pts[1].stepMinutes], [0.1, 20, 180]);
    // 27 hours from 23:00 the day before, across the autumn change: 108 quarter-hours.
    const s = forecastSeries(new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 }), pts);
    assert.equal(s.cloudCoverPct.values.length, 108);
    assert.deepEqual(s.cloudCoverPct.values.slice(10, 14), [0, 0, 10, 10]);
    const err = await fetchOwmForecast({ apiKey: "bad", latitude: 0, longitude: 0, baseUrl: server.url, timeoutMs: 1000 }).catch((e: unknown) => e);
    assert.ok(err instanceof SourceError && err.code === "auth" && /Invalid API key/.test(err.message) && !err.message.includes("bad"));
  });

  it("property: random JSON never throws anything but SourceError", function () {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        for (const body of [JSON.stringify(v), JSON.stringify({ list: [v] })]) {
          try {
            parseOwmForecast(body);
          } catch (err) {
            assert.ok(err instanceof SourceError, String(err));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("fuzz regression: a rain probability outside 0..1 (1e307 made -Infinity %) is unknown, not Infinity", function () {
    const pts = parseOwmForecast(JSON.stringify({ cod: "200", list: [{ ...item(t0, 10, 0), pop: -1.7e307 }, { ...item(t0 + 10800, 10, 0), pop: 1.5 }, { ...item(t0 + 21600, 10, 0), pop: 0.35 }] }));
    assert.deepEqual(pts.map((p) => p.rainProbabilityPct), [null, null, 35]);
  });
});
