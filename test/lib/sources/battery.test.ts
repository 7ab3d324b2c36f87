import { strict as assert } from "node:assert";
import { bandOf, batteryReading, batteryUrl, parseBatteryStatus, parseLaptopTable, pollBatteries } from "../../../lib/sources/battery";
import { validateBatteryReading, validateReading } from "../../../lib/types";
import { closedPortUrl, FakeBattery } from "../../support/fake-battery";

const TS = "2026-06-10T12:00:00.000Z";

describe("lib/sources/battery", function () {
  it("maps every BatteryFlag value to its band, midpoint and charging bit", function () {
    const cases: [number, string, number | undefined, boolean | undefined][] = [
      [0, "medium", 49.5, false],
      [1, "high", 83, false],
      [2, "low", 19, false],
      [4, "critical", 2.5, false],
      [6, "critical", 2.5, false],
      [8, "medium", 49.5, true],
      [9, "high", 83, true],
      [10, "low", 19, true],
      [12, "critical", 2.5, true],
      [128, "none", undefined, undefined],
      [255, "unknown", undefined, undefined],
    ];
    for (const [flag, band, pct, charging] of cases) {
      const r = batteryReading("pc", { flag, ac: 1 }, TS);
      assert.equal(r.batteryBand?.name, band, `flag ${flag}`);
      assert.equal(r.batteryPct, pct, `flag ${flag}`);
      assert.equal(r.charging, charging, `flag ${flag}`);
      assert.equal(r.batteryExact, pct === undefined ? undefined : false);
      assert.ok(validateReading.check(r).ok && validateBatteryReading.check(r).ok);
    }
    assert.deepEqual(bandOf(1), { name: "high", minPct: 66, maxPct: 100 });
  });

  it("uses BatteryLifePercent when present (255 = unknown falls back to the band) and reads the AC line", function () {
    assert.deepEqual(batteryReading("pc", parseBatteryStatus('{"BatteryFlag": 9, "ACLineStatus": 1, "BatteryLifePercent": 71}'), TS), {
      deviceId: "pc", ts: TS, online: true, batteryBand: { name: "high", minPct: 66, maxPct: 100 }, onMains: true, charging: true, batteryPct: 71, batteryExact: true,
    });
    const unknownPct = batteryReading("pc", parseBatteryStatus('{"BatteryFlag": 2, "ACLineStatus": 0, "BatteryLifePercent": 255}'), TS);
    assert.deepEqual([unknownPct.batteryPct, unknownPct.batteryExact, unknownPct.onMains], [19, false, false]);
    assert.equal(batteryReading("pc", parseBatteryStatus('{"BatteryFlag": 1, "ACLineStatus": 255}'), TS).onMains, undefined);
  });

  it("refuses garbage with a clear error: not JSON, missing flag, strings, out of range", function () {
    assert.throws(() => parseBatteryStatus("<html>IIS</html>"), /did not answer JSON: <html>IIS/);
    assert.throws(() => parseBatteryStatus('{"ACLineStatus": 1}'), /no BatteryFlag/);
    assert.throws(() => parseBatteryStatus('{"BatteryFlag": "high", "ACLineStatus": 1}'), /BatteryFlag is "high", not a byte/);
    assert.throws(() => parseBatteryStatus('{"BatteryFlag": 1, "ACLineStatus": 1, "BatteryLifePercent": 140}'), /neither 0–100 nor 255/);
    assert.throws(() => parseBatteryStatus("[1,2]"), /not an object/);
    assert.deepEqual(parseBatteryStatus('{"BatteryFlag": "8", "ACLineStatus": "1"}'), { flag: 8, ac: 1 });
  });

  it("reads the laptop table and builds the service URLs", function () {
    assert.equal(batteryUrl("pc01"), "http://pc01:1095/getBattery");
    assert.equal(batteryUrl("10.0.0.5:8080"), "http://10.0.0.5:8080/getBattery");
    assert.deepEqual(parseLaptopTable("# room 4A020\nordinateur01 = pc01\nordinateur02 = http://10.0.0.7:1095/getBattery\n"), [
      { deviceId: "ordinateur01", url: "http://pc01:1095/getBattery" },
      { deviceId: "ordinateur02", url: "http://10.0.0.7:1095/getBattery" },
    ]);
    assert.throws(() => parseLaptopTable("pc01"), /line 1/);
    assert.throws(() => parseLaptopTable("a = x\na = y"), /listed twice/);
  });

  describe("polling laptops", function () {
    const fakes: FakeBattery[] = [];
    afterEach(async () => Promise.all(fakes.splice(0).map((f) => f.stop())));

    it("polls in parallel: a slow, a refused and a garbage laptop never stop the others", async function () {
      const ok = await new FakeBattery({ flag: 9, ac: 1, life: 80 }).start();
      const seed = await new FakeBattery({ flag: 2, ac: 0 }).start(); // the seed's server: no BatteryLifePercent
      const slow = await new FakeBattery().start();
      slow.mode = "slow";
      const bad = await new FakeBattery().start();
      bad.mode = "garbage";
      const html = await new FakeBattery().start();
      html.mode = "error500";
      fakes.push(ok, seed, slow, bad, html);
      const refused = await closedPortUrl();
      const t = Date.now();
      const r = await pollBatteries(
        [
          { deviceId: "ok", url: ok.url },
          { deviceId: "seed", url: seed.url },
          { deviceId: "slow", url: slow.url },
          { deviceId: "refused", url: refused },
          { deviceId: "garbage", url: bad.url },
          { deviceId: "http500", url: html.url },
        ],
        { timeoutMs: 400 },
      );
      assert.ok(Date.now() - t < 2000, "time-outs run in parallel");
      const by = Object.fromEntries(r.map((x) => [x.deviceId, x]));
      assert.deepEqual([by.ok.batteryPct, by.ok.charging, by.ok.onMains, by.ok.online], [80, true, true, true]);
      assert.deepEqual([by.seed.batteryPct, by.seed.batteryExact, by.seed.onMains, by.seed.charging], [19, false, false, false]);
      assert.equal(by.slow.online, false);
      assert.match(by.slow.error!, /slow: no answer from http:\/\/127.0.0.1:\d+\/getBattery within 400 ms/);
      assert.equal(by.refused.online, false);
      assert.match(by.refused.error!, /ECONNREFUSED/);
      assert.equal(by.garbage.online, true);
      assert.match(by.garbage.error!, /did not answer JSON/);
      assert.equal(by.garbage.batteryPct, undefined);
      assert.match(by.http500.error!, /HTTP 500/);
      for (const x of r) assert.ok(validateBatteryReading.check(x).ok, x.deviceId);
    });
  });
});
