import { strict as assert } from "node:assert";
import fc from "fast-check";
import { DateTime } from "luxon";
import { SlotGrid } from "../../../lib/time";
import { SourceError } from "../../../lib/sources/errors";
import { clearSkyGhi, cloudCoverOf, fetchNextHours, fetchPeriods, forecastSeries, mergeForecasts, parseForecast } from "../../../lib/sources/meteo-concept";
import { validateSlotSeries } from "../../../lib/types";
import { deadUrl, fakeServer, sendJson, type FakeServer } from "../../support/fake-http";

const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const city = { insee: "35236", cp: 35600, name: "Redon", latitude: 47.65, longitude: -2.08, altitude: 10 };
/** Hourly items as the API writes them: offset without colon. */
function hourly(fromIso: string, n: number, weather: (i: number) => number = (i) => (i % 2 ? 3 : 0)) {
  const from = DateTime.fromISO(fromIso, { setZone: true });
  return Array.from({ length: n }, (_, i) => {
    const t = from.plus({ hours: i }).setZone("Europe/Paris");
    return { insee: "35236", cp: 35600, latitude: 47.65, longitude: -2.08, datetime: t.toFormat("yyyy-MM-dd'T'HH:mm:ssZZZ"), temp2m: 10 + i, rh2m: 80, wind10m: 10, gust10m: 20, dirwind10m: 200, rr10: 0, rr1: 0, probarain: 10, weather: weather(i), probafrost: 0, probafog: 0, probawind70: 0, probawind100: 0, tsoil1: 9, tsoil2: 9, iso0: 2000, gustx: 30 };
  });
}

