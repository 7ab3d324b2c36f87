// Every message shape that crosses a wire between our nodes, with its runtime validator.
// Times are ISO-8601 strings with an offset; powers in W (slot average), energies in Wh.
// Sign convention everywhere: balance = production − consumption (positive = surplus).
import { z } from "zod";

export const SCHEMA_VERSION = 1;

/** ISO-8601 date-time that carries its offset (Z or ±hh:mm), so no reader guesses a zone. */
const isoTime = z.iso.datetime({ offset: true, local: false });
const finite = z.number(); // zod 4 refuses NaN and ±Infinity
const nonNegative = finite.nonnegative();
const percent = finite.min(0).max(100);
const window = z.object({ start: isoTime, end: isoTime });

export const SlotSeriesSchema = z.object({
  start: isoTime,
  stepMinutes: z.number().int().positive(),
  /** null is a gap, never 0. */
  values: z.array(finite.nullable()),
  unit: z.string().min(1),
  quantity: z.string().optional(),
});
export type SlotSeries = z.infer<typeof SlotSeriesSchema>;

const flexBase = {
  deviceId: z.string().min(1),
  name: z.string().optional(),
  /** ELFE device type id (1, 111, 131, 151, 155, 221 …) when the request comes from ELFE. */
  elfeType: z.number().int().optional(),
  /** Surplus-only: place it only where it costs no import. */
  optional: z.boolean().optional(),
  /** Already started: its placement is fixed. */
  running: z.object({ since: isoTime }).optional(),
  /** The start of the previous plan, so a new plan does not reshuffle without reason. */
  previousStart: isoTime.optional(),
};

export const MachineRequestSchema = z.object({
  ...flexBase,
  kind: z.literal("machine"),
  profileW: z.array(nonNegative).min(1),
  earliestStart: isoTime,
  latestEnd: isoTime,
});

export const WaterHeaterRequestSchema = z.object({
  ...flexBase,
  kind: z.literal("water-heater"),
  powerW: finite.positive(),
  energyWh: nonNegative,
  windows: z.array(window),
});

export const EvRequestSchema = z.object({
  ...flexBase,
  kind: z.literal("ev"),
  maxPowerW: finite.positive(),
  minPowerW: nonNegative.optional(),
  capacityWh: finite.positive(),
  socPct: percent,
  targetSocPct: percent,
  minSocPct: percent.optional(),
  departure: isoTime,
  /** false = ELFE's behaviour: one start at full power. */
  modulating: z.boolean(),
});

export const PilotWireHeaterRequestSchema = z.object({
  ...flexBase,
  kind: z.literal("heater-pilot-wire"),
  ecoW: nonNegative,
  comfortW: nonNegative,
  comfortPeriods: z.array(window),
  ecoForcedMaxPct: percent,
});

export const ThermalHeaterRequestSchema = z.object({
  ...flexBase,
  kind: z.literal("heater-thermal"),
  maxPowerW: finite.positive(),
  tempC: finite,
  model: z.object({ resistanceKPerW: finite.positive(), capacityJPerK: finite.positive() }),
  bands: z.array(z.object({ start: isoTime, end: isoTime, minC: finite, maxC: finite })),
  outsideC: SlotSeriesSchema.optional(),
});

export const FlexRequestSchema = z.discriminatedUnion("kind", [
  MachineRequestSchema,
  WaterHeaterRequestSchema,
  EvRequestSchema,
  PilotWireHeaterRequestSchema,
  ThermalHeaterRequestSchema,
]);
export type FlexRequest = z.infer<typeof FlexRequestSchema>;
export type FlexKind = FlexRequest["kind"];
export type MachineRequest = z.infer<typeof MachineRequestSchema>;
export type WaterHeaterRequest = z.infer<typeof WaterHeaterRequestSchema>;
export type EvRequest = z.infer<typeof EvRequestSchema>;
export type PilotWireHeaterRequest = z.infer<typeof PilotWireHeaterRequestSchema>;
export type ThermalHeaterRequest = z.infer<typeof ThermalHeaterRequestSchema>;

const hourDeficit = z.object({ w: finite, at: isoTime });

