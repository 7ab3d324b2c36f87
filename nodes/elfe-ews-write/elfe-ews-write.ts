// Writes values to an EcoStruxure server (EWS SetValues): lights, warmth set-points. A failed
// item (not writeable, unknown id) is an error naming the id.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { DateTime } from "luxon";
import { itemErrors, setValues, type SetItem } from "../../lib/sources/ews";
import { isRecord } from "../../lib/sources/errors";
import { errorStatus } from "../node-helpers";
import type { EwsServerNode } from "../elfe-ews-server/elfe-ews-server";

interface EwsWriteDef extends NodeDef {
  server: string;
  itemId: string;
}

const scalar = (v: unknown): v is string | number | boolean => typeof v === "string" || typeof v === "number" || typeof v === "boolean";

/** What to write: the node's id with msg.payload, or {id: value, …} / [{id, value}, …] in msg.payload. */
export function itemsOf(fixedId: string, msg: { payload?: unknown; topic?: unknown }): SetItem[] {
  const p = msg.payload;
  const id = fixedId || (typeof msg.topic === "string" ? msg.topic : "");
  if (id && scalar(p)) return [{ id, value: p }];
  if (Array.isArray(p)) return p.filter((x): x is { id: string; value: string | number | boolean } => isRecord(x) && typeof x.id === "string" && scalar(x.value)).map((x) => ({ id: x.id, value: x.value }));
  if (isRecord(p) && !id) return Object.entries(p).filter((e): e is [string, string | number | boolean] => scalar(e[1])).map(([k, v]) => ({ id: k, value: v }));
  return [];
}

export default function register(RED: NodeAPI): void {
  function ElfeEwsWrite(this: Node, config: EwsWriteDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const server = RED.nodes.getNode(config.server) as EwsServerNode | null;
    const fixedId = (config.itemId ?? "").trim();
    if (!server) {
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-ews-write.status.noServer") });
      node.on("input", (_msg: NodeMessageInFlow, _send, done) => done(new Error(RED._("elfe-ews-write.errors.noServer"))));
      return;
    }

    node.on("input", async (msg: NodeMessageInFlow, send, done) => {
      try {
        const items = itemsOf(fixedId, msg);
        if (items.length === 0) throw new Error(RED._("elfe-ews-write.errors.nothing"));
        node.status({ fill: "blue", shape: "dot", text: RED._("elfe-ews-write.status.writing") });
        const { results, errors } = await setValues(server.clientOptions(), items);
        const out = msg as NodeMessageInFlow & { ews?: unknown };
        out.ews = { results, errors };
        const failed = itemErrors("SetValues", errors, results);
        if (failed) {
          node.status(errorStatus(failed));
          done(failed);
          return;
        }
        node.status({ fill: "green", shape: "dot", text: RED._("elfe-ews-write.status.written", { value: String(items[items.length - 1].value), time: DateTime.now().toFormat("HH:mm:ss") }) });
        send(out);
        done();
      } catch (err) {
        node.status(errorStatus(err));
        done(err as Error);
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("elfe-ews-write", ElfeEwsWrite);
}
