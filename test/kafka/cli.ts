/**
 * `npm run kafka:start` / `npm run kafka:stop` / `npm run kafka:status`: the harness as a script. `start`
 * leaves the brokers running (detached) and prints `export` lines for the MSKCTL_TEST_* variables; vitest's
 * global setup and the benchmarks then reuse them through the state file in .kafka/.
 * Kafka version: MSKCTL_KAFKA_VERSION (default 3.9.x) or --version X.
 */
import { harnessEnv, projectRoot, readState, requestedVersion, startHarness, stopFromState, brokerAnswers } from './harness.js';

const log = (line: string): void => {
  process.stderr.write(line + '\n');
};

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const versionFlag = rest.indexOf('--version');
  const version = versionFlag >= 0 ? rest[versionFlag + 1] : requestedVersion();
  if (!version) {
    log('usage: cli.js start|stop|status [--version X]');
    return 2;
  }
  const root = projectRoot();
  switch (command) {
    case 'start': {
      const harness = await startHarness({ kafkaVersion: version, detached: true, log });
      for (const [k, v] of Object.entries(harnessEnv(harness))) process.stdout.write(`export ${k}=${shellQuote(v)}\n`);
      log(`harness: ${harness.started ? 'started' : 'already running'} in ${(harness.startMs / 1000).toFixed(1)} s; stop with \`npm run kafka:stop\``);
      return 0;
    }
    case 'stop': {
      if (!(await stopFromState(root, version, log))) log(`harness: no Kafka ${version} harness recorded in .kafka/ (nothing to stop)`);
      return 0;
    }
    case 'status': {
      const state = readState(root, version);
      if (!state) {
        log(`harness: no Kafka ${version} harness recorded in .kafka/`);
        return 1;
      }
      const up = await Promise.all([brokerAnswers(state.source.plaintext), brokerAnswers(state.target.plaintext)]);
      process.stdout.write(JSON.stringify({ kafkaVersion: state.kafkaVersion, source: state.source, target: state.target, answering: up }, null, 2) + '\n');
      return up.every(Boolean) ? 0 : 1;
    }
    default:
      log('usage: cli.js start|stop|status [--version X]');
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`harness: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(3);
  },
);