export const PlanSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  territory: z.string(),
  firstValidTimestamp: isoTime,
  stepMinutes: z.number().int().positive(),
  slotCount: z.number().int().positive(),
  devices: z.array(
    z.object({
      deviceId: z.string().min(1),
      /** The household's name for it (from its request), for charts and screens. */
      name: z.string().optional(),
      kind: z.enum(["machine", "water-heater", "ev", "heater-pilot-wire", "heater-thermal"]),
      elfeType: z.number().int().optional(),
      /** Continuous kinds are on/off per slot; one-shot kinds carry a 1 at their start slot. */
      continuous: z.boolean(),
      decisions: z.array(finite),
      start: isoTime.optional(),
      energyWh: nonNegative,
    }),
  ),
  curves: z.object({ withoutFlexW: z.array(finite), withFlexW: z.array(finite) }),
  runInfo: z.object({
    buildMs: nonNegative,
    solveMs: nonNegative,
    method: z.enum(["lp-first", "milp", "greedy"]),
    objectiveWh: finite,
    boundWh: finite.optional(),
    gap: finite.optional(),
    deviceCount: z.number().int().nonnegative(),
    minHourDeficit: hourDeficit,
    maxHourDeficit: hourDeficit,
  }),
  warnings: z.array(
    z.object({
      code: z.enum(["WARN_CONSTRAINT", "WARN_IGNORED", "WARN_IMPOSSIBLE", "WARN_DATABASE"]),
      deviceId: z.string().optional(),
      message: z.string(),
    }),
  ),
});
export type Plan = z.infer<typeof PlanSchema>;
export type PlannedDevice = Plan["devices"][number];
export type PlanWarning = Plan["warnings"][number];

export const PLUG_FAMILIES = ["shelly-gen1", "shelly-gen2", "tasmota", "switchbot", "openhasp", "socorel", "jeedom"] as const;
export type PlugFamily = (typeof PLUG_FAMILIES)[number];

/**
 * A piloted appliance and the home-automation device that switches it: what the coordination
 * database knows and the dispatch needs. `mode` is ELFE's mode id (30 piloted, 20 manual, 70 disabled …).
 */
export const DeviceBindingSchema = z.object({
  deviceId: z.string().min(1),
  name: z.string().optional(),
  elfeType: z.number().int(),
  mode: z.number().int(),
  family: z.enum(PLUG_FAMILIES),
  /** The plug's own id as its MQTT topics use it (Shelly id, Tasmota topic, SwitchBot id …). */
  plugId: z.string().min(1),
  /** ELFE's installation typology (how the appliance is wired to its plugs). */
  typology: z.number().int().optional(),
});
export type DeviceBinding = z.infer<typeof DeviceBindingSchema>;

export const DeviceCommandSchema = z.object({
  deviceId: z.string().min(1),
  family: z.enum(PLUG_FAMILIES),
  action: z.enum(["on", "off", "press", "set"]),
  value: z.union([finite, z.string(), z.boolean()]).optional(),
  reason: z.string(),
  at: isoTime,
});
export type DeviceCommand = z.infer<typeof DeviceCommandSchema>;

export const ReadingSchema = z.object({
  deviceId: z.string().min(1),
  ts: isoTime,
  powerW: finite.optional(),
  energyWh: finite.optional(),
  on: z.boolean().optional(),
  online: z.boolean().optional(),
  batteryPct: percent.optional(),
  charging: z.boolean().optional(),
  temperatureC: finite.optional(),
  humidityPct: percent.optional(),
});
export type Reading = z.infer<typeof ReadingSchema>;

/** The error every validator throws: its message names the shape and the bad field. */
export class ValidationError extends Error {
  constructor(
    readonly shape: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`invalid ${shape}: ${issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`);
    this.name = "ValidationError";
  }
}

export type Validation<T> = { ok: true; value: T } | { ok: false; error: ValidationError };

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

function validator<T>(shape: string, schema: z.ZodType<T>) {
  const check = (input: unknown): Validation<T> => {
    const parsed = schema.safeParse(input);
    if (parsed.success) return { ok: true, value: parsed.data };
    const issues = parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message }));
    return { ok: false, error: new ValidationError(shape, issues) };
  };
  const parse = (input: unknown): T => {
    const result = check(input);
    if (!result.ok) throw result.error;
    return result.value;
  };
  return { check, parse };
}

export const validateSlotSeries = validator("SlotSeries", SlotSeriesSchema);
export const validateFlexRequest = validator("FlexRequest", FlexRequestSchema);
export const validateFlexRequests = validator("FlexRequest[]", z.array(FlexRequestSchema));
export const validatePlan = validator("Plan", PlanSchema);
export const validateDeviceCommand = validator("DeviceCommand", DeviceCommandSchema);
export const validateReading = validator("Reading", ReadingSchema);
export const validateDeviceBinding = validator("DeviceBinding", DeviceBindingSchema);

