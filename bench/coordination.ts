// Publish and read back plans of 1 000 and 10 000 devices x 96 decisions; prints ms per plan.
// Uses ELFE_TEST_PG_URL (e.g. postgres://root@127.0.0.1:5432/elfe_test) or the embedded PGlite.
// Target: 1 000 devices published in < 300 ms on the machine's PostgreSQL.
import { Pool } from "pg";
import { migrate, publishPlan, readLatestPlan } from "../lib/coordination";
import { grid, samplePlan } from "../test/lib/coordination/fixtures";
import { stopEmbeddedServices, testDatabase } from "../test/support/services";

const SIZES = [1000, 10000];
const ROUNDS = Number(process.env.ROUNDS ?? 5);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const test = await testDatabase();
  const pool = new Pool({ connectionString: test.url, max: 4 });
  const db = { pool, schema: test.schema };
  const rows: string[][] = [];
  try {
    await migrate(db);
    for (const size of SIZES) {
      const publishMs: number[] = [];
      const readMs: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        // A new round each time (as every 15 min), after one warm-up round.
        const start = grid.iso(grid.starts(Date.now(), r + 2)[r + 1]);
        const plan = samplePlan(start, size, 1, r);
        const t0 = performance.now();
        await publishPlan(db, plan);
        const t1 = performance.now();
        const back = await readLatestPlan(db, { now: Date.parse(start) });
        const t2 = performance.now();
        if (back?.plan.devices.length !== size) throw new Error(`read back ${back?.plan.devices.length} devices, expected ${size}`);
        if (r > 0 || ROUNDS === 1) {
          publishMs.push(t1 - t0);
          readMs.push(t2 - t1);
        }
      }
      rows.push([String(size), median(publishMs).toFixed(0), Math.min(...publishMs).toFixed(0), median(readMs).toFixed(0), Math.min(...readMs).toFixed(0)]);
    }
  } finally {
    await pool.end();
    await test.close();
    await stopEmbeddedServices();
  }
  const head = ["devices", "publish ms (median)", "publish ms (best)", "read ms (median)", "read ms (best)"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join(" | ");
  console.log(`coordination bench on ${test.embedded ? "embedded PGlite" : "PostgreSQL"}, ${ROUNDS} rounds per size (first one is warm-up), 96 decisions per device`);
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const r of rows) console.log(line(r));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
