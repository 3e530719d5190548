import { defineConfig } from 'vitest/config';

// Projects: `unit` (pure logic, mirrors src/), `cli` (runs the built binary), `aws` (real SDK clients against
// a local fake endpoint) and `integration` (real Kafka brokers from test/kafka/, started once by its global setup).
// In CI a JSON report is kept too, so .ci/run can close with one "N passed, N failed" line.
const reportFile = process.env.MSKCTL_TEST_REPORT;

export default defineConfig({
  test: {
    reporters: reportFile ? ['default', ['json', { outputFile: reportFile }]] : ['default'],
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
        // the real AWS SDK clients, via the built CLI, against a local fake endpoint (test/aws/fake-aws.ts)
        test: {
          name: 'aws',
          include: ['test/aws/**/*.test.ts'],
          testTimeout: 60_000,
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
