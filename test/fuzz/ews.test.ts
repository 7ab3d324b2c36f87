import { fuzzSuite } from "./harness";
import { ewsTargets } from "./targets/ews";

fuzzSuite("ews", ewsTargets);
