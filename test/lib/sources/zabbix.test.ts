import { strict as assert } from "node:assert";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { SlotGrid } from "../../../lib/time/grid";
import {
  ZabbixApiError,
  ZabbixClient,
  ZabbixTransportError,
  getItems,
  pushHistory,
  readItemSeries,
  sendValues,
  encodeFrame,
  decodeFrame,
  parseSenderInfo,
} from "../../../lib/sources/zabbix";
import { FakeZabbix, type FakeItem } from "../../support/fake-zabbix";
import { fakeServer } from "../../support/fake-http";

const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });
const T0 = Date.parse("2026-06-10T00:00:00+02:00") / 1000; // a slot start in Paris

function minuteHistory(fromS: number, minutes: number, f: (i: number) => number) {
  return Array.from({ length: minutes }, (_, i) => ({ clock: fromS + 60 * i, ns: 0, value: String(f(i)) }));
}

function territoryItems(): FakeItem[] {
  return [
    { itemid: "1001", hostid: "10", host: "elfe-territoire", key: "elfe.production", valueType: 0, units: "W", tags: [{ tag: "territoire", value: "vilaine" }, { tag: "mesure", value: "production" }], groups: ["ELFE"], history: minuteHistory(T0 - 900, 120, () => 1000) },
    { itemid: "1002", hostid: "10", host: "elfe-territoire", key: "elfe.consumption", valueType: 3, units: "W", tags: [{ tag: "territoire", value: "vilaine" }, { tag: "mesure", value: "consommation" }], groups: ["ELFE"], history: minuteHistory(T0 - 900, 120, (i) => (i < 60 ? 400 : 600)) },
    { itemid: "1003", hostid: "11", host: "prise-D003", key: "shelly.apower", valueType: 0, units: "W", tags: [{ tag: "appareil", value: "ECS" }], groups: ["Prises"], history: minuteHistory(T0, 30, () => 2000) },
    { itemid: "1004", hostid: "11", host: "prise-D003", key: "shelly.name", valueType: 1, tags: [{ tag: "appareil", value: "ECS" }], groups: ["Prises"] },
    { itemid: "2001", hostid: "20", host: "elfe-indicateurs", key: "flex.ratio", valueType: 0, type: 2, tags: [{ tag: "indicateurs", value: "" }] },
    { itemid: "2002", hostid: "20", host: "elfe-indicateurs", key: "flex.count", valueType: 3, type: 2, tags: [{ tag: "indicateurs", value: "" }] },
    { itemid: "2003", hostid: "20", host: "elfe-indicateurs", key: "flex.polled", valueType: 0, type: 0 },
  ];
}

