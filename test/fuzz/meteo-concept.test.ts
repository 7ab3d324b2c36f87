import { fuzzSuite } from "./harness";
import { meteoConceptTargets } from "./targets/meteo-concept";

fuzzSuite("meteo-concept", meteoConceptTargets);
