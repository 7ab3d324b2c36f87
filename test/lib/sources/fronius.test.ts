import { strict as assert } from "node:assert";
import fc from "fast-check";
import { SourceError } from "../../../lib/sources/errors";
import { inverterReading, parseInverterData, parsePowerFlow, powerFlowReading, readInverter, readPowerFlow } from "../../../lib/sources/fronius";
import { deadUrl, fakeServer, sendJson, type FakeServer } from "../../support/fake-http";

const headOk = (args: Record<string, string> = {}, code = 0, reason = "") => ({ RequestArguments: args, Status: { Code: code, Reason: reason, UserMessage: "" }, Timestamp: "2024-05-02T12:00:03+02:00" });
const powerFlow = {
  Head: headOk(),
  Body: { Data: { Site: { Mode: "meter", P_PV: 4210.0, P_Grid: -2950.4, P_Load: -1259.6, P_Akku: null, rel_Autonomy: 100.0, E_Day: 18250.0, E_Year: 2310440.5, E_Total: 15388710.0, Meter_Location: "grid" }, Inverters: { "1": { DT: 123, P: 4210, E_Day: 18250.0 } }, Version: "12" } },
};
const inverter = {
  Head: headOk({ DataCollection: "CommonInverterData", DeviceId: "1", Scope: "Device" }),
  Body: { Data: { PAC: { Unit: "W", Value: 4210 }, DAY_ENERGY: { Unit: "Wh", Value: 18250 }, TOTAL_ENERGY: { Unit: "Wh", Value: 15388710 }, UAC: { Unit: "V", Value: 231.4 }, DeviceStatus: { StatusCode: 7, ErrorCode: 0 } } },
};

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

