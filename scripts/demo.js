#!/usr/bin/env node
// `npm start`: an embedded MQTT broker (aedes) on a free loopback port, the demo households'
// simulated devices connected to it (lib/sim/devices: Shelly gen1 and gen2, Tasmota, Socorel,
// SwitchBot, Shelly H&T, an openHASP ELFI screen), and
// Node-RED (from devDependencies) with a user dir under .demo/, this package linked into it and
// examples/demo-territory.json deployed, its coordination database embedded in .demo/ (PGlite):
// simulation → forecast → requests → placement → publish → plan-read → dispatch → translators →
// MQTT → plugs → confirmations, room 4A020 on simulated laptops, indicators.
// `npm start -- --real` uses ELFE_PG_URL and ELFE_MQTT_URL instead of the embedded database and
// broker (the tables go to the schema elfe_demo); `--speed N` runs the nodes' clock N times faster.
// PORT chooses the editor's port (default 1880).
"use strict";
const fs = require("fs");
const net = require("net");
const path = require("path");
const { spawn } = require("child_process");
const { setInterval, clearInterval } = require("timers");
const { URL } = require("url");

const root = path.resolve(__dirname, "..");
const userDir = path.join(root, ".demo");
const port = process.env.PORT || "1880";

const real = process.argv.includes("--real");
/** `--speed N`: the nodes' clock runs N times faster (lib/time/clock.ts), e.g. 96: a day in 15 minutes. */
const speedAt = process.argv.indexOf("--speed");
const speed = speedAt > 0 ? Number(process.argv[speedAt + 1]) : 1;

/** The demo flow, its database pointed at ELFE_PG_URL with --real (password as a credential). */
function demoFlow() {
  const flow = JSON.parse(fs.readFileSync(path.join(root, "examples", "demo-territory.json"), "utf8"));
  if (!real) return { flow, credentials: {} };
  const url = new URL(process.env.ELFE_PG_URL);
  const db = flow.find((n) => n.type === "elfe-database");
  Object.assign(db, { mode: "postgres", host: url.hostname, port: Number(url.port) || 5432, database: url.pathname.slice(1), user: decodeURIComponent(url.username), schema: "elfe_demo" });
  return { flow, credentials: url.password ? { [db.id]: { password: decodeURIComponent(url.password) } } : {} };
}

function prepareUserDir() {
  fs.mkdirSync(path.join(userDir, "node_modules"), { recursive: true });
  const link = path.join(userDir, "node_modules", "node-red-contrib-elfe");
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(root, link, "dir");
  fs.writeFileSync(
    path.join(userDir, "package.json"),
    JSON.stringify({ name: "elfe-demo", private: true, dependencies: { "node-red-contrib-elfe": "file:.." } }, null, 2),
  );
  // The demo flow is rewritten at every start, so the demo always shows the package's current nodes.
  const { flow, credentials } = demoFlow();
  fs.writeFileSync(path.join(userDir, "flows.json"), JSON.stringify(flow, null, 2));
  // credentialSecret is false: a plain credentials file, written only when --real brings a password.
  fs.rmSync(path.join(userDir, "flows_cred.json"), { force: true });
  if (Object.keys(credentials).length) fs.writeFileSync(path.join(userDir, "flows_cred.json"), JSON.stringify(credentials), { mode: 0o600 });
  fs.writeFileSync(
    path.join(userDir, "settings.js"),
    `module.exports = {
  uiPort: ${Number(port)},
  uiHost: "127.0.0.1",
  flowFile: "flows.json",
  credentialSecret: false,
  telemetry: { enabled: false },
  editorTheme: { projects: { enabled: false }, tours: false },
  logging: { console: { level: "info", metrics: false, audit: false } },
};
`,
  );
}

/** aedes on 127.0.0.1, on a port the system picks. */
async function startBroker() {
  const { Aedes } = await import("aedes");
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = () => new Promise((resolve) => broker.close(() => server.close(() => resolve())));
  return { port: server.address().port, close };
}

