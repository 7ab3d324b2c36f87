// Fronius Solar API answers, through to Readings. Typed error: SourceError.
import { SourceError } from "../../../lib/sources/errors";
import { inverterReading, parseInverterData, parsePowerFlow, powerFlowReading } from "../../../lib/sources/fronius";
import { typedError, type FuzzTarget } from "../harness";

const headOk = (args: Record<string, string> = {}) => ({ RequestArguments: args, Status: { Code: 0, Reason: "", UserMessage: "" }, Timestamp: "2024-05-02T12:00:03+02:00" });
const powerFlow = {
  Head: headOk(),
  Body: { Data: { Site: { Mode: "meter", P_PV: 4210.0, P_Grid: -2950.4, P_Load: -1259.6, P_Akku: 120, E_Day: 18250.0, E_Year: 2310440.5, E_Total: 15388710.0 }, Inverters: { "1": { DT: 123, P: 4210, E_Day: 18250.0, SOC: 55 } }, Version: "12" } },
};
const inverter = {
  Head: headOk({ DataCollection: "CommonInverterData", DeviceId: "1", Scope: "Device" }),
  Body: { Data: { PAC: { Unit: "W", Value: 4210 }, DAY_ENERGY: { Unit: "Wh", Value: 18250 }, TOTAL_ENERGY: { Unit: "Wh", Value: 15388710 }, UAC: { Unit: "V", Value: 231.4 }, DeviceStatus: { StatusCode: 7, ErrorCode: 0 } } },
};
const system = {
  Head: headOk({ Scope: "System" }),
  Body: { Data: { PAC: { Unit: "W", Values: { "1": 2100, "2": 1900 } }, DAY_ENERGY: { Unit: "Wh", Values: { "1": 9000, "2": 8000 } }, TOTAL_ENERGY: { Unit: "Wh", Values: { "1": 1e7, "2": 9e6 } } } },
};
const fault = { Head: { ...headOk(), Status: { Code: 8, Reason: "timeout", UserMessage: "" } }, Body: { Data: {} } };

export const froniusTargets: FuzzTarget[] = [
  {
    name: "fronius: parsePowerFlow → powerFlowReading",
    samples: [JSON.stringify(powerFlow), JSON.stringify(fault)],
    run: (input) => {
      const flow = parsePowerFlow(input as string);
      return { flow, reading: powerFlowReading(flow, "pv") };
    },
    typed: typedError(SourceError),
  },
  {
    name: "fronius: parseInverterData → inverterReading",
    samples: [JSON.stringify(inverter), JSON.stringify(system)],
    run: (input) => {
      const data = parseInverterData(input as string);
      return { data, reading: inverterReading(data, "pv") };
    },
    typed: typedError(SourceError),
  },
];