describe("lib/sources/fronius", function () {
  let server: FakeServer | undefined;
  afterEach(async () => server?.close());

  it("reads the site power flow with our signs: load positive, balance = production − consumption", async function () {
    server = await fakeServer((req, res) => (req.url.pathname === "/solar_api/v1/GetPowerFlowRealtimeData.fcgi" ? sendJson(res, powerFlow) : sendJson(res, "no", 404)));
    const flow = await readPowerFlow({ baseUrl: server.url, timeoutMs: 1000 });
    assert.equal(flow.pvW, 4210);
    assert.equal(flow.gridW, -2950.4);
    assert.equal(flow.loadW, 1259.6);
    assert.ok(Math.abs((flow.balanceW as number) - 2950.4) < 1e-9);
    assert.equal(flow.ts, "2024-05-02T12:00:03+02:00");
    assert.deepEqual(powerFlowReading(flow, "pv"), { deviceId: "pv", ts: flow.ts, powerW: 4210, energyWh: 18250 });
  });

  it("at night P_PV is null: production 0, not an error", function () {
    const night = structuredClone(powerFlow);
    (night.Body.Data.Site as any).P_PV = null;
    (night.Body.Data.Site as any).P_Load = null;
    const flow = parsePowerFlow(JSON.stringify(night));
    assert.equal(flow.pvW, 0);
    assert.equal(flow.loadW, null);
    assert.equal(flow.balanceW, null);
  });

  it("reads one inverter (Scope=Device) and all inverters (Scope=System); absent PAC is 0 W", async function () {
    const system = { Head: headOk({ Scope: "System" }), Body: { Data: { PAC: { Unit: "W", Values: { "1": 4210, "2": 350 } }, DAY_ENERGY: { Unit: "Wh", Values: { "1": 100, "2": 50 } } } } };
    server = await fakeServer((req, res) => sendJson(res, req.url.searchParams.get("Scope") === "System" ? system : inverter));
    const one = await readInverter({ baseUrl: `${server.url}/`, timeoutMs: 1000 }, { deviceId: 1 });
    assert.equal(server.requests[0].url.pathname, "/solar_api/v1/GetInverterRealtimeData.cgi");
    assert.deepEqual(Object.fromEntries(server.requests[0].url.searchParams), { Scope: "Device", DeviceId: "1", DataCollection: "CommonInverterData" });
    assert.deepEqual(one.acPowerW, { "1": 4210 });
    assert.equal(one.statusCode, 7);
    const all = await readInverter({ baseUrl: server.url, timeoutMs: 1000 }, { system: true });
    assert.deepEqual(inverterReading(all, "site"), { deviceId: "site", ts: "2024-05-02T12:00:03+02:00", powerW: 4560, energyWh: 150 });
    const night = parseInverterData(JSON.stringify({ Head: headOk({ DeviceId: "1" }), Body: { Data: { DeviceStatus: { StatusCode: 3 } } } }));
    assert.deepEqual(night.acPowerW, { "1": 0 });
  });

  it("a non-zero Head.Status.Code is an error with its reason; code 8 is retried once", async function () {
    let calls = 0;
    server = await fakeServer((req, res) => {
      calls++;
      if (req.url.pathname.endsWith(".fcgi")) return sendJson(res, calls === 1 ? { Head: headOk({}, 8, "timeout on LN"), Body: { Data: {} } } : powerFlow);
      sendJson(res, { Head: headOk({}, 12, "Device not available"), Body: { Data: {} } });
    });
    assert.equal((await readPowerFlow({ baseUrl: server.url, timeoutMs: 1000 })).pvW, 4210);
    assert.equal(calls, 2);
    const err = await rejects(readInverter({ baseUrl: server.url, timeoutMs: 1000 }, { deviceId: 1 }), "remote", /status 12 DeviceNotAvailable: Device not available/);
    assert.equal(err.remoteCode, 12);
  });

  it("garbage, HTML, HTTP errors, server down and a slow inverter are typed errors", async function () {
    server = await fakeServer((req, res) => {
      const id = req.url.searchParams.get("DeviceId");
      if (id === "1") return void res.end("<html>busy</html>");
      if (id === "2") return sendJson(res, { Head: {}, Body: {} });
      if (id === "3") return sendJson(res, "gateway", 502);
      if (id === "4") return sendJson(res, { Head: headOk(), Body: null });
    });
    const o = { baseUrl: server.url, timeoutMs: 300 };
    await rejects(readInverter(o, { deviceId: 1 }), "parse", /not JSON/);
    await rejects(readInverter(o, { deviceId: 2 }), "parse", /Head.Status/);
    await rejects(readInverter(o, { deviceId: 3 }), "http", /502/);
    await rejects(readInverter(o, { deviceId: 4 }), "parse", /Body.Data/);
    await rejects(readInverter(o, { deviceId: 5 }), "timeout");
    await rejects(readPowerFlow({ baseUrl: await deadUrl(), timeoutMs: 1000 }), "unreachable");
    await rejects(readPowerFlow({ baseUrl: "inverter", timeoutMs: 1000 }), "config");
  });

  it("property: any JSON or mutated body gives a result or a SourceError", function () {
    const valid = JSON.stringify(powerFlow);
    const check = (body: string) => {
      for (const parse of [parsePowerFlow, parseInverterData]) {
        try {
          parse(body);
        } catch (err) {
          assert.ok(err instanceof SourceError, String(err));
        }
      }
    };
    fc.assert(fc.property(fc.json(), check), { numRuns: 300 });
    fc.assert(fc.property(fc.nat(valid.length - 1), fc.string({ maxLength: 3 }), (at, ins) => check(valid.slice(0, at) + ins + valid.slice(at + 1))), { numRuns: 300 });
  });

  it("fuzz regression: site powers whose balance overflows (two values near 1e308) are a parse error, never Infinity", function () {
    const flow = (site: Record<string, unknown>) => JSON.stringify({ ...powerFlow, Body: { Data: { ...powerFlow.Body.Data, Site: { ...powerFlow.Body.Data.Site, ...site } } } });
    assert.throws(() => parsePowerFlow(flow({ P_PV: 1.7e308, P_Load: 1.7e308 })), (e: unknown) => e instanceof SourceError && e.code === "parse" && /Site powers out of range: P_PV 1\.7e\+308/.test(e.message));
    assert.equal(parsePowerFlow(flow({ P_PV: 1e300, P_Load: -1e300, P_Akku: null })).balanceW, 0);
  });

  it("inverter totals that overflow when summed over inverters are a parse error naming the device, never Infinity", function () {
    const system = (pac: Record<string, number>) => parseInverterData(JSON.stringify({ ...inverter, Body: { Data: { PAC: { Unit: "W", Values: pac } } } }));
    assert.throws(() => inverterReading(system({ "1": 1.7e308, "2": 1.7e308 }), "pv"), (e: unknown) => e instanceof SourceError && e.id === "pv" && /inverter totals out of range for pv/.test(e.message));
    assert.equal(inverterReading(system({ "1": 2100, "2": 1900 }), "pv").powerW, 4000);
  });
});
