// The coordination round-trip example, deployed as is in a real Node-RED on the embedded database:
// requests are read, the placement plans them, the plan is published and elfe-plan-read pushes it back.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import WebSocket from "ws";
import { startNodeRed, type RunningNodeRed } from "../support/node-red-process";

const flows = JSON.parse(readFileSync(join(__dirname, "..", "..", "examples", "coordination-roundtrip.json"), "utf8"));

describe("example: coordination round trip", function () {
  this.timeout(240_000);
  let red: RunningNodeRed | undefined;
  after(async () => red?.stop());

  it("reads requests, places them, publishes the plan and reads it back", async function () {
    red = await startNodeRed(flows);
    const ws = new WebSocket(`${red.url.replace("http", "ws")}/comms`);
    const debug: { name: string; msg: string }[] = [];
    ws.on("message", (d) => {
      for (const m of JSON.parse(d.toString()) as { topic: string; data: { name: string; msg: string } }[]) if (m.topic === "debug") debug.push(m.data);
    });
    await new Promise((resolve) => ws.once("open", resolve));
    ws.send(JSON.stringify({ subscribe: "debug" }));
    const planInForce = async () => {
      for (let i = 0; i < 400; i++) {
        const got = debug.find((d) => d.name === "plan in force");
        if (got) return JSON.parse(got.msg);
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`no plan read back; debug saw: ${JSON.stringify(debug).slice(0, 500)}`);
    };
    // The database is created and migrated at deploy; the inject waits for nothing else.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await fetch(`${red.url}/inject/elfe.coord.inject.plan`, { method: "POST" })).status, 200);
    const read = await planInForce();
    ws.close();
    const published = JSON.parse(debug.find((d) => d.name === "published")!.msg);
    assert.equal(published.rows, 2);
    assert.deepEqual(read.payload.devices.map((d: { deviceId: string }) => d.deviceId).sort(), ["1", "2"]);
    for (const d of read.payload.devices) assert.equal(d.decisions.filter((v: number) => v === 1).length, 1, "each machine starts once");
  });
});
