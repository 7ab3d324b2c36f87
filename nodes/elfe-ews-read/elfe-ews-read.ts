// Reads values from an EcoStruxure server (EWS GetValues): several ids into one object, or one
// id (PV production …) as a Reading. Per-id errors go to Catch naming the id; what was read is
// still sent.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { DateTime } from "luxon";
import { getValues, itemErrors } from "../../lib/sources/ews";
import { SourceError } from "../../lib/sources/errors";
import { validateReading } from "../../lib/types";
import { errorStatus } from "../node-helpers";
import type { EwsServerNode } from "../elfe-ews-server/elfe-ews-server";

interface EwsReadDef extends NodeDef {
  server: string;
  ids: string;
  output: string;
  deviceId: string;
  scale: string | number;
}

export function idList(text: unknown): string[] {
  if (Array.isArray(text)) return text.map((v) => String(v).trim()).filter((v) => v !== "");
  if (typeof text !== "string") return [];
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
}

export default function register(RED: NodeAPI): void {
  function ElfeEwsRead(this: Node, config: EwsReadDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const server = RED.nodes.getNode(config.server) as EwsServerNode | null;
    const fixedIds = idList(config.ids);
    const scale = Number(config.scale) || 1;
    const asReading = config.output === "reading";
    if (!server) {
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-ews-read.status.noServer") });
      node.on("input", (_msg: NodeMessageInFlow, _send, done) => done(new Error(RED._("elfe-ews-read.errors.noServer"))));
      return;
    }
    node.status({});

    node.on("input", async (msg: NodeMessageInFlow, send, done) => {
      try {
        const ids = fixedIds.length ? fixedIds : idList(msg.payload);
        if (ids.length === 0) throw new Error(RED._("elfe-ews-read.errors.noIds"));
        node.status({ fill: "blue", shape: "dot", text: RED._("elfe-ews-read.status.reading") });
        const { values, errors } = await getValues(server.clientOptions(), ids);
        const failed = itemErrors("GetValues", errors);
        const out = msg as NodeMessageInFlow & { ews?: unknown };
        out.ews = { values, errors };
        if (asReading) {
          const v = values.find((x) => x.id === ids[0]);
          if (!v) throw failed ?? new SourceError("ews", "remote", `GetValues returned no value for ${ids[0]}`, { id: ids[0] });
          if (v.numeric === null) throw new SourceError("ews", "parse", `${v.id} is not a number: ${JSON.stringify(v.value)}`, { id: v.id });
          out.payload = validateReading.parse({ deviceId: config.deviceId || v.id, ts: DateTime.now().toISO({ suppressMilliseconds: true }), powerW: v.numeric * scale });
        } else {
          out.payload = Object.fromEntries(values.map((v) => [v.id, v.numeric === null ? v.value : v.numeric * scale]));
        }
        if (values.length > 0) send(out);
        if (failed) {
          node.status({ fill: "yellow", shape: "ring", text: RED._("elfe-ews-read.status.partial", { ok: values.length, failed: errors.length }) });
          done(failed);
          return;
        }
        node.status({ fill: "green", shape: "dot", text: RED._("elfe-ews-read.status.read", { count: values.length, time: DateTime.now().toFormat("HH:mm:ss") }) });
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
  RED.nodes.registerType("elfe-ews-read", ElfeEwsRead);
}
