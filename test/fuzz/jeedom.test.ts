import { fuzzSuite } from "./harness";
import { jeedomTargets } from "./targets/jeedom";

fuzzSuite("jeedom", jeedomTargets);
