import { defineConfig } from 'vitest/config';

// Projects: `unit` (pure logic, mirrors src/), `cli` (runs the built binary), and later `integration`
// (real Kafka brokers from test/kafka/, started once by its global setup).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'cli',
          include: ['test/cli/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // real brokers (test/kafka/harness.ts): started once here, shared by every file, one file at a time
          globalSetup: ['test/kafka/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
