// Config node: a Jeedom box (base URL, API key as a credential, simple or JSON-RPC API).
import type { Node, NodeAPI, NodeCredentials, NodeDef } from "node-red";
import type { Request, Response } from "express";
import { JeedomClient, type JeedomApi } from "../../lib/sources/jeedom";
import { asError } from "../node-helpers";

interface JeedomServerDef extends NodeDef {
  url: string;
  api: string;
  timeoutSeconds: string | number;
}

interface JeedomServerCreds {
  apiKey?: string;
}

export interface JeedomServerNode extends Node<JeedomServerCreds> {
  client?: JeedomClient;
  configError?: string;
}

export default function register(RED: NodeAPI): void {
  function ElfeJeedomServer(this: Node<JeedomServerCreds>, config: JeedomServerDef) {
    RED.nodes.createNode(this, config);
    const node = this as JeedomServerNode;
    try {
      node.client = new JeedomClient({
        url: config.url,
        apiKey: node.credentials?.apiKey ?? "",
        api: (config.api === "jsonrpc" ? "jsonrpc" : "http") as JeedomApi,
        timeoutMs: Math.max(1, Number(config.timeoutSeconds) || 5) * 1000,
      });
    } catch (err) {
      node.configError = asError(err).message;
      node.error(RED._("elfe-jeedom-server.errors.invalid", { error: node.configError }));
    }
  }
  const credentials: NodeCredentials<JeedomServerCreds> = { apiKey: { type: "password" } };
  RED.nodes.registerType("elfe-jeedom-server", ElfeJeedomServer, { credentials });

  // For the edit dialogs: what a command id is (name, type, unit, value), from the deployed server.
  RED.httpAdmin.get("/elfe-jeedom-server/:id/cmd/:cmd", RED.auth.needsPermission("elfe-jeedom-server.read"), (req: Request, res: Response) => {
    const server = RED.nodes.getNode(String(req.params.id)) as JeedomServerNode | null;
    if (!server?.client) return void res.status(404).json({ error: "Jeedom server not deployed yet: deploy it, then open this dialog again" });
    const id = Number(req.params.cmd);
    if (!Number.isInteger(id) || id <= 0) return void res.status(400).json({ error: "not a command id" });
    const probe = new JeedomClient({ url: server.client.endpoint, apiKey: server.credentials?.apiKey ?? "", api: "jsonrpc", timeoutMs: server.client.timeoutMs });
    probe.byId(id).then(
      (cmd) => res.json(cmd),
      (err: unknown) => res.status(502).json({ error: asError(err).message }),
    );
  });
}