/** The plugs of the demo households (lib/sim/households.ts); each order they receive is printed. */
async function startDevices(url) {
  const sim = require(path.join(root, "dist", "lib", "sim", "devices.js"));
  const say = (name) => (topic, payload) => process.stdout.write(`[sim] ${name} received ${topic} ${payload}\n`);
  const devices = [
    new sim.ShellyGen1Double({ url, base: "shellies", id: "shellyplug-s-wm01", loadW: 2000, onOrder: say("washing machine Dupont (Shelly gen1 wm01)") }),
    new sim.ShellyGen2Double({ url, prefix: "shellyplus1pm-dw01", loadW: 1800, onOrder: say("dishwasher Martin (Shelly gen2 dw01)") }),
    new sim.TasmotaDouble({ url, topic: "ecs01", loadW: 2000, onOrder: say("hot-water tank Le Goff (Tasmota ecs01)") }),
    new sim.SocorelDouble({ url, base: "Socorel", serial: "sc01", onOrder: say("hot-water tank Riou (Socorel sc01, output 3)") }),
    new sim.ShellyGen2Double({ url, prefix: "shellyplus1pm-ev01", loadW: 3700, onOrder: say("electric car Guérin (Shelly gen2 ev01)") }),
    new sim.SwitchBotDouble({ url, base: "switchbot", hub: "hub1", bot: "C004", loadW: 2400, onOrder: say("dryer Riou (SwitchBot hub1/C004)") }),
    new sim.ShellyHtDouble({ url, base: "shellies", id: "shellyht-4a020" }),
  ];
  // The Dupont household's ELFI screen: it draws what it is sent; printed when a page changes.
  const plate = new sim.OpenHaspDouble({ url, base: "hasp", node: "plate-dupont", onOrder: (topic) => topic.endsWith("/jsonl") && process.stdout.write(`[sim] ELFI screen plate-dupont redrawn (${topic})\n`) });
  devices.push(plate);
  await Promise.all(devices.map((d) => d.start()));
  // Plugs report their power and energy every 30 s, as the real ones do.
  const timer = setInterval(() => devices.forEach((d) => typeof d.telemetry === "function" && d.telemetry()), 30_000);
  return { stop: async () => (clearInterval(timer), await Promise.all(devices.map((d) => d.stop()))) };
}

async function main() {
  if (!(Number.isFinite(speed) && speed >= 1)) throw new Error("--speed needs a number ≥ 1, e.g. --speed 96 for a day in 15 minutes");
  if (real && !(process.env.ELFE_PG_URL && process.env.ELFE_MQTT_URL)) throw new Error("--real needs ELFE_PG_URL (postgres://user:password@host:port/database) and ELFE_MQTT_URL (mqtt://host:port)");
  prepareUserDir();
  const broker = real ? undefined : await startBroker();
  const mqttUrl = real ? process.env.ELFE_MQTT_URL : `mqtt://127.0.0.1:${broker.port}`;
  const { hostname, port: mqttPort } = new URL(mqttUrl);
  const devices = await startDevices(mqttUrl);
  process.stdout.write(`${real ? "MQTT broker" : "Embedded MQTT broker"} on ${mqttUrl} with 7 simulated devices (5 plugs and relays, a SwitchBot, a Shelly H&T) and an ELFI screen; coordination database ${real ? "from ELFE_PG_URL, schema elfe_demo" : "embedded in .demo/elfe-db"}\n`);
  if (speed > 1) process.stdout.write(`Simulated time runs ${speed} times faster: a quarter-hour every ${((15 * 60) / speed).toFixed(1)} s\n`);
  const red = spawn(process.execPath, [require.resolve("node-red/red.js"), "--userDir", userDir, "--settings", path.join(userDir, "settings.js")], {
    stdio: ["inherit", "pipe", "inherit"],
    env: { ...process.env, ELFE_MQTT_HOST: hostname, ELFE_MQTT_PORT: mqttPort || "1883", ELFE_CLOCK_SPEED: String(speed) },
  });
  red.stdout.on("data", (chunk) => {
    process.stdout.write(chunk);
    const m = /Server now running at (\S+)/.exec(chunk.toString());
    if (m) {
      const base = m[1].endsWith("/") ? m[1] : `${m[1]}/`;
      process.stdout.write(`\nELFE demo ready: open ${base} in a browser (the editor; its sidebar tab "Energy plan" shows the plan)\n`);
      process.stdout.write(`Plan page: ${base}elfe/plan   (Ctrl-C to stop)\n\n`);
    }
  });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => red.kill(sig));
  red.on("exit", async (code) => {
    await devices.stop().catch(() => undefined);
    await broker?.close().catch(() => undefined);
    process.exit(code ?? 0);
  });
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
