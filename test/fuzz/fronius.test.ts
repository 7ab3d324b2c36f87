import { fuzzSuite } from "./harness";
import { froniusTargets } from "./targets/fronius";

fuzzSuite("fronius", froniusTargets);
