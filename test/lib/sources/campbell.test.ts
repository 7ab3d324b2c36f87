import { strict as assert } from "node:assert";
import fc from "fast-check";
import { SlotGrid } from "../../../lib/time";
import { SourceError } from "../../../lib/sources/errors";
import { dataQueryUrl, latestReading, parseDataQuery, queryCampbell, tableToSeries } from "../../../lib/sources/campbell";
import { deadUrl, fakeServer, hang, sendJson, type FakeServer } from "../../support/fake-http";

const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });
const head = (fields = [{ name: "Ray_Global_RSR2_Avg", type: "xsd:float", units: "W/m^2", process: "Avg", settable: false }]) => ({
  transaction: 0,
  signature: 21907,
  environment: { station_name: "G2E_Meteo", table_name: "_01_Hour", model: "CR1000X", serial_no: "4123", os_version: "CR1000X.Std.05.00", prog_name: "CPU:meteo.CR1X" },
  fields,
});
const answer = (rows: [string, number, unknown][], more?: boolean) => ({ head: head(), data: rows.map(([time, no, v]) => ({ time, no, vals: [v] })), ...(more === undefined ? {} : { more }) });

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

describe("lib/sources/campbell", function () {
  let server: FakeServer | undefined;
  afterEach(async () => server?.close());

  it("asks most-recent with the documented parameters and reads units from the header", async function () {
    server = await fakeServer((_req, res) => sendJson(res, answer([["2024-05-02T11:00:00", 40211, 612.4], ["2024-05-02T12:00:00", 40212, 705.9]])));
    const table = await queryCampbell({ baseUrl: `${server.url}/`, table: "_01_Hour", field: "Ray_Global_RSR2_Avg", mode: "most-recent", records: 24, loggerZone: "Etc/GMT-1" }, { timeoutMs: 2000 });
    const q = server.requests[0].url.searchParams;
    assert.deepEqual(Object.fromEntries(q), { command: "DataQuery", uri: "dl:_01_Hour.Ray_Global_RSR2_Avg", format: "json", mode: "most-recent", p1: "24" });
    assert.equal(table.fields[0].units, "W/m^2");
    assert.equal(table.station, "G2E_Meteo");
    // The logger keeps UTC+1 all year: 12:00 on its clock is 13:00 in Paris summer time.
    assert.equal(table.records[1].time, "2024-05-02T12:00:00+01:00");
    const r = latestReading(table, "pv-4a020", { pv: { peakW: 3000, performanceRatio: 0.8 } });
    assert.equal(r.ts, "2024-05-02T12:00:00+01:00");
    assert.ok(Math.abs((r.powerW as number) - 705.9 * 2.4) < 1e-9);
  });

  it("writes since-time and date-range times on the logger's clock, not the territory's", function () {
    const since = dataQueryUrl({ baseUrl: "http://datalogger.example/", table: "T", mode: "since-time", since: "2026-07-01T10:00:00+02:00", loggerZone: "Etc/GMT-1" });
    assert.equal(new URL(since).searchParams.get("p1"), "2026-07-01T09:00:00");
    const range = new URL(dataQueryUrl({ baseUrl: "http://datalogger.example/", table: "T", field: "F", mode: "date-range", since: "2026-01-01T00:00:00Z", until: "2026-01-02T00:00:00Z", loggerZone: "UTC" }));
    assert.equal(range.searchParams.get("uri"), "dl:T.F");
    assert.deepEqual([range.searchParams.get("p1"), range.searchParams.get("p2")], ["2026-01-01T00:00:00", "2026-01-02T00:00:00"]);
    assert.throws(() => dataQueryUrl({ baseUrl: "http://x/", table: "T", mode: "date-range", since: 0, loggerZone: "UTC" }), /needs an end time/);
    assert.throws(() => dataQueryUrl({ baseUrl: "http://x/", table: "T&command=SetValueEx", mode: "most-recent", loggerZone: "UTC" }), SourceError);
  });

  it("follows `more` with since-record pages", async function () {
    server = await fakeServer((req, res) => {
      if (req.url.searchParams.get("mode") === "most-recent") sendJson(res, answer([["2024-05-02T11:00:00", 10, 1]], true));
      else sendJson(res, answer([["2024-05-02T12:00:00", 11, 2]]));
    });
    const table = await queryCampbell({ baseUrl: server.url, table: "_01_Hour", mode: "most-recent", records: 2, loggerZone: "UTC" }, { timeoutMs: 2000 });
    assert.deepEqual(table.records.map((r) => r.no), [10, 11]);
    assert.deepEqual([server.requests[1].url.searchParams.get("mode"), server.requests[1].url.searchParams.get("p1")], ["since-record", "11"]);
  });

  it("an hourly record covers the hour that ENDS at its time; a standard-time logger across the autumn DST change", function () {
    // Logger on Etc/GMT-1 (UTC+1 all year). Paris falls back at 03:00+02:00 = 01:00Z on 2026-10-25.
    const rows: [string, number, unknown][] = [];
    for (let h = 1; h <= 4; h++) rows.push([`2026-10-25T0${h}:00:00`, h, h * 100]);
    const table = parseDataQuery(JSON.stringify(answer(rows)), "Etc/GMT-1");
    const s = tableToSeries(grid, table);
    // Records end at 00:00Z..03:00Z → cover 23:00Z..03:00Z → 16 quarter-hours from 01:00+02:00.
    assert.equal(s.start, "2026-10-25T01:00:00+02:00");
    assert.equal(s.values.length, 16);
    assert.equal(s.unit, "W/m^2");
    assert.deepEqual(s.values.map((v) => Math.round(v as number)), [100, 100, 100, 100, 200, 200, 200, 200, 300, 300, 300, 300, 400, 400, 400, 400]);
    // The third hour 01:00Z–02:00Z is 02:00+01:00 … 03:00+01:00, the repeated hour's second pass.
    const pv = tableToSeries(grid, table, { pv: { peakW: 1000, performanceRatio: 1 } });
    assert.equal(pv.unit, "W");
    assert.equal(pv.quantity, "production");
  });

  it("a missing record and NAN values are gaps (null), never 0", function () {
    const table = parseDataQuery(JSON.stringify(answer([["2026-06-10T10:00:00", 1, 500], ["2026-06-10T12:00:00", 3, 700], ["2026-06-10T13:00:00", 4, "NAN"], ["2026-06-10T14:00:00", 5, 800]])), "UTC");
    assert.equal(table.records[2].vals[0], null);
    const s = tableToSeries(new SlotGrid({ zone: "UTC", stepMinutes: 60 }), table, { intervalMinutes: 60 });
    assert.equal(s.start, "2026-06-10T09:00:00Z");
    assert.deepEqual(s.values.map((v) => (v === null ? null : Math.round(v))), [500, null, 700, null, 800]);
  });

  it("empty data (or null data) is an empty table; a Reading from it is a clear error", async function () {
    server = await fakeServer((_req, res) => sendJson(res, { head: head(), data: null }));
    const table = await queryCampbell({ baseUrl: server.url, table: "_01_Hour", mode: "since-time", since: Date.now(), loggerZone: "UTC" }, { timeoutMs: 2000 });
    assert.deepEqual(table.records, []);
    assert.throws(() => latestReading(table, "d", { pv: { peakW: 1, performanceRatio: 1 } }), /no valid value/);
    assert.deepEqual(tableToSeries(grid, table).values, []);
  });

  it("HTML answers, 401, short text errors, mismatched vals, server down and a slow logger are typed errors", async function () {
    server = await fakeServer((req, res) => {
      const t = req.url.searchParams.get("uri");
      if (t === "dl:html") return void res.end("<html><body>Table not found</body></html>");
      if (t === "dl:auth") return void sendJson(res, "", 401);
      if (t === "dl:mismatch") return void sendJson(res, { head: head(), data: [{ time: "2024-01-01T00:00:00", vals: [1, 2] }] });
      if (t === "dl:nofields") return void sendJson(res, { head: {}, data: [] });
      if (t === "dl:e500") return void sendJson(res, "oops", 500);
      if (t === "dl:slow") return;
    });
    const q = (table: string) => queryCampbell({ baseUrl: server!.url, table, mode: "most-recent", loggerZone: "UTC" }, { timeoutMs: 300 });
    await rejects(q("html"), "parse", /not JSON/);
    await rejects(q("auth"), "auth");
    await rejects(q("mismatch"), "parse", /2 values for 1 fields/);
    await rejects(q("nofields"), "parse", /head.fields/);
    await rejects(q("e500"), "http", /HTTP 500/);
    await rejects(q("slow"), "timeout");
    await rejects(queryCampbell({ baseUrl: await deadUrl(), table: "T", mode: "most-recent", loggerZone: "UTC" }, { timeoutMs: 1000 }), "unreachable");
    const hung = await fakeServer(hang);
    await rejects(queryCampbell({ baseUrl: hung.url, table: "T", mode: "most-recent", loggerZone: "UTC" }, { timeoutMs: 200 }), "timeout");
    await hung.close();
  });

  it("sends Basic credentials when given", async function () {
    server = await fakeServer((req, res) => (req.headers.authorization === `Basic ${Buffer.from("reader:s3cret").toString("base64")}` ? sendJson(res, answer([])) : sendJson(res, "", 401)));
    await queryCampbell({ baseUrl: server.url, table: "T", mode: "most-recent", loggerZone: "UTC" }, { timeoutMs: 1000, auth: { user: "reader", password: "s3cret" } });
  });

  it("property: any body, or a mutated valid body, yields a table or a SourceError, nothing else", function () {
    const valid = JSON.stringify(answer([["2024-05-02T11:00:00", 1, 612.4]]));
    const check = (body: string) => {
      try {
        parseDataQuery(body, "Etc/GMT-1");
      } catch (err) {
        assert.ok(err instanceof SourceError, String(err));
      }
    };
    fc.assert(fc.property(fc.string(), check), { numRuns: 300 });
    fc.assert(fc.property(fc.json(), check), { numRuns: 300 });
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.string({ maxLength: 3 }), (at, ins) => check(valid.slice(0, at) + ins + valid.slice(at + 1))),
      { numRuns: 500 },
    );
  });

  describe("fuzz regressions", function () {
    const body = (rows: unknown[], units = "W") => JSON.stringify({ head: { fields: [{ name: "P", units }] }, data: rows });

    it("a record dated centuries away (corrupt logger clock) is refused at once, not millions of slots", function () {
      const table = parseDataQuery(body([{ time: "0001-05-02T11:00:00", no: 1, vals: [1] }, { time: "2024-05-02T12:00:00", no: 2, vals: [2] }]), "Etc/GMT-1");
      const started = Date.now();
      assert.throws(() => tableToSeries(grid, table), (e: unknown) => e instanceof SourceError && e.code === "parse" && e.id === "P" && /0001-05-02.*not one answer's span/.test(e.message));
      assert.ok(Date.now() - started < 100);
    });

    it("a record number beyond 2^53 (1e400 reads as Infinity) is dropped, not kept as Infinity", function () {
      const table = parseDataQuery(body([{ time: "2024-05-02T12:00:00", no: null, vals: [2] }]).replace('"no":null', '"no":1e400'), "Etc/GMT-1");
      assert.equal(table.records[0].no, undefined);
    });

    it("a value whose conversion to W overflows is an error naming the field; near-limit values are not rounded to Infinity", function () {
      const huge = parseDataQuery(body([{ time: "2024-05-02T12:00:00", no: 1, vals: [-1.7e308] }], "kW"), "Etc/GMT-1");
      assert.throws(() => latestReading(huge, "pv"), (e: unknown) => e instanceof SourceError && e.id === "P" && /out of range for a power/.test(e.message));
      const big = parseDataQuery(body([{ time: "2024-05-02T12:00:00", no: 1, vals: [1e306] }]), "Etc/GMT-1");
      assert.equal(latestReading(big, "pv").powerW, 1e306);
    });
  });
});
