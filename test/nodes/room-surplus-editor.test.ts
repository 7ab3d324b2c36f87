// The editor's defaults, the runtime's settings and the example flows name the same fields, so a
// renamed setting cannot silently fall back to its default.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

function defaultsOf(type: string): string[] {
  const html = readFileSync(join(root, "nodes", type, `${type}.html`), "utf8");
  const block = /defaults:\s*\{([\s\S]*?)\n {4}\},/.exec(html)?.[1] ?? "";
  return [...block.matchAll(/^\s{6}(\w+):/gm)].map((m) => m[1]).sort();
}

function runtimeFields(type: string): string[] {
  const ts = readFileSync(join(root, "nodes", type, `${type}.ts`), "utf8");
  const body = /interface \w+Def extends NodeDef \{([\s\S]*?)\n\}/.exec(ts)?.[1] ?? "";
  return [...body.matchAll(/^\s{2}(\w+)\??:/gm)].map((m) => m[1]).sort();
}

function exampleFields(file: string, type: string): string[] {
  const flow = JSON.parse(readFileSync(join(root, "examples", file), "utf8")) as Record<string, unknown>[];
  const node = flow.find((n) => n.type === type);
  assert.ok(node, `${file} has a ${type}`);
  return Object.keys(node).filter((k) => !["id", "type", "z", "x", "y", "wires"].includes(k)).sort();
}

describe("room manager and surplus controller: editor, runtime and examples agree", function () {
  for (const [type, file] of [
    ["elfe-room-manager", "room-4a020.json"],
    ["elfe-surplus-controller", "ev-pv-surplus.json"],
  ]) {
    it(type, function () {
      const defaults = defaultsOf(type);
      assert.ok(defaults.length > 10, `found the defaults of ${type}`);
      assert.deepEqual(defaults.filter((k) => k !== "name"), runtimeFields(type));
      assert.deepEqual(exampleFields(file, type), defaults);
      const html = readFileSync(join(root, "nodes", type, `${type}.html`), "utf8");
      const catalogue = JSON.parse(readFileSync(join(root, "nodes", type, "locales", "en-US", `${type}.json`), "utf8"));
      const ts = readFileSync(join(root, "nodes", type, `${type}.ts`), "utf8");
      const used = [...html.matchAll(new RegExp(`["(]${type}\\.([\\w.]+)`, "g")), ...ts.matchAll(new RegExp(`"${type}\\.([\\w.]+)"`, "g"))].map((m) => m[1]);
      assert.ok(used.length > 10);
      for (const key of used) {
        if (key.endsWith(".")) continue; // a key built at run time, e.g. outputLabels." + name
        const value = key.split(".").reduce<any>((o, k) => o?.[k], catalogue[type]);
        assert.ok(value !== undefined, `${type}: no catalogue entry for ${key}`);
      }
      for (const k of defaults) assert.ok(html.includes(`id="node-input-${k}"`), `${type}'s dialog has no field for ${k}`);
    });
  }
});
