#!/usr/bin/env node
// `npm start`: Node-RED (from devDependencies) with a user dir under .demo/, this package linked
// into it, and the demo flow deployed. Prints the editor URL. PORT chooses the port (default 1880).
"use strict";
const fs = require("fs");
const path = require("path");
const { spawn } = require("child_process");

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
  const flow = JSON.parse(fs.readFileSync(path.join(root, "examples", "01 - Slot clock.json"), "utf8"));
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

prepareUserDir();
const red = spawn(process.execPath, [require.resolve("node-red/red.js"), "--userDir", userDir, "--settings", path.join(userDir, "settings.js")], {
  stdio: ["inherit", "pipe", "inherit"],
});
red.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  const m = /Server now running at (\S+)/.exec(chunk.toString());
  if (m) process.stdout.write(`\nELFE demo ready: open ${m[1]} in a browser (Ctrl-C to stop)\n\n`);
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => red.kill(sig));
red.on("exit", (code) => process.exit(code ?? 0));
