// Every MQTT telemetry family: each sample is a topic and a payload; the payload is mutated and
// given as text, as a Buffer, and as `mqtt in` would hand it parsed (auto-detect). Random topics
// are tried too. Typed error: DeviceMessageError.
import fc from "fast-check";
import { DeviceMessageError, TRANSLATORS, type TranslatorFamily } from "../../../lib/devices";
import { ValidationError, validateDeviceCommand } from "../../../lib/types";
import { typedError, type FuzzTarget } from "../harness";

const NOW = new Date("2026-05-02T12:00:30.000Z");
const typed = typedError(DeviceMessageError);

/** mqtt in's auto-detect: JSON and numbers arrive parsed. */
function autoDetected(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function family(name: TranslatorFamily, options: Record<string, string>, messages: [string, string][], prepare?: (t: ReturnType<(typeof TRANSLATORS)[TranslatorFamily]>) => void): FuzzTarget[] {
  const make = () => {
    const t = TRANSLATORS[name](options);
    prepare?.(t);
    return t;
  };
  const parseAll = (topic: string, payload: unknown) => {
    const t = make();
    if (typeof payload !== "string") return [t.parse({ topic, payload }, NOW)];
    return [payload, Buffer.from(payload, "utf8"), autoDetected(payload)].map((p) => make().parse({ topic, payload: p }, NOW));
  };
  return [
    {
      name: `devices: ${name} payloads`,
      samples: messages.map(([, p]) => p),
      inputs: "any",
      run: (input, i) => parseAll(messages[i][0], input),
      typed,
    },
    {
      name: `devices: ${name} topics`,
      samples: messages.map(([t]) => t),
      random: fc.array(fc.oneof(fc.constantFrom("+", "#", "", "rpc", "status", "switch:0", "relay", "0", "tele", "stat", "bot", "hasp"), fc.string({ maxLength: 6 })), { maxLength: 6 }).map((l) => l.join("/")),
      run: (input, i) => make().parse({ topic: input as string, payload: messages[i][1] }, NOW),
      typed,
    },
  ];
}

const cmd = { family: "shelly-gen2", action: "on", reason: "plan", at: "2026-05-02T14:00:00+02:00" } as const;

/** Orders as a node receives them: validated as DeviceCommands, then turned into MQTT publishes. */
function commands(name: TranslatorFamily, options: Record<string, string>, samples: object[]): FuzzTarget {
  return {
    name: `devices: ${name} orders`,
    samples,
    inputs: "object",
    run: (input) => TRANSLATORS[name](options).command(validateDeviceCommand.parse(input)),
    typed: typedError(DeviceMessageError, ValidationError),
  };
}
const order = (family: string, deviceId: string, action: string, value?: number) => ({ deviceId, family, action, ...(value === undefined ? {} : { value }), reason: "plan", at: "2026-05-02T14:00:00+02:00" });

export const deviceTargets: FuzzTarget[] = [
  commands("shelly-gen1", { devices: "washer = shellyplug-s-A8BC25" }, [order("shelly-gen1", "washer", "on"), order("shelly-gen1", "plug-9", "off")]),
  commands("shelly-gen2", { devices: "dryer = shellyplus1pm-a8032ab1" }, [order("shelly-gen2", "dryer", "on"), order("shelly-gen2", "dryer", "set", 30)]),
  commands("tasmota", {}, [order("tasmota", "nous-a1t-1", "off")]),
  commands("switchbot", { devices: "boiler = hub1/bot1" }, [order("switchbot", "boiler", "press"), order("switchbot", "hub1/bot2", "on")]),
  commands("socorel", {}, [order("socorel", "SN123/3", "on")]),
  ...family("shelly-gen1", { devices: "washer = shellyplug-s-A8BC25" }, [
    ["shellies/shellyplug-s-A8BC25/relay/0", "on"],
    ["shellies/shellyplug-s-A8BC25/relay/0/power", "37.42"],
    ["shellies/shellyplug-s-A8BC25/relay/0/energy", "486230"],
    ["shellies/shellyplug-s-A8BC25/online", "true"],
  ]),
  ...family("shelly-gen2", { devices: "dryer = shellyplus1pm-a8032ab1" }, [
    ["shellyplus1pm-a8032ab1/status/switch:0", '{"id":0,"source":"init","output":true,"apower":512.3,"voltage":230.1,"current":2.2,"aenergy":{"total":12345.678,"by_minute":[1,2,3],"minute_ts":1714651200},"temperature":{"tC":41.2}}'],
    ["shellyplus1pm-a8032ab1/events/rpc", '{"src":"shellyplus1pm-a8032ab1","dst":"shellyplus1pm-a8032ab1/events","method":"NotifyStatus","params":{"ts":1714651230.5,"switch:0":{"id":0,"apower":498.1,"aenergy":{"total":12350.1}}}}'],
    ["elfe-controle/shellyplus1pm-a8032ab1/rpc", '{"id":1,"src":"shellyplus1pm-a8032ab1","dst":"elfe-controle/shellyplus1pm-a8032ab1","result":{"was_on":false}}'],
    ["elfe-controle/shellyplus1pm-a8032ab1/rpc", '{"id":1,"src":"shellyplus1pm-a8032ab1","error":{"code":-105,"message":"Argument id not found"}}'],
    ["shellyplus1pm-a8032ab1/online", "false"],
  ], (t) => void t.command({ ...cmd, deviceId: "dryer" })),
  ...family("shelly-ht", {}, [
    ["shellies/shellyht-AB12/sensor/temperature", "21.5"],
    ["shellies/shellyht-AB12/sensor/humidity", "48"],
    ["shellies/shellyht-AB12/sensor/battery", "87"],
    ["shellies/shellyht-AB12/sensor/ext_power", "false"],
    ["shellyhtg3-84fce63ad1b0/status/temperature:0", '{"id":0,"tC":20.4,"tF":68.7}'],
    ["shellyhtg3-84fce63ad1b0/status/humidity:0", '{"id":0,"rh":52.1}'],
    ["shellyhtg3-84fce63ad1b0/status/devicepower:0", '{"id":0,"battery":{"V":5.9,"percent":93},"external":{"present":false}}'],
  ]),
  ...family("tasmota", { devices: "heater = nous-a1t-1" }, [
    ["stat/nous-a1t-1/POWER", "ON"],
    ["stat/nous-a1t-1/RESULT", '{"POWER":"OFF"}'],
    ["tele/nous-a1t-1/STATE", '{"Time":"2026-05-02T14:00:00","Uptime":"0T01:00:00","POWER":"ON","Wifi":{"RSSI":80}}'],
    ["tele/nous-a1t-1/SENSOR", '{"Time":"2026-05-02T14:00:00","ENERGY":{"TotalStartTime":"2024-01-01T00:00:00","Total":12.345,"Yesterday":1.2,"Today":0.8,"Power":1500,"Voltage":231,"Current":6.5}}'],
    ["tele/nous-a1t-1/LWT", "Online"],
  ]),
  ...family("switchbot", { devices: "boiler = hub1/bot1" }, [
    ["switchbot/hub1/bot/bot1/status", '{"status":"success"}'],
    ["switchbot/hub1/bot/bot1/state", "ON"],
    ["switchbot/hub1/bot/bot1/attributes", '{"batt":87,"mode":"press","rssi":-60}'],
    ["switchbot/hub1/bot/bot1/battery", "87"],
    ["switchbot/hub1/lastwill", "online"],
  ], (t) => void t.command({ ...cmd, family: "switchbot", deviceId: "boiler", action: "press" })),
  ...family("socorel", {}, [
    ["Socorel/SN123/EtatSorties", "10000001"],
    ["Socorel/SN123/EtatSorties", "[1,0,0,0,0,0,0,1]"],
    ["Socorel/SN123/EtatSorties", '{"EtatSortie1":1,"EtatSortie2":0,"EtatSortie3":0,"EtatSortie4":0,"EtatSortie5":0,"EtatSortie6":0,"EtatSortie7":0,"EtatSortie8":1}'],
    ["Socorel/SN123/EtatSortie3", "1"],
    ["Socorel/SN123/PA1MN", "2300"],
  ]),
];
