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
  { flags: '-o, --output <format>', description: 'result format (mermaid: split plan only)', defaultValue: 'table', choices: ['table', 'json', 'yaml', 'mermaid'] },
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

const CLUSTER_ARN_OPTION: OptionSpec = {
  flags: '--cluster-arn <arn>',
  description: 'the MSK cluster ARN (default: the context\'s clusterArn)',
};

// `mskctl size` workload flags (one workload); a workload file takes the same fields (see README "Sizing")
const SIZE_OPTIONS: OptionSpec[] = [
  { flags: '--name <name>', description: 'workload name (default "workload")' },
  { flags: '--rate <rate>', description: 'messages per second, e.g. 1000/s, 150k/s, 60000/min' },
  { flags: '--avg-size <size>', description: 'average message size with a unit, e.g. 30KB (1000 B) or 30KiB (1024 B)' },
  { flags: '--max-size <size>', description: 'largest message size (default: the average)' },
  { flags: '--groups <n>', description: 'consumer groups reading all of it (egress = ingress × groups)' },
  { flags: '--topics <n>', description: 'number of topics' },
  { flags: '--partitions <n>', description: 'partitions per topic' },
  { flags: '--partitions-total <n>', description: 'partitions in total (instead of --partitions)' },
  { flags: '--retention <duration>', description: 'retention, e.g. 72h, 7d' },
  { flags: '--replication-factor <n>', description: 'Provisioned Standard replication factor (default 3)' },
  { flags: '--compacted', description: 'the topics are compacted' },
  { flags: '--auth <mechanisms>', description: 'authentication the clients can use: iam, scram, tls, plaintext, unauthenticated', repeatable: true },
  { flags: '--needs-broker-config', description: 'needs broker-level configuration' },
  { flags: '--needs-zookeeper', description: 'needs ZooKeeper access' },
  { flags: '--not-splittable', description: 'must stay on one cluster' },
  { flags: '--connections <n>', description: 'concurrent client connections' },
  { flags: '--request-rate <rate>', description: 'client requests per second' },
  { flags: '--target <type>', description: 'what --check gates on', defaultValue: 'serverless', choices: ['serverless', 'standard', 'express'] },
  { flags: '--check', description: 'exit 1 when any workload does not fit the --target', defaultValue: false },
  HEADROOM_OPTION,
  QUOTAS_OPTION,
];

