// One local HTTP peer for the fuzz targets that read through a real client (Zabbix, Jeedom): the
// answer is set per case, so the client's whole path (HTTP, JSON, checks) sees the mutated body.
import type http from "node:http";
import { fakeServer, type FakeServer, type SeenRequest } from "../support/fake-http";

export type Answer = (req: SeenRequest) => { status?: number; body: string; contentType?: string };

export class FuzzPeer {
  private server?: FakeServer;
  answer: Answer = () => ({ body: "" });

  get url(): string {
    if (!this.server) throw new Error("the fuzz peer is not started");
    return this.server.url;
  }

  /** Targets sharing the peer each start and stop it: the server lives while one of them needs it. */
  private users = 0;

  async start(): Promise<void> {
    if (this.users++ > 0) return;
    this.server = await fakeServer((req, res: http.ServerResponse) => {
      if (this.server) this.server.requests.length = 0; // a long bench run keeps no history
      const a = this.answer(req);
      res.writeHead(a.status ?? 200, { "Content-Type": a.contentType ?? "application/json" });
      res.end(a.body);
    });
  }

  async stop(): Promise<void> {
    if (--this.users > 0) return;
    await this.server?.close();
    this.server = undefined;
  }
}
