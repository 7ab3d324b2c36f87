// Room devices and their Jeedom command ids (the seed's "Dictionnaire_de_commandes"), and the
// readings and commands built on them.
import type { DeviceCommand, Reading } from "../../types";
import { JeedomError, type JeedomClient } from "./client";

export interface JeedomDevice {
  deviceId: string;
  power?: number;
  energy?: number;
  state?: number;
  on?: number;
  off?: number;
}

const ROLES = ["power", "energy", "state", "on", "off"] as const;

function commandId(value: unknown, where: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
  const s = String(value ?? "").trim();
  // The seed's dictionary holds whole URLs: …/jeeApi.php?apikey=…&type=cmd&id=123
  const digits = /^\d+$/.test(s) ? s : /[?&]id=(\d+)/.exec(s)?.[1];
  // 400 digits read as a number are Infinity: only ids a Jeedom could have are kept.
  if (digits !== undefined && Number.isSafeInteger(Number(digits))) return Number(digits);
  throw new RangeError(`${where}: ${JSON.stringify(s.replace(/apikey=[^&]*/i, "apikey=…"))} is not a command id`);
}

/**
 * Parses the device table: lines `ordinateur01: power=12, state=13, on=14, off=15, energy=16`,
 * or JSON `{"ordinateur01": {"Power": 12 | "<url>", "ON": …, "OFF": …, "State": …}}` as in the seed.
 */
export function parseDeviceTable(text: string): JeedomDevice[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  const devices: JeedomDevice[] = [];
  const add = (deviceId: string, entries: [string, unknown][]) => {
    const d: JeedomDevice = { deviceId };
    for (const [k, v] of entries) {
      const role = k.trim().toLowerCase();
      if (!(ROLES as readonly string[]).includes(role)) throw new RangeError(`device ${deviceId}: unknown command role "${k}" (power, energy, state, on, off)`);
      d[role as (typeof ROLES)[number]] = commandId(v, `device ${deviceId}, ${role}`);
    }
    if (devices.some((x) => x.deviceId === deviceId)) throw new RangeError(`device ${deviceId} is listed twice`);
    devices.push(d);
  };
  if (trimmed.startsWith("{")) {
    let obj: unknown;
    try {
      obj = JSON.parse(trimmed);
    } catch (err) {
      throw new RangeError(`the device table is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    for (const [id, cmds] of Object.entries(obj as Record<string, unknown>)) {
      if (typeof cmds !== "object" || cmds === null) throw new RangeError(`device ${id}: expected an object of command ids`);
      add(id, Object.entries(cmds));
    }
    return devices;
  }
  for (const [n, raw] of trimmed.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) continue;
    const m = /^([^:]+):(.*)$/.exec(line);
    if (!m) throw new RangeError(`line ${n + 1}: expected "device: power=12, on=14, …"`);
    const pairs = m[2].split(/[,;]/).map((p) => p.trim()).filter(Boolean).map((p): [string, unknown] => {
      const kv = /^([^=]+)=(.+)$/.exec(p);
      if (!kv) throw new RangeError(`line ${n + 1}: "${p}" is not role=id`);
      return [kv[1], kv[2]];
    });
    add(m[1].trim(), pairs);
  }
  return devices;
}

/** The energy in Wh; a value so large that the conversion overflows is an error naming the command, never Infinity. */
function energyWh(id: number, value: number, factor: number): number {
  const wh = value * factor;
  if (!Number.isFinite(wh)) throw new JeedomError("parse", `command ${id} gave ${value}, out of range for an energy`);
  return wh;
}

export interface DeviceReadResult {
  reading: Reading;
  error?: string;
}

/**
 * Reads every device (its commands in parallel). A device whose reads fail gives a Reading
 * with `online: false` and the error; it never stops the others.
 */
export async function readDevices(client: JeedomClient, devices: JeedomDevice[], options: { energyFactor?: number; now?: () => Date } = {}): Promise<DeviceReadResult[]> {
  const now = options.now ?? (() => new Date());
  const factor = options.energyFactor ?? 1000;
  return Promise.all(
    devices.map(async (d): Promise<DeviceReadResult> => {
      const [power, energy, state] = await Promise.allSettled([
        d.power === undefined ? Promise.resolve(undefined) : client.readNumber(d.power),
        d.energy === undefined ? Promise.resolve(undefined) : client.readNumber(d.energy).then((kWh) => energyWh(d.energy as number, kWh, factor)),
        d.state === undefined ? Promise.resolve(undefined) : client.readNumber(d.state),
      ]);
      const ts = now().toISOString();
      const errors = [power, energy, state].filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => (r.reason as Error).message);
      const reading: Reading = { deviceId: d.deviceId, ts };
      if (power.status === "fulfilled" && power.value !== undefined) reading.powerW = power.value;
      if (energy.status === "fulfilled" && energy.value !== undefined) reading.energyWh = energy.value;
      if (state.status === "fulfilled" && state.value !== undefined) reading.on = state.value !== 0;
      const anyOk = [power, energy, state].some((r) => r.status === "fulfilled" && r.value !== undefined);
      reading.online = anyOk;
      return errors.length ? { reading, error: errors.join("; ") } : { reading };
    }),
  );
}

export interface CommandResult {
  deviceId: string;
  action: "on" | "off";
  commandId: number;
  /** true/false when a state command was read back; undefined when there is none to read. */
  confirmed?: boolean;
  on?: boolean;
}

/** Runs the on/off action of a device and, when it has a state command, reads the state back until it matches or time runs out. */
export async function commandDevice(
  client: JeedomClient,
  device: JeedomDevice,
  command: Pick<DeviceCommand, "deviceId" | "action">,
  options: { confirmTimeoutMs?: number; confirmIntervalMs?: number } = {},
): Promise<CommandResult> {
  if (command.action !== "on" && command.action !== "off") throw new RangeError(`device ${device.deviceId}: action "${command.action}" is not on or off`);
  const id = command.action === "on" ? device.on : device.off;
  if (id === undefined) throw new RangeError(`device ${device.deviceId} has no "${command.action}" command id`);
  await client.execAction(id);
  const result: CommandResult = { deviceId: device.deviceId, action: command.action, commandId: id };
  if (device.state === undefined || options.confirmTimeoutMs === 0) return result;
  const want = command.action === "on";
  const deadline = Date.now() + (options.confirmTimeoutMs ?? 5000);
  const interval = options.confirmIntervalMs ?? 1000;
  for (;;) {
    const on = (await client.readNumber(device.state)) !== 0;
    result.on = on;
    if (on === want) return { ...result, confirmed: true };
    if (Date.now() + interval > deadline) return { ...result, confirmed: false };
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
