// openHASP ELFI screen: plate events and LWT, then what a touch means for the household's view
// (declarations, modes). Typed errors: DeviceMessageError (the message), ValidationError when a
// declaration built from the screen is refused by the FlexRequest contract.
import { DeviceMessageError } from "../../../lib/devices";
import { applyScreenEvent, parseScreenMessage, screenViewOf } from "../../../lib/devices/openhasp";
import { ValidationError, type ScreenView } from "../../../lib/types";
import { typedError, type FuzzTarget } from "../harness";

const options = { zone: "Europe/Paris", stepMinutes: 15 };
const view: ScreenView = {
  node: "g002",
  balanceW: 12500,
  devices: [
    { deviceId: "washer", name: "Lave-linge", elfeType: 112, mode: 30, latestEnd: "2026-05-02T18:00:00+02:00", cycleMinutes: 150, powerW: 800 },
    { deviceId: "ev", elfeType: 221, mode: 30, departure: "2026-05-03T07:00:00+02:00", socPct: 40, targetSocPct: 80, capacityWh: 40000, maxPowerW: 7400 },
    { deviceId: "tank", elfeType: 131, mode: 30 },
  ],
};
const nowMs = Date.parse("2026-05-02T12:07:00Z");
const typed = typedError(DeviceMessageError, ValidationError);

export const openhaspTargets: FuzzTarget[] = [
  {
    name: "openhasp: parseScreenMessage → applyScreenEvent",
    samples: ['{"event":"changed","val":17,"text":"17"}', '{"event":"changed","val":1}', '{"event":"up","val":1}', '{"event":"changed","val":3}', '{"event":"changed","val":6}'],
    inputs: "any",
    run: (input, i) => {
      const topics = ["hasp/g002/state/p3b8", "hasp/g002/state/p3b3", "hasp/g002/state/p3b12", "hasp/g002/state/p5b5", "hasp/g002/state/p5b8"];
      const msg = parseScreenMessage({ topic: topics[i], payload: input });
      return msg?.kind === "event" ? applyScreenEvent(view, msg, nowMs, options) : msg;
    },
    typed,
  },
  {
    name: "openhasp: screen topics and LWT",
    samples: ["hasp/g002/LWT", "hasp/g002/state/p3b8", "hasp/g002/state/idle"],
    run: (input) => parseScreenMessage({ topic: input as string, payload: input === "hasp/g002/LWT" ? "online" : '{"event":"changed","val":2}' }),
    typed,
  },
  {
    name: "openhasp: screenViewOf (household view message)",
    samples: [view],
    run: (input) => screenViewOf(input),
    typed,
  },
];
