// How long the dispatch takes for a territory of N devices: a plan arriving, a slot boundary
// (every relay re-sent), the full state, and readings (start confirmations and telemetry).
// Run: npx tsx bench/dispatch.ts
import { Dispatcher } from "../lib/dispatch";
import { PLUG_FAMILIES, type DispatchBinding, type Plan } from "../lib/types";

const T0 = Date.parse("2026-06-10T10:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

function territory(n: number): { bindings: DispatchBinding[]; plan: Plan } {
  const bindings: DispatchBinding[] = [];
  const devices: Plan["devices"] = [];
  for (let i = 0; i < n; i++) {
    const continuous = i % 3 === 0;
    const deviceId = `d${i}`;
    bindings.push({ deviceId, elfeType: continuous ? 131 : 112, mode: 30, family: PLUG_FAMILIES[i % 3 === 1 ? 3 : i % 2], plugId: `p${i}`, typology: i % 3 === 1 ? 160 : 120 });
    const decisions = new Array<number>(96).fill(0);
    if (continuous) for (let k = 0; k < 96; k++) decisions[k] = (k + i) % 4 === 0 ? 1 : 0;
    else decisions[i % 4] = 1;
    devices.push({ deviceId, kind: continuous ? "water-heater" : "machine", continuous, decisions, energyWh: 1000 });
  }
  const plan: Plan = {
    schemaVersion: 1,
    territory: "bench",
    firstValidTimestamp: iso(T0),
    stepMinutes: 15,
    slotCount: 96,
    devices,
    curves: { withoutFlexW: [], withFlexW: [] },
    runInfo: { buildMs: 0, solveMs: 0, method: "milp", objectiveWh: 0, deviceCount: n, minHourDeficit: { w: 0, at: iso(T0) }, maxHourDeficit: { w: 0, at: iso(T0) } },
    warnings: [],
  };
  return { bindings, plan };
}

function time<T>(fn: () => T): [T, number] {
  const t = process.hrtime.bigint();
  const r = fn();
  return [r, Number(process.hrtime.bigint() - t) / 1e6];
}

const rows: string[][] = [["devices", "plan in (ms)", "boundary (ms)", "orders", "full state (ms)", "readings/s"]];
for (const n of [100, 1_000, 5_000, 10_000]) {
  const { bindings, plan } = territory(n);
  const d = new Dispatcher({ zone: "Europe/Paris" });
  d.setBindings(bindings, T0);
  const [, planMs] = time(() => d.setPlan(plan, T0));
  const [tick, tickMs] = time(() => d.tick(T0 + 15 * 60_000));
  const [, stateMs] = time(() => d.fullState(T0 + 16 * 60_000));
  const count = Math.min(n, 20_000);
  const [, readMs] = time(() => {
    for (let i = 0; i < count; i++) d.reading({ deviceId: `p${i}`, ts: iso(T0 + 17 * 60_000), powerW: 5, on: true }, T0 + 17 * 60_000);
  });
  rows.push([String(n), planMs.toFixed(1), tickMs.toFixed(1), String(tick.commands.length), stateMs.toFixed(1), Math.round((count / readMs) * 1000).toString()]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) console.log(r.map((v, c) => v.padStart(widths[c])).join("  "));