describe("lib/sources/zabbix", function () {
  let fake: FakeZabbix;
  afterEach(async () => fake?.stop());

  async function serve(version: string, extra: Partial<ConstructorParameters<typeof FakeZabbix>[0]> = {}) {
    fake = await new FakeZabbix({ version, items: territoryItems(), tokens: { tok7: {}, old: { expired: true } }, ...extra }).start();
    return fake;
  }

  describe("authentication per version", function () {
    it("6.0: logs in with username, sends the session in the body field auth, never a Bearer header", async function () {
      await serve("6.0.14");
      const client = new ZabbixClient({ url: fake.url, username: "ems", password: "secret" });
      const items = await getItems(client, { host: "elfe-territoire" });
      assert.deepEqual(items.map((i) => i.key), ["elfe.production", "elfe.consumption"]);
      assert.equal((await client.version()).major, 6);
      const [v, login, get] = fake.requests;
      assert.equal(v.method, "apiinfo.version");
      assert.equal(v.bodyAuth, undefined);
      assert.equal(login.method, "user.login");
      assert.deepEqual(login.params, { username: "ems", password: "secret" });
      assert.equal(get.method, "item.get");
      assert.match(get.bodyAuth ?? "", /^[0-9a-f]{32}$/);
      assert.equal(get.bearer, undefined);
      assert.equal(get.contentType, "application/json-rpc");
    });

    it("7.0 and 7.4: API token in an Authorization: Bearer header, no body auth (7.4 refuses it)", async function () {
      for (const version of ["7.0.5", "7.4.0"]) {
        await serve(version);
        const client = new ZabbixClient({ url: fake.url, token: "tok7" });
        assert.equal((await getItems(client, { keyPattern: "flex.*" })).length, 3);
        const get = fake.requests.find((r) => r.method === "item.get")!;
        assert.equal(get.bearer, "tok7");
        assert.equal(get.bodyAuth, undefined);
        await fake.stop();
      }
    });

    it("a server that ignores the header (6.0) answers 'not authorised' as a typed error", async function () {
      await serve("6.0.14");
      const client = new ZabbixClient({ url: fake.url, token: "nope" });
      await assert.rejects(getItems(client, { host: "x" }), (err: unknown) => {
        assert.ok(err instanceof ZabbixApiError);
        assert.equal(err.remoteCode, -32602);
        assert.equal(err.code, "auth");
        assert.equal(err.apiMessage, "Invalid params.");
        assert.match(err.data ?? "", /Not authori[sz]ed/);
        assert.ok(err.isAuthError);
        return true;
      });
    });

    it("re-logs in once when the session has expired, then goes on", async function () {
      await serve("7.0.5");
      const client = new ZabbixClient({ url: fake.url, username: "ems", password: "secret" });
      await getItems(client, { host: "elfe-territoire" });
      const first = fake.requests.find((r) => r.method === "item.get")!.bearer;
      fake.expireSessions();
      assert.equal((await getItems(client, { host: "prise-D003" })).length, 2);
      const logins = fake.requests.filter((r) => r.method === "user.login");
      assert.equal(logins.length, 2);
      const last = fake.requests[fake.requests.length - 1];
      assert.notEqual(last.bearer, first);
      await client.close();
      assert.equal(fake.requests[fake.requests.length - 1].method, "user.logout");
      assert.equal(fake.sessions.size, 1); // only the expired one remains
    });

    it("wrong password and expired token are application errors with the server's words", async function () {
      await serve("6.0.14");
      await assert.rejects(getItems(new ZabbixClient({ url: fake.url, username: "ems", password: "bad" }), { host: "x" }), /Incorrect user name or password.*-32500/);
      await assert.rejects(getItems(new ZabbixClient({ url: fake.url, token: "old" }), { host: "x" }), (e: unknown) => e instanceof ZabbixApiError && e.remoteCode === -32500 && e.code === "auth" && e.data === "API token expired.");
    });

    it("without token nor user it says so before calling", async function () {
      await serve("7.0.5");
      await assert.rejects(getItems(new ZabbixClient({ url: fake.url }), { host: "x" }), /no API token and no user name/);
    });
  });

  describe("transport failures", function () {
    it("HTML error page, HTTP 500, truncated JSON, a non-object body: clear errors", async function () {
      await serve("7.0.5");
      const client = () => new ZabbixClient({ url: fake.url, token: "tok7" });
      fake.fault = "html";
      await assert.rejects(client().version(), (e: unknown) => e instanceof ZabbixTransportError && e.code === "parse" && /not JSON \(text\/html\).*Maintenance/.test(e.message));
      fake.fault = "http500";
      await assert.rejects(client().version(), (e: unknown) => e instanceof ZabbixTransportError && e.status === 500 && /HTTP 500/.test(e.message));
      fake.fault = "truncated";
      await assert.rejects(client().version(), (e: unknown) => e instanceof ZabbixTransportError && e.code === "parse");
      fake.fault = "not-object";
      await assert.rejects(client().version(), /not a JSON-RPC object/);
    });

    it("a slow server hits the time-out; a closed port is a network error", async function () {
      await serve("7.0.5", { slowMs: 1500 });
      fake.fault = "slow";
      const t = Date.now();
      await assert.rejects(new ZabbixClient({ url: fake.url, token: "tok7", timeoutMs: 200 }).version(), (e: unknown) => e instanceof ZabbixTransportError && e.code === "timeout");
      assert.ok(Date.now() - t < 1200);
      const url = fake.url;
      await fake.stop();
      await assert.rejects(new ZabbixClient({ url, token: "tok7", timeoutMs: 2000 }).version(), (e: unknown) => e instanceof ZabbixTransportError && e.code === "unreachable" && /ECONNREFUSED/.test(e.message));
    });

    it("the fake checks what it gets: no content type gives 412, unknown parameters are refused", async function () {
      await serve("6.0.14");
      const res = await fetch(fake.url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", method: "apiinfo.version", params: {}, id: 1 }), headers: { "Content-Type": "text/plain" } });
      assert.equal(res.status, 412);
      const client = new ZabbixClient({ url: fake.url, username: "ems", password: "secret" });
      await assert.rejects(client.call("item.get", { hostnames: ["x"] }), /unexpected parameter "hostnames"/);
      await assert.rejects(client.call("history.push", [{ itemid: 2001, value: 1 }]), (e: unknown) => e instanceof ZabbixApiError && e.remoteCode === -32601 && e.code === "remote");
    });
  });

  describe("items and history", function () {
    it("selects items by tag (exists/equals), group, host and key pattern", async function () {
      await serve("7.0.5");
      const client = new ZabbixClient({ url: fake.url, token: "tok7" });
      const keys = async (sel: Parameters<typeof getItems>[1]) => (await getItems(client, sel)).map((i) => i.itemid);
      assert.deepEqual(await keys({ tags: [{ tag: "indicateurs" }] }), ["2001", "2002"]);
      assert.deepEqual(await keys({ tags: [{ tag: "territoire", value: "vilaine" }, { tag: "mesure", value: "production" }] }), ["1001"]);
      assert.deepEqual(await keys({ tags: [{ tag: "mesure", value: "production" }, { tag: "appareil", value: "ECS" }], tagsMatch: "or" }), ["1001", "1003", "1004"]);
      assert.deepEqual(await keys({ group: "Prises" }), ["1003", "1004"]);
      assert.deepEqual(await keys({ host: "elfe-territoire", keyPattern: "elfe.*" }), ["1001", "1002"]);
      const [item] = await getItems(client, { itemids: ["1002"] });
      assert.deepEqual(item, { itemid: "1002", hostid: "10", host: "elfe-territoire", name: "elfe.consumption", key: "elfe.consumption", valueType: 3, units: "W", type: 0 });
    });

    it("reads float and unsigned items into slot averages and their balance; text items are skipped", async function () {
      await serve("6.0.14");
      const client = new ZabbixClient({ url: fake.url, username: "ems", password: "secret" });
      const r = await readItemSeries(client, grid, { tags: [{ tag: "territoire", value: "vilaine" }] }, { start: T0 * 1000, count: 8, sum: true, subtractKeys: "*consumption*" });
      assert.equal(r.source, "history");
      const prod = r.items.find((i) => i.key === "elfe.production")!;
      const cons = r.items.find((i) => i.key === "elfe.consumption")!;
      assert.equal(prod.series.start, "2026-06-10T00:00:00+02:00");
      // minute data from T0-15 min for 120 minutes: slots 0..6 covered, the 8th (01:45) half covered by nothing
      assert.deepEqual(prod.series.values, [1000, 1000, 1000, 1000, 1000, 1000, 1000, null]);
      assert.deepEqual(cons.series.values.slice(0, 4), [400, 400, 400, 600]);
      assert.deepEqual(r.sum!.values.slice(0, 4), [600, 600, 600, 400]);
      assert.equal(r.sum!.quantity, "balance");
      assert.equal(r.sum!.values[7], null);
      assert.equal(r.gapSlots, 1);
      // the history type is always passed: a float item read as type 3 would have come back empty
      const hist = fake.requests.filter((q) => q.method === "history.get").map((q) => (q.params as { history: number }).history);
      assert.deepEqual(hist.sort(), [0, 3]);
      const skipped = await readItemSeries(client, grid, { host: "prise-D003" }, { start: T0 * 1000, count: 2 });
      assert.deepEqual(skipped.skippedItems.map((i) => i.key), ["shelly.name"]);
      assert.deepEqual(skipped.items[0].series.values, [2000, 2000]);
    });

    it("pages by clock without losing or repeating rows at a page boundary", async function () {
      await serve("7.0.5");
      const client = new ZabbixClient({ url: fake.url, token: "tok7" });
      // Values that differ each minute so that a lost or doubled row changes the averages.
      fake.item("1001")!.history = minuteHistory(T0 - 900, 120, (i) => i * 10);
      fake.item("1003")!.history = minuteHistory(T0 - 900, 120, (i) => 5000 - i);
      fake.item("1003")!.valueType = 0;
      const sel = { itemids: ["1001", "1003"] };
      const whole = await readItemSeries(client, grid, sel, { start: T0 * 1000, count: 7 });
      fake.requests = [];
      const paged = await readItemSeries(client, grid, sel, { start: T0 * 1000, count: 7, pageSize: 7 });
      assert.ok(fake.requests.filter((q) => q.method === "history.get").length > 20);
      assert.deepEqual(paged.items.map((i) => i.series.values), whole.items.map((i) => i.series.values));
      assert.equal(whole.items[0].series.values[0], 10 * (15 + 7)); // minutes 15..29 average to i = 22
    });

    it("rows out of order and duplicated give the same slots; values that are not numbers are counted, not used", async function () {
      await serve("7.0.5");
      const client = new ZabbixClient({ url: fake.url, token: "tok7" });
      const ref = await readItemSeries(client, grid, { itemids: ["1002"] }, { start: T0 * 1000, count: 6 });
      fake.rewrite = (method, result) => {
        if (method !== "history.get") return result;
        const rows = result as { value: string }[];
        return [...rows.slice().reverse(), ...rows.slice(0, 10)];
      };
      const messy = await readItemSeries(client, grid, { itemids: ["1002"] }, { start: T0 * 1000, count: 6 });
      assert.deepEqual(messy.items[0].series.values, ref.items[0].series.values);
      fake.rewrite = (method, result) => {
        if (method !== "history.get") return result;
        return (result as { clock: string; value: string }[]).map((r) => (Number(r.clock) >= T0 + 3600 ? { ...r, value: "NaN" } : Number(r.clock) >= T0 + 1800 && Number(r.clock) < T0 + 2700 ? { ...r, value: "12,5 kW" } : r));
      };
      const bad = await readItemSeries(client, grid, { itemids: ["1002"] }, { start: T0 * 1000, count: 6 });
      // 15 garbage rows in 00:30–00:45, 31 from 01:00 to the window's end (01:30)
      assert.equal(bad.items[0].invalidValues, 15 + 31);
      // a value holds at most two slots (30 min) across garbage; beyond that the slots are gaps
      assert.deepEqual(bad.items[0].series.values, [400, 400, 400, 600, null, null]);
      fake.rewrite = (method, result) => (method === "history.get" ? (result as object[]).map((r) => ({ ...r, clock: "yesterday" })) : result);
      await assert.rejects(readItemSeries(client, grid, { itemids: ["1002"] }, { start: T0 * 1000, count: 6 }), /clock "yesterday" is not a Unix time/);
    });

    it("long windows read hourly trends; the current hour is not in trends yet and stays a gap", async function () {
      const start = T0 - 3 * 86400;
      const now = (T0 + 3600 + 1200) * 1000; // 01:20 on the last day
      await serve("7.0.5", { now: () => now });
      fake.item("1001")!.history = minuteHistory(start - 3600, 3 * 1440 + 200, (i) => (Math.floor(i / 60) % 2 ? 300 : 100));
      const client = new ZabbixClient({ url: fake.url, token: "tok7" });
      const r = await readItemSeries(client, grid, { itemids: ["1001"] }, { start: start * 1000, count: 3 * 96 + 8 });
      assert.equal(r.source, "trend");
      const v = r.items[0].series.values;
      assert.equal(v.length, 3 * 96 + 8);
      assert.deepEqual(v.slice(0, 8), [300, 300, 300, 300, 100, 100, 100, 100]);
      assert.deepEqual(v.slice(-8, -4), [300, 300, 300, 300]); // 00:00–01:00 of the last day: a past hour
      assert.deepEqual(v.slice(-4), [null, null, null, null]); // 01:00–02:00: the current hour
      assert.ok(fake.requests.some((q) => q.method === "trend.get"));
    });

    it("on a DST day the slots follow the wall clock (100 quarter-hours)", async function () {
      await serve("7.0.5");
      const dayStart = Date.parse("2026-10-25T00:00:00+02:00") / 1000;
      fake.item("1001")!.history = minuteHistory(dayStart - 900, 25 * 60 + 30, (i) => i);
      const client = new ZabbixClient({ url: fake.url, token: "tok7" });
      const r = await readItemSeries(client, grid, { itemids: ["1001"] }, { start: dayStart * 1000, count: 100, source: "history" });
      const v = r.items[0].series.values;
      assert.equal(v.length, 100);
      assert.ok(v.every((x) => x !== null));
      assert.equal(v[99], 15 + 99 * 15 + 7);
    });

    it("an empty selection is refused; 10 000 items read in batches", async function () {
      this.timeout(90_000); // the machine is shared: large answers take a while under load
      const many: FakeItem[] = Array.from({ length: 10_000 }, (_, i) => ({ itemid: String(100000 + i), hostid: "9", host: "plugs", key: `plug.power[${i}]`, valueType: 0, tags: [{ tag: "plug", value: "" }], generated: { from: T0 - 900, till: T0 + 3600, stepS: 300, fn: (c: number) => (c % 600 === 0 ? 10 : 20) } }));
      fake = await new FakeZabbix({ version: "7.0.5", items: many, tokens: { t: {} } }).start();
      const client = new ZabbixClient({ url: fake.url, token: "t" });
      await assert.rejects(readItemSeries(client, grid, {}, { start: T0 * 1000, count: 4 }), /empty selection/);
      const r = await readItemSeries(client, grid, { tags: [{ tag: "plug" }] }, { start: T0 * 1000, count: 4, batchSize: 2000, sum: true });
      assert.equal(r.items.length, 10_000);
      assert.equal(fake.requests.filter((q) => q.method === "history.get").length, 5);
      assert.equal(r.gapSlots, 0);
      for (const it of r.items) assert.equal(it.series.values.length, 4);
      assert.ok(r.sum!.values.every((v) => v !== null && v > 10 * 10_000 && v < 20 * 10_000));
      await assert.rejects(readItemSeries(client, grid, { tags: [{ tag: "plug" }] }, { start: T0 * 1000, count: 4, maxItems: 5000 }), /10000 items match/);
    });

    it("history.get answers only the asked fields (checked like a real server); generated answers are the bytes JSON.stringify gives", async function () {
      const gen = (i: number): FakeItem => ({ itemid: String(300 + i), hostid: "9", host: "plugs", key: `p[${i}]`, valueType: 0, generated: { from: T0 - 900, till: T0 + 3600, stepS: 60, fn: (c: number) => 1000 + Math.sin(c / 3600 + i) * 200 } });
      fake = await new FakeZabbix({ version: "7.0.5", items: [gen(0), gen(1), gen(2)], tokens: { t: {} } }).start();
      const client = new ZabbixClient({ url: fake.url, token: "t" });
      const params = { history: 0, itemids: ["300", "301", "302"], time_from: T0, time_till: T0 + 600, sortfield: "clock", sortorder: "ASC", limit: 20 };
      const asBytes = await client.call("history.get", { ...params, output: ["value", "clock", "itemid"] });
      fake.rewrite = (_method, result) => result; // forces the object path
      const asObjects = await client.call("history.get", { ...params, output: ["value", "clock", "itemid"] });
      assert.deepEqual(asBytes, asObjects);
      assert.equal(JSON.stringify((asBytes as object[])[0]), `{"itemid":"300","clock":"${T0}","value":"${1000 + Math.sin(T0 / 3600) * 200}"}`);
      assert.deepEqual(Object.keys((await client.call("history.get", { ...params, output: "extend" }) as object[])[0]), ["itemid", "clock", "value", "ns"]);
      await assert.rejects(client.call("history.get", { ...params, output: ["itemid", "lastvalue"] }), /Invalid parameter "\/output\/2": value must be one of "itemid", "clock", "value", "ns"/);
      // Several batches in flight: the items keep the order item.get gave them.
      fake.rewrite = undefined;
      const r = await readItemSeries(client, grid, { itemids: ["302", "300", "301"] }, { start: T0 * 1000, count: 4, batchSize: 1, concurrency: 3 });
      assert.deepEqual(r.items.map((i) => i.itemid), ["300", "301", "302"]);
      assert.ok(r.items.every((i) => i.series.values.every((v) => v !== null && v > 700 && v < 1300)));
    });

    it("the fake's kept answers (cacheAnswers, for benchmarks) are the bytes it renders each time without them", async function () {
      const gen = (i: number): FakeItem => ({ itemid: String(300 + i), hostid: "9", host: "plugs", key: `p[${i}]`, valueType: i % 2 ? 3 : 0, generated: { from: T0 - 900, till: T0 + 7200, stepS: 60, fn: (c: number) => (i % 2 ? c % 97 : 1000 + Math.sin(c / 3600 + i) * 200) } });
      const items = [...territoryItems(), gen(0), gen(1), gen(2)];
      const now = () => (T0 + 7200) * 1000;
      const plain = await new FakeZabbix({ version: "7.0.5", items, tokens: { t: {} }, now }).start();
      fake = await new FakeZabbix({ version: "7.0.5", items, tokens: { t: {} }, now, cacheAnswers: true }).start();
      try {
        const post = async (url: string, id: number, method: string, params: object) => {
          const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json-rpc", Authorization: "Bearer t" }, body: JSON.stringify({ jsonrpc: "2.0", method, params, id }) });
          return { type: res.headers.get("content-type"), length: res.headers.get("content-length"), body: Buffer.from(await res.arrayBuffer()) };
        };
        const calls: [string, object][] = [
          ["history.get", { history: 0, itemids: ["300", "302"], time_from: T0, time_till: T0 + 3600, sortfield: "clock", sortorder: "ASC", output: ["itemid", "clock", "value"], limit: 50 }],
          ["history.get", { history: 3, itemids: ["301"], time_from: T0, time_till: T0 + 3600, sortfield: "clock", sortorder: "ASC", output: "extend", limit: 10 }],
          ["history.get", { history: 0, itemids: ["1001", "1003"], time_from: T0 - 900, time_till: T0 + 600, sortfield: "clock", sortorder: "ASC" }],
          ["trend.get", { itemids: ["300", "301", "1001"], time_from: T0 - 3600, time_till: T0 + 7200, output: ["itemid", "clock", "num", "value_min", "value_avg", "value_max"], limit: 100 }],
        ];
        for (const [k, [method, params]] of calls.entries()) {
          const expected = await post(plain.url, 7 + k, method, params);
          assert.ok(expected.body.length > 100, `${method} answers rows`);
          const first = await post(fake.url, 7 + k, method, params);
          const rendered = fake.renderedAnswers;
          const again = await post(fake.url, 7 + k, method, params);
          assert.equal(fake.renderedAnswers, rendered, "the second answer is the kept one");
          for (const got of [first, again]) {
            assert.deepEqual({ ...got, body: got.body.toString("utf8") }, { ...expected, body: expected.body.toString("utf8") });
          }
          // Another request id: the same result, the new id.
          const otherId = await post(fake.url, 1000 + k, method, params);
          assert.equal(otherId.body.toString("utf8"), expected.body.toString("utf8").replace(`"id":${7 + k}}`, `"id":${1000 + k}}`));
        }
        assert.equal(fake.renderedAnswers, calls.length);
        assert.equal(plain.renderedAnswers, calls.length, "without the cache every answer is rendered");
        // Errors are never kept.
        await assert.rejects(new ZabbixClient({ url: fake.url, token: "t" }).call("history.get", { history: 0, output: ["lastvalue"] }), /Invalid parameter "\/output\/1"/);
        assert.equal(fake.renderedAnswers, calls.length);
      } finally {
        await plain.stop();
      }
    });
  });

  describe("pushing values", function () {
    it("history.push on 7.0 reports per-value failures inside a success answer", async function () {
      const now = Date.now();
      await serve("7.0.5");
      fake.item("2002")!.disabled = true;
      const client = new ZabbixClient({ url: fake.url, token: "tok7" });
      const r = await pushHistory(client, [
        { itemid: "2001", value: 0.42 },
        { host: "elfe-indicateurs", key: "flex.count", value: 3 },
        { host: "elfe-indicateurs", key: "flex.unknown", value: 1 },
        { itemid: "2003", value: 1 },
        { itemid: "2001", value: 0.43 },
      ]);
      assert.equal(r.processed, 2);
      assert.equal(r.failed, 3);
      assert.deepEqual(r.failures.map((f) => [f.index, f.error]), [
        [1, "Item is disabled."],
        [2, "No permissions to referred object or it does not exist."],
        [3, "Item is not of type Zabbix trapper."],
      ]);
      // Two values for the same item in one call both land: distinct ns.
      const rows = fake.item("2001")!.history!;
      assert.deepEqual(rows.map((x) => x.value), ["0.42", "0.43"]);
      assert.ok(Math.abs(rows[0].clock * 1000 - now) < 5000);
    });

    it("the trapper frames with ZBXD, reads 'processed; failed', and keeps same-second values apart", async function () {
      await serve("6.0.14");
      const clock = Math.floor(Date.now() / 1000) - 60;
      const r = await sendValues({ host: "127.0.0.1", port: fake.trapperPort }, [
        { host: "elfe-indicateurs", key: "flex.ratio", value: 0.5, clock },
        { host: "elfe-indicateurs", key: "flex.ratio", value: 0.6, clock },
        { host: "elfe-indicateurs", key: "flex.nope", value: 1 },
        { host: "elfe-indicateurs", key: "flex.count", value: "abc" },
      ]);
      assert.deepEqual([r.processed, r.failed, r.total], [2, 2, 4]);
      assert.equal(r.failures.length, 1);
      assert.match(r.failures[0].error, /2 of 4 values refused/);
      assert.deepEqual(fake.item("2001")!.history!.map((x) => [x.value, x.ns]), [["0.5", 0], ["0.6", 1]]);
      assert.equal(fake.item("2002")!.unsupported, true);
      const sent = fake.trapperRequests[0] as { request: string; data: { value: unknown }[] };
      assert.equal(sent.request, "sender data");
      assert.equal(typeof sent.data[0].value, "string");
    });

    it("the fake trapper behaves like 6.0: a second send at the same clock and ns is dropped although 'processed'", async function () {
      await serve("6.0.14");
      const clock = Math.floor(Date.now() / 1000) - 10;
      const opts = { host: "127.0.0.1", port: fake.trapperPort };
      await sendValues(opts, [{ host: "elfe-indicateurs", key: "flex.ratio", value: 1, clock, ns: 0 }]);
      const again = await sendValues(opts, [{ host: "elfe-indicateurs", key: "flex.ratio", value: 2, clock, ns: 0 }]);
      assert.equal(again.processed, 1);
      const old = await sendValues(opts, [{ host: "elfe-indicateurs", key: "flex.ratio", value: 3, clock: clock - 400 * 86400 }]);
      assert.equal(old.processed, 1);
      assert.deepEqual(fake.item("2001")!.history!.map((x) => x.value), ["1"]);
    });

    it("trapper failures: refused request, garbage answer, connection closed, port closed, time-out", async function () {
      await serve("6.0.14");
      const opts = { host: "127.0.0.1", port: fake.trapperPort, timeoutMs: 500 };
      const v = [{ host: "elfe-indicateurs", key: "flex.ratio", value: 1 }];
      fake.trapperFault = "failed";
      await assert.rejects(sendValues(opts, v), /refused the request/);
      fake.trapperFault = "garbage";
      await assert.rejects(sendValues(opts, v), /does not start with ZBXD/);
      fake.trapperFault = "close";
      await assert.rejects(sendValues(opts, v), /truncated answer/);
      await assert.rejects(sendValues(opts, [{ itemid: "2001", value: 1 }]), /needs a host and a key/);
      const silent = createServer(() => undefined);
      await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
      const port = (silent.address() as AddressInfo).port;
      await assert.rejects(sendValues({ host: "127.0.0.1", port, timeoutMs: 200 }, v), /no answer within 200 ms/);
      silent.close();
      await fake.stop();
      await assert.rejects(sendValues(opts, v), /ECONNREFUSED/);
    });

    it("frames round-trip and old-style info strings parse", function () {
      const f = encodeFrame({ a: "é" });
      assert.equal(f.subarray(0, 5).toString("latin1"), "ZBXD\u0001");
      assert.equal(f.readUInt32LE(5), Buffer.byteLength('{"a":"é"}'));
      assert.deepEqual(decodeFrame(f), { a: "é" });
      assert.deepEqual(parseSenderInfo("Processed 3 Failed 1 Total 4 Seconds spent 0.0001"), { processed: 3, failed: 1, total: 4 });
      assert.equal(parseSenderInfo("whatever"), undefined);
    });

    it("fuzz regression: a count of 400 digits (Infinity as a number) is no count, never Infinity", function () {
      assert.equal(parseSenderInfo(`processed: ${"9".repeat(400)}; failed: 0; total: 1`), undefined);
      assert.deepEqual(parseSenderInfo("processed: 9007199254740991; failed: 0"), { processed: 9007199254740991, failed: 0, total: 9007199254740991 });
    });
  });
});

describe("zabbix getItems: malformed item rows (fuzz regressions)", function () {
  it("a null host row gives no host name; a value_type or type that is not a type code is the server's parse error", async function () {
    let rows: unknown[] = [];
    const server = await fakeServer((req, res) => {
      const { method, id } = JSON.parse(req.body) as { method: string; id: number };
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ jsonrpc: "2.0", id, result: method === "apiinfo.version" ? "7.0.5" : rows }));
    });
    try {
      const client = new ZabbixClient({ url: `${server.url}/api_jsonrpc.php`, token: "t" });
      const row = { itemid: "1", hostid: "2", key_: "k", value_type: "0", type: "2", hosts: [null] };
      rows = [row];
      assert.deepEqual((await getItems(client, { keyPattern: "k" })).map((i) => [i.host, i.valueType, i.type]), [["", 0, 2]]);
      for (const bad of [{ value_type: "x" }, { value_type: "1e400" }, { type: "2.5" }]) {
        rows = [{ ...row, ...bad }];
        await assert.rejects(getItems(client, { keyPattern: "k" }), (e: Error) => e instanceof ZabbixTransportError && /not a type code/.test(e.message));
      }
    } finally {
      await server.close();
    }
  });
});
