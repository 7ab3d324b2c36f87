import { fuzzSuite } from "./harness";
import { openweathermapTargets } from "./targets/openweathermap";

fuzzSuite("openweathermap", openweathermapTargets);