export const SlotTickSchema = z.object({
  territory: z.string(),
  zone: z.string(),
  stepMinutes: z.number().int().positive(),
  /** Start of the slot this tick announces (ISO with offset). */
  slotStart: isoTime,
  slotEnd: isoTime,
  /** 0-based index of the slot in its local day, and how many slots that day has (92/96/100 at 15 min). */
  slotOfDay: z.number().int().nonnegative(),
  slotsInDay: z.number().int().positive(),
  /** The next horizon's slot starts, the first being slotStart. */
  horizon: z.array(isoTime),
});
export type SlotTick = z.infer<typeof SlotTickSchema>;
export const validateSlotTick = validator("SlotTick", SlotTickSchema);

// ---------------------------------------------------------------------------------------------
// Room 4A020 and PV-surplus control (issue 10): set-points for building points (lights, heating)
// written through EWS or any other writer (the room's overrides are the Override of the dispatch section).

/**
 * A set-point for a building point that is not a plug: the room's lights (on/off or a level) or its
 * heating set-point. `id` is the writer's own point id (an EWS id such as
 * "01/Server 1/4A020/Lights/Row1"), so `elfe-ews-write` or any writer can apply it as is.
 */
export const SetpointCommandSchema = z.object({
  point: z.enum(["lights", "heating"]),
  id: z.string().min(1),
  value: z.union([finite, z.boolean()]),
  unit: z.string().optional(),
  reason: z.string(),
  at: isoTime,
});
export type SetpointCommand = z.infer<typeof SetpointCommandSchema>;
export const validateSetpointCommand = validator("SetpointCommand", SetpointCommandSchema);
// ---------------------------------------------------------------------------------------------
// Supervision sources (issue 4): a laptop's battery as its room service reports it.
// A BatteryReading is a Reading (it validates as one) with what the service tells beyond it.

export const BatteryBandSchema = z.object({
  /** Windows SYSTEM_POWER_STATUS bands: high > 66 %, medium 33–66 %, low < 33 %, critical < 5 %. */
  name: z.enum(["high", "medium", "low", "critical", "none", "unknown"]),
  minPct: percent.optional(),
  maxPct: percent.optional(),
});
export type BatteryBand = z.infer<typeof BatteryBandSchema>;

export const BatteryReadingSchema = ReadingSchema.extend({
  /** On mains power (AC line), when the service knows. */
  onMains: z.boolean().optional(),
  /** The flag's band; batteryPct is its midpoint unless batteryExact. */
  batteryBand: BatteryBandSchema.optional(),
  batteryExact: z.boolean().optional(),
  /** Why this laptop gave no (or incomplete) data. */
  error: z.string().optional(),
});
export type BatteryReading = z.infer<typeof BatteryReadingSchema>;
export const validateBatteryReading = validator("BatteryReading", BatteryReadingSchema);

// ---- Forecast and learning (issue 6) ----------------------------------------------------------

/** A machine's learned consumption cycle: its profileW feeds a machine FlexRequest. */
export const LearnedProfileSchema = z.object({
  deviceId: z.string().optional(),
  /** Average power per slot of `stepMinutes` from the start of the cycle. */
  profileW: z.array(nonNegative).min(1),
  stepMinutes: z.number().int().positive(),
  durationMinutes: nonNegative,
  energyWh: nonNegative,
  /** How many cycles it summarises, and how ("median" per slot of the last ones, or the "latest"). */
  cycleCount: z.number().int().positive(),
  method: z.enum(["median", "latest"]),
  learnedAt: isoTime,
});
export type LearnedProfile = z.infer<typeof LearnedProfileSchema>;
export const validateLearnedProfile = validator("LearnedProfile", LearnedProfileSchema);

// ---------------------------------------------------------------------------------------------
// Dispatch (issue 9): overrides from a flow, the dispatch's view of a binding, its events.
// ---------------------------------------------------------------------------------------------

/**
 * A manual order from a flow: force on/off (until a time), disable (ELFE mode 70), or back to the
 * automatic control ("auto"). `deviceId` "*" (the default) means every device the node drives, for
 * the nodes that drive several (room manager); the dispatch needs a device id. Nodes without a
 * disabled state (room manager, surplus controller) treat "disable" as "off".
 */
export const OverrideSchema = z.object({
  deviceId: z.string().min(1).default("*"),
  action: z.enum(["on", "off", "auto", "disable"]),
  /** When the override ends by itself (ISO with offset); without it, it lasts until "auto". */
  until: isoTime.optional(),
});
export type Override = z.infer<typeof OverrideSchema>;
export const validateOverride = validator("Override", OverrideSchema);

export const FAIL_SAFE_STATES = ["off", "on", "leave"] as const;
export type FailSafeState = (typeof FAIL_SAFE_STATES)[number];

