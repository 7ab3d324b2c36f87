// Every shipped example, deployed together in a real Node-RED (site values from the environment,
// pointing at local fakes and an embedded broker), then shared: credentials filled in through the
// admin API, the flows exported back through that API (they must hold no secret), and imported
// into a second Node-RED whose only edit is its territory (another time zone).
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startExampleSite, type ExampleSite } from "../support/example-site";
import { startNodeRed, type RunningNodeRed } from "../support/node-red-process";

const dir = join(__dirname, "..", "..", "examples");
const examples = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((file) => ({ file, flow: JSON.parse(readFileSync(join(dir, file), "utf8")) as Record<string, any>[] }));

/** A secret per credential field of the examples' config nodes, all different, easy to search for. */
const SECRETS: Record<string, Record<string, string>> = {
  "mqtt-broker": { user: "mqtt-user-s3cr3t", password: "mqtt-pass-S3CR3T" },
  "elfe-zabbix-server": { token: "zabbix-token-S3CR3T", username: "zabbix-user-s3cr3t", password: "zabbix-pass-S3CR3T" },
  "elfe-jeedom-server": { apiKey: "jeedom-key-S3CR3T" },
  "elfe-ews-server": { user: "ews-user-s3cr3t", password: "ews-pass-S3CR3T" },
  "elfe-campbell-read": { user: "campbell-user-s3cr3t", password: "campbell-pass-S3CR3T" },
  "elfe-database": { password: "db-pass-S3CR3T" },
  "elfe-weather": { token: "weather-token-S3CR3T" },
};
const secretValues = Object.values(SECRETS).flatMap((s) => Object.values(s));

async function api(red: RunningNodeRed, path: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(`${red.url}${path}`, { ...init, headers: { "Content-Type": "application/json", "Node-RED-API-Version": "v1", ...(init.headers ?? {}) } });
  const text = await res.text();
  assert.ok(res.ok, `${init.method ?? "GET"} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

async function deploy(red: RunningNodeRed, flows: object[]): Promise<void> {
  await api(red, "/flows", { method: "POST", body: JSON.stringify(flows), headers: { "Node-RED-Deployment-Type": "full" } });
}

/**
 * The lines Node-RED logged as errors or missing types since `from` — except the clear errors of
 * nodes reporting what the fake site answered them (HTTP 503 "fake site"), which is the point.
 */
function problems(red: RunningNodeRed, from = 0): string[] {
  return red
    .log()
    .slice(from)
    .split("\n")
    .filter((l) => /\[error\]|missing types|Unknown type|TypeError|ReferenceError/i.test(l))
    .filter((l) => !/fake site/.test(l));
}

/** The flows as an operator deploys them after typing the credentials into the config nodes. */
const withSecrets = (flows: Record<string, any>[]) => flows.map((n) => (SECRETS[n.type] ? { ...n, credentials: SECRETS[n.type] } : n));

describe("examples: all deploy, and move to another territory", function () {
  this.timeout(300_000);
  let site: ExampleSite | undefined;
  let env: Record<string, string>;
  const runtimes: RunningNodeRed[] = [];

  before(async function () {
    site = await startExampleSite();
    env = site.env;
  });
  after(async () => {
    for (const red of runtimes) await red.stop();
    await site?.close();
  });

  it("every example names its site values as ${ENV}, holds no secret and explains itself in a comment", function () {
    for (const { file, flow } of examples) {
      assert.ok(
        flow.some((n) => n.type === "comment" && String(n.info ?? "").length > 80),
        `${file}: a comment node says what to configure`,
      );
      for (const n of flow) {
        assert.equal(n.credentials, undefined, `${file}: ${n.id} carries credentials`);
        const siteFields = n.type === "mqtt-broker" ? ["broker", "port"] : ["url"];
        for (const field of siteFields) {
          if (typeof n[field] === "string" && n[field] !== "") assert.match(n[field], /^\$\{ELFE_\w+\}$/, `${file}: ${n.type} ${field} is a site value`);
        }
      }
      if (flow.some((n) => n.territory)) assert.ok(flow.some((n) => n.type === "elfe-territory"), `${file}: its territory config node travels with it`);
    }
  });

  it("deploys every example together, exports them without any secret, and runs them in another territory", async function () {
    const ids = new Set(examples.flatMap(({ flow }) => flow.map((n) => n.id as string)));
    assert.equal(ids.size, examples.reduce((n, { flow }) => n + flow.length, 0), "node ids are unique across examples, so they import side by side");
    const all = examples.flatMap(({ flow }) => flow);

    // The examples imported into a new Node-RED, the credentials typed in, deployed.
    const first = await startNodeRed([], env);
    runtimes.push(first);
    await deploy(first, withSecrets(all));
    await new Promise((r) => setTimeout(r, 5000)); // injects "once" fire, embedded databases open
    assert.deepEqual(problems(first), [], "deploy");
    const deployed = (await api(first, "/flows")) as Record<string, any>[];
    assert.deepEqual(new Set(deployed.map((n) => n.id)), ids);
    for (const n of deployed.filter((d) => SECRETS[d.type])) {
      const stored = await api(first, `/credentials/${n.type}/${n.id}`);
      for (const field of Object.keys(SECRETS[n.type])) assert.ok(stored[field] !== undefined || stored[`has_${field}`] === true, `${n.id}: ${field} stored`);
    }

    // Export (what Export/Import and projects share): no secret anywhere, nor in the logs.
    const exported = (await api(first, "/flows")) as Record<string, any>[];
    const text = JSON.stringify(exported);
    for (const secret of secretValues) {
      assert.ok(!text.includes(secret), `the export holds ${secret}`);
      assert.ok(!first.log().includes(secret), `the log holds ${secret}`);
    }

    // Another territory: edit only its territory nodes (another zone, a 30-minute offset one).
    // (and its operator types the credentials in again: they never travel).
    const moved = exported.map((n) => (n.type === "elfe-territory" ? { ...n, name: `${n.name} (Pondicherry)`, zone: "Asia/Kolkata" } : n));
    const second = await startNodeRed([], env);
    runtimes.push(second);
    await deploy(second, withSecrets(moved));
    await new Promise((r) => setTimeout(r, 5000));
    assert.deepEqual(problems(second), [], "deploy in the second territory");
    const there = (await api(second, "/flows")) as Record<string, any>[];
    assert.deepEqual(new Set(there.map((n) => n.id)), ids);
    assert.ok(there.filter((n) => n.type === "elfe-territory").every((n) => n.zone === "Asia/Kolkata"));
  });
});
