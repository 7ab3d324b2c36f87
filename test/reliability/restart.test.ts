// A restart with a persistent context store (localfilesystem): the dispatch carries on with the
// devices and overrides it had (it saves them in its context), and the restarted runtime holds
// the same timers, sockets and workers as the first one.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startNodeRed, type RunningNodeRed } from "../support/node-red-process";
import { PROBE, PROBE_SETTINGS, probeOf, type Probe } from "../support/probe";

const example = JSON.parse(readFileSync(join(__dirname, "..", "..", "examples", "control-command.json"), "utf8")) as Record<string, any>[];
const bindings = JSON.parse(example.find((n) => n.id === "elfe.cc.devices")!.payload);
const territory = example.find((n) => n.type === "elfe-territory")!;

/** POST /dispatch {topic, payload} → the dispatch; its events kept in memory, GET /events reads them. */
const FLOW = [
  { id: "r.tab", type: "tab", label: "restart" },
  { ...territory, id: "r.territory" },
  { id: "r.in", z: "r.tab", type: "http in", url: "/dispatch", method: "post", wires: [["r.body", "r.ok"]] },
  { id: "r.ok", z: "r.tab", type: "http response", statusCode: "204", wires: [] },
  { id: "r.body", z: "r.tab", type: "function", func: "return { topic: msg.payload.topic, payload: msg.payload.payload };", outputs: 1, wires: [["r.dispatch"]] },
  { id: "r.dispatch", z: "r.tab", type: "elfe-dispatch", territory: "r.territory", failSafe: "off", confirmTimeout: 120, retries: 2, startPowerW: 20, wires: [[], [], [], [], [], [], [], ["r.keep"]] },
  { id: "r.keep", z: "r.tab", type: "function", func: 'const events = global.get("events", "memory") || []; events.push(msg.payload); global.set("events", events, "memory"); return null;', outputs: 1, wires: [[]] },
  { id: "r.get", z: "r.tab", type: "http in", url: "/events", method: "get", wires: [["r.read"]] },
  { id: "r.read", z: "r.tab", type: "function", func: 'msg.payload = global.get("events", "memory") || []; return msg;', outputs: 1, wires: [["r.res"]] },
  { id: "r.res", z: "r.tab", type: "http response", wires: [] },
];
const SETTINGS = `${PROBE_SETTINGS}, contextStorage: { default: { module: "localfilesystem", config: { flushInterval: 1 } }, memory: { module: "memory" } }`;

describe("reliability: restart with a persistent context", function () {
  this.timeout(120_000);
  let red: RunningNodeRed | undefined;
  after(async () => {
    await red?.stop();
  });

  it("the dispatch carries on with its devices and overrides; the same resources as before the restart", async function () {
    const env = { NODE_OPTIONS: "--expose-gc" };
    red = await startNodeRed([...PROBE, ...FLOW], env, SETTINGS);
    const post = async (topic: string, payload: unknown) => {
      const res = await fetch(`${red!.url}/dispatch`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ topic, payload }) });
      assert.equal(res.status, 204);
    };
    const events = async () => (await (await fetch(`${red!.url}/events`)).json()) as { kind: string; devices?: { deviceId: string; override?: { action: string } }[] }[];
    const settle = () => new Promise((r) => setTimeout(r, 6000));
    const stateOf = async () => {
      await post("state", null);
      for (let i = 0; i < 50; i++) {
        const state = (await events()).filter((e) => e.kind === "state").pop();
        if (state) return state;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("no state event");
    };

    await post("devices", bindings);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    await post("override", { deviceId: "105", action: "off", until });
    const before = await stateOf();
    assert.equal(before.devices!.length, bindings.length);
    await settle();
    const first: Probe = await probeOf(red.url);

    await red.stop(true);
    red = await startNodeRed([], env, SETTINGS, { userDir: red.userDir });
    const after = await stateOf();
    assert.deepEqual(after.devices!.map((d) => d.deviceId), before.devices!.map((d) => d.deviceId), "the devices came back from the context");
    assert.deepEqual(after.devices!.find((d) => d.deviceId === "105")!.override?.action, "off", "and the override in force");
    await settle();
    const second: Probe = await probeOf(red.url);
    const grown = Object.entries(second.resources).filter(([type, n]) => n > (first.resources[type] ?? 0));
    assert.deepEqual(grown, [], `resources before ${JSON.stringify(first.resources)}, after ${JSON.stringify(second.resources)}`);
    assert.deepEqual(red.log().split("\n").filter((l) => /\[error\]|TypeError|restore/.test(l)), []);
  });
});
