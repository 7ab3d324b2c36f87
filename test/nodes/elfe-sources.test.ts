import { strict as assert } from "node:assert";
import territoryNode from "../../nodes/elfe-territory/elfe-territory";
import campbellNode from "../../nodes/elfe-campbell-read/elfe-campbell-read";
import froniusNode from "../../nodes/elfe-fronius-read/elfe-fronius-read";
import weatherNode from "../../nodes/elfe-weather/elfe-weather";
import p1Node from "../../nodes/elfe-p1-read/elfe-p1-read";
import { validateReading, validateSlotSeries } from "../../lib/types";
import { deadUrl, fakeServer, sendJson, type FakeServer } from "../support/fake-http";
import { DSMR5_BE, DSMR5_NL } from "../support/p1-telegrams";
import helper from "./helper";

const nodes = [territoryNode, campbellNode, froniusNode, weatherNode, p1Node];
const territory = { id: "t1", type: "elfe-territory", name: "Vilaine", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96, latitude: "47.65", longitude: "-2.08" };
const flowWith = (n: Record<string, unknown>) => [
  { id: "f1", type: "tab" },
  territory,
  { id: "n1", z: "f1", wires: [["h1"]], ...n },
  { id: "h1", z: "f1", type: "helper" },
  { id: "c1", z: "f1", type: "catch", scope: null, wires: [["h2"]] },
  { id: "h2", z: "f1", type: "helper" },
];
const next = (id: string) => new Promise<any>((resolve) => helper.getNode(id).once("input", resolve));
const all = (id: string, n: number) =>
  new Promise<any[]>((resolve) => {
    const got: any[] = [];
    helper.getNode(id).on("input", (m: any) => {
      got.push(m);
      if (got.length === n) resolve(got);
    });
  });

const campbellHead = { environment: { station_name: "G2E_Meteo", table_name: "_01_Hour" }, fields: [{ name: "Ray_Global_RSR2_Avg", type: "xsd:float", units: "W/m^2", process: "Avg" }] };