/** per-side connection options of `mskctl replicate`: --source-auth, --target-username, ... */
function replicationSideOptions(side: 'source' | 'target'): OptionSpec[] {
  return [
    { flags: `--${side} <context|bootstrap>`, description: `the ${side} cluster: a context name or host:port[,host:port...]` },
    { flags: `--${side}-auth <mode>`, description: `${side} authentication (default: the context's, else what MSK serves on the port: 9092 plaintext, 9094/9194 tls, 9096/9196 scram, 9098/9198 and Serverless iam; plaintext on other ports)`, choices: ['plaintext', 'scram', 'tls', 'iam'] },
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
    { flags: '--session-timeout <duration>', description: 'processes of one --flow-id share its partitions; one silent this long loses its partitions to the others (default 10s)' },
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
    name: 'size',
    summary: 'size workloads: derived figures, MSK Serverless quota check, Standard/Express brokers, monthly cost',
    arguments: ['[file]'],
    examples: [
      'mskctl size fixtures/workloads/worked-example.yaml',
      'mskctl size --rate 1000/s --avg-size 15KB --max-size 1MB --groups 1 --topics 10 --partitions 5 --retention 7d --auth iam',
      'mskctl size workloads.yaml --check --target serverless --headroom 70%',
    ],
    options: SIZE_OPTIONS,
    load: () => import('./commands/size.js'),
  },
  {
    name: 'quotas',
    summary: 'the MSK limits and prices in use, each with its source, date and confidence',
    examples: ['mskctl quotas', 'mskctl quotas --quotas raised-quotas.yaml --output yaml'],
    options: [QUOTAS_OPTION],
    load: () => import('./commands/quotas.js'),
  },
  {
    name: 'split',
    summary: 'plan the split of a monolithic Kafka cluster into MSK Serverless clusters',
    examples: ['mskctl split plan fixtures/inventories/monolith.yaml', 'mskctl split inventory --bootstrap broker:9092 --auth plaintext --sample 60s > inventory.yaml'],
    subcommands: [
      {
        name: 'plan',
        summary: 'inventory → Serverless (and Provisioned) clusters, topic assignments, replication flows, migration steps, risks',
        arguments: ['<file>'],
        examples: [
          'mskctl split plan fixtures/inventories/monolith.yaml',
          'mskctl split plan inventory.yaml --strategy write-read --group-by team --headroom 0.8 --output yaml',
          'mskctl split plan inventory.yaml --output mermaid > clusters.mmd',
          'mskctl split plan inventory.yaml --check --quotas raised-quotas.yaml',
        ],
        options: [
          { flags: '--strategy <strategy>', description: 'segregated: a cluster per group; write-read: write clusters for producers, read clusters per consumer class', defaultValue: 'segregated', choices: ['segregated', 'write-read'] },
          { flags: '--group-by <key>', description: 'what makes a group (segregated clusters, write clusters)', defaultValue: 'team', choices: ['team', 'application', 'latency', 'data-class'] },
          { ...HEADROOM_OPTION, description: 'plan every cluster up to this share of each Serverless quota, 0-1 or a percentage (default 0.8)' },
          { flags: '--check', description: 'exit 1 when no feasible plan exists as the quotas stand', defaultValue: false },
          QUOTAS_OPTION,
          { flags: '--source <name>', description: 'the monolith as named in the printed commands (a context or bootstrap)', defaultValue: 'monolith' },
        ],
        load: () => import('./commands/split-plan.js'),
      },
      {
        name: 'inventory',
        summary: 'measure a live cluster (topics, partitions, configs, consumer groups, throughput) into an inventory YAML to fill in',
        examples: [
          'mskctl split inventory --bootstrap broker1:9092 --auth plaintext --sample 60s > inventory.yaml',
          "MSKCTL_SCRAM_PASSWORD=... mskctl split inventory --bootstrap b-1.example:9096 --auth scram --username admin --topics '^orders\\.'",
          'mskctl split inventory --context prod --sample 5m --output json',
        ],
        options: [
          { flags: '--bootstrap <brokers>', description: 'host:port[,host:port...] of the cluster to measure (or from --context)' },
          { flags: '--auth <mode>', description: 'iam, scram, tls or plaintext (default: the context\'s, else what MSK serves on the port: 9092 plaintext, 9094/9194 tls, 9096/9196 scram, 9098/9198 and Serverless iam; plaintext on other ports)', choices: ['iam', 'scram', 'tls', 'plaintext'] },
          { flags: '--username <name>', description: 'SCRAM user name' },
          { flags: '--password-env <var>', description: 'environment variable holding the SCRAM password (default MSKCTL_SCRAM_PASSWORD)' },
          { flags: '--no-tls', description: 'SCRAM over a plaintext connection (SASL_PLAINTEXT; not offered by MSK)' },
          { flags: '--ca <file>', description: 'PEM CA bundle to verify the brokers (default: the system roots)' },
          { flags: '--cert <file>', description: 'client certificate (PEM) for --auth tls' },
          { flags: '--key <file>', description: 'client private key (PEM) for --auth tls' },
          { flags: '--insecure-skip-verify', description: 'do not verify the brokers\' TLS certificates (unsafe; warned about)' },
          { flags: '--sample <duration>', description: 'how long to watch end offsets for message rates', defaultValue: '60s' },
          { flags: '--topics <regex>', description: 'only topics whose name matches this regular expression' },
          { flags: '--records-per-topic <n>', description: 'recent records read per topic for message sizes (0: none)', defaultValue: '5' },
        ],
        load: () => import('./commands/split-inventory.js'),
      },
    ],
  },
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
          "mskctl auth policy --role replicator-target --cluster-arn arn:aws:kafka:eu-west-1:123456789012:cluster/sls/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-s1 --topics 'orders.*' --flow-id orders",
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
          { flags: '--flow-id <id>', description: "replicator-target: also grant mskctl replicate's own state for this flow (its internal topics, group and transactional ids)" },
        ],
        load: () => import('./commands/auth-policy.js'),
      },
    ],
  },
  {
    name: 'check',
    summary: 'stepwise connectivity diagnosis: parse, DNS, TCP, TLS, credentials/clock, token, SASL, metadata, optional produce/consume; exit 1 names the failing step',
    examples: [
      'mskctl check --bootstrap b-1.orders.a1b2c3.c2.kafka.eu-west-1.amazonaws.com:9098',
      'mskctl check --bootstrap boot-abc123.c3.kafka-serverless.eu-west-1.amazonaws.com:9098 --produce-consume --output json',
      'MSKCTL_SCRAM_PASSWORD=… mskctl check --bootstrap b-1.orders.a1b2c3.c2.kafka.eu-west-1.amazonaws.com:9096 --auth scram --username alice',
      'mskctl check --context prod --topic orders --group billing --keep-going',
    ],
    options: [
      { flags: '--bootstrap <brokers>', description: 'host:port[,host:port...] (default: the context\'s bootstrap)' },
      { flags: '--auth <mode>', description: 'authentication (default: the context\'s, else what MSK serves on the port: 9092 plaintext, 9094/9194 tls, 9096/9196 scram, 9098/9198 and Serverless iam; plaintext on other ports)', choices: ['iam', 'scram', 'tls', 'plaintext'] },
      { flags: '--username <name>', description: 'SCRAM user name' },
      { flags: '--password-env <var>', description: 'environment variable holding the SCRAM password (default MSKCTL_SCRAM_PASSWORD; prompted when unset and stdin is a terminal)' },
      { flags: '--no-tls', description: 'SCRAM over a plaintext connection (SASL_PLAINTEXT; not offered by MSK)' },
      { flags: '--ca <file>', description: 'PEM CA bundle to verify the brokers (default: the system roots)' },
      { flags: '--cert <file>', description: 'client certificate (PEM) for --auth tls' },
      { flags: '--key <file>', description: 'client private key (PEM) for --auth tls' },
      { flags: '--insecure-skip-verify', description: 'do not verify the broker certificates (explicit opt-out; warned about)', defaultValue: false },
      { flags: '--role-arn <arn>', description: 'IAM: assume this role and sign with its credentials' },
      { flags: '--session-name <name>', description: 'IAM: pinned role session name (default: mskctl-<user>)' },
      { flags: '--timeout <duration>', description: 'connect/handshake/request timeout per step (default 10s)' },
      { flags: '--keep-going', description: 'run every step even after a failure', defaultValue: false },
      { flags: '--produce-consume', description: 'round trip on a test topic: create it (if allowed), produce, consume, measure the latency (ms), clean up', defaultValue: false },
      { flags: '--test-topic <name>', description: 'with --produce-consume: use this topic (and a group of the same name) instead of a generated mskctl-check-* one' },
      { flags: '--duration <duration>', description: 'with --produce-consume: keep producing and consuming this long (e.g. 30s; exercises re-authentication)' },
      { flags: '--interval <duration>', description: 'with --duration: one message per interval (default 1s)', hidden: true },
      { flags: '--topic <name>', description: 'authorization probe: describe this topic' },
      { flags: '--group <id>', description: 'authorization probe: describe this consumer group' },
    ],
    load: () => import('./commands/check.js'),
  },
  {
    name: 'vpc-connection',
    summary: 'managed VPC connections to a Provisioned cluster from another VPC or account (multi-VPC private connectivity)',
    examples: [
      'mskctl vpc-connection create --cluster-arn arn:aws:kafka:us-east-1:111122223333:cluster/orders/0a1b2c3d-1111-2222-3333-444455556666-2 --vpc-id vpc-0a1b2c3d4e5f60718 --subnets subnet-0aaa1111bbbb2222c,subnet-0ccc3333dddd4444e --security-groups sg-0123456789abcdef0 --authentication SASL_IAM',
      'mskctl vpc-connection list',
    ],
    subcommands: [
      {
        name: 'create',
        summary: 'preflight checks, then (with --execute) create a managed VPC connection; --wait until it is AVAILABLE',
        examples: [
          'mskctl vpc-connection create --cluster-arn ARN --vpc-id vpc-0a1b2c3d4e5f60718 --subnets subnet-0aaa1111bbbb2222c,subnet-0ccc3333dddd4444e --security-groups sg-0123456789abcdef0 --authentication SASL_IAM',
          'mskctl vpc-connection create --cluster-arn ARN --vpc-id vpc-0a1b2c3d4e5f60718 --subnets subnet-0aaa1111bbbb2222c,subnet-0ccc3333dddd4444e --security-groups sg-0123456789abcdef0 --authentication SASL_IAM --execute --wait',
        ],
        options: [
          CLUSTER_ARN_OPTION,
          { flags: '--vpc-id <id>', description: 'the client VPC' },
          { flags: '--subnets <ids>', description: 'client subnets (at least two, in the cluster\'s AZs); repeat or comma-separate', repeatable: true },
          { flags: '--security-groups <ids>', description: 'security groups for the connection; repeat or comma-separate', repeatable: true },
          { flags: '--authentication <scheme>', description: 'SASL_IAM, SASL_SCRAM or TLS' },
          EXECUTE_OPTION,
          { flags: '--wait', description: 'with --execute: wait until the connection is AVAILABLE (exit 1 on FAILED/REJECTED)', defaultValue: false },
          { flags: '--timeout <duration>', description: 'how long --wait waits', defaultValue: '30m' },
          { flags: '--poll-interval <duration>', description: 'how often --wait polls', defaultValue: '15s', hidden: true },
        ],
        load: () => import('./commands/vpc-connection/create.js'),
      },
      {
        name: 'list',
        summary: 'the VPC connections of this account, or with --cluster-arn those made to your cluster',
        examples: ['mskctl vpc-connection list', 'mskctl vpc-connection list --cluster-arn ARN --output json'],
        options: [CLUSTER_ARN_OPTION],
        load: () => import('./commands/vpc-connection/list.js'),
      },
      {
        name: 'describe',
        summary: 'one VPC connection: state, VPC, subnets, security groups, cluster',
        arguments: ['<arn>'],
        examples: ['mskctl vpc-connection describe arn:aws:kafka:us-east-1:444455556666:vpc-connection/111122223333/orders/8d3e1a52-1111-2222-3333-444455556666-3'],
        load: () => import('./commands/vpc-connection/describe.js'),
      },
      {
        name: 'delete',
        summary: 'delete a VPC connection (shows it first; deletes only with --execute)',
        arguments: ['<arn>'],
        examples: ['mskctl vpc-connection delete arn:aws:kafka:us-east-1:444455556666:vpc-connection/111122223333/orders/8d3e1a52-1111-2222-3333-444455556666-3 --execute'],
        options: [EXECUTE_OPTION],
        load: () => import('./commands/vpc-connection/delete.js'),
      },
    ],
  },
  {
    name: 'cluster-policy',
    summary: 'cluster (resource) policies that let other accounts connect through multi-VPC connectivity',
    examples: ['mskctl cluster-policy generate --cluster-arn ARN --account 444455556666 > policy.json', 'mskctl cluster-policy put --cluster-arn ARN --policy policy.json'],
    subcommands: [
      {
        name: 'generate',
        summary: 'print a least-privilege cluster policy (offline): the basic form for accounts, or --principal/--data-plane for the advanced form',
        examples: [
          'mskctl cluster-policy generate --cluster-arn ARN --account 444455556666',
          'mskctl cluster-policy generate --cluster-arn ARN --principal arn:aws:iam::444455556666:role/orders-app --data-plane consumer --topics orders --groups billing',
        ],
        options: [
          CLUSTER_ARN_OPTION,
          { flags: '--account <id>', description: 'account allowed to connect; repeat or comma-separate', repeatable: true },
          { flags: '--principal <arn>', description: 'IAM role or user allowed to connect; repeat or comma-separate', repeatable: true },
          { flags: '--data-plane <role>', description: 'add kafka-cluster actions for these roles (as in `auth policy --role`): producer, idempotent-producer, transactional-producer, consumer, admin, replicator-source, replicator-target', repeatable: true },
          { flags: '--topics <patterns>', description: 'topics for --data-plane, comma-separated or repeated', repeatable: true },
          { flags: '--groups <patterns>', description: 'consumer groups for --data-plane, comma-separated or repeated', repeatable: true },
          { flags: '--transactional-ids <patterns>', description: 'transactional ids for --data-plane transactional-producer', repeatable: true },
        ],
        load: () => import('./commands/cluster-policy/generate.js'),
      },
      {
        name: 'get',
        summary: 'the cluster\'s current policy and its version',
        examples: ['mskctl cluster-policy get --cluster-arn ARN', 'mskctl cluster-policy get --cluster-arn ARN --output json'],
        options: [CLUSTER_ARN_OPTION],
        load: () => import('./commands/cluster-policy/get.js'),
      },
      {
        name: 'put',
        summary: 'show the difference from the current policy; with --execute apply it against the version read (optimistic concurrency)',
        examples: ['mskctl cluster-policy put --cluster-arn ARN --policy policy.json', 'mskctl cluster-policy put --cluster-arn ARN --policy policy.json --execute'],
        options: [
          CLUSTER_ARN_OPTION,
          { flags: '--policy <file>', description: 'the policy document (JSON or YAML)' },
          EXECUTE_OPTION,
          { flags: '--expected-version <version>', description: 'refuse (exit 1) unless the current policy is at this version' },
        ],
        load: () => import('./commands/cluster-policy/put.js'),
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
