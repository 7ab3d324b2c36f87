// The device doubles live in lib/sim/devices.ts (the demo starts them too); tests import them here.
export * from "../../lib/sim/devices";
