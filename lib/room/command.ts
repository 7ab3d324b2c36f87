// A plug command of the room, with its reason.
import type { DeviceCommand } from "../types";
import type { RoomConfig } from "./config";

export function plugCommand(config: RoomConfig, deviceId: string, action: "on" | "off", reason: string, now: number): DeviceCommand {
  return { deviceId, family: config.family, action, reason, at: new Date(now).toISOString() };
}
