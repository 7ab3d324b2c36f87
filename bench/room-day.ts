// A day of room 4A020 on a PV curve with clouds: relay switches, self-consumption and import of
// (a) no control, (b) the seed's plain loop, (c) elfe-room-manager's decision (thresholds,
// hysteresis, minimum times). Run: npx tsx bench/room-day.ts
import { roomConfig, seedLoopConfig } from "../lib/room";
import { cloudyPv, sampleRoom, simulateRoomDay, type RoomDayOptions, type Strategy } from "../lib/sim/room-day";

const day = Date.parse("2026-04-15T00:00:00+02:00");
const rows: string[][] = [];
for (const [n, peak, seed] of [
  [2, 120, 1],
  [12, 500, 2],
  [20, 800, 3],
  [20, 400, 4],
] as const) {
  const laptops = sampleRoom(n, seed);
  const ids = laptops.map((l) => l.id);
  const options: RoomDayOptions = { day, laptops, pvAt: cloudyPv(peak, seed * 7), periodMin: 10, capacityWh: 50, runW: 15, chargeW: 35, taperW: 12 };
  const strategies: [string, Strategy][] = [
    ["no control", { kind: "none" }],
    ["seed loop", { kind: "room", config: seedLoopConfig({ laptops: ids }) }],
    ["room manager", { kind: "room", config: roomConfig({ laptops: ids }) }],
    ["  + rescue 2 h", { kind: "room", config: roomConfig({ laptops: ids, maxOffUnknownMs: 2 * 3600_000 }) }],
    ["  + forecast", { kind: "room", config: roomConfig({ laptops: ids, forecastLookaheadMs: 30 * 60_000 }) }],
  ];
  for (const [name, strategy] of strategies) {
    const r = simulateRoomDay({ ...options, forecast: name.includes("forecast") }, strategy);
    rows.push([
      `${n} PCs, PV ${peak} W`,
      name,
      String(r.switches),
      String(r.maxSwitchesPerPlugHour),
      r.pvWh.toFixed(0),
      r.consumedWh.toFixed(0),
      r.selfConsumedWh.toFixed(0),
      r.importedWh.toFixed(0),
      `${((100 * r.selfConsumedWh) / Math.max(1, r.consumedWh)).toFixed(0)} %`,
      r.minPct.toFixed(0),
      String(r.emptyMinutes),
    ]);
  }
}
const head = ["room", "strategy", "switches", "max/plug/h", "PV Wh", "load Wh", "self Wh", "import Wh", "self-suff.", "min SoC %", "empty min"];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const fmt = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
process.stdout.write(`${fmt(head)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n${rows.map(fmt).join("\n")}\n`);
