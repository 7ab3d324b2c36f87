import { fuzzSuite } from "./harness";
import { p1Targets } from "./targets/p1";

fuzzSuite("p1", p1Targets);
