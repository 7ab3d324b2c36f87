// A probe flow for a real Node-RED (test/support/node-red-process): GET /probe reports the
// runtime's active resources by type, its open sockets and its memory, after a GC when Node-RED
// runs with --expose-gc and PROBE_SETTINGS.
/** An HTTP endpoint reporting the runtime's active resources by type and its memory, after a GC. */
export const PROBE = [
  { id: "probe.tab", type: "tab", label: "probe" },
  { id: "probe.in", z: "probe.tab", type: "http in", url: "/probe", method: "get", wires: [["probe.fn"]] },
  {
    id: "probe.fn",
    z: "probe.tab",
    type: "function",
    func: `const p = global.get("proc"); if (global.get("gc")) global.get("gc")();
const resources = {}; for (const r of p.getActiveResourcesInfo()) resources[r] = (resources[r] || 0) + 1;
const sockets = p._getActiveHandles().filter((h) => h.constructor && h.constructor.name === "Socket").map((h) => h.localPort + ">" + h.remotePort);
const m = p.memoryUsage();
msg.payload = { resources, sockets, rss: m.rss, heap: m.heapUsed, external: m.external, gc: !!global.get("gc") }; return msg;`,
    outputs: 1,
    wires: [["probe.out"]],
  },
  { id: "probe.out", z: "probe.tab", type: "http response", wires: [] },
];

export interface Probe {
  resources: Record<string, number>;
  /** Open sockets, "localPort>remotePort", to name a leak. */
  sockets: string[];
  rss: number;
  heap: number;
  external: number;
  /** Whether the probe could run a GC before measuring. */
  gc: boolean;
}

/** Settings that give the probe the process and the GC. */
export const PROBE_SETTINGS = "functionGlobalContext: { proc: process, gc: global.gc }";

/** Asks the probe; right after a deploy its route may not be registered yet, so it asks again. */
export async function probeOf(url: string): Promise<Probe> {
  for (let i = 0; ; i++) {
    const res = await fetch(`${url}/probe`);
    if (res.ok) return (await res.json()) as Probe;
    await res.arrayBuffer();
    if (i > 50) throw new Error(`probe: HTTP ${res.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
