#!/usr/bin/env node
// `npm start`: an embedded MQTT broker (aedes) on a free loopback port, simulated Shelly and
// Tasmota plugs connected to it (lib/sim/devices), and Node-RED (from devDependencies) with a user
// dir under .demo/, this package linked into it and examples/demo-territory.json deployed: the
// forecast → placement → plan chart → dispatch → translators → MQTT → plugs → confirmations loop.
// PORT chooses the editor's port (default 1880). Prints the editor and plan page URLs.
"use strict";
const fs = require("fs");
const net = require("net");
const path = require("path");
const { spawn } = require("child_process");
const { setInterval, clearInterval } = require("timers");

const root = path.resolve(__dirname, "..");
const userDir = path.join(root, ".demo");
const port = process.env.PORT || "1880";

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
  const flow = JSON.parse(fs.readFileSync(path.join(root, "examples", "demo-territory.json"), "utf8"));
  fs.writeFileSync(path.join(userDir, "flows.json"), JSON.stringify(flow, null, 2));
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

/** The simulated plugs of examples/demo-territory.json; each order they receive is printed. */
async function startDevices(url) {
  const sim = require(path.join(root, "dist", "lib", "sim", "devices.js"));
  const say = (name) => (topic, payload) => process.stdout.write(`[sim] ${name} received ${topic} ${payload}\n`);
  const devices = [
    new sim.TasmotaDouble({ url, topic: "ecs01", loadW: 2300, onOrder: say("hot-water tank (Tasmota ecs01)") }),
    new sim.ShellyGen1Double({ url, base: "shellies", id: "shellyplug-s-wm01", loadW: 2000, onOrder: say("washing machine (Shelly gen1 wm01)") }),
    new sim.ShellyGen1Double({ url, base: "shellies", id: "shellyplug-s-dw01", loadW: 1800, onOrder: say("dishwasher (Shelly gen1 dw01)") }),
    new sim.ShellyGen2Double({ url, prefix: "shellyplus1pm-ev01", loadW: 7400, onOrder: say("electric car (Shelly gen2 ev01)") }),
  ];
  await Promise.all(devices.map((d) => d.start()));
  // Plugs report their power and energy every 30 s, as the real ones do.
  const timer = setInterval(() => devices.forEach((d) => d.telemetry()), 30_000);
  return { stop: async () => (clearInterval(timer), await Promise.all(devices.map((d) => d.stop()))) };
}

async function main() {
  prepareUserDir();
  const broker = await startBroker();
  const devices = await startDevices(`mqtt://127.0.0.1:${broker.port}`);
  process.stdout.write(`Embedded MQTT broker on mqtt://127.0.0.1:${broker.port} with 4 simulated plugs\n`);
  const red = spawn(process.execPath, [require.resolve("node-red/red.js"), "--userDir", userDir, "--settings", path.join(userDir, "settings.js")], {
    stdio: ["inherit", "pipe", "inherit"],
    env: { ...process.env, ELFE_MQTT_HOST: "127.0.0.1", ELFE_MQTT_PORT: String(broker.port) },
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
    await broker.close().catch(() => undefined);
    process.exit(code ?? 0);
  });
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
