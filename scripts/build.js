#!/usr/bin/env node
// One build: compile lib/ and nodes/ to dist/, then put each node's editor file, locales and
// the palette icons next to its compiled JS, where the Node-RED runtime looks for them.
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");

fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")], {
  stdio: "inherit",
});

const icons = fs.readdirSync(path.join(root, "icons")).filter((f) => f.endsWith(".svg"));
for (const type of fs.readdirSync(path.join(root, "nodes"))) {
  const src = path.join(root, "nodes", type);
  if (!fs.statSync(src).isDirectory()) continue;
  const out = path.join(dist, "nodes", type);
  fs.mkdirSync(out, { recursive: true });
  fs.copyFileSync(path.join(src, `${type}.html`), path.join(out, `${type}.html`));
  fs.cpSync(path.join(src, "locales"), path.join(out, "locales"), { recursive: true });
  // Browser files a node serves itself (charts): copied as they are.
  if (fs.existsSync(path.join(src, "assets"))) fs.cpSync(path.join(src, "assets"), path.join(out, "assets"), { recursive: true });
  fs.mkdirSync(path.join(out, "icons"), { recursive: true });
  for (const icon of icons) fs.copyFileSync(path.join(root, "icons", icon), path.join(out, "icons", icon));
}