/**
 * A DeviceBinding plus what some installations need beyond their one plug: the second SwitchBot
 * finger of typology 150 (the one that presses the power button), the meter or sensor whose
 * readings confirm a start, and per-device fail-safe and start-power settings.
 */
export const DispatchBindingSchema = DeviceBindingSchema.extend({
  powerFinger: z.object({ family: z.enum(PLUG_FAMILIES), plugId: z.string().min(1) }).optional(),
  /** Ids under which the installation's meter or sensor reports its readings. */
  meterId: z.string().min(1).optional(),
  sensorId: z.string().min(1).optional(),
  failSafe: z.enum(FAIL_SAFE_STATES).optional(),
  /** Power (W) above which the appliance is considered running. */
  startPowerW: nonNegative.optional(),
});
export type DispatchBinding = z.infer<typeof DispatchBindingSchema>;
export const validateDispatchBindings = validator("DeviceBinding[]", z.array(DispatchBindingSchema));

/**
 * What the dispatch reports besides commands. `coordination` carries the fields ELFE's other
 * tools read (mode, command/control state ids, consigne, last start), for the coordination database.
 */
export const DispatchEventSchema = z.object({
  kind: z.enum([
    "switched",
    "start-sent",
    "confirmed",
    "retry",
    "failed",
    "mode",
    "failsafe",
    "plan-applied",
    "plan-expired",
    "override",
    "override-expired",
    "offline",
    "unexpected-power",
    "unsupported",
    "state",
  ]),
  at: isoTime,
  message: z.string(),
  deviceId: z.string().optional(),
  attempt: z.number().int().optional(),
  coordination: z
    .object({
      mode: z.number().int().optional(),
      commandState: z.number().int().optional(),
      controlState: z.number().int().optional(),
      running: z.boolean().optional(),
      lastStartAt: isoTime.optional(),
    })
    .optional(),
  devices: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type DispatchEvent = z.infer<typeof DispatchEventSchema>;
export const validateDispatchEvent = validator("DispatchEvent", DispatchEventSchema);

// ---------------------------------------------------------------------------------------------
// Device translators (lib/devices): the MQTT side of a DeviceCommand and of a Reading.
// ---------------------------------------------------------------------------------------------

/** One publish for Node-RED's core `mqtt out` (payload already serialised; never retained for orders). */
export interface MqttMessage {
  topic: string;
  payload: string;
  qos: 0 | 1 | 2;
  retain: boolean;
}

/** What core `mqtt in` delivers: the payload may be a Buffer, a string, or already parsed (number, boolean, object). */
export interface MqttInbound {
  topic: string;
  payload: unknown;
}

/** A device's own answer to an order: a Shelly RPC reply, a SwitchBot press result. */
export interface DeviceAck {
  deviceId: string;
  ok: boolean;
  /** The state the device says it is now in, when it says so. */
  on?: boolean;
  detail?: string;
}

/** What one inbound MQTT message meant: readings, acknowledgements, or nothing we track. */
export interface Translation {
  readings: Reading[];
  acks: DeviceAck[];
}

/** What a translator node reports besides readings (output 3). */
export interface DeviceEvent {
  /** `started`: after a confirmed on, the meter shows the appliance drawing power (its cycle began). */
  event: "confirmed" | "started" | "retry" | "failed" | "online" | "offline" | "power-while-off" | "unchanged";
  deviceId: string;
  at: string;
  command?: DeviceCommand;
  attempts?: number;
  detail?: string;
}

/** A piloted appliance as the ELFI screen shows it (elfe-openhasp input). */
export interface ScreenDevice {
  deviceId: string;
  elfeType: number;
  name?: string;
  /** ELFE mode id: 30 piloted, 20 manual, 70 disabled. */
  mode: number;
  /** Machines: the wished end and the cycle length. */
  latestEnd?: string;
  cycleMinutes?: number;
  /** Machines: the mean power of a cycle, to declare its profile. */
  powerW?: number;
  /** EV: remaining charge now, wished charge, when the car leaves, battery and charger. */
  socPct?: number;
  targetSocPct?: number;
  departure?: string;
  capacityWh?: number;
  maxPowerW?: number;
  /** The plan's next start for this device, if any. */
  nextStart?: string;
}

/** One household's screen: its openHASP node name, devices, and the territory balance now. */
export interface ScreenView {
  node: string;
  devices: ScreenDevice[];
  balanceW?: number;
}

/** What a person did on an ELFI screen, besides declaring a flexibility (elfe-openhasp output 3). */
export type ScreenAction =
  | { event: "mode"; deviceId: string; mode: 20 | 30; at: string }
  | { event: "start-now"; deviceId: string; at: string }
  | { event: "online" | "offline"; screen: string; at: string };
