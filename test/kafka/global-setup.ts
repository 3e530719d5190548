/**
 * vitest global setup of the `integration` project: starts the Kafka harness once (or reuses running
 * brokers, see harness.ts) before the integration tests, and stops what it started afterwards. Test files
 * read the endpoints with harnessEndpoints() (from the MSKCTL_TEST_* variables set here).
 */
import { startHarness } from './harness.js';

export default async function setup(): Promise<() => Promise<void>> {
  const harness = await startHarness();
  return async () => {
    await harness.stop();
  };
}
