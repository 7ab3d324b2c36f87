import { fuzzSuite } from "./harness";
import { deviceTargets } from "./targets/devices";

fuzzSuite("devices", deviceTargets);
