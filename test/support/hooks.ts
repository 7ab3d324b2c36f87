// Mocha root hooks: start the embedded PostgreSQL once before the run (it takes seconds, more on
// a loaded machine, which no single test's time-out should pay for), stop embedded services after.
import { startEmbeddedServices, stopEmbeddedServices } from "./services";

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(180_000);
    await startEmbeddedServices();
  },
  async afterAll(): Promise<void> {
    await stopEmbeddedServices();
  },
};
