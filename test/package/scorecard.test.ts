// Mirrors the node-red-dev `validate` scorecard (which cannot run offline) on the built package:
// package fields, node files where the runtime looks for them, catalogues, help, icons, examples.
import { strict as assert } from "node:assert";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";

const root = join(__dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const nodeMap: Record<string, string> = pkg["node-red"].nodes;
const LOCALES = ["en-US", "fr"];

interface EditorDef {
  type: string;
  category: string;
  icon?: string;
}

/** What the scorecard's parser reads: the literal registerType call inside a text/javascript script. */
function editorDefinitions(html: string): EditorDef[] {
  const defs: EditorDef[] = [];
  const scripts = html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g);
  for (const [, body] of scripts) {
    for (const m of body.matchAll(/RED\.nodes\.registerType\(\s*["']([^"']+)["']\s*,\s*\{([\s\S]*)/g)) {
      const category = /category:\s*["']([^"']+)["']/.exec(m[2])?.[1] ?? "";
      const icon = /icon:\s*["']([^"']+)["']/.exec(m[2])?.[1];
      defs.push({ type: m[1], category, icon });
    }
  }
  return defs;
}

function keysOf(obj: unknown, prefix = ""): string[] {
  if (typeof obj !== "object" || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k)).sort();
}

const examples = readdirSync(join(root, "examples"), { recursive: true })
  .map(String)
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({ file: f, flow: JSON.parse(readFileSync(join(root, "examples", f), "utf8")) as { type: string; credentials?: unknown }[] }));

describe("package scorecard", function () {
  it("P01–P07: licence, repository, keyword, Node-RED and Node.js versions", function () {
    assert.equal(pkg.name, "node-red-contrib-elfe");
    assert.equal(pkg.license, "Apache-2.0");
    assert.ok(pkg.repository?.url || pkg.bugs?.url);
    assert.ok(pkg.keywords.includes("node-red"));
    assert.equal(pkg["node-red"].version, ">=4.0.0");
    assert.match(pkg.engines.node, /^>=\s*(18|20|22)(\.|$)/, "engines.node must accept Node 22.9");
    assert.ok(pkg.files.includes("dist/") && pkg.files.includes("examples/"));
  });

  it("D01: dependencies stay few (each one is justified in the README)", function () {
    const deps = Object.keys(pkg.dependencies ?? {});
    const readme = readFileSync(join(root, "README.md"), "utf8");
    for (const d of deps) assert.ok(readme.includes(`\`${d}\``), `README does not justify the dependency ${d}`);
    assert.ok(!("node-red" in (pkg.dependencies ?? {})), "node-red must not be a runtime dependency");
  });

  it("every folder of nodes/ is declared, and every declared node is built where the runtime loads it", function () {
    const folders = readdirSync(join(root, "nodes"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    assert.deepEqual(Object.keys(nodeMap).sort(), folders.sort());
    for (const [type, js] of Object.entries(nodeMap)) {
      assert.equal(js, `dist/nodes/${type}/${type}.js`);
      assert.ok(existsSync(join(root, js)), `${js} is not built: run npm run build`);
      assert.ok(existsSync(join(root, js.replace(/\.js$/, ".html"))), `${type}.html is not next to its js`);
    }
  });

  it("N01: each editor file registers exactly its own elfe- type, found by the scorecard's parser", function () {
    const seen = new Set<string>();
    for (const [type, js] of Object.entries(nodeMap)) {
      const defs = editorDefinitions(readFileSync(join(root, js.replace(/\.js$/, ".html")), "utf8"));
      assert.deepEqual(defs.map((d) => d.type), [type], `${type}.html`);
      assert.match(type, /^elfe-[a-z0-9-]+$/);
      assert.ok(!seen.has(type));
      seen.add(type);
      const html = readFileSync(join(root, js.replace(/\.js$/, ".html")), "utf8");
      assert.ok(html.includes(`data-template-name="${type}"`), `${type} has no edit template`);
      if (defs[0].category !== "config") {
        assert.equal(defs[0].category, "ELFE", `${type} is not in the ELFE palette category`);
        assert.ok(defs[0].icon, `${type} names no icon`);
        assert.ok(existsSync(join(root, dirname(js), "icons", defs[0].icon!)), `${type}'s icon ${defs[0].icon} is not in its icons/ folder`);
      }
    }
  });

  it("every node has en-US and fr catalogues with the same keys, and help in both", function () {
    for (const [type, js] of Object.entries(nodeMap)) {
      const dir = join(root, dirname(js), "locales");
      const keys = LOCALES.map((l) => {
        const catalogue = JSON.parse(readFileSync(join(dir, l, `${type}.json`), "utf8"));
        assert.deepEqual(Object.keys(catalogue), [type], `${l}/${type}.json must have the type as its only top key`);
        const help = readFileSync(join(dir, l, `${type}.html`), "utf8");
        assert.ok(help.includes(`data-help-name="${type}"`), `${l} help of ${type}`);
        assert.match(help, /<p>[^<]{10,}/, `${l} help of ${type} starts with a summary paragraph`);
        return keysOf(catalogue);
      });
      assert.deepEqual(keys[0], keys[1], `${type}: en-US and fr catalogues differ`);
    }
  });

  it("N02: every non-config node appears in an example; examples carry no credentials", function () {
    assert.ok(examples.length > 0, "no example");
    const used = new Set(examples.flatMap((e) => e.flow.map((n) => n.type)));
    for (const [type, js] of Object.entries(nodeMap)) {
      const def = editorDefinitions(readFileSync(join(root, js.replace(/\.js$/, ".html")), "utf8"))[0];
      if (def.category !== "config") assert.ok(used.has(type), `no example uses ${type}`);
    }
    for (const e of examples) {
      assert.ok(Array.isArray(e.flow), `${e.file} is a flat array`);
      assert.ok(e.flow.some((n) => n.type === "comment"), `${e.file} explains itself in a comment node`);
      assert.ok(e.flow.every((n) => n.credentials === undefined), `${e.file} carries credentials`);
    }
  });
});
