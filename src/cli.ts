/**
 * The command registry: every command, its arguments, options and examples are declared here, and each
 * handler module is imported only when its command runs (offline commands never load kafkajs or the AWS SDK).
 */
import { Command, Option } from 'commander';
import type { CommandModule } from './commands/types.js';

export interface OptionSpec {
  flags: string;
  description: string;
  defaultValue?: string | boolean | string[];
  choices?: readonly string[];
  /** may be given several times; values are collected into an array (comma-separated values are split) */
  repeatable?: boolean;
  /** also read from this environment variable when the flag is absent */
  env?: string;
  hidden?: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** commander argument syntax: '<file>', '[file]', '[files...]' */
  arguments?: string[];
  /** at least one example, shown in --help */
  examples: string[];
  options?: OptionSpec[];
  load?: () => Promise<CommandModule>;
  subcommands?: CommandSpec[];
}

export const GLOBAL_OPTIONS: OptionSpec[] = [
  { flags: '-o, --output <format>', description: 'result format', defaultValue: 'table', choices: ['table', 'json', 'yaml'] },
  { flags: '--context <name>', description: 'named context from $MSKCTL_CONFIG or ~/.config/mskctl/config.yaml', env: 'MSKCTL_CONTEXT' },
  { flags: '--region <region>', description: 'AWS region (default: AWS_REGION, the profile, or the context)' },
  { flags: '--profile <name>', description: 'AWS shared-config profile' },
  { flags: '--endpoint-url <url>', description: 'AWS API endpoint override (testing, VPC endpoints)' },
  { flags: '-v, --verbose', description: 'more diagnostics on stderr, stack traces on errors', defaultValue: false },
  { flags: '-q, --quiet', description: 'only errors and warnings on stderr', defaultValue: false },
  { flags: '--no-color', description: 'no colours in output' },
];

// Shared option declarations, so one flag reads the same everywhere.
export const HEADROOM_OPTION: OptionSpec = {
  flags: '--headroom <fraction>',
  description: 'warn above this share of a limit, 0-1 or a percentage (default 0.8)',
};
export const QUOTAS_OPTION: OptionSpec = {
  flags: '--quotas <file>',
  description: 'YAML/JSON file overriding limits and prices (see `mskctl quotas`)',
  env: 'MSKCTL_QUOTAS',
};
export const EXECUTE_OPTION: OptionSpec = {
  flags: '--execute',
  description: 'carry out the plan (without it, only the plan is printed and nothing changes)',
  defaultValue: false,
};

/** per-side connection options of `mskctl replicate`: --source-auth, --target-username, ... */
function replicationSideOptions(side: 'source' | 'target'): OptionSpec[] {
  return [
    { flags: `--${side} <context|bootstrap>`, description: `the ${side} cluster: a context name or host:port[,host:port...]` },
    { flags: `--${side}-auth <mode>`, description: `${side} authentication (default: the context's, iam for an MSK Serverless bootstrap, else plaintext)`, choices: ['plaintext', 'scram', 'tls', 'iam'] },
    { flags: `--${side}-username <name>`, description: `SCRAM user name on the ${side}` },
    { flags: `--${side}-password-env <var>`, description: `environment variable holding the ${side} SCRAM password (default MSKCTL_${side.toUpperCase()}_PASSWORD; never a flag value)` },
    { flags: `--${side}-ca-file <pem>`, description: `CA bundle to verify the ${side} brokers` },
    { flags: `--${side}-cert-file <pem>`, description: `client certificate for mutual TLS to the ${side}` },
    { flags: `--${side}-key-file <pem>`, description: `client key for mutual TLS to the ${side}` },
    { flags: `--${side}-region <region>`, description: `AWS region of the ${side} cluster (IAM tokens are signed for it)` },
    { flags: `--${side}-profile <name>`, description: `AWS profile for IAM on the ${side}` },
    { flags: `--${side}-role-arn <arn>`, description: `IAM role to assume for the ${side}` },
    { flags: `--${side}-insecure-skip-verify`, description: `do not verify the ${side} brokers' TLS certificates (explicit opt-out)` },
    { flags: `--${side}-no-tls`, description: `SCRAM without TLS (a SASL_PLAINTEXT listener of a self-managed ${side})` },
  ];
}

const FLOW_ID_OPTION: OptionSpec = { flags: '--flow-id <id>', description: 'the flow: names its internal topics mskctl.<id>.positions and mskctl.<id>.offset-map on the target (default "default")' };
const BOTH_SIDES: OptionSpec[] = [...replicationSideOptions('source'), ...replicationSideOptions('target'), FLOW_ID_OPTION];

