// A laptop's battery service (the room's Flask WSSystemPowerStatus): GET /getBattery answers
// {"BatteryFlag": n, "ACLineStatus": m[, "BatteryLifePercent": p]} as text/html, like Flask does.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface BatteryState {
  flag: number;
  ac: number;
  /** Sent only when set (the seed's server leaves it out). */
  life?: number;
}

export class FakeBattery {
  state: BatteryState;
  mode: "ok" | "garbage" | "slow" | "html" | "error500" | "empty" = "ok";
  slowMs = 3000;
  hits = 0;
  url = "";
  private server?: Server;

  constructor(state: BatteryState = { flag: 1, ac: 1 }) {
    this.state = state;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.hits++;
      if (req.method !== "GET" || req.url !== "/getBattery") return void res.writeHead(404, { "Content-Type": "text/html" }).end("<h1>Not Found</h1>");
      const body = () => {
        const s = this.state;
        return `{"BatteryFlag": ${s.flag}, "ACLineStatus": ${s.ac}${s.life === undefined ? "" : `, "BatteryLifePercent": ${s.life}`}}`;
      };
      switch (this.mode) {
        case "garbage":
          return void res.writeHead(200, { "Content-Type": "text/html" }).end('{"BatteryFlag": 8, "ACLin');
        case "html":
          return void res.writeHead(200, { "Content-Type": "text/html" }).end("<html><body>IIS Windows Server</body></html>");
        case "error500":
          return void res.writeHead(500, { "Content-Type": "text/html" }).end("<h1>Internal Server Error</h1>");
        case "empty":
          return void res.writeHead(200, { "Content-Type": "text/html" }).end("");
        case "slow": {
          const t = setTimeout(() => res.writeHead(200, { "Content-Type": "text/html" }).end(body()), this.slowMs);
          res.on("close", () => clearTimeout(t));
          return;
        }
        default:
          return void res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(body());
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/getBattery`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A port nothing listens on (connection refused). */
export async function closedPortUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}/getBattery`;
}
