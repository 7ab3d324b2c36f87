// Benchmark: 1 000 items × 7 days of 1-minute history from the fake Zabbix server (in a child
// process, so the figures are the client's) → one SlotSeries per item on 15-minute slots.
// Prints items/s, wall time and peak memory for the history path (10 M rows) and the trend path.
// The server renders every answer once before the timing (a warm-up read in its own process) and
// then only sends the kept bytes: a real Zabbix is another machine, its JSON is not our cost.
// Run: npm run bench:zabbix-read   (ITEMS=… DAYS=… to change the size, CONCURRENCY=… the requests
// in flight, PRERENDER=0 to have the server format each answer during the measured run)
import { fork, type ChildProcess } from "node:child_process";
import { SlotGrid } from "../lib/time/grid";
import { ZabbixClient, readItemSeries } from "../lib/sources/zabbix";
import { FakeZabbix, type FakeItem } from "../test/support/fake-zabbix";

const ITEMS = Number(process.env.ITEMS ?? 1000);
const DAYS = Number(process.env.DAYS ?? 7);
const CONCURRENCY = process.env.CONCURRENCY ? Number(process.env.CONCURRENCY) : undefined;
const PRERENDER = process.env.PRERENDER !== "0";
const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });
const end = grid.slotStart(Date.parse("2026-06-10T00:00:00+02:00")).toMillis();
const start = end - DAYS * 86_400_000;

async function serve(): Promise<void> {
  const from = start / 1000 - 3600;
  const items: FakeItem[] = Array.from({ length: ITEMS }, (_, i) => ({
    itemid: String(50_000 + i),
    hostid: "1",
    host: "plugs",
    key: `plug.power[${i}]`,
    valueType: i % 2 ? 3 : 0,
    units: "W",
    tags: [{ tag: "plug", value: "" }],
    generated: { from, till: end / 1000 + 3600, stepS: 60, fn: (c: number) => (i % 2 ? 100 + ((c / 60) % 50) : 1000 + Math.sin(c / 3600) * 200) },
  }));
  const fake = await new FakeZabbix({ version: "7.0.5", items, tokens: { bench: {} }, now: () => end + 7_200_000, cacheAnswers: PRERENDER }).start();
  process.on("SIGTERM", () => process.exit(0)); // a clean exit (profiles, if asked, get written)
  let prerender = "";
  if (PRERENDER) {
    // The measured run's very requests (same reads, same paging), rendered and kept.
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const source of ["trend", "history"] as const) await read(fake.url, source);
    const cpu = process.cpuUsage(cpu0);
    prerender = `pre-rendered ${fake.renderedAnswers} answers in ${((performance.now() - t0) / 1000).toFixed(1)} s (server + warm-up reader CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s)`;
  }
  // The server's own CPU time, asked before and after each run: wall time is client + server.
  process.on("message", () => process.send?.({ cpu: process.cpuUsage(), rendered: fake.renderedAnswers }));
  process.send?.({ url: fake.url, prerender });
}

function read(url: string, source: "history" | "trend") {
  const client = new ZabbixClient({ url, token: "bench", timeoutMs: 120_000 });
  return readItemSeries(client, grid, { tags: [{ tag: "plug" }] }, { start, count: grid.indexFrom(start, end), source, maxItems: 100_000, concurrency: CONCURRENCY });
}

/** The server's CPU seconds so far and the number of answers it has rendered. */
function serverState(child: ChildProcess): Promise<{ cpuS: number; rendered: number }> {
  return new Promise((resolve) => {
    child.once("message", (m: { cpu: NodeJS.CpuUsage; rendered: number }) => resolve({ cpuS: (m.cpu.user + m.cpu.system) / 1e6, rendered: m.rendered }));
    child.send("cpu");
  });
}

async function run(url: string, source: "history" | "trend", child: ChildProcess) {
  const client = new ZabbixClient({ url, token: "bench", timeoutMs: 120_000 });
  await client.version();
  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const server0 = await serverState(child);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const count = grid.indexFrom(start, end);
  const r = await readItemSeries(client, grid, { tags: [{ tag: "plug" }] }, { start, count, source, maxItems: 100_000, concurrency: CONCURRENCY });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const server1 = await serverState(child);
  const serverS = server1.cpuS - server0.cpuS;
  const rendered = server1.rendered - server0.rendered;
  clearInterval(sampler);
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
  const rows = source === "history" ? ITEMS * DAYS * 1440 : ITEMS * DAYS * 24;
  return { source, items: r.items.length, slots: count, rows, seconds: ms / 1000, cpuS, serverS, itemsPerS: r.items.length / (ms / 1000), rowsPerS: rows / (ms / 1000), peakRssMB: peakRss / 2 ** 20, peakHeapMB: peakHeap / 2 ** 20, gaps: r.gapSlots, rendered };
}

async function main(): Promise<void> {
  if (process.argv[2] === "serve") return serve();
  const child = fork(__filename, ["serve"], { stdio: "inherit", execArgv: [...process.execArgv, ...(process.env.SERVER_PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/zsprof"] : [])] });
  const { url, prerender } = await new Promise<{ url: string; prerender: string }>((resolve) => child.once("message", resolve));
  try {
    const results = [await run(url, "trend", child), await run(url, "history", child)];
    const pad = (s: string | number, n: number) => String(s).padStart(n);
    console.log(`zabbix-read: ${ITEMS} items × ${DAYS} days of 1-minute values → 15-min slots (fake server in a child process)`);
    console.log(PRERENDER ? `server: ${prerender}; the runs below only send kept bytes` : "server: formats each answer during the run (PRERENDER=0)");
    console.log(`${pad("source", 8)} ${pad("items", 6)} ${pad("slots", 6)} ${pad("rows", 10)} ${pad("seconds", 8)} ${pad("client CPU s", 12)} ${pad("server CPU s", 12)} ${pad("items/s", 8)} ${pad("rows/s", 10)} ${pad("peak RSS MB", 12)} ${pad("peak heap MB", 13)} ${pad("gaps", 5)} ${pad("rendered", 8)}`);
    for (const r of results) {
      console.log(`${pad(r.source, 8)} ${pad(r.items, 6)} ${pad(r.slots, 6)} ${pad(r.rows, 10)} ${pad(r.seconds.toFixed(2), 8)} ${pad(r.cpuS.toFixed(2), 12)} ${pad(r.serverS.toFixed(2), 12)} ${pad(r.itemsPerS.toFixed(0), 8)} ${pad(r.rowsPerS.toFixed(0), 10)} ${pad(r.peakRssMB.toFixed(0), 12)} ${pad(r.peakHeapMB.toFixed(0), 13)} ${pad(r.gaps, 5)} ${pad(r.rendered, 8)}`);
    }
  } finally {
    child.kill();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
