import { fuzzSuite } from "./harness";
import { campbellTargets } from "./targets/campbell";

fuzzSuite("campbell", campbellTargets);
