// Battery service answers and the laptop table. Typed errors: SourceError (answers), RangeError (the table, a setting).
import { batteryReading, parseBatteryStatus, parseLaptopTable } from "../../../lib/sources/battery";
import { SourceError } from "../../../lib/sources/errors";
import { typedError, type FuzzTarget } from "../harness";

export const batteryTargets: FuzzTarget[] = [
  {
    name: "battery: parseBatteryStatus → batteryReading",
    samples: ['{"BatteryFlag": 9, "ACLineStatus": 1, "BatteryLifePercent": 71}', '{"BatteryFlag": 2, "ACLineStatus": 0, "BatteryLifePercent": 255}', '{"BatteryFlag": "8", "ACLineStatus": "1"}', '{"BatteryFlag": 128, "ACLineStatus": 1}'],
    run: (input) => batteryReading("pc01", parseBatteryStatus(input as string), "2026-06-10T12:00:00.000Z"),
    typed: typedError(SourceError),
  },
  {
    name: "battery: parseLaptopTable",
    samples: ["# room 4A020\nordinateur01 = pc01\nordinateur02 = http://10.0.0.7:1095/getBattery\nordinateur03 = 10.0.0.5:8080\n"],
    run: (input) => parseLaptopTable(input as string),
    typed: typedError(RangeError),
  },
];