async function rejects(p: Promise<unknown>, code: string, re?: RegExp): Promise<SourceError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SourceError, `not a SourceError: ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (re) assert.match(err.message, re);
    return err;
  }
  assert.fail("did not reject");
}

describe("lib/sources/meteo-concept", function () {
  let server: FakeServer | undefined;
  afterEach(async () => server?.close());

  it("asks nextHours hourly with the token and INSEE code, and reads +0200 offsets", async function () {
    server = await fakeServer((req, res) => {
      if (req.url.searchParams.get("token") !== TOKEN) return sendJson(res, { code: 401, message: "Invalid token" }, 401);
      if (req.url.pathname === "/api/forecast/nextHours") return sendJson(res, { city, update: "2026-06-10T12:50:01+0200", forecast: hourly("2026-06-10T14:00:00+02:00", 12) });
      if (req.url.pathname === "/api/forecast/daily/periods") {
        const days = [0, 1].map((d) => [1, 7, 13, 19].map((h, p) => ({ ...hourly(`2026-06-1${d}T${String(h).padStart(2, "0")}:00:00+02:00`, 1)[0], day: d, period: p, temp2m: 15 + p })));
        return sendJson(res, { city, update: "2026-06-10T12:50:01+0200", forecast: days });
      }
      sendJson(res, { code: 404, message: "not found" }, 404);
    });
    const q = { token: TOKEN, insee: "35236", baseUrl: `${server.url}/api`, timeoutMs: 1000 };
    const pts = await fetchNextHours(q);
    assert.deepEqual(Object.fromEntries(server.requests[0].url.searchParams), { token: TOKEN, insee: "35236", hourly: "true" });
    assert.equal(pts.length, 12);
    assert.equal(pts[0].ts, "2026-06-10T14:00:00+02:00");
    assert.deepEqual([pts[0].cloudCover, pts[1].cloudCover, pts[0].temperatureC], [0, 0.65, 10]);
    const periods = await fetchPeriods({ ...q, insee: undefined, latitude: 47.65, longitude: -2.08 });
    assert.equal(server.requests[1].url.searchParams.get("latlng"), "47.65,-2.08");
    assert.equal(periods.length, 8);
    assert.equal(periods[0].stepMinutes, 360);
    const merged = mergeForecasts(pts, periods);
    assert.deepEqual([merged[12].ts, merged[12].stepMinutes], ["2026-06-11T02:00:00+02:00", 300], "the night period is cut where the hours end");
    assert.equal(merged[13].ts, "2026-06-11T07:00:00+02:00");
  });

  it("401, 429, other statuses, garbage, a dead and a slow server are typed errors; the token never shows", async function () {
    server = await fakeServer((req, res) => {
      const insee = req.url.searchParams.get("insee");
      if (insee === "00001") return sendJson(res, { code: 401, message: "Invalid token" }, 401);
      if (insee === "00002") return sendJson(res, { code: 429, message: "Too many requests" }, 429);
      if (insee === "00003") return sendJson(res, "<html>500</html>", 500);
      if (insee === "00004") return void res.end("{not json");
      if (insee === "00005") return sendJson(res, { forecast: [{ datetime: "yesterday" }] });
    });
    const q = (insee: string) => fetchNextHours({ token: TOKEN, insee, baseUrl: server!.url, timeoutMs: 300 });
    const e401 = await rejects(q("00001"), "auth", /Invalid token/);
    assert.ok(!e401.message.includes(TOKEN));
    await rejects(q("00002"), "http", /quota exceeded \(HTTP 429\)/);
    await rejects(q("00003"), "http", /HTTP 500/);
    await rejects(q("00004"), "parse", /not JSON/);
    await rejects(q("00005"), "parse", /not a time/);
    await rejects(q("00006"), "timeout");
    await rejects(fetchNextHours({ token: TOKEN, insee: "35236", baseUrl: await deadUrl(), timeoutMs: 1000 }), "unreachable");
    await rejects(fetchNextHours({ token: "", insee: "35236", timeoutMs: 1000 }), "config", /token/);
    await rejects(fetchNextHours({ token: TOKEN, insee: "35&x=1", timeoutMs: 1000 }), "config");
  });

  it("resamples an hourly forecast onto the 100 quarter-hours of the autumn DST day", function () {
    // 25 hours from local midnight 2026-10-25 (+02:00) to the next midnight (+01:00).
    const pts = parseForecast({ forecast: hourly("2026-10-25T00:00:00+02:00", 25).slice(0, 25) }, 60);
    assert.equal(pts[24].ts, "2026-10-25T23:00:00+01:00");
    const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });
    const s = forecastSeries(grid, pts);
    assert.equal(s.temperatureC.start, "2026-10-25T00:00:00+02:00");
    assert.equal(s.temperatureC.values.length, 100);
    assert.ok(validateSlotSeries.check(s.temperatureC).ok);
    // Linear: 10 °C at 00:00, 11 °C at 01:00 → 10.125 over 00:00–00:15 (mid 10.125).
    assert.ok(Math.abs((s.temperatureC.values[0] as number) - 10.125) < 1e-9);
    // Cloud cover held per hour: hour 0 clear, hour 1 code 3.
    assert.deepEqual(s.cloudCoverPct.values.slice(0, 8), [0, 0, 0, 0, 65, 65, 65, 65]);
    const hourlyGrid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 60 });
    assert.equal(forecastSeries(hourlyGrid, pts).cloudCoverPct.values.length, 25);
    // Spring: 23 hours → 92 quarter-hours.
    const spring = parseForecast({ forecast: hourly("2026-03-29T00:00:00+01:00", 23) }, 60);
    assert.equal(forecastSeries(grid, spring).temperatureC.values.length, 92);
  });

  it("PV forecast: zero at night, highest at solar noon, reduced by clouds", function () {
    const pts = parseForecast({ forecast: hourly("2026-06-21T00:00:00+02:00", 24, (i) => (i === 14 ? 5 : 0)) }, 60);
    const s = forecastSeries(new SlotGrid({ zone: "Europe/Paris", stepMinutes: 60 }), pts, { latitude: 47.65, longitude: -2.08, peakW: 3000, performanceRatio: 0.8, cloudK: 0.75 }).pvW!;
    assert.equal(s.values[2], 0);
    const clear = s.values[13] as number;
    assert.ok(clear > 1500 && clear < 2400, `13h local, clear: ${clear}`);
    assert.ok(Math.abs((s.values[14] as number) / (s.values[15] as number) - 0.25) < 0.05, "overcast keeps 1 − 0.75 of the clear sky");
    assert.ok(clearSkyGhi("2026-06-21T11:50:00Z", 47.65, -2.08) > 850);
    assert.equal(cloudCoverOf(999), null);
  });

  it("property: random JSON never throws anything but SourceError", function () {
    const check = (v: unknown) => {
      try {
        parseForecast(JSON.stringify(v), 60);
        parseForecast({ forecast: [v] }, 60);
      } catch (err) {
        assert.ok(err instanceof SourceError, String(err));
      }
    };
    fc.assert(fc.property(fc.jsonValue(), check), { numRuns: 300 });
    fc.assert(fc.property(fc.record({ datetime: fc.string(), temp2m: fc.jsonValue(), weather: fc.jsonValue() }), check), { numRuns: 300 });
  });

  it("fuzz regression: a forecast point dated years away is a parse error, not millions of slots", function () {
    const points = parseForecast({ forecast: [{ datetime: "2026-06-10T10:00:00+0200", temp2m: 10, weather: 0 }, { datetime: "9999-06-10T10:00:00+0200", temp2m: 11, weather: 0 }] }, 60);
    const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });
    const started = Date.now();
    assert.throws(() => forecastSeries(grid, points), (e: unknown) => e instanceof SourceError && e.code === "parse" && /9999-06-10.*more than 31 days/.test(e.message));
    assert.ok(Date.now() - started < 100);
  });
});
