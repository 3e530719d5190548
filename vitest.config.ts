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
    ],
  },
});
