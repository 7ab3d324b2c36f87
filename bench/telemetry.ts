// bench:telemetry — a Node-RED runtime with core `mqtt in` → translators for 1 000 simulated
// devices (Shelly gen1, Shelly gen2, Tasmota, Socorel), at rising rates, against a bare pipeline
// (`mqtt in` → a trivial function node) on the same broker. Prints, per rate: messages received
// of those sent, p50/p99 latency (publish → Reading), CPU and RSS of the Node-RED process.
//
// The broker is a Mosquitto of our own on a free port with `set_tcp_nodelay true`; the publisher
// disables Nagle on its socket and caps its unflushed publishes (see issue 9's measured pitfalls).
// Latency rides in the telemetry itself: each payload's energy (or power) counter is its publish
// time in ms since the run began, so the Reading carries it back without any extra field.
//
// Env: BENCH_RATES (msg/s, comma-separated, default 2000,5000,10000,20000), BENCH_SECONDS (5).
import { fork, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as netServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import mqtt from "mqtt";
import { TRANSLATORS } from "../lib/devices";

const DEVICES = 1000;
const FAMILIES = ["shelly-gen1", "shelly-gen2", "tasmota", "socorel"] as const;
type Pipeline = "bare" | "translators";

interface StepStats {
  received: number;
  p50: number;
  p99: number;
  max: number;
  cpuPct: number;
  rssMb: number;
}

/** Topic and payload of device i's telemetry carrying `t` (ms since the run began). */
function telemetry(i: number, t: number, pipeline: Pipeline): [string, string] {
  const family = FAMILIES[i % FAMILIES.length];
  const topic =
    family === "shelly-gen1" ? `bench/shellies/plug-${i}/relay/0/energy` :
    family === "shelly-gen2" ? `bench/g2/sw-${i}/status/switch:0` :
    family === "tasmota" ? `bench/t/tele/tas-${i}/SENSOR` :
    `bench/Socorel/ctl-${i}/PA1MN`;
  if (pipeline === "bare") return [topic, `{"t":${t}}`];
  const payload =
    family === "shelly-gen1" ? String(t * 60) : // watt-minutes: the Reading's Wh is t
    family === "shelly-gen2" ? JSON.stringify({ id: 0, source: "MQTT", output: true, apower: 412.3, voltage: 231.4, aenergy: { total: t, by_minute: [0, 0, 0], minute_ts: 0 } }) :
    family === "tasmota" ? JSON.stringify({ Time: "2026-05-02T12:00:30", ENERGY: { Total: t / 1000, Power: 412, Voltage: 231, Current: 1.8 } }) :
    String(t); // Socorel PA1MN power (W)
  return [topic, payload];
}

function flows(pipeline: Pipeline, port: number): object[] {
  const tab = { id: "tab", type: "tab", label: "bench" };
  const broker = { id: "broker", type: "mqtt-broker", broker: "127.0.0.1", port: String(port), clientid: "", autoConnect: true, protocolVersion: "4", keepalive: "60", cleansession: true };
  const sink = { id: "sink", z: "tab", type: "function", func: "global.get('sink')(msg.payload); return null;", outputs: 0, wires: [] };
  const mqttIn = (id: string, topic: string, next: string) => ({ id, z: "tab", type: "mqtt in", topic, qos: "0", datatype: "auto-detect", broker: "broker", nl: false, rap: false, inputs: 0, wires: [[next]] });
  if (pipeline === "bare") return [tab, broker, sink, mqttIn("in", "bench/#", "sink")];
  const translator = (id: string, type: string, extra: object) => ({ id, z: "tab", type, devices: "", timeoutS: 10, retries: 0, ...extra, wires: [[], ["sink"], []] });
  return [
    tab,
    broker,
    sink,
    mqttIn("in1", "bench/shellies/+/relay/0/energy", "tr1"),
    translator("tr1", "elfe-shelly-gen1", { base: "bench/shellies" }),
    mqttIn("in2", "bench/g2/+/status/switch:0", "tr2"),
    translator("tr2", "elfe-shelly-gen2", { base: "bench/g2", replyTopic: "bench/ctl" }),
    mqttIn("in3", "bench/t/tele/+/SENSOR", "tr3"),
    translator("tr3", "elfe-tasmota", { base: "bench/t" }),
    mqttIn("in4", "bench/Socorel/+/PA1MN", "tr4"),
    translator("tr4", "elfe-socorel", { base: "bench/Socorel" }),
  ];
}

// ---------------------------------------------------------------- Node-RED side (child process)
async function nodeRedChild(pipeline: Pipeline, port: number, epoch: number): Promise<void> {
  const root = resolve(__dirname, "..");
  const userDir = mkdtempSync(join(tmpdir(), "elfe-bench-"));
  mkdirSync(join(userDir, "node_modules"));
  symlinkSync(root, join(userDir, "node_modules", "node-red-contrib-elfe"), "dir");
  writeFileSync(join(userDir, "package.json"), JSON.stringify({ name: "bench", private: true, dependencies: { "node-red-contrib-elfe": "*" } }));
  writeFileSync(join(userDir, "flows.json"), JSON.stringify(flows(pipeline, port)));
  let latencies: number[] = [];
  const sink = (payload: { t?: number; energyWh?: number; powerW?: number }) => {
    const t = pipeline === "bare" ? payload.t : (payload.energyWh ?? payload.powerW);
    if (typeof t === "number") latencies.push(Date.now() - epoch - t);
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RED = require("node-red");
  RED.init(createServer(), {
    userDir,
    flowFile: "flows.json",
    httpAdminRoot: false,
    httpNodeRoot: false,
    credentialSecret: false,
    functionGlobalContext: { sink },
    logging: { console: { level: "warn", metrics: false, audit: false } },
    editorTheme: { projects: { enabled: false } },
  });
  await RED.start();
  let cpu = process.cpuUsage();
  let wall = Date.now();
  process.on("message", (m: { cmd: string }) => {
    if (m.cmd === "reset") {
      latencies = [];
      cpu = process.cpuUsage();
      wall = Date.now();
      process.send!({ cmd: "reset-done" });
    } else if (m.cmd === "stats") {
      const used = process.cpuUsage(cpu);
      const sorted = latencies.slice().sort((a, b) => a - b);
      const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);
      const stats: StepStats = {
        received: sorted.length,
        p50: pct(0.5),
        p99: pct(0.99),
        max: sorted.length ? sorted[sorted.length - 1] : NaN,
        cpuPct: ((used.user + used.system) / 1000 / (Date.now() - wall)) * 100,
        rssMb: process.memoryUsage().rss / 2 ** 20,
      };
      process.send!({ cmd: "stats", stats });
    } else if (m.cmd === "stop") {
      RED.stop().finally(() => {
        rmSync(userDir, { recursive: true, force: true });
        process.exit(0);
      });
    }
  });
  // mqtt in subscribes shortly after start
  setTimeout(() => process.send!({ cmd: "ready" }), 3000);
}

// ---------------------------------------------------------------- orchestrator and publisher
const ask = <T>(child: ChildProcess, cmd: string, reply: string) =>
  new Promise<T>((resolveAsk) => {
    const on = (m: { cmd: string; stats?: T }) => {
      if (m.cmd !== reply) return;
      child.off("message", on);
      resolveAsk(m.stats as T);
    };
    child.on("message", on);
    child.send({ cmd });
  });

async function freePort(): Promise<number> {
  const s = netServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function startMosquitto(): Promise<{ port: number; stop(): void }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "elfe-bench-mosq-"));
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\npersistence false\nmax_queued_messages 100000\n`);
  const proc = spawn("mosquitto", ["-c", conf], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 500));
  if (proc.exitCode !== null) throw new Error("mosquitto did not start (is it installed?)");
  return { port, stop: () => (proc.kill("SIGTERM"), rmSync(dir, { recursive: true, force: true })) };
}

/** Publishes at `rate` msg/s for `seconds`, round-robin over the devices; returns how many were sent. */
async function publish(url: string, pipeline: Pipeline, rate: number, seconds: number, epoch: number): Promise<number> {
  const client = await mqtt.connectAsync(url, { clientId: `bench-pub-${process.pid}` });
  (client.stream as Socket).setNoDelay?.(true);
  let sent = 0;
  let unflushed = 0;
  let device = 0;
  const start = Date.now();
  const end = start + seconds * 1000;
  while (Date.now() < end) {
    const due = Math.floor(((Date.now() - start) / 1000) * rate);
    while (sent < due && unflushed < 300) {
      const [topic, payload] = telemetry(device, Date.now() - epoch, pipeline);
      device = (device + 1) % DEVICES;
      unflushed++;
      sent++;
      client.publish(topic, payload, { qos: 0 }, () => unflushed--);
    }
    await new Promise((r) => setImmediate(r));
  }
  await client.endAsync();
  return sent;
}

/** The translators alone, in this process: CPU time per message, without Node-RED or MQTT. */
function libOnly(): string {
  const options = { "shelly-gen1": { base: "bench/shellies" }, "shelly-gen2": { base: "bench/g2" }, tasmota: { base: "bench/t" }, socorel: { base: "bench/Socorel" } };
  const translators = FAMILIES.map((f) => TRANSLATORS[f](options[f]));
  const messages = Array.from({ length: DEVICES }, (_, i) => telemetry(i, 123456, "translators"));
  const rounds = 50;
  const start = process.cpuUsage();
  const now = new Date();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < DEVICES; i++) {
      const [topic, text] = messages[i];
      const payload = i % 4 === 1 || i % 4 === 2 ? JSON.parse(text) : text; // what mqtt in's auto-detect hands over
      translators[i % 4].parse({ topic, payload }, now);
    }
  }
  const used = process.cpuUsage(start);
  const perMsg = (used.user + used.system) / (rounds * DEVICES);
  return `translators alone (no Node-RED, no MQTT): ${perMsg.toFixed(1)} µs CPU per message (≈ ${Math.round(1e6 / perMsg)} msg/s on one core)`;
}

async function main(): Promise<void> {
  const lib = libOnly();
  const rates = (process.env.BENCH_RATES ?? "2000,5000,10000,20000").split(",").map(Number);
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const broker = await startMosquitto();
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const epoch = Date.now();
  const rows: string[][] = [];
  const best: Record<Pipeline, number> = { bare: 0, translators: 0 };
  try {
    for (const pipeline of ["bare", "translators"] as Pipeline[]) {
      const child = fork(__filename, ["node-red", pipeline, String(broker.port), String(epoch)], { stdio: "inherit" });
      await new Promise<void>((r) => child.once("message", () => r()));
      await publish(url, pipeline, 500, 2, epoch); // warm-up (JIT, first subscriptions), not reported
      await new Promise((r) => setTimeout(r, 1000));
      for (const rate of rates) {
        await ask(child, "reset", "reset-done");
        const sent = await publish(url, pipeline, rate, seconds, epoch);
        // Drain: wait until nothing more arrives (or everything did), at most 10 s.
        let s = await ask<StepStats>(child, "stats", "stats");
        const cpuPct = s.cpuPct; // over the publishing period, before the drain
        for (let waited = 0; s.received < sent && waited < 10_000; waited += 500) {
          await new Promise((r) => setTimeout(r, 500));
          const again = await ask<StepStats>(child, "stats", "stats");
          const stalled = again.received === s.received;
          s = again;
          if (stalled && waited >= 1500) break;
        }
        const ok = s.received === sent && s.p99 < 50;
        if (ok) best[pipeline] = Math.max(best[pipeline], (sent / seconds) | 0);
        rows.push([pipeline, String(rate), String((sent / seconds) | 0), `${s.received}/${sent}`, s.p50.toFixed(0), s.p99.toFixed(0), s.max.toFixed(0), cpuPct.toFixed(0), s.rssMb.toFixed(0), ok ? "yes" : "no"]);
      }
      const exited = new Promise((r) => child.once("exit", r));
      child.send({ cmd: "stop" });
      await exited;
    }
  } finally {
    broker.stop();
  }
  const head = ["pipeline", "target/s", "sent/s", "received", "p50 ms", "p99 ms", "max ms", "CPU %", "RSS MB", "sustained"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i])).join("  ");
  console.log(`\n${DEVICES} devices (${FAMILIES.join(", ")}), ${seconds} s per rate, QoS 0, Mosquitto with TCP_NODELAY\n`);
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  const ratio = best.bare ? (best.translators / best.bare) * 100 : NaN;
  console.log(`\n${lib}`);
  console.log(`sustained (no loss, p99 < 50 ms): bare ${best.bare} msg/s, translators ${best.translators} msg/s (${ratio.toFixed(0)} % of bare; target ≥ 80 %)`);
}

if (process.argv[2] === "node-red") {
  void nodeRedChild(process.argv[3] as Pipeline, Number(process.argv[4]), Number(process.argv[5]));
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
