// `npm start`'s launcher: an embedded broker, simulated plugs, Node-RED with our package and the
// demo territory flow deployed. Within a bounded time the placement shows a plan, the plan chart
// holds it, a simulated plug received its order and the translator confirmed it from telemetry
// (statuses read through the editor's websocket, as the editor shows them).
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

interface Status {
  fill?: string;
  text?: string;
}

describe("npm start (demo launcher)", function () {
  this.timeout(90_000);
  let red: ChildProcess | undefined;
  let ws: WebSocket | undefined;
  afterEach(async function () {
    ws?.close();
    if (red && red.exitCode === null) {
      const exited = new Promise((resolve) => red!.once("exit", resolve));
      red.kill("SIGINT");
      await exited;
    }
  });

  it("runs the demo territory: a plan placed and charted, orders obeyed by the simulated plugs and confirmed", async function () {
    const port = await freePort();
    red = spawn(process.execPath, [join(root, "scripts", "demo.js")], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    red.stdout!.on("data", (c) => (out += c));
    red.stderr!.on("data", (c) => (out += c));
    const until = async (what: string, ok: () => boolean, ms = 60_000) => {
      const deadline = Date.now() + ms;
      while (!ok()) {
        if (red!.exitCode !== null) throw new Error(`demo exited with ${red!.exitCode}: ${out}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await until("the ready line", () => out.includes("ELFE demo ready: open http://127.0.0.1:"), 30_000);
    const base = `http://127.0.0.1:${port}`;
    assert.match(out, /Embedded MQTT broker on mqtt:\/\/127\.0\.0\.1:\d+/);
    assert.ok(out.includes(`Plan page: ${base}/elfe/plan`), out);

    // Statuses reach the editor through its websocket: subscribe before the flow has done much.
    const statuses = new Map<string, Status[]>();
    ws = new WebSocket(`ws://127.0.0.1:${port}/comms`);
    ws.on("message", (data) => {
      for (const m of JSON.parse(data.toString()) as { topic: string; data: Status }[]) {
        if (!m.topic.startsWith("status/")) continue;
        const id = m.topic.slice("status/".length);
        statuses.set(id, [...(statuses.get(id) ?? []), m.data]);
      }
    });
    await new Promise((resolve) => ws!.once("open", resolve));
    ws.send(JSON.stringify({ subscribe: "status/#" }));

    const sets = (await (await fetch(`${base}/nodes`, { headers: { Accept: "application/json" } })).json()) as { id: string; enabled: boolean; err?: string }[];
    const ours = sets.filter((s) => s.id.startsWith("node-red-contrib-elfe/"));
    assert.ok(ours.some((s) => s.id === "node-red-contrib-elfe/elfe-dispatch"));
    assert.ok(ours.every((s) => s.enabled && !s.err), JSON.stringify(ours));
    const flows = (await (await fetch(`${base}/flows`)).json()) as { type: string; id: string }[];
    const idOf = (type: string) => {
      const n = flows.find((f) => f.type === type);
      assert.ok(n, `the demo flow has a ${type}`);
      return n.id;
    };
    const broker = flows.find((f) => f.type === "mqtt-broker") as { broker?: string; port?: string } | undefined;
    assert.deepEqual([broker?.broker, broker?.port], ["${ELFE_MQTT_HOST}", "${ELFE_MQTT_PORT}"], "the flow learns the embedded broker's address from the environment");

    // The plan chart holds a plan of the four demo devices (GET /elfe/plans is open without adminAuth).
    await until("the first orders", () => out.includes("[sim]"), 60_000); // they follow the first plan
    const charts = (await (await fetch(`${base}/elfe/plans`)).json()) as { id: string }[];
    const chart = charts.find((c) => c.id === idOf("elfe-plan-chart"));
    assert.ok(chart, JSON.stringify(charts).slice(0, 300));
    assert.ok(JSON.stringify(chart).includes("ecs-demo") && JSON.stringify(chart).includes("ev-demo"), JSON.stringify(chart).slice(0, 300));

    // The hot-water tank must heat in the coming hour: its Tasmota plug is switched on at once...
    await until("the tank's order", () => out.includes("[sim] hot-water tank (Tasmota ecs01) received cmnd/ecs01/POWER ON"));
    // ... and the translator confirms it from the plug's answer; the placement shows its plan.
    const tasmota = idOf("elfe-tasmota");
    const placement = idOf("elfe-placement");
    const chartId = idOf("elfe-plan-chart");
    // Statuses sent before the websocket subscribed are replayed by Node-RED to new subscribers.
    await until("the tank's confirmation", () => (statuses.get(tasmota) ?? []).some((s) => s.fill === "green" && /ecs-demo on confirmed/.test(s.text ?? "")), 20_000);
    await until("the placement's plan status", () => (statuses.get(placement) ?? []).some((s) => s.fill === "green"), 5_000);
    await until("the chart's status", () => (statuses.get(chartId) ?? []).some((s) => s.fill === "green"), 5_000);
    const dispatchStatus = (statuses.get(idOf("elfe-dispatch")) ?? []).at(-1);
    assert.equal(dispatchStatus?.fill, "green", JSON.stringify(dispatchStatus));

    // The plan page of operators is served too.
    const page = await fetch(`${base}/elfe/plan`);
    assert.equal(page.status, 200);

    // Ctrl-C stops Node-RED, the plugs and the broker, and the launcher exits.
    ws.close();
    const exited = new Promise<number | null>((resolve) => red!.once("exit", resolve));
    red.kill("SIGINT");
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("still running"), 15_000))]);
    assert.equal(code, 0, out.slice(-2000));
  });
});
