// A local Jeedom for tests: core/api/jeeApi.php with the simple API (`type=cmd`, plain-text
// values, errors as French text with HTTP 200) and JSON-RPC 2.0 (raw body or form field
// `request=`), Z-Wave plugs whose on/off actions change their state and power, banned IPs (404).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeCmd {
  id: number;
  name: string;
  type: "info" | "action";
  subType: string;
  eqLogicId: number;
  unit?: string;
  value?: string;
  /** For actions: what they do. */
  run?: () => void;
}

export class FakeJeedom {
  apiKey: string;
  cmds = new Map<number, FakeCmd>();
  requests: { api: "simple" | "jsonrpc"; id: unknown; method?: string; url: string }[] = [];
  fault: "html" | "slow" | "garbage-json" | undefined;
  /** Z-Wave latency: state changes this long after an action. */
  stateDelayMs = 0;
  badKeyCount = 0;
  banAfter = 5;
  url = "";
  private server?: Server;

  constructor(apiKey = "K3yJeedom") {
    this.apiKey = apiKey;
  }

  /** A wall plug: power (W), energy (kWh), state 0/1, on and off actions; ids from base. */
  addPlug(base: number, eqLogicId: number, powerOn = 45.2, energyKWh = 12.5, on = true): this {
    const power: FakeCmd = { id: base, name: "Puissance", type: "info", subType: "numeric", eqLogicId, unit: "W", value: on ? String(powerOn) : "0" };
    const energy: FakeCmd = { id: base + 1, name: "Consommation", type: "info", subType: "numeric", eqLogicId, unit: "kWh", value: String(energyKWh) };
    const state: FakeCmd = { id: base + 2, name: "Etat", type: "info", subType: "binary", eqLogicId, value: on ? "1" : "0" };
    const set = (v: boolean) => {
      const apply = () => {
        state.value = v ? "1" : "0";
        power.value = v ? String(powerOn) : "0";
      };
      if (this.stateDelayMs) setTimeout(apply, this.stateDelayMs);
      else apply();
    };
    const onCmd: FakeCmd = { id: base + 3, name: "On", type: "action", subType: "other", eqLogicId, run: () => set(true) };
    const offCmd: FakeCmd = { id: base + 4, name: "Off", type: "action", subType: "other", eqLogicId, run: () => set(false) };
    for (const c of [power, energy, state, onCmd, offCmd]) this.cmds.set(c.id, c);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", "http://x");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    if (u.pathname !== "/core/api/jeeApi.php") return void res.writeHead(404, { "Content-Type": "text/html" }).end("<html><body>Not Found</body></html>");
    if (this.badKeyCount >= this.banAfter) return void res.writeHead(404, { "Content-Type": "text/html" }).end("<html><body><h1>404 Not Found</h1></body></html>");
    if (this.fault === "slow") await new Promise((r) => setTimeout(r, 2000));
    if (this.fault === "html") return void res.writeHead(200, { "Content-Type": "text/html" }).end("<!DOCTYPE html><html><body>Jeedom est en cours de mise à jour</body></html>");
    // POST form fields and query string mix; the query string wins.
    const form = (req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded") ? new URLSearchParams(body) : new URLSearchParams();
    const param = (k: string) => u.searchParams.get(k) ?? form.get(k) ?? undefined;
    const text = (s: string): void => void res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(s);
    if (param("type") !== undefined) {
      this.requests.push({ api: "simple", id: param("id"), url: req.url ?? "" });
      if (param("apikey") !== this.apiKey) {
        this.badKeyCount++;
        return text("Vous n'êtes pas autorisé à effectuer cette action, IP : 127.0.0.1");
      }
      if (param("type") !== "cmd") return text(`Aucune méthode correspondante : ${param("type")}`);
      const rawId = param("id") ?? "";
      let ids: number[];
      try {
        const parsed: unknown = JSON.parse(rawId);
        ids = Array.isArray(parsed) ? parsed.map(Number) : [Number(parsed)];
      } catch {
        ids = [Number(rawId)];
      }
      const missing = ids.find((id) => !this.cmds.has(id));
      if (missing !== undefined) return text(`Aucune commande correspondant à l'ID : ${rawId}`);
      const values = ids.map((id) => this.exec(id));
      if (rawId.startsWith("[")) return text(JSON.stringify(Object.fromEntries(ids.map((id, i) => [String(id), values[i] ?? ""]))));
      return text(values[0] ?? "");
    }
    // JSON-RPC: raw body, or form field request= (older cores).
    const raw = form.get("request") ?? body;
    let rpc: { jsonrpc?: string; id?: unknown; method?: string; params?: Record<string, unknown> };
    try {
      rpc = JSON.parse(raw);
    } catch {
      return this.rpcError(res, null, -32700, "Requête invalide");
    }
    this.requests.push({ api: "jsonrpc", id: rpc.params?.id, method: rpc.method, url: req.url ?? "" });
    if (this.fault === "garbage-json") return void res.writeHead(200, { "Content-Type": "application/json" }).end('{"jsonrpc":"2.0","id":');
    const id = rpc.id ?? null;
    if (rpc.jsonrpc !== "2.0") return this.rpcError(res, id, -32001, "Requête invalide (version jsonrpc)");
    if (rpc.method === "ping") return this.rpcResult(res, id, "pong");
    const key = rpc.params?.apikey ?? rpc.params?.api;
    if (key !== this.apiKey) {
      this.badKeyCount++;
      return this.rpcError(res, id, -32001, "Vous n'êtes pas autorisé à effectuer cette action");
    }
    const cmdId = Number(rpc.params?.id);
    const cmd = this.cmds.get(cmdId);
    switch (rpc.method) {
      case "cmd::byId":
        if (!cmd) return this.rpcError(res, id, -32701, `Cmd introuvable : ${String(rpc.params?.id)}`);
        return this.rpcResult(res, id, { id: String(cmd.id), logicalId: "", generic_type: null, eqType: "zwavejs", name: cmd.name, order: "0", type: cmd.type, subType: cmd.subType, eqLogic_id: String(cmd.eqLogicId), isHistorized: "1", unite: cmd.unit ?? "", configuration: {}, template: {}, display: {}, value: null, isVisible: "1", alert: {}, currentValue: cmd.value ?? null });
      case "cmd::execCmd": {
        if (!cmd) return this.rpcError(res, id, -32702, `Cmd introuvable : ${String(rpc.params?.id)}`);
        const value = this.exec(cmdId);
        if (cmd.type === "action") return this.rpcResult(res, id, []);
        return this.rpcResult(res, id, { value, collectDate: "2026-06-10 14:03:11" });
      }
      default:
        return this.rpcError(res, id, -32500, `Aucune méthode correspondante : ${String(rpc.method)}`);
    }
  }

  private exec(id: number): string | undefined {
    const cmd = this.cmds.get(id)!;
    if (cmd.type === "action") {
      cmd.run?.();
      return undefined;
    }
    return cmd.value;
  }

  private rpcResult(res: ServerResponse, id: unknown, result: unknown): void {
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id, result }));
  }

  private rpcError(res: ServerResponse, id: unknown, code: number, message: string): void {
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id, error: { code, message } }));
  }
}
