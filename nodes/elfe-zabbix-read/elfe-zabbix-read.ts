// Reads Zabbix items (by host group, host, key pattern and/or tags) over a window of the
// territory's slots and outputs one SlotSeries per item, or their signed sum.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { gridOf } from "../../lib/territory";
import { parseTagList, readItemSeries, type ItemSelection } from "../../lib/sources/zabbix";
import { asError, territoryOf } from "../node-helpers";
import type { ZabbixServerNode } from "../elfe-zabbix-server/elfe-zabbix-server";
import * as clock from "../../lib/time/clock";

interface ZabbixReadDef extends NodeDef {
  server: string;
  territory: string;
  group: string;
  host: string;
  keyPattern: string;
  tags: string;
  tagsMatch: string;
  itemids: string;
  hours: string | number;
  source: string;
  historyMaxHours: string | number;
  sum: boolean;
  subtractKeys: string;
  quantity: string;
}

function text(v: unknown): string {
  return typeof v === "string" ? v.trim() : "";
}

/** The window's end from the message: payload.end, a slot tick's slotStart, or now. */
function windowOf(msg: NodeMessageInFlow): { start?: string; end?: string } {
  const p = msg.payload as Record<string, unknown> | undefined;
  if (!p || typeof p !== "object") return {};
  const start = typeof p.start === "string" ? p.start : undefined;
  const end = typeof p.end === "string" ? p.end : typeof p.slotStart === "string" ? p.slotStart : undefined;
  return { start, end };
}

export default function register(RED: NodeAPI): void {
  function ElfeZabbixRead(this: Node, config: ZabbixReadDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const server = RED.nodes.getNode(config.server) as ZabbixServerNode | null;
    const territory = territoryOf(RED, config.territory);
    const hours = Number(config.hours) || 24;

    const configured: ItemSelection = {
      group: text(config.group) || undefined,
      host: text(config.host) || undefined,
      keyPattern: text(config.keyPattern) || undefined,
      tags: parseTagList(text(config.tags)),
      tagsMatch: config.tagsMatch === "or" ? "or" : "and",
      itemids: text(config.itemids).split(/[\s,]+/).filter(Boolean),
    };
    const hasSelection = (s: ItemSelection) => !!(s.group || s.host || s.keyPattern || s.tags?.length || s.itemids?.length);

    const fail = (err: Error, statusKey: string, done: (err?: Error) => void) => {
      node.status({ fill: "red", shape: "ring", text: RED._(statusKey, { error: err.message.slice(0, 50) }) });
      done(err);
    };

    node.on("input", async (msg: NodeMessageInFlow, send, done) => {
      if (!server || !server.client) return fail(new Error(server?.configError ?? RED._("elfe-zabbix-read.errors.noServer")), "elfe-zabbix-read.status.noServer", done);
      if (territory instanceof Error) return fail(territory, "elfe-zabbix-read.status.noTerritory", done);
      try {
        const grid = gridOf(territory);
        // Settings left blank may come from msg.selection (a setting made in the node wins).
        const fromMsg = (msg as { selection?: ItemSelection }).selection;
        const selection = hasSelection(configured) ? configured : fromMsg && typeof fromMsg === "object" ? fromMsg : configured;
        const w = windowOf(msg);
        const endMs = grid.slotStart(w.end ?? clock.now()).toMillis();
        const startMs = grid.slotStart(w.start ?? endMs - hours * 3_600_000).toMillis();
        const count = grid.indexFrom(startMs, endMs);
        if (count <= 0) throw new RangeError(`the window ${grid.iso(startMs)} → ${grid.iso(endMs)} holds no slot`);
        node.status({ fill: "blue", shape: "dot", text: RED._("elfe-zabbix-read.status.reading") });
        const r = await readItemSeries(server.client, grid, selection, {
          start: startMs,
          count,
          source: config.source === "history" || config.source === "trend" ? config.source : "auto",
          historyMaxHours: Number(config.historyMaxHours) || 48,
          sum: !!config.sum,
          subtractKeys: text(config.subtractKeys) || undefined,
          quantity: text(config.quantity) || undefined,
        });
        const out = msg as NodeMessageInFlow & Record<string, unknown>;
        out.payload = r.sum ?? r.items.map((i) => ({ ...i.series, quantity: i.series.quantity ?? i.key }));
        out.items = r.items;
        out.source = r.source;
        out.gapSlots = r.gapSlots;
        out.invalidValues = r.invalidValues;
        if (r.skippedItems.length) out.skippedItems = r.skippedItems.map((i) => i.key);
        const params = { items: r.items.length, gaps: r.gapSlots, invalid: r.invalidValues, source: r.source };
        if (!r.items.length) node.status({ fill: "yellow", shape: "ring", text: RED._("elfe-zabbix-read.status.noItems") });
        else node.status({ fill: r.gapSlots || r.invalidValues ? "yellow" : "green", shape: "dot", text: RED._(r.invalidValues ? "elfe-zabbix-read.status.readInvalid" : "elfe-zabbix-read.status.read", params) });
        send(out);
        done();
      } catch (err) {
        fail(asError(err), "elfe-zabbix-read.status.error", done);
      }
    });

    node.on("close", (done: () => void) => {
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("elfe-zabbix-read", ElfeZabbixRead);
}
