// Proves both service paths: a row written and read back through `pg`, a message published
// and received through `mqtt`, on the real services (CI) or the embedded ones.
import { strict as assert } from "node:assert";
import mqtt from "mqtt";
import { Pool } from "pg";
import { testBroker, testDatabase } from "./services";

describe("test services", function () {
  it("gives a PostgreSQL database that a pg.Pool writes to and reads from, isolated in its own schema", async function () {
    const db = await testDatabase();
    const pool = new Pool({ connectionString: db.url, max: 4 });
    try {
      await pool.query("CREATE TABLE probe (id serial PRIMARY KEY, label text NOT NULL)");
      await Promise.all(["a", "b", "c"].map((l) => pool.query("INSERT INTO probe (label) VALUES ($1)", [l])));
      const { rows } = await pool.query<{ label: string }>("SELECT label FROM probe ORDER BY label");
      assert.deepEqual(rows.map((r) => r.label), ["a", "b", "c"]);
      const where = await pool.query<{ schema: string }>("SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'probe'");
      assert.deepEqual(where.rows.map((r) => r.schema), [db.schema]);
    } finally {
      await pool.end();
      await db.close();
    }
  });

  it("gives an MQTT broker and a topic prefix that carry a message both ways", async function () {
    const broker = await testBroker();
    const topic = `${broker.prefix}probe`;
    const sub = await mqtt.connectAsync(broker.url);
    const pub = await mqtt.connectAsync(broker.url);
    try {
      const received = new Promise<string>((resolve) => sub.on("message", (t, payload) => t === topic && resolve(payload.toString())));
      await sub.subscribeAsync(topic, { qos: 1 });
      await pub.publishAsync(topic, "hello", { qos: 1 });
      assert.equal(await received, "hello");
    } finally {
      await sub.endAsync();
      await pub.endAsync();
    }
  });
});
