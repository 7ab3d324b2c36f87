// Config node: a Zabbix server's API URL, credentials (API token, or user/password for
// user.login) and optional trapper address. It owns the JSON-RPC client and ends its session on close.
import type { Node, NodeAPI, NodeCredentials, NodeDef } from "node-red";
import type { Request, Response } from "express";
import { getHosts, getItems, ZabbixClient, type TrapperOptions } from "../../lib/sources/zabbix";
import { asError } from "../node-helpers";

interface ZabbixServerDef extends NodeDef {
  url: string;
  timeoutSeconds: string | number;
  trapperHost: string;
  trapperPort: string | number;
}

interface ZabbixServerCreds {
  token?: string;
  username?: string;
  password?: string;
}

export interface ZabbixServerNode extends Node<ZabbixServerCreds> {
  client?: ZabbixClient;
  configError?: string;
  /** The trapper to push to: the configured one, else the API host on port 10051. */
  trapper(): TrapperOptions | undefined;
}

export default function register(RED: NodeAPI): void {
  function ElfeZabbixServer(this: Node<ZabbixServerCreds>, config: ZabbixServerDef) {
    RED.nodes.createNode(this, config);
    const node = this as ZabbixServerNode;
    const timeoutMs = Math.max(1, Number(config.timeoutSeconds) || 10) * 1000;
    const creds = node.credentials ?? {};
    try {
      node.client = new ZabbixClient({ url: config.url, token: creds.token, username: creds.username, password: creds.password, timeoutMs });
    } catch (err) {
      node.configError = asError(err).message;
      node.error(RED._("elfe-zabbix-server.errors.invalid", { error: node.configError }));
    }
    node.trapper = () => {
      let host = (config.trapperHost ?? "").trim();
      if (!host) {
        try {
          host = new URL(config.url).hostname;
        } catch {
          return undefined;
        }
      }
      const port = Number(config.trapperPort) || 10051;
      return { host, port, timeoutMs };
    };
    node.on("close", (done: () => void) => {
      const client = node.client;
      node.client = undefined;
      if (!client) return done();
      client.close().then(done, done);
    });
  }

  const credentials: NodeCredentials<ZabbixServerCreds> = { token: { type: "password" }, username: { type: "text" }, password: { type: "password" } };
  RED.nodes.registerType("elfe-zabbix-server", ElfeZabbixServer, { credentials });

  // Lists for the edit dialogs of the read/write nodes (from the deployed server node).
  const serverOf = (req: Request, res: Response): ZabbixServerNode | undefined => {
    const server = RED.nodes.getNode(String(req.params.id)) as ZabbixServerNode | null;
    if (!server || !server.client) {
      res.status(404).json({ error: "Zabbix server not deployed yet: deploy it, then open this dialog again" });
      return undefined;
    }
    return server;
  };
  RED.httpAdmin.get("/elfe-zabbix-server/:id/hosts", RED.auth.needsPermission("elfe-zabbix-server.read"), (req: Request, res: Response) => {
    const server = serverOf(req, res);
    if (!server?.client) return;
    getHosts(server.client, typeof req.query.group === "string" ? req.query.group : undefined).then(
      (hosts) => res.json(hosts),
      (err: unknown) => res.status(502).json({ error: asError(err).message }),
    );
  });
  RED.httpAdmin.get("/elfe-zabbix-server/:id/items", RED.auth.needsPermission("elfe-zabbix-server.read"), (req: Request, res: Response) => {
    const server = serverOf(req, res);
    if (!server?.client) return;
    const host = typeof req.query.host === "string" ? req.query.host : "";
    if (!host) return void res.status(400).json({ error: "name a host" });
    getItems(server.client, { host }).then(
      (items) => res.json(items.map((i) => ({ itemid: i.itemid, key: i.key, name: i.name, valueType: i.valueType, units: i.units }))),
      (err: unknown) => res.status(502).json({ error: asError(err).message }),
    );
  });
}
