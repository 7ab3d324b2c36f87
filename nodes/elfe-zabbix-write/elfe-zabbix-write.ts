// Pushes readings or indicators to Zabbix: history.push on 7.0+, the trapper (sender protocol)
// on 6.0 or when chosen. Per-value failures the server reports go to Catch nodes.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { pushHistory, sendValues, toPushValues, type PushResult } from "../../lib/sources/zabbix";
import { asError } from "../node-helpers";
import type { ZabbixServerNode } from "../elfe-zabbix-server/elfe-zabbix-server";

interface ZabbixWriteDef extends NodeDef {
  server: string;
  method: string;
  host: string;
  keyPrefix: string;
}

export default function register(RED: NodeAPI): void {
  function ElfeZabbixWrite(this: Node, config: ZabbixWriteDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const server = RED.nodes.getNode(config.server) as ZabbixServerNode | null;

    node.on("input", async (msg: NodeMessageInFlow, send, done) => {
      const fail = (err: Error) => {
        node.status({ fill: "red", shape: "ring", text: RED._("elfe-zabbix-write.status.error", { error: err.message.slice(0, 50) }) });
        done(err);
      };
      if (!server || !server.client) return fail(new Error(server?.configError ?? RED._("elfe-zabbix-write.errors.noServer")));
      try {
        const values = toPushValues(msg.payload, { host: config.host || undefined, topic: typeof msg.topic === "string" ? msg.topic : undefined, keyPrefix: config.keyPrefix || undefined });
        let method = config.method === "history.push" || config.method === "trapper" ? config.method : undefined;
        if (!method) method = (await server.client.version()).major >= 7 ? "history.push" : "trapper";
        let result: PushResult;
        if (method === "history.push") result = await pushHistory(server.client, values);
        else {
          const trapper = server.trapper();
          if (!trapper) throw new Error(RED._("elfe-zabbix-write.errors.noTrapper"));
          result = await sendValues(trapper, values);
        }
        send({ ...msg, payload: result });
        if (result.failed > 0) {
          node.status({ fill: "yellow", shape: "dot", text: RED._("elfe-zabbix-write.status.partial", { processed: result.processed, failed: result.failed }) });
          const detail = result.failures.map((f) => (f.index >= 0 ? `#${f.index} ${f.itemid ?? `${f.host}:${f.key}`}: ${f.error}` : f.error)).join("; ");
          done(new Error(RED._("elfe-zabbix-write.errors.failed", { failed: result.failed, total: result.total, detail })));
          return;
        }
        node.status({ fill: "green", shape: "dot", text: RED._("elfe-zabbix-write.status.sent", { processed: result.processed, method }) });
        done();
      } catch (err) {
        fail(asError(err));
      }
    });

    node.on("close", (done: () => void) => {
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("elfe-zabbix-write", ElfeZabbixWrite);
}
