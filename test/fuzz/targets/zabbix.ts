// Zabbix answers through the public functions and the real client over HTTP (a local peer answers
// the mutated body): item.get, history.get and trend.get as readItemSeries reads them, host.get,
// the trapper frames, the sender info line, toPushValues. Typed errors: SourceError (answers),
// RangeError (what a message or a setting asks, as the lib documents it).
import { DateTime } from "luxon";
import { SourceError } from "../../../lib/sources/errors";
import { decodeFrame, getHosts, parseSenderInfo, parseVersion, readItemSeries, toPushValues, ZabbixClient } from "../../../lib/sources/zabbix";
import { SlotGrid } from "../../../lib/time";
import { typedError, type FuzzTarget } from "../harness";
import { FuzzPeer } from "../peer";

const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });
const START = "2026-06-10T10:00:00+02:00";
const t0 = DateTime.fromISO(START).toSeconds();
const rpc = (result: unknown) => JSON.stringify({ jsonrpc: "2.0", result, id: 1 });

const items = [
  { itemid: "101", hostid: "10", name: "PV", key_: "elfe.production", value_type: "0", units: "W", type: "2", hosts: [{ host: "site-a" }] },
  { itemid: "102", hostid: "10", name: "Load", key_: "elfe.consumption", value_type: "3", units: "W", type: "2", hosts: [{ host: "site-a" }] },
];
const history = (valueType: number) =>
  Array.from({ length: 10 }, (_, i) => ({ itemid: valueType === 0 ? "101" : "102", clock: String(t0 - 900 + i * 600), value: valueType === 0 ? String(1200.5 + i) : String(400 + i), ns: String(i * 1000) }));
const trends = Array.from({ length: 4 }, (_, i) => ({ itemid: "101", clock: String(t0 - 3600 + i * 3600), num: "60", value_min: "100", value_avg: String(1500 + i), value_max: "3000" }));
const hosts = [{ hostid: "10", host: "site-a", name: "Site A" }, { hostid: "11", host: "site-b", name: "" }];

const peer = new FuzzPeer();
let client: ZabbixClient;
const lifecycle = {
  before: async () => {
    await peer.start();
    client = new ZabbixClient({ url: peer.url, token: "t0ken", timeoutMs: 2000 });
  },
  after: () => peer.stop(),
};

/** The peer answers `method` with the case's body and every other method validly. */
function answering(method: string, body: string, trendsToo = false): void {
  peer.answer = (req) => {
    const m = (JSON.parse(req.body) as { method: string; params: { history?: number } }).method;
    if (m === method) return { body };
    if (m === "apiinfo.version") return { body: rpc("7.0.0") };
    if (m === "item.get") return { body: rpc(items) };
    if (m === "history.get") return { body: rpc(history((JSON.parse(req.body) as { params: { history: number } }).params.history)) };
    if (m === "trend.get" || trendsToo) return { body: rpc(trends) };
    if (m === "host.get") return { body: rpc(hosts) };
    return { body: rpc([]) };
  };
}

const typed = typedError(SourceError, RangeError);
const read = (source: "history" | "trend") => readItemSeries(client, grid, { keyPattern: "elfe.*" }, { start: START, count: source === "trend" ? 12 : 8, source, sum: true, subtractKeys: "elfe.consumption" });

export const zabbixTargets: FuzzTarget[] = [
  {
    name: "zabbix: readItemSeries, item.get answer",
    samples: [rpc(items)],
    ...lifecycle,
    run: (input) => (answering("item.get", input as string), read("history")),
    typed,
  },
  {
    name: "zabbix: readItemSeries, history.get answer",
    samples: [rpc(history(0)), rpc(history(3))],
    ...lifecycle,
    run: (input) => (answering("history.get", input as string), read("history")),
    typed,
  },
  {
    name: "zabbix: readItemSeries, trend.get answer",
    samples: [rpc(trends)],
    ...lifecycle,
    run: (input) => (answering("trend.get", input as string), read("trend")),
    typed,
  },
  {
    name: "zabbix: getHosts, host.get answer",
    samples: [rpc(hosts)],
    ...lifecycle,
    run: (input) => (answering("host.get", input as string), getHosts(client)),
    typed,
  },
  {
    name: "zabbix: apiinfo.version answer",
    samples: [rpc("7.0.0"), rpc("6.0.30")],
    ...lifecycle,
    run: async (input) => {
      answering("apiinfo.version", input as string);
      return new ZabbixClient({ url: peer.url, token: "t0ken", timeoutMs: 2000 }).version();
    },
    typed,
  },
  {
    name: "zabbix: trapper decodeFrame + parseSenderInfo",
    samples: ['{"response":"success","info":"processed: 1; failed: 0; total: 1; seconds spent: 0.000055"}', '{"response":"success","info":"Processed 2 Failed 1 Total 3 Seconds spent 0.1"}'],
    run: (input) => {
      const json = Buffer.from(input as string, "utf8");
      const header = Buffer.alloc(13);
      header.write("ZBXD", 0, "ascii");
      header[4] = 1;
      header.writeUInt32LE(json.length, 5);
      const answer = decodeFrame(Buffer.concat([header, json])) as { info?: unknown } | null;
      return typeof answer?.info === "string" ? parseSenderInfo(answer.info) : undefined;
    },
    typed,
  },
  {
    name: "zabbix: raw trapper frames (decodeFrame)",
    samples: ["ZBXD\u0001\u000b\u0000\u0000\u0000\u0000\u0000\u0000\u0000{\"a\":\"b\"}\u0000"],
    run: (input) => decodeFrame(Buffer.from(input as string, "latin1")),
    typed,
  },
  {
    name: "zabbix: parseVersion",
    samples: ["7.0.0", "6.4.12", "5.0.1rc1"],
    run: (input) => parseVersion(input as string),
    typed,
  },
  {
    name: "zabbix: toPushValues (message payloads)",
    samples: [
      [{ itemid: "101", value: 12.5, clock: 1780000000, ns: 5 }, { host: "site-a", key: "elfe.x", value: "on", clock: "2026-06-10T10:00:00Z" }],
      { deviceId: "plug-1", ts: "2026-06-10T12:00:00.000Z", powerW: 45.2, energyWh: 1200, on: true },
      42.5,
    ],
    inputs: "any",
    run: (input) => toPushValues(input, { host: "site-a", topic: "elfe.power" }),
    typed,
  },
];