const REPLICATE_COMMAND: CommandSpec = {
  name: 'replicate',
  summary: 'MirrorMaker-style replication from a source cluster to a target, with positions and an exact offset map kept on the target',
  examples: [
    "mskctl replicate --source onprem --target 127.0.0.1:9092 --topics 'orders.*,payments' --flow-id orders --dry-run",
    "mskctl replicate --source 10.0.0.5:9092 --target boot-abc.c2.kafka-serverless.eu-west-1.amazonaws.com:9098 --target-region eu-west-1 --topics 'orders.*' --flow-id orders --exactly-once",
    'mskctl replicate --source onprem --target sls --topics orders --flow-id orders --until-caught-up --stats-json stats.json',
  ],
  options: [
    ...BOTH_SIDES,
    { flags: '--topics <regex>', description: 'source topics to replicate: regular expressions matched against the whole name (comma-separated or repeated)', repeatable: true },
    { flags: '--exclude <regex>', description: 'topics to leave out (added to the defaults: internal, .replica, __*, mskctl.*, connect-*)', repeatable: true },
    { flags: '--rename <policy>', description: 'target topic names: identity (same name) or prefix (<source-alias>.<topic>)', choices: ['identity', 'prefix'], defaultValue: 'identity' },
    { flags: '--source-alias <alias>', description: 'prefix for --rename prefix (default "source")' },
    { flags: '--target-kind <kind>', description: 'serverless limits target topic configs to what MSK Serverless accepts (default: detected from the bootstrap)', choices: ['kafka', 'serverless'] },
    { flags: '--exactly-once', description: 'transactional target producer: records, offset map and positions in one transaction (target readers must use read_committed)', defaultValue: false },
    { flags: '--compression <codec>', description: 'compression of the batches written to the target', choices: ['none', 'gzip', 'snappy', 'lz4', 'zstd'], defaultValue: 'none' },
    { flags: '--dry-run', description: 'print the topic plan and exit; nothing is created', defaultValue: false },
    { flags: '--until-caught-up', description: 'exit 0 once every partition is replicated to the source end offsets', defaultValue: false },
    { flags: '--refresh <duration>', description: 'how often to look for new matching topics and partition growth (default 30s)' },
    { flags: '--heartbeat <duration>', description: 'how often the flow writes its heartbeat and checks for a stop request (default 2s)' },
    { flags: '--progress-interval <duration>', description: 'progress line interval on stderr (default 1s on a terminal, else 10s)' },
    { flags: '--max-batch-bytes <size>', description: 'uncompressed bytes per batch written to the target, capped by the topic max.message.bytes (default 1MiB)' },
    { flags: '--fetch-max-bytes <size>', description: 'bytes per source fetch request (default 8MiB)' },
    { flags: '--fetch-max-partition-bytes <size>', description: 'bytes per partition per source fetch (default 1MiB)' },
    { flags: '--metrics-port <port>', description: 'serve Prometheus metrics on this port (/metrics)' },
    { flags: '--metrics-host <host>', description: 'address for --metrics-port (default 127.0.0.1)' },
    { flags: '--stats-json <file>', description: 'write the final summary (records, bytes, duration, records/s, MB/s) to this file' },
    { flags: '--emit-mm2 <dir>', description: 'write the equivalent MirrorMaker 2 configuration (mm2.properties, MSK Connect connector JSON) and exit' },
  ],
  load: () => import('./commands/replicate.js'),
  subcommands: [
    {
      name: 'status',
      summary: 'lag of a flow (source end offsets against replicated positions) and whether it runs, read from the target without running it',
      examples: ['mskctl replicate status --source onprem --target sls --flow-id orders', 'mskctl replicate status --source onprem --target sls --flow-id orders --check'],
      options: [...BOTH_SIDES, { flags: '--check', description: 'exit 1 when the lag is not zero', defaultValue: false }],
      load: async () => ({ run: (await import('./commands/replicate.js')).status }),
    },
    {
      name: 'translate',
      summary: "translate consumer groups' committed source offsets to exact target offsets with the flow's offset map",
      examples: ['mskctl replicate translate --source onprem --target sls --flow-id orders --group billing', 'mskctl replicate translate --source onprem --target sls --flow-id orders --group billing --group audit --output json'],
      options: [...BOTH_SIDES, { flags: '--group <group>', description: 'consumer group on the source (comma-separated or repeated)', repeatable: true }],
      load: async () => ({ run: (await import('./commands/replicate.js')).translate }),
    },
    {
      name: 'stop',
      summary: 'ask a running flow to drain to the current source end offsets, store its positions and exit 0',
      examples: ['mskctl replicate stop --target sls --flow-id orders', 'mskctl replicate stop --target sls --flow-id orders --no-wait'],
      options: [
        ...replicationSideOptions('target'),
        FLOW_ID_OPTION,
        { flags: '--no-wait', description: 'return once the request is written, without waiting for the flow to stop' },
        { flags: '--timeout <duration>', description: 'how long to wait for the flow to stop (default 2m)' },
      ],
      load: async () => ({ run: (await import('./commands/replicate.js')).stop }),
    },
  ],
};

