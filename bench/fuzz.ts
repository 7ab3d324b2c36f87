// Long fuzz pass: FUZZ_RUNS (default 100 000) cases per parser, without stopping at the first
// failure, and a table of cases, speed, and distinct failures (one example each below the table).
// `npm test` runs the same targets at ≈1 000 cases (test/fuzz/*.test.ts).
import { fuzzCount, fuzzRuns, type FuzzTarget } from "../test/fuzz/harness";
import { batteryTargets } from "../test/fuzz/targets/battery";
import { campbellTargets } from "../test/fuzz/targets/campbell";
import { coordinationTargets } from "../test/fuzz/targets/coordination";
import { deviceTargets } from "../test/fuzz/targets/devices";
import { ewsTargets } from "../test/fuzz/targets/ews";
import { froniusTargets } from "../test/fuzz/targets/fronius";
import { jeedomTargets } from "../test/fuzz/targets/jeedom";
import { meteoConceptTargets } from "../test/fuzz/targets/meteo-concept";
import { openhaspTargets } from "../test/fuzz/targets/openhasp";
import { openweathermapTargets } from "../test/fuzz/targets/openweathermap";
import { p1Targets } from "../test/fuzz/targets/p1";
import { typesTargets } from "../test/fuzz/targets/types";
import { zabbixTargets } from "../test/fuzz/targets/zabbix";

const ALL: FuzzTarget[] = [
  ...zabbixTargets, ...jeedomTargets, ...batteryTargets, ...campbellTargets, ...froniusTargets, ...ewsTargets, ...meteoConceptTargets, ...openweathermapTargets,
  ...p1Targets, ...deviceTargets, ...openhaspTargets, ...coordinationTargets, ...typesTargets,
];

async function main(): Promise<void> {
  const runs = fuzzRuns(100_000);
  // FUZZ_ONLY: comma-separated parts of target names ("fronius,orders").
  const only = process.env.FUZZ_ONLY?.split(",").map((s) => s.trim()).filter(Boolean);
  const seed = Number(process.env.FUZZ_SEED) || 1;
  const rows: string[][] = [];
  const examples: string[] = [];
  let failed = 0;
  for (const target of ALL.filter((t) => !only?.length || only.some((o) => t.name.includes(o)))) {
    await target.before?.();
    try {
      const r = await fuzzCount(target, runs, seed);
      const found = [...r.failures.values()].reduce((n, f) => n + f.count, 0);
      failed += r.failures.size;
      rows.push([target.name, String(r.cases), String(Math.round(r.cases / (r.ms / 1000))), r.failures.size ? `${found} (${r.failures.size} distinct)` : "0"]);
      for (const [sig, f] of r.failures) examples.push(`[${target.name}] ${sig} ×${f.count}\n  ${f.example}`);
    } finally {
      await target.after?.();
    }
    process.stderr.write(`${rows[rows.length - 1].join("  ")}\n`);
  }
  const head = ["parser", "cases", "cases/s", "failures found"];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join(" | ")} |`;
  console.log(line(head));
  console.log(`|${width.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`);
  for (const r of rows) console.log(line(r));
  if (examples.length) console.log(`\n${examples.join("\n\n")}`);
  process.exitCode = failed ? 1 : 0;
}

void main();
