import { fuzzSuite } from "./harness";
import { batteryTargets } from "./targets/battery";

fuzzSuite("battery", batteryTargets);
