// The HTTP endpoints the package adds, in a real Node-RED with adminAuth and httpNodeAuth on:
// the admin side (plan list, chart assets, the config nodes' browse helpers) refuses a caller
// without a token and answers one with the permission; the operators' plan page asks for the
// httpNode credentials.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { startNodeRed, type RunningNodeRed } from "../support/node-red-process";

const flow = JSON.parse(readFileSync(join(__dirname, "..", "..", "examples", "plan-chart.json"), "utf8")) as object[];

describe("security: the package's HTTP endpoints respect Node-RED's auth", function () {
  this.timeout(120_000);
  let red: RunningNodeRed | undefined;
  after(async () => red?.stop());

  it("admin endpoints need a token with the permission; the plan page needs the httpNode credentials", async function () {
    const hash = bcrypt.hashSync("s3cret-admin", 8);
    const nodeHash = bcrypt.hashSync("s3cret-page", 8);
    red = await startNodeRed(
      flow,
      {},
      `adminAuth: { type: "credentials", users: [{ username: "admin", password: ${JSON.stringify(hash)}, permissions: "*" }, { username: "viewer", password: ${JSON.stringify(hash)}, permissions: "flows.read" }] },
       httpNodeAuth: { user: "operator", pass: ${JSON.stringify(nodeHash)} }`,
    );
    const token = async (username: string, scope: string) => {
      const res = await fetch(`${red!.url}/auth/token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ client_id: "node-red-admin", grant_type: "password", scope, username, password: "s3cret-admin" }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const admin = await token("admin", "*");
    const viewer = await token("viewer", "flows.read");
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${red!.url}${path}`, { headers });

    for (const path of ["/elfe/plans", "/elfe/assets/plan-chart.js", "/elfe-zabbix-server/nope/hosts", "/elfe-jeedom-server/nope/cmd/1", "/elfe-ews-server/nope/browse"]) {
      assert.equal((await get(path)).status, 401, `${path} without a token`);
      assert.equal((await get(path, { Authorization: `Bearer ${viewer}` })).status, 401, `${path} without the permission`);
    }
    const plans = await get("/elfe/plans", { Authorization: `Bearer ${admin}` });
    assert.equal(plans.status, 200);
    assert.ok(Array.isArray(await plans.json()));
    assert.equal((await get("/elfe/assets/plan-chart.js", { Authorization: `Bearer ${admin}` })).status, 200);

    // The operators' page lives on httpNode: its own basic auth.
    assert.equal((await get("/elfe/plan")).status, 401);
    assert.equal((await get("/elfe/plan/data")).status, 401);
    const basic = (user: string, pass: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}` });
    assert.equal((await get("/elfe/plan", basic("operator", "wrong"))).status, 401);
    assert.equal((await get("/elfe/plan", basic("operator", "s3cret-page"))).status, 200);
    assert.equal((await get("/elfe/plan/data", basic("operator", "s3cret-page"))).status, 200);
  });
});
