// `npm start`'s launcher: an embedded broker, simulated plugs, Node-RED with our package and the
// demo territory flow deployed on an embedded database. Within a bounded time the households are
// planned, the plan is published, read back, charted and dispatched, a simulated plug obeyed and
// the translator confirmed it from telemetry, the room loop ran and the indicators came out
// (statuses and debug messages read through the editor's websocket, as the editor shows them).
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
  this.timeout(240_000);
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

  it("runs the demo territory: households in the embedded database, a plan placed, published, read back and charted, orders obeyed by the simulated plugs and confirmed, the room loop and the indicators", async function () {
    const port = await freePort();
    // At 30 times real time: a quarter-hour every 30 s, so the test sees the plan roll over.
    red = spawn(process.execPath, [join(root, "scripts", "demo.js"), "--speed", "30"], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
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
    const debug: { name: string; msg: string }[] = [];
    ws.on("message", (data) => {
      for (const m of JSON.parse(data.toString()) as { topic: string; data: Status & { name: string; msg: string } }[]) {
        if (m.topic === "debug") debug.push(m.data);
        if (!m.topic.startsWith("status/")) continue;
        const id = m.topic.slice("status/".length);
        statuses.set(id, [...(statuses.get(id) ?? []), m.data]);
      }
    });
    await new Promise((resolve) => ws!.once("open", resolve));
    ws.send(JSON.stringify({ subscribe: "status/#" }));
    ws.send(JSON.stringify({ subscribe: "debug" }));

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

    // The simulation writes the households into the embedded database; their plan is placed,
    // published, read back and dispatched: the simulated plugs print the orders they obey.
    await until("the first orders", () => out.includes("[sim]"), 120_000);
    const statusOf = (type: string) => statuses.get(idOf(type)) ?? [];
    // Green, or yellow for a result with warnings (a plan that had to repair a request is still a plan).
    const done = (type: string) => statusOf(type).some((s) => s.fill === "green" || s.fill === "yellow");
    for (const type of ["elfe-sim-territory", "elfe-persistence-forecast", "elfe-placement", "elfe-plan-publish", "elfe-plan-read", "elfe-plan-chart"]) {
      await until(`${type}'s status`, () => done(type), 20_000);
    }
    const charts = (await (await fetch(`${base}/elfe/plans`)).json()) as { id: string }[];
    const chart = charts.find((c) => c.id === idOf("elfe-plan-chart"));
    assert.ok(chart && JSON.stringify(chart).includes("ballon ECS Le Goff"), JSON.stringify(charts).slice(0, 300));

    // The plugs' telemetry comes back through mqtt in → translators: the orders are confirmed.
    await until("a translator's confirmation", () => ["elfe-tasmota", "elfe-socorel", "elfe-shelly-gen1", "elfe-shelly-gen2"].some((t) => statusOf(t).some((s) => s.fill === "green" && /confirmed/.test(s.text ?? ""))), 30_000);
    // The plan begins at the next quarter-hour (ELFE's rule): from then on the dispatch applies it.
    await until("the dispatch applying the plan", () => statusOf("elfe-dispatch").some((s) => s.fill === "green"), 60_000);

    // Time runs faster: the next quarter-hours come, and each one is planned again.
    const ticks = statusOf("elfe-slot-clock").length;
    await until("two more quarter-hours", () => statusOf("elfe-slot-clock").length >= ticks + 2, 90_000);
    assert.match(out, /Simulated time runs 30 times faster/);

    // Room 4A020: the room manager ran a cycle on the simulated laptops; indicators were computed.
    await until("the room manager's cycle", () => done("elfe-room-manager"), 30_000);
    await until("the indicators", () => debug.some((d) => d.name === "indicators"), 30_000);
    // The other device families: the ELFI screen was drawn, the room sensor and the SwitchBot report.
    await until("the ELFI screen's drawing", () => out.includes("[sim] ELFI screen plate-dupont redrawn"), 30_000);
    await until("the room sensor's reading", () => debug.some((d) => d.name === "room 4A020 temperature and humidity"), 60_000);
    assert.deepEqual(
      debug.filter((d) => d.name === "errors").map((d) => d.msg),
      [],
      "nothing reached the demo's catch node",
    );
    assert.deepEqual(out.split("\n").filter((l) => /\[error\]/.test(l)), [], "no node logged an error");

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