describe("source nodes", function () {
  let server: FakeServer | undefined;
  beforeEach(async () => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await server?.close();
    server = undefined;
  });

  describe("elfe-campbell-read", function () {
    const campbell = (url: string, extra: Record<string, unknown> = {}) => ({
      type: "elfe-campbell-read", territory: "t1", url, table: "_01_Hour", field: "Ray_Global_RSR2_Avg", mode: "most-recent", records: 3, hours: 24, loggerZone: "Etc/GMT-1", output: "series", peakW: 3000, performanceRatio: 0.8, deviceId: "pv", timeout: 2, ...extra,
    });

    it("sends PV power as a SlotSeries on the territory's slots, with Basic credentials", async function () {
      server = await fakeServer((req, res) =>
        req.headers.authorization === `Basic ${Buffer.from("reader:pw").toString("base64")}`
          ? sendJson(res, { head: campbellHead, data: [{ time: "2026-06-10T11:00:00", no: 1, vals: [500] }, { time: "2026-06-10T12:00:00", no: 2, vals: [1000] }] })
          : sendJson(res, "", 401),
      );
      await helper.load(nodes, flowWith(campbell(server.url)), { n1: { user: "reader", password: "pw" } });
      const got = next("h1");
      helper.getNode("n1").receive({ payload: "", keep: 7 } as any);
      const msg = await got;
      assert.equal(msg.keep, 7);
      assert.ok(validateSlotSeries.check(msg.payload).ok);
      // Logger 11:00 (UTC+1) = 12:00 Paris: the 10:00–11:00 logger hour is 11:00–12:00 Paris.
      assert.equal(msg.payload.start, "2026-06-10T11:00:00+02:00");
      assert.deepEqual(msg.payload.values, [1200, 1200, 1200, 1200, 2400, 2400, 2400, 2400]);
      assert.equal(msg.payload.quantity, "production");
      assert.equal(server.requests[0].url.searchParams.get("p1"), "3");
      assert.equal(msg.campbell.station, "G2E_Meteo");
    });

    it("sends the latest value as a Reading; an HTML answer reaches Catch", async function () {
      server = await fakeServer((req, res) =>
        req.url.searchParams.get("uri") === "dl:_01_Hour.Ray_Global_RSR2_Avg" ? sendJson(res, { head: campbellHead, data: [{ time: "2026-06-10T12:00:00", no: 2, vals: [1000] }] }) : void res.end("<html>no such table</html>"),
      );
      await helper.load(nodes, flowWith(campbell(server.url, { output: "reading" })));
      const got = next("h1");
      helper.getNode("n1").receive({ payload: "" } as any);
      const msg = await got;
      assert.deepEqual(msg.payload, { deviceId: "pv", ts: "2026-06-10T12:00:00+01:00", powerW: 2400 });
      await helper.unload();
      await helper.load(nodes, flowWith(campbell(server.url, { field: "Other" })));
      const caught = next("h2");
      helper.getNode("n1").receive({ payload: "" } as any);
      assert.match((await caught).error.message, /campbell: the answer is not JSON/);
      assert.ok((helper.getNode("n1").status as any).calledWithMatch({ fill: "red" }));
    });

    it("asks since-time from msg.since on the logger's clock", async function () {
      server = await fakeServer((_req, res) => sendJson(res, { head: campbellHead, data: [] }));
      await helper.load(nodes, flowWith(campbell(server.url, { mode: "since-time" })));
      const got = next("h1");
      helper.getNode("n1").receive({ payload: "", since: "2026-07-01T10:00:00+02:00" } as any);
      const msg = await got;
      assert.equal(server.requests[0].url.searchParams.get("p1"), "2026-07-01T09:00:00");
      assert.deepEqual(msg.payload.values, []);
    });
  });

  describe("elfe-fronius-read", function () {
    it("sends the PV production as a Reading and the power flow alongside; a status code reaches Catch", async function () {
      let code = 0;
      server = await fakeServer((_req, res) =>
        sendJson(res, {
          Head: { Status: { Code: code, Reason: code ? "Device not available" : "", UserMessage: "" }, Timestamp: "2026-06-10T12:00:03+02:00" },
          Body: { Data: { Site: { Mode: "meter", P_PV: 4210, P_Grid: -2950.4, P_Load: -1259.6, P_Akku: null, E_Day: 18250 } } },
        }),
      );
      await helper.load(nodes, flowWith({ type: "elfe-fronius-read", url: server.url, endpoint: "powerflow", inverterId: 1, deviceId: "pv-f", timeout: 2 }));
      const got = next("h1");
      helper.getNode("n1").receive({ payload: "" } as any);
      const msg = await got;
      assert.deepEqual(msg.payload, { deviceId: "pv-f", ts: "2026-06-10T12:00:03+02:00", powerW: 4210, energyWh: 18250 });
      assert.equal(msg.fronius.loadW, 1259.6);
      code = 12;
      const caught = next("h2");
      helper.getNode("n1").receive({ payload: "" } as any);
      assert.match((await caught).error.message, /status 12 DeviceNotAvailable: Device not available/);
    });

    it("an unreachable inverter is an error, not a crash", async function () {
      await helper.load(nodes, flowWith({ type: "elfe-fronius-read", url: await deadUrl(), endpoint: "inverter", inverterId: 1, deviceId: "", timeout: 1 }));
      const caught = next("h2");
      helper.getNode("n1").receive({ payload: "" } as any);
      assert.match((await caught).error.message, /fronius: .*ECONNREFUSED/);
    });
  });

  describe("elfe-weather", function () {
    const item = (iso: string, temp: number, weather: number) => ({ insee: "35236", datetime: iso, temp2m: temp, weather, probarain: 10 });
    it("sends slot and hourly series with a PV forecast; the token is a credential", async function () {
      server = await fakeServer((req, res) => {
        if (req.url.searchParams.get("token") !== "tok") return sendJson(res, { code: 401, message: "Invalid token" }, 401);
        if (req.url.pathname.endsWith("/nextHours")) return sendJson(res, { city: {}, forecast: [item("2026-06-21T12:00:00+0200", 20, 0), item("2026-06-21T13:00:00+0200", 22, 5)] });
        sendJson(res, { city: {}, forecast: [[item("2026-06-21T13:00:00+0200", 24, 3), item("2026-06-21T19:00:00+0200", 18, 0)]] });
      });
      const weather = { type: "elfe-weather", territory: "t1", url: `${server.url}/api`, insee: "35236", horizon: "both", peakW: 3000, performanceRatio: 0.8, cloudK: 0.75, timeout: 2 };
      await helper.load(nodes, flowWith(weather), { n1: { token: "tok" } });
      const got = next("h1");
      helper.getNode("n1").receive({ payload: "" } as any);
      const msg = await got;
      assert.equal(msg.payload.temperatureC.start, "2026-06-21T12:00:00+02:00");
      // 12:00–14:00 hourly, then the afternoon period cut at 14:00, then the evening: until 01:00.
      assert.equal(msg.payload.temperatureC.values.length, 52);
      assert.equal(msg.hourly.cloudCoverPct.values.length, 13);
      assert.deepEqual(msg.hourly.cloudCoverPct.values.slice(0, 3), [0, 100, 65]);
      assert.ok(validateSlotSeries.check(msg.payload.pvW).ok);
      assert.ok(msg.payload.pvW.values[0] > 1500);
      assert.equal(msg.payload.pvW.values[51], 0);
      assert.equal(msg.forecast.length, 4);
    });

    it("OpenWeatherMap: 3-hour steps with their cloud cover, at the territory's position", async function () {
      const dt = Date.parse("2026-06-21T10:00:00Z") / 1000;
      server = await fakeServer((req, res) =>
        req.url.searchParams.get("appid") === "key"
          ? sendJson(res, { cod: "200", list: [0, 1].map((i) => ({ dt: dt + i * 10800, main: { temp: 20 + i }, clouds: { all: i * 100 }, weather: [{ id: 800 }], pop: 0 })) })
          : sendJson(res, { cod: 401, message: "Invalid API key." }, 401),
      );
      await helper.load(nodes, flowWith({ type: "elfe-weather", territory: "t1", provider: "openweathermap", url: server.url, insee: "35236", horizon: "both", peakW: 3000, performanceRatio: 0.8, cloudK: 0.75, timeout: 2 }), { n1: { token: "key" } });
      const got = next("h1");
      helper.getNode("n1").receive({ payload: "" } as any);
      const msg = await got;
      assert.deepEqual(Object.fromEntries(server.requests[0].url.searchParams), { lat: "47.65", lon: "-2.08", appid: "key", units: "metric" });
      assert.equal(msg.payload.cloudCoverPct.start, "2026-06-21T12:00:00+02:00");
      assert.deepEqual(msg.hourly.cloudCoverPct.values, [0, 0, 0, 100, 100, 100]);
      assert.ok(msg.hourly.pvW.values[3] < msg.hourly.pvW.values[2] / 2);
    });

    it("a refused token reaches Catch without showing the token", async function () {
      server = await fakeServer((_req, res) => sendJson(res, { code: 401, message: "Invalid token" }, 401));
      await helper.load(nodes, flowWith({ type: "elfe-weather", territory: "t1", url: server.url, insee: "", horizon: "hours", peakW: "", timeout: 2 }), { n1: { token: "secret-token" } });
      const caught = next("h2");
      helper.getNode("n1").receive({ payload: "" } as any);
      const err = await caught;
      assert.match(err.error.message, /token refused/);
      assert.ok(!err.error.message.includes("secret-token"));
      assert.equal(server.requests[0].url.searchParams.get("latlng"), "47.65,-2.08");
    });
  });

  describe("elfe-p1-read", function () {
    it("sends one Reading per telegram from chunks of any size", async function () {
      await helper.load(nodes, flowWith({ type: "elfe-p1-read", deviceId: "meter", zone: "Europe/Amsterdam", requireCrc: false }));
      const got = all("h1", 2);
      const text = DSMR5_NL + DSMR5_BE;
      for (let i = 0; i < text.length; i += 97) helper.getNode("n1").receive({ payload: Buffer.from(text.slice(i, i + 97), "latin1") } as any);
      const msgs = await got;
      assert.deepEqual(msgs.map((m) => m.payload.powerW), [1193, -2150]);
      assert.ok(msgs.every((m) => validateReading.check(m.payload).ok));
      assert.equal(msgs[0].p1.phases.length, 3);
    });

    it("a telegram with a bad CRC is rejected with an error seen by Catch", async function () {
      await helper.load(nodes, flowWith({ type: "elfe-p1-read", deviceId: "meter", zone: "Europe/Amsterdam", requireCrc: true }));
      let sent = 0;
      helper.getNode("h1").on("input", () => sent++);
      const caught = next("h2");
      helper.getNode("n1").receive({ payload: DSMR5_NL.replace("(01.193*kW)", "(01.194*kW)") } as any);
      assert.match((await caught).error.message, /CRC mismatch.*rejected/);
      const wrong = next("h2");
      helper.getNode("n1").receive({ payload: { not: "text" } } as any);
      assert.equal((await wrong).error.message, "Error: elfe-p1-read.errors.notText");
      assert.equal(sent, 0);
    });
  });
});
