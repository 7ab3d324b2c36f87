// Config node: one EcoStruxure Web Services endpoint (DataExchange), its SOAP version and its
// credentials. Also serves the edit dialogs' id browser (GetContainerItems) on the admin API.
import type { Node, NodeAPI, NodeCredentials, NodeDef } from "node-red";
import { getContainerItems, type EwsClientOptions, type SoapVersion } from "../../lib/sources/ews";
import { asError, timeoutMs } from "../node-helpers";

interface EwsServerDef extends NodeDef {
  url: string;
  soapVersion: string;
  authScheme: string;
  insecure: boolean;
  timeout: string | number;
}

export interface EwsCredentials {
  user?: string;
  password?: string;
}

export interface EwsServerNode extends Node<EwsCredentials> {
  clientOptions(): EwsClientOptions;
}

export default function register(RED: NodeAPI): void {
  function ElfeEwsServer(this: Node<EwsCredentials>, config: EwsServerDef) {
    RED.nodes.createNode(this, config);
    const node = this as EwsServerNode;
    const soapVersion: SoapVersion = config.soapVersion === "1.1" ? "1.1" : "1.2";
    const scheme = config.authScheme === "basic" || config.authScheme === "digest" ? config.authScheme : "auto";
    node.clientOptions = () => ({
      url: config.url,
      soapVersion,
      timeoutMs: timeoutMs(config.timeout, 10),
      rejectUnauthorized: !config.insecure,
      auth: node.credentials?.user ? { user: node.credentials.user, password: node.credentials.password ?? "", scheme } : undefined,
    });
  }
  const credentials: NodeCredentials<EwsCredentials> = { user: { type: "text" }, password: { type: "password" } };
  RED.nodes.registerType("elfe-ews-server", ElfeEwsServer, { credentials });

  // The dialogs browse a deployed server: GET …/elfe-ews-server/<id>/browse?container=<id>
  RED.httpAdmin.get("/elfe-ews-server/:id/browse", RED.auth.needsPermission("elfe-ews-server.read"), (req, res) => {
    const server = RED.nodes.getNode(String(req.params.id)) as EwsServerNode | null;
    if (!server || typeof server.clientOptions !== "function") {
      res.status(404).json({ error: RED._("elfe-ews-server.errors.notDeployed") });
      return;
    }
    const container = typeof req.query.container === "string" ? req.query.container : "";
    getContainerItems(server.clientOptions(), [container])
      .then((r) => res.json(r))
      .catch((err: unknown) => res.status(502).json({ error: asError(err).message }));
  });
}
