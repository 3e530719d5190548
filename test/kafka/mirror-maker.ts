/**
 * Apache Kafka MirrorMaker 2 (dedicated mode, org.apache.kafka.connect.mirror.MirrorMaker) next to the harness
 * brokers: org.apache.kafka:connect-mirror of the brokers' version, resolved from Maven Central by maven.ts
 * into .kafka/mirror-maker-<version>/lib (cached like the broker jars), run as a child JVM with its output in a
 * log file. Used by the MirrorMaker 2 integration test (test/integration/replication-mm2.test.ts) and by the
 * benchmarks (bench/lib/common.mjs, through the compiled copy in .kafka/build/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loggingConfig } from './broker-config.js';
import { projectRoot, startWatchdog } from './harness.js';
import { resolveKafkaRuntime, type KafkaRuntime } from './maven.js';

/** Small and quick to start, like the harness brokers: a test copies a few thousand records. */
export const DEFAULT_MIRROR_MAKER_JVM_OPTS = ['-Xms64m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true'];

export interface MirrorMakerOptions {
  kafkaVersion: string;
  /** working directory: the properties file, the logging configuration and mm2.log go here */
  dir: string;
  /** the contents of mm2.properties (written to dir/mm2.properties) */
  properties: string;
  /** replaces DEFAULT_MIRROR_MAKER_JVM_OPTS */
  jvmOpts?: string[];
  /** the project root (holds .kafka/); found from this file when omitted */
  root?: string;
}

export interface MirrorMakerProcess {
  child: ChildProcess;
  /** resolves with the exit code (128 when killed by a signal) */
  exited: Promise<number>;
  logFile: string;
  propertiesFile: string;
  /** the last lines of mm2.log, for failure messages */
  tail(lines?: number): string;
  /** SIGTERM (MirrorMaker 2 shuts down cleanly), SIGKILL after graceMs; resolves with the exit code */
  stop(graceMs?: number): Promise<number>;
}

/** connect-mirror and its dependencies (connect-runtime, clients) plus the SLF4J binding the version expects. */
export function resolveMirrorMaker(kafkaVersion: string, root = projectRoot()): Promise<KafkaRuntime> {
  return resolveKafkaRuntime(kafkaVersion, join(root, '.kafka'), 'mirror-maker');
}

export async function startMirrorMaker(options: MirrorMakerOptions): Promise<MirrorMakerProcess> {
  const runtime = await resolveMirrorMaker(options.kafkaVersion, options.root);
  await mkdir(options.dir, { recursive: true });
  const propertiesFile = join(options.dir, 'mm2.properties');
  await writeFile(propertiesFile, options.properties);
  // what MirrorMaker 2 does (topics found, partitions assigned), without its connectors' configuration dumps
  const configDumps = ['MirrorMakerConfig', 'MirrorSourceConfig', 'MirrorSourceTaskConfig', 'MirrorCheckpointConfig', 'MirrorCheckpointTaskConfig', 'MirrorHeartbeatConfig'];
  const logging = loggingConfig(runtime.logging, {
    info: ['org.apache.kafka.connect.mirror', 'org.apache.kafka.connect.runtime.distributed.DistributedConfig'],
    warn: configDumps.map((c) => `org.apache.kafka.connect.mirror.${c}`),
  });
  const loggingFile = join(options.dir, logging.file);
  await writeFile(loggingFile, logging.text);
  const loggingProperty = `-D${logging.systemProperty}=${runtime.logging === 'reload4j' ? 'file:' : ''}${loggingFile}`;

  const logFile = join(options.dir, 'mm2.log');
  const fd = openSync(logFile, 'w');
  const child = spawn('java', [...(options.jvmOpts ?? DEFAULT_MIRROR_MAKER_JVM_OPTS), loggingProperty, '-cp', `${runtime.libDir}/*`, 'org.apache.kafka.connect.mirror.MirrorMaker', propertiesFile], {
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = Promise.race([
    once(child, 'exit').then(([code, signal]) => (code ?? (signal ? 128 : 0)) as number),
    once(child, 'error').then(([error]) => {
      throw new Error(`could not run java for MirrorMaker 2: ${(error as Error).message}`);
    }),
  ]);
  exited.catch(() => undefined);
  // the JVM never outlives this process, even when it is killed outright (the command line names dir/)
  if (child.pid !== undefined) startWatchdog([child.pid], options.dir);

  const tail = (lines = 40): string => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  };
  const stop = async (graceMs = 20_000): Promise<number> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return exited;
  };
  return { child, exited, logFile, propertiesFile, tail, stop };
}
