// Jeedom: the device table, and the values through the real client (simple API text and
// JSON-RPC) to Readings. Typed errors: SourceError (JeedomError) for answers, RangeError for the table.
import { SourceError } from "../../../lib/sources/errors";
import { JeedomClient, parseDeviceTable, readDevices } from "../../../lib/sources/jeedom";
import { typedError, type FuzzTarget } from "../harness";
import { FuzzPeer } from "../peer";

const peer = new FuzzPeer();
const lifecycle = { before: () => peer.start(), after: () => peer.stop() };
const devices = parseDeviceTable("ordinateur01: power=100, energy=101, state=102, on=103, off=104");
const NOW = () => new Date("2026-06-10T12:00:00Z");

export const jeedomTargets: FuzzTarget[] = [
  {
    name: "jeedom: parseDeviceTable",
    samples: [
      "ordinateur01: power=100, energy=101, state=102, on=103, off=104\nordinateur02: power=200; state=202 # comment",
      JSON.stringify({ ordinateur01: { Power: 12, ON: "http://j/core/api/jeeApi.php?apikey=abc&type=cmd&id=14", OFF: "15", State: 13 } }),
    ],
    run: (input) => parseDeviceTable(input as string),
    typed: typedError(RangeError),
  },
  {
    name: "jeedom: readDevices, simple API text",
    samples: ["45.2", "12.5", "1", "Aucune commande correspondant à l'ID : 999"],
    ...lifecycle,
    run: (input) => {
      peer.answer = () => ({ body: input as string, contentType: "text/html" });
      return readDevices(new JeedomClient({ url: peer.url, apiKey: "K3y", api: "http" }), devices, { now: NOW });
    },
    typed: typedError(SourceError),
  },
  {
    name: "jeedom: readDevices, JSON-RPC answer",
    samples: [JSON.stringify({ jsonrpc: "2.0", id: "1", result: { value: "45.2" } }), JSON.stringify({ jsonrpc: "2.0", id: "1", result: { value: 3.25 } }), JSON.stringify({ jsonrpc: "2.0", id: "1", error: { code: -32702, message: "Cmd introuvable" } })],
    ...lifecycle,
    run: (input) => {
      peer.answer = () => ({ body: input as string });
      return readDevices(new JeedomClient({ url: peer.url, apiKey: "K3y", api: "jsonrpc" }), devices, { now: NOW });
    },
    typed: typedError(SourceError),
  },
];
