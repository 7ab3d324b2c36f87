// `npm start`'s launcher: Node-RED comes up with our package loaded and the demo flow deployed,
// and the slot clock shows a status in the editor (read through the editor's websocket).
import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import WebSocket from "ws";

const root = join(__dirname, "..", "..");

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("npm start (demo launcher)", function () {
  this.timeout(60_000);
  let red: ChildProcess | undefined;
  afterEach(async function () {
    if (red && red.exitCode === null) {
      const exited = new Promise((resolve) => red!.once("exit", resolve));
      red.kill("SIGINT");
      await exited;
    }
  });

  it("brings Node-RED up with the slot clock flow deployed and showing a status", async function () {
    const port = await freePort();
    red = spawn(process.execPath, [join(root, "scripts", "demo.js")], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    await new Promise<void>((resolve, reject) => {
      red!.stdout!.on("data", (c) => {
        out += c;
        if (out.includes("ELFE demo ready: open http://127.0.0.1:")) resolve();
      });
      red!.once("exit", (code) => reject(new Error(`Node-RED exited with ${code}: ${out}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    const sets = (await (await fetch(`${base}/nodes`, { headers: { Accept: "application/json" } })).json()) as { id: string; enabled: boolean; err?: string }[];
    const ours = sets.filter((s) => s.id.startsWith("node-red-contrib-elfe/"));
    assert.ok(ours.some((s) => s.id === "node-red-contrib-elfe/elfe-slot-clock"));
    assert.ok(ours.every((s) => s.enabled && !s.err), JSON.stringify(ours));
    const flows = (await (await fetch(`${base}/flows`)).json()) as { type: string; id: string }[];
    const clock = flows.find((n) => n.type === "elfe-slot-clock");
    assert.ok(clock, "the demo flow has a slot clock");

    // The editor learns node statuses through its websocket: ask the clock for a tick via its inject.
    const ws = new WebSocket(`ws://127.0.0.1:${port}/comms`);
    const status = new Promise<{ fill: string; text: string }>((resolve) => {
      ws.on("message", (data) => {
        for (const m of JSON.parse(data.toString()) as { topic: string; data: { fill: string; text: string } }[]) {
          if (m.topic === `status/${clock!.id}` && m.data.fill === "green") resolve(m.data);
        }
      });
    });
    await new Promise((resolve) => ws.once("open", resolve));
    ws.send(JSON.stringify({ subscribe: "status/#" }));
    const inject = flows.find((n) => n.type === "inject")!;
    await fetch(`${base}/inject/${inject.id}`, { method: "POST" });
    const seen = await status;
    ws.close();
    assert.match(seen.text, /^\d\d:\d\d · slot \d+\/(92|96|100)$/);
  });
});