export const COMMANDS: CommandSpec[] = [
  // one entry per command; handlers are loaded lazily with import()
  {
    name: 'cutover',
    summary: 'consumer-first cutover from a source cluster to a target, as a resumable state machine',
    examples: [
      'mskctl cutover plan --source old --target new --flow-id orders --groups billing --topics orders > cutover.yaml',
      'mskctl cutover run cutover.yaml',
      'mskctl cutover run cutover.yaml --execute',
      'mskctl cutover status cutover.yaml',
    ],
    subcommands: [
      {
        name: 'plan',
        summary: 'write a cutover plan (topics, groups, checks, hooks, state file) as YAML to stdout',
        examples: [
          'mskctl cutover plan --source old --target new --flow-id orders --groups billing,audit --topics orders,payments > cutover.yaml',
          "mskctl cutover plan --source old --target new --flow-id orders --groups billing --topics orders --stop-hook 'kubectl scale deploy/billing-old --replicas 0' --start-hook 'kubectl scale deploy/billing-new --replicas 3' > cutover.yaml",
        ],
        options: [
          { flags: '--source <cluster>', description: 'source cluster: a context name or a bootstrap list' },
          { flags: '--target <cluster>', description: 'target cluster: a context name or a bootstrap list' },
          { flags: '--flow-id <id>', description: 'the `mskctl replicate` flow that copies the topics (default: default, as for replicate)' },
          { flags: '--groups <groups>', description: 'consumer groups to move, in order (comma-separated, repeatable)', repeatable: true },
          { flags: '--topics <topics>', description: 'the replicated topics those groups read (comma-separated, repeatable)', repeatable: true },
          { flags: '--max-lag <records>', description: 'highest replication lag per partition the preflight accepts (default 0)' },
          { flags: '--producer-quiet-period <duration>', description: 'source end offsets unchanged this long = producers stopped (default 30s)' },
          { flags: '--wait-timeout <duration>', description: 'how long to wait for an operator action (default 30m)' },
          { flags: '--drain-timeout <duration>', description: 'how long the replication may take to reach lag 0 (default 10m)' },
          { flags: '--confirm-timeout <duration>', description: 'how long to wait for progress on the target (default 5m)' },
          { flags: '--poll-interval <duration>', description: 'how often to look at the clusters while waiting (default 2s)' },
          { flags: '--confirm-target-writes', description: 'after moving the producers, wait for new writes on the target' },
          { flags: '--stop-hook <command>', description: "stops a group's consumers on the source (sh -c, MSKCTL_GROUP set)" },
          { flags: '--start-hook <command>', description: "starts a group's consumers on the target (sh -c, MSKCTL_GROUP set)" },
          { flags: '--producer-hook <command>', description: 'stops the producers on the source (sh -c)' },
          { flags: '--producer-start-hook <command>', description: 'starts the producers on the target once the replication drained (sh -c)' },
          { flags: '--hook-timeout <duration>', description: 'kill a hook running longer than this (default 5m)' },
          { flags: '--state <file>', description: 'state file, relative to the plan (default <plan>.state.yaml next to it)' },
        ],
        load: () => import('./commands/cutover-plan.js'),
      },
      {
        name: 'run',
        summary: 'evaluate the preflight and show the steps; with --execute carry them out (resumes after a crash or Ctrl-C)',
        arguments: ['<plan>'],
        examples: ['mskctl cutover run cutover.yaml', 'mskctl cutover run cutover.yaml --execute'],
        options: [EXECUTE_OPTION],
        load: () => import('./commands/cutover-run.js'),
      },
      {
        name: 'status',
        summary: 'show where a cutover stands, from its state file (no cluster access)',
        arguments: ['<plan>'],
        examples: ['mskctl cutover status cutover.yaml', 'mskctl cutover status cutover.yaml --output json'],
        load: () => import('./commands/cutover-status.js'),
      },
    ],
  },
  {
    name: 'auth',
    summary: 'MSK IAM: generate or inspect a token, generate a least-privilege IAM policy',
    examples: ['mskctl auth token --region eu-west-1', 'mskctl auth policy --role consumer --cluster-arn ARN --topics orders --groups billing'],
    subcommands: [
      {
        name: 'token',
        summary: 'print an MSK IAM token (default credential chain, --profile or --role-arn), or decode and lint one with --inspect',
        examples: [
          'mskctl auth token --region eu-west-1',
          'mskctl auth token --region eu-west-1 --role-arn arn:aws:iam::123456789012:role/kafka-client --session-name billing',
          'mskctl auth token --region eu-west-1 --output json',
          'mskctl auth token --inspect "$TOKEN" --region eu-west-1',
          'mskctl auth token | mskctl auth token --inspect -',
        ],
        options: [
          { flags: '--role-arn <arn>', description: 'assume this IAM role (STS AssumeRole) and sign with its credentials' },
          { flags: '--session-name <name>', description: 'role session name, pinned so re-authentication keeps the same principal (default: mskctl-<user>)' },
          { flags: '--inspect <token>', description: 'decode and lint a token instead of generating one ("-" reads it from stdin); exit 1 when it is not valid' },
          { flags: '--secret-env <var>', description: 'with --inspect: verify the SigV4 signature with the secret access key in this environment variable' },
        ],
        load: () => import('./commands/auth-token.js'),
      },
      {
        name: 'policy',
        summary: 'a least-privilege IAM identity policy (JSON) for a producer, consumer, admin or replicator',
        examples: [
          "mskctl auth policy --role consumer --cluster-arn arn:aws:kafka:eu-west-1:123456789012:cluster/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5 --topics 'orders.*' --groups billing",
          'mskctl auth policy --role transactional-producer --region eu-west-1 --account 123456789012 --cluster-name orders --cluster-uuid 6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5 --topics orders --transactional-ids billing-tx',
        ],
        options: [
          {
            flags: '--role <role>',
            description: 'what the client does',
            choices: ['producer', 'idempotent-producer', 'transactional-producer', 'consumer', 'admin', 'replicator-source', 'replicator-target'],
          },
          { flags: '--cluster-arn <arn>', description: 'the MSK cluster ARN (or give --region, --account, --cluster-name and --cluster-uuid)' },
          { flags: '--account <id>', description: '12-digit AWS account id of the cluster' },
          { flags: '--cluster-name <name>', description: 'cluster name' },
          { flags: '--cluster-uuid <uuid>', description: 'cluster UUID (the last part of the cluster ARN)' },
          { flags: '--topics <patterns>', description: 'topic names or patterns (* and ?), comma-separated or repeated', repeatable: true },
          { flags: '--groups <patterns>', description: 'consumer group ids or patterns, comma-separated or repeated', repeatable: true },
          { flags: '--transactional-ids <patterns>', description: 'transactional ids or patterns, comma-separated or repeated', repeatable: true },
        ],
        load: () => import('./commands/auth-policy.js'),
      },
    ],
  },
  REPLICATE_COMMAND,
];

