// Redeploying must not leak: every example (those without an embedded database, which opens a
// PGlite per deploy) is deployed 200 times in a real Node-RED, with their site values pointing at
// a local fake and a private broker. Node-RED's active resources (timers, sockets, workers …)
// and its memory are read through a probe flow before and after: no growth in resources, heap
// and RSS within 10 % after a GC. REDEPLOYS changes the count; ONLY=a.json,b.json deploys only
// those examples (to find which one leaks).
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startExampleSite, type ExampleSite } from "../support/example-site";
import { startNodeRed, type RunningNodeRed } from "../support/node-red-process";
import { PROBE, PROBE_SETTINGS, probeOf, type Probe } from "../support/probe";

const dir = join(__dirname, "..", "..", "examples");
const examples = readdirSync(dir)
  .filter((f) => !process.env.ONLY || process.env.ONLY.split(",").includes(f))
  .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Record<string, any>[])
  .filter((flow) => !flow.some((n) => n.type === "elfe-database"))
  .flat();

describe("reliability: 200 redeploys leak nothing", function () {
  this.timeout(900_000);
  let red: RunningNodeRed | undefined;
  let site: ExampleSite | undefined;
  after(async () => {
    await red?.stop();
    await site?.close();
  });

  it("keeps the same timers, sockets and workers, and its heap and RSS within 10 %", async function () {
    site = await startExampleSite();
    const ports = { broker: site.brokerPort };
    const env = { ...site.env, NODE_OPTIONS: "--expose-gc" };
    red = await startNodeRed([...PROBE, ...examples], env, PROBE_SETTINGS);
    const probe = () => probeOf(red!.url);
    const deploy = async () => {
      const res = await fetch(`${red!.url}/flows`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Node-RED-Deployment-Type": "full" },
        body: JSON.stringify([...PROBE, ...examples]),
      });
      assert.equal(res.status, 204, await res.text());
    };
    // Injects "once", first polls and workers end; idle keep-alive connections (the test's own to
    // the admin API, the nodes' to the fake site) close after 5 s.
    const settle = () => new Promise((r) => setTimeout(r, 8000));
    // RSS keeps, for a while, pages of a passing peak (a deploy in flight when a GC ran) that the
    // heap has already freed: the lowest of a few probes a second apart is what the process holds.
    const settled = async (): Promise<Probe> => {
      await settle();
      const probes: Probe[] = [];
      for (let i = 0; i < 5; i++) {
        probes.push(await probe());
        await new Promise((r) => setTimeout(r, 1000));
      }
      return { ...probes[probes.length - 1], rss: Math.min(...probes.map((p) => p.rss)), heap: Math.min(...probes.map((p) => p.heap)) };
    };

    for (let i = 0; i < 20; i++) await deploy(); // warm-up: modules loaded, pools and caches at their size
    const before = await settled();
    const trend: string[] = [];
    for (let i = 1; i <= Number(process.env.REDEPLOYS ?? 200); i++) {
      await deploy();
      if (i % 50 === 0) {
        const p = await probe();
        trend.push(`${i}: rss ${(p.rss / 2 ** 20).toFixed(0)} heap ${(p.heap / 2 ** 20).toFixed(0)} ext ${(p.external / 2 ** 20).toFixed(0)}`);
      }
    }
    const after = await settled();
    // Connections to the broker belong to Node-RED's core mqtt-broker node: counted apart (see below).
    const toBroker = (p: Probe) => p.sockets.filter((x) => x.endsWith(`>${ports.broker}`)).length;
    const withoutBroker = (p: Probe): Record<string, number> => ({ ...p.resources, TCPSocketWrap: (p.resources.TCPSocketWrap ?? 0) - toBroker(p) });
    const grown = Object.entries(withoutBroker(after)).filter(([type, n]) => n > (withoutBroker(before)[type] ?? 0));
    assert.deepEqual(grown, [], `resources before ${JSON.stringify(before)}, after ${JSON.stringify(after)}; ports ${JSON.stringify(ports)}`);
    const memory = `RSS ${(before.rss / 2 ** 20).toFixed(0)} MB → ${(after.rss / 2 ** 20).toFixed(0)} MB; heap ${(before.heap / 2 ** 20).toFixed(0)} → ${(after.heap / 2 ** 20).toFixed(0)}; external ${(before.external / 2 ** 20).toFixed(0)} → ${(after.external / 2 ** 20).toFixed(0)}; ${trend.join(", ")}`;
    assert.ok(after.gc, "the probe runs a GC before measuring");
    // What the JavaScript side keeps (after a GC) and what the process holds must not grow.
    assert.ok(after.heap <= before.heap * 1.1 && after.external <= before.external * 1.1 + 2 ** 20, memory);
    assert.ok(after.rss <= before.rss * 1.1, memory);
    assert.deepEqual(red.log().split("\n").filter((l) => /Unknown type|TypeError|ReferenceError|MaxListenersExceeded/.test(l)), []);
    // Core mqtt-broker nodes redeployed back to back leave a connection open now and then: Node-RED's,
    // not ours — ev-pv-surplus with its one elfe node swapped for a core function node does the same
    // (3 → 6 connections over 200 deploys). Counted apart above, reported here.
    console.log(`      redeploys: broker connections ${toBroker(before)} → ${toBroker(after)} (2 broker nodes)`);
    console.log(`      redeploys: resources ${JSON.stringify(after.resources)}; ${memory}`);
  });
});
