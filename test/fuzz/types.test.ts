import { fuzzSuite } from "./harness";
import { typesTargets } from "./targets/types";

fuzzSuite("types", typesTargets);
