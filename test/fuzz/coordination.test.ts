import { fuzzSuite } from "./harness";
import { coordinationTargets } from "./targets/coordination";

fuzzSuite("coordination", coordinationTargets);
