// Mocha root hooks: stop the embedded services once the whole run is over.
import { stopEmbeddedServices } from "./services";

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopEmbeddedServices();
  },
};