function describeExamples(examples: string[]): string {
  return `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`;
}

function collect(value: string, previous: string[] | undefined): string[] {
  const parts = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return [...(previous ?? []), ...parts];
}

export function toOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.choices) option.choices(spec.choices);
  if (spec.repeatable) option.argParser(collect);
  if (spec.defaultValue !== undefined) option.default(spec.defaultValue);
  if (spec.env) option.env(spec.env);
  if (spec.hidden) option.hideHelp();
  return option;
}

export type Invoke = (spec: CommandSpec, command: Command, args: unknown[]) => Promise<void>;

function addCommand(parent: Command, spec: CommandSpec, invoke: Invoke): void {
  const command = parent.command(spec.name).summary(spec.summary).description(spec.summary);
  for (const argument of spec.arguments ?? []) command.argument(argument);
  for (const option of spec.options ?? []) command.addOption(toOption(option));
  command.addHelpText('after', describeExamples(spec.examples));
  if (spec.subcommands) {
    for (const sub of spec.subcommands) addCommand(command, sub, invoke);
  }
  if (spec.load) {
    command.action(async (...actionArgs: unknown[]) => {
      // commander passes (...positionals, options, command)
      const self = actionArgs[actionArgs.length - 1] as Command;
      await invoke(spec, self, actionArgs.slice(0, -2));
    });
  }
}

export function buildProgram(version: string, invoke: Invoke): Command {
  const program = new Command('mskctl')
    .description('Kafka on Amazon MSK: IAM connectivity checks, sizing, split planning, VPC connections, replication and consumer-first cutover')
    .version(version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .allowExcessArguments(false);
  for (const option of GLOBAL_OPTIONS) program.addOption(toOption(option));
  program.addHelpText('after', describeExamples(['mskctl size fixtures/workloads/worked-example.yaml', 'mskctl quotas --output yaml']));
  for (const spec of COMMANDS) addCommand(program, spec, invoke);
  return program;
}
