import { fuzzSuite } from "./harness";
import { openhaspTargets } from "./targets/openhasp";

fuzzSuite("openhasp", openhaspTargets);
