import { strict as assert } from "node:assert";
import { commandDevice, JeedomClient, JeedomError, parseDeviceTable, readDevices } from "../../../lib/sources/jeedom";
import { validateReading } from "../../../lib/types";
import { FakeJeedom } from "../../support/fake-jeedom";

describe("lib/sources/jeedom", function () {
  let fake: FakeJeedom;
  beforeEach(async () => {
    fake = await new FakeJeedom().addPlug(100, 10, 45.2, 12.5, true).addPlug(200, 20, 30, 3.25, false).start();
  });
  afterEach(async () => fake.stop());

  for (const api of ["http", "jsonrpc"] as const) {
    describe(`${api} API`, function () {
      it("reads power, energy and state of each plug as Readings", async function () {
        const client = new JeedomClient({ url: fake.url, apiKey: "K3yJeedom", api });
        const devices = parseDeviceTable("ordinateur01: power=100, energy=101, state=102, on=103, off=104\nordinateur02: power=200, state=202");
        const r = await readDevices(client, devices, { now: () => new Date("2026-06-10T12:00:00Z") });
        assert.deepEqual(r, [
          { reading: { deviceId: "ordinateur01", ts: "2026-06-10T12:00:00.000Z", powerW: 45.2, energyWh: 12500, on: true, online: true } },
          { reading: { deviceId: "ordinateur02", ts: "2026-06-10T12:00:00.000Z", powerW: 0, on: false, online: true } },
        ]);
        for (const x of r) assert.ok(validateReading.check(x.reading).ok);
        assert.ok(fake.requests.every((q) => q.api === (api === "http" ? "simple" : "jsonrpc")));
      });

      it("turns a plug on and confirms it by reading the state back (with Z-Wave latency)", async function () {
        fake.stateDelayMs = 150;
        const client = new JeedomClient({ url: fake.url, apiKey: "K3yJeedom", api });
        const [, pc2] = parseDeviceTable("a: power=100, state=102, on=103, off=104\nb: power=200, state=202, on=203, off=204");
        const r = await commandDevice(client, pc2, { deviceId: "b", action: "on" }, { confirmIntervalMs: 50, confirmTimeoutMs: 2000 });
        assert.deepEqual(r, { deviceId: "b", action: "on", commandId: 203, on: true, confirmed: true });
        assert.equal(fake.cmds.get(200)!.value, "30");
        // A plug that does not follow: not confirmed after the time-out.
        fake.cmds.get(204)!.run = () => undefined;
        const stuck = await commandDevice(client, pc2, { deviceId: "b", action: "off" }, { confirmIntervalMs: 50, confirmTimeoutMs: 200 });
        assert.deepEqual([stuck.confirmed, stuck.on], [false, true]);
      });

      it("a wrong API key and an unknown command id are errors, per device, never numbers", async function () {
        const bad = new JeedomClient({ url: fake.url, apiKey: "wrong", api });
        await assert.rejects(bad.readNumber(100), (e: unknown) => e instanceof JeedomError && /autoris/.test(e.message) && (api === "http" || (e.remoteCode === -32001 && e.code === "auth")));
        const client = new JeedomClient({ url: fake.url, apiKey: "K3yJeedom", api });
        await assert.rejects(client.readNumber(999), api === "http" ? /Aucune commande correspondant à l'ID : 999/ : /Cmd introuvable.*-32702/);
        const r = await readDevices(client, parseDeviceTable("ok: power=100\nghost: power=999, state=998"));
        assert.equal(r[0].reading.powerW, 45.2);
        assert.deepEqual([r[1].reading.online, r[1].reading.powerW], [false, undefined]);
        assert.match(r[1].error!, /999/);
      });
    });
  }

  it("plain-text values that are not numbers, HTML pages, bans and slow answers give clear errors", async function () {
    const client = new JeedomClient({ url: fake.url, apiKey: "K3yJeedom", timeoutMs: 300 });
    fake.cmds.get(100)!.value = "NaN";
    await assert.rejects(client.readNumber(100), /command 100 gave "NaN", not a number/);
    fake.cmds.get(100)!.value = "";
    await assert.rejects(client.readNumber(100), /answered nothing/);
    fake.fault = "html";
    await assert.rejects(client.readNumber(101), /answered an HTML page.*mise à jour/);
    fake.fault = "slow";
    await assert.rejects(client.readNumber(101), (e: unknown) => e instanceof JeedomError && e.code === "timeout");
    fake.fault = undefined;
    const rpc = new JeedomClient({ url: fake.url, apiKey: "K3yJeedom", api: "jsonrpc" });
    fake.fault = "garbage-json";
    await assert.rejects(rpc.readNumber(101), /not JSON/);
    fake.fault = undefined;
    const bad = new JeedomClient({ url: fake.url, apiKey: "nope" });
    for (let i = 0; i < 5; i++) await assert.rejects(bad.readNumber(100));
    await assert.rejects(client.readNumber(100), /HTTP 404.*banned/);
    // The API key never appears in an error.
    await assert.rejects(bad.readNumber(100), (e: Error) => !e.message.includes("nope"));
  });

  it("cmd::byId describes a command (JSON-RPC), and the seed's URL dictionary imports", async function () {
    const rpc = new JeedomClient({ url: `${fake.url}/core/api/jeeApi.php`, apiKey: "K3yJeedom", api: "jsonrpc" });
    const c = await rpc.byId(101);
    assert.deepEqual([c.name, c.type, c.unit, c.value, c.eqLogicId], ["Consommation", "info", "kWh", "12.5", "10"]);
    const seed = JSON.stringify({ ordinateur01: { Power: "http://192.0.2.1/core/api/jeeApi.php?apikey=SECRET&type=cmd&id=100", ON: "http://192.0.2.1/core/api/jeeApi.php?apikey=SECRET&type=cmd&id=103", OFF: "http://192.0.2.1/core/api/jeeApi.php?apikey=SECRET&type=cmd&id=104" } });
    assert.deepEqual(parseDeviceTable(seed), [{ deviceId: "ordinateur01", power: 100, on: 103, off: 104 }]);
    assert.throws(() => parseDeviceTable("pc: puissance=12"), /unknown command role "puissance"/);
    assert.throws(() => parseDeviceTable('{"pc": {"power": "http://x/?apikey=SECRET"}}'), (e: Error) => /not a command id/.test(e.message) && !e.message.includes("SECRET"));
  });

  describe("fuzz regressions", function () {
    it("a command id of 400 digits (Infinity as a number) is refused, in lines, JSON and URLs", function () {
      const big = "9".repeat(400);
      assert.throws(() => parseDeviceTable(`pc: power=${big}`), /device pc, power: .* is not a command id/);
      assert.throws(() => parseDeviceTable(JSON.stringify({ pc: { ON: `http://j/core/api/jeeApi.php?apikey=k&type=cmd&id=${big}` } })), (e: unknown) => e instanceof RangeError && /device pc, on/.test(e.message) && !/apikey=k/.test(e.message));
      assert.deepEqual(parseDeviceTable("pc: power=9007199254740991"), [{ deviceId: "pc", power: 9007199254740991 }]);
    });

    it("an energy whose conversion to Wh overflows is that device's error, never Infinity", async function () {
      fake.cmds.get(101)!.value = "1.7e308";
      const client = new JeedomClient({ url: fake.url, apiKey: "K3yJeedom" });
      const [r] = await readDevices(client, parseDeviceTable("pc: power=100, energy=101"));
      assert.equal(r.reading.energyWh, undefined);
      assert.equal(r.reading.powerW, 45.2);
      assert.match(r.error!, /command 101 gave 1\.7e\+308, out of range for an energy/);
      assert.ok(validateReading.check(r.reading).ok);
    });
  });
});
