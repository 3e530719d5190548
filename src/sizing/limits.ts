/**
 * THE data module: every MSK quota, broker figure, right-sizing input and price mskctl uses, each with its
 * value, unit, source, date and confidence. Nothing else in the code base may hard-code one of these numbers;
 * cores take a `Limits` value as a parameter so a user's `--quotas FILE` overrides reach every calculation.
 *
 * Unit convention for AWS's "MBps" (AWS never defines the M): by default mskctl reads AWS throughput figures
 * as DECIMAL megabytes per second (1 MBps = 10^6 B/s). That is the lower, conservative reading for a capacity
 * gate: if AWS means MiB/s, the real limits are 4.9% higher than mskctl assumes. AWS's own sizing tool reads
 * them as MiB/s; set `convention: { awsMBps: binary }` in a --quotas file to do the same. Figures AWS states in
 * binary units (8 MiB message size, 16,384 GiB per broker) are kept exact. Billing "GB" is read as GiB, as
 * AWS's sizing tool does.
 *
 * Confidence: P = AWS documentation page, A = AWS-authored code/tooling, V = verbatim third-party copy of an
 * AWS page, U = unverified (third-party price lists, assumptions).
 */
import { inputError } from '../output/errors.js';
import { readInputFile, type ParsedDocument } from '../input/yaml.js';
import { parseFraction, parseSize, parseThroughput, UnitParseError } from './units.js';

export type Confidence = 'P' | 'A' | 'V' | 'U';

/** How a figure's value is read from an override file and printed. */
export type FigureKind = 'throughput' | 'bytes' | 'count' | 'per-second' | 'usd' | 'fraction';

export interface Figure {
  /** the value in the figure's canonical unit (bytes/s, bytes, a count, per second, USD, a fraction) */
  value: number;
  /** the canonical unit, e.g. "B/s", "B", "partitions", "USD per cluster-hour" */
  unit: string;
  kind: FigureKind;
  /** the figure as the source writes it, e.g. "200 MBps" */
  published: string;
  source: string;
  date: string;
  confidence: Confidence;
  /** what it means */
  description: string;
  /** set when a --quotas file replaced the built-in value: "file:line" */
  overriddenBy?: string;
}

export type AwsMBpsReading = 'decimal' | 'binary';

export interface UnitConvention {
  /** how AWS's "MBps" / "MB" figures are read */
  awsMBps: AwsMBpsReading;
  /** bytes in one AWS "MB" under that reading */
  bytesPerAwsMB: number;
  /** bytes in one billed "GB" (AWS bills GiB) */
  bytesPerBilledGB: number;
  text: string;
}

export interface StandardBroker {
  /** baseline EBS bandwidth (AWS's sizing tool; bursting sizes use their baseline) */
  ebsThroughput?: Figure;
  /** baseline network bandwidth */
  networkThroughput?: Figure;
  partitionsRecommended: Figure;
  partitionsMax: Figure;
  pricePerHour: Figure;
}

export interface ExpressBroker {
  sustainedIngress: Figure;
  maxIngress: Figure;
  sustainedEgress: Figure;
  maxEgress: Figure;
  partitionsRecommended: Figure;
  partitionsMax: Figure;
  pricePerHour: Figure;
}

export interface Limits {
  convention: UnitConvention;
  serverless: {
    ingressPerCluster: Figure;
    egressPerCluster: Figure;
    ingressPerPartition: Figure;
    egressPerPartition: Figure;
    partitions: Figure;
    compactedPartitions: Figure;
    maxCompactedPartitionSize: Figure;
    messageSize: Figure;
    fetchBytesPerRequest: Figure;
    requestRate: Figure;
    topicApiRate: Figure;
    partitionCreateDeletePer5Min: Figure;
    consumerGroups: Figure;
    connections: Figure;
    connectionAttemptsPerSecond: Figure;
    clientVpcsPerCluster: Figure;
    clustersPerAccount: Figure;
    /** authentication mechanisms Serverless accepts */
    authentication: { value: string[]; source: string; date: string; confidence: Confidence; description: string };
  };
  standard: {
    brokers: Record<string, StandardBroker>;
    storagePerBrokerMin: Figure;
    storagePerBrokerMax: Figure;
    brokersPerClusterZookeeper: Figure;
    brokersPerClusterKraft: Figure;
    brokersPerAccount: Figure;
    iamConnectionsPerBroker: Figure;
    defaultReplicationFactor: Figure;
  };
  express: {
    brokers: Record<string, ExpressBroker>;
    replicationFactor: Figure;
    brokersPerCluster: Figure;
  };
  rightSizing: {
    /** share of a capacity to plan for: warn above it (Serverless), size to stay under it (Standard) */
    defaultHeadroom: Figure;
    brokerMultiple: Figure;
    hoursPerMonth: Figure;
  };
  prices: {
    region: string;
    date: string;
    serverless: {
      clusterHour: Figure;
      partitionHour: Figure;
      dataInPerGB: Figure;
      dataOutPerGB: Figure;
      storagePerGBMonth: Figure;
    };
    standard: {
      storagePerGBMonth: Figure;
      storageThroughputPerMBpsMonth: Figure;
    };
    express: {
      storagePerGBMonth: Figure;
      dataWrittenPerGB: Figure;
    };
    multiVpcPerGB: Figure;
    multiVpcPerAuthSchemeHour: Figure;
    connectPerMcuHour: Figure;
  };
}

// ---- sources ------------------------------------------------------------------------------------------------

interface Source {
  source: string;
  date: string;
  confidence: Confidence;
}

const LIMITS_PAGE: Source = {
  source: 'docs.aws.amazon.com/msk/latest/developerguide/limits.html (verbatim crawl)',
  date: '2026',
  confidence: 'V',
};
const LIMITS_2022: Source = {
  source: 'awsdocs/amazon-msk-developer-guide limits.md (archived AWS docs repository)',
  date: '2022-07-25',
  confidence: 'P',
};
const SERVERLESS_CONFIG: Source = {
  source: 'docs.aws.amazon.com/msk/latest/developerguide/serverless-config.html',
  date: '2026',
  confidence: 'P',
};
const BEST_PRACTICES: Source = {
  source: 'docs.aws.amazon.com/msk/latest/developerguide/bestpractices.html (verbatim copy) and AWS sizing script',
  date: '2026',
  confidence: 'V',
};
const SIZING_SCRIPT: Source = {
  source: 'aws/agent-toolkit-for-aws msk_sizing.py (AWS sizing tool)',
  date: '2026',
  confidence: 'A',
};
const RIGHT_SIZING_BLOG: Source = {
  source: 'AWS Big Data Blog "Best practices for right-sizing your Apache Kafka clusters" (three consistent copies)',
  date: '2022-03',
  confidence: 'V',
};
const EXPRESS_DOCS: Source = {
  source: 'docs.aws.amazon.com/msk/latest/developerguide/bestpractices-express.html (verbatim copy) and AWS code',
  date: '2025-07-21',
  confidence: 'V',
};
const THIRD_PARTY_PRICE: Source = {
  source: 'third-party price list (verify on aws.amazon.com/msk/pricing)',
  date: '2026',
  confidence: 'U',
};
const SCRIPT_PRICE: Source = { ...SIZING_SCRIPT, source: 'aws/agent-toolkit-for-aws msk_sizing.py price table' };

// ---- builders -----------------------------------------------------------------------------------------------

export const MIB = 1024 ** 2;
export const GIB = 1024 ** 3;

function fig(kind: FigureKind, value: number, unit: string, published: string, src: Source, description: string): Figure {
  return { value, unit, kind, published, description, ...src };
}

function mbps(n: number, mb: number, src: Source, description: string, published = `${n} MBps`): Figure {
  return fig('throughput', n * mb, 'B/s', published, src, description);
}

function count(n: number, unit: string, src: Source, description: string, published = String(n)): Figure {
  return fig('count', n, unit, published, src, description);
}

function usd(n: number, unit: string, src: Source, description: string): Figure {
  return fig('usd', n, unit, `${n} USD`, src, description);
}

export function conventionFor(reading: AwsMBpsReading): UnitConvention {
  const bytesPerAwsMB = reading === 'decimal' ? 1e6 : MIB;
  const text =
    reading === 'decimal'
      ? 'AWS "MBps" read as decimal MB/s (1 MB = 10^6 B, the conservative reading; AWS\'s sizing tool reads MiB/s); printed figures are decimal (KB, MB, GB, TB = powers of 1000) unless marked KiB/MiB/GiB/TiB; billed "GB" = GiB'
      : 'AWS "MBps" read as MiB/s (1 MiB = 2^20 B, as AWS\'s sizing tool does); printed figures are decimal (KB, MB, GB, TB = powers of 1000) unless marked KiB/MiB/GiB/TiB; billed "GB" = GiB';
  return { awsMBps: reading, bytesPerAwsMB, bytesPerBilledGB: GIB, text };
}

const STANDARD_TABLE: Array<[string, number | undefined, number | undefined, number, number, number, Source]> = [
  // type, EBS baseline MiB/s, network baseline MiB/s, partitions recommended, partitions max, USD/hour, price source
  ['kafka.t3.small', undefined, undefined, 300, 300, 0.0456, THIRD_PARTY_PRICE],
  ['kafka.m5.large', 81, 96, 1000, 1500, 0.21, SCRIPT_PRICE],
  ['kafka.m5.xlarge', 144, 160, 1000, 1500, 0.42, SCRIPT_PRICE],
  ['kafka.m5.2xlarge', 250, 320, 2000, 3000, 0.84, SCRIPT_PRICE],
  ['kafka.m5.4xlarge', 593.75, 640, 4000, 6000, 1.68, SCRIPT_PRICE],
  ['kafka.m5.8xlarge', 850, 1280, 4000, 6000, 3.36, SCRIPT_PRICE],
  ['kafka.m5.12xlarge', 1000, 1536, 4000, 6000, 5.04, SCRIPT_PRICE],
  ['kafka.m5.16xlarge', 1000, 2560, 4000, 6000, 6.72, SCRIPT_PRICE],
  // docs say 6000 max for m5.4xlarge..m5.24xlarge; AWS's script says 4000 for m5.24xlarge: take the lower
  ['kafka.m5.24xlarge', 1000, 3200, 4000, 4000, 10.08, SCRIPT_PRICE],
  ['kafka.m7g.large', 78.75, 117, 1000, 1500, 0.204, SCRIPT_PRICE],
  ['kafka.m7g.xlarge', 156.25, 234, 1000, 1500, 0.408, SCRIPT_PRICE],
  ['kafka.m7g.2xlarge', 312.5, 469, 2000, 3000, 0.816, SCRIPT_PRICE],
  ['kafka.m7g.4xlarge', 625, 937, 4000, 6000, 1.632, SCRIPT_PRICE],
  ['kafka.m7g.8xlarge', 1000, 1875, 4000, 6000, 3.264, SCRIPT_PRICE],
  ['kafka.m7g.12xlarge', 1000, 2812, 4000, 6000, 4.896, SCRIPT_PRICE],
  ['kafka.m7g.16xlarge', 1000, 3750, 4000, 6000, 6.528, SCRIPT_PRICE],
];

const EXPRESS_TABLE: Array<[string, number, number, number, number, number, number, number]> = [
  // type, sustained in, max in, sustained out, max out (MBps), partitions recommended, max, USD/hour
  ['express.m7g.large', 15.6, 23.4, 31.2, 58.5, 1000, 1500, 0.408],
  ['express.m7g.xlarge', 31.2, 46.8, 62.5, 117, 1000, 2000, 0.816],
  ['express.m7g.2xlarge', 62.5, 93.7, 125, 234.2, 2500, 4000, 1.632],
  ['express.m7g.4xlarge', 124.9, 187.5, 249.8, 468.7, 6000, 8000, 3.264],
  ['express.m7g.8xlarge', 250, 375, 500, 937.5, 12000, 16000, 6.528],
  ['express.m7g.12xlarge', 375, 562.5, 750, 1406.2, 16000, 24000, 9.792],
  ['express.m7g.16xlarge', 500, 750, 1000, 1875, 20000, 32000, 13.056],
];

/** The built-in limits, with AWS "MBps" read as `reading` (decimal by default). */
export function defaultLimits(reading: AwsMBpsReading = 'decimal'): Limits {
  const convention = conventionFor(reading);
  const mb = convention.bytesPerAwsMB;
  const gb = reading === 'decimal' ? 1e9 : GIB;

  const standardBrokers: Record<string, StandardBroker> = {};
  for (const [type, ebs, network, rec, max, price, priceSource] of STANDARD_TABLE) {
    standardBrokers[type] = {
      ...(ebs === undefined
        ? {}
        : {
            ebsThroughput: mbps(ebs, mb, SIZING_SCRIPT, `${type} baseline EBS bandwidth per broker`, `${ebs} MiB/s (tool)`),
            networkThroughput: mbps(network!, mb, SIZING_SCRIPT, `${type} baseline network bandwidth per broker`, `${network} MiB/s (tool)`),
          }),
      partitionsRecommended: count(rec, 'partition replicas per broker', BEST_PRACTICES, `${type} recommended partition replicas (leaders + followers) per broker`),
      partitionsMax: count(max, 'partition replicas per broker', BEST_PRACTICES, `${type} most partition replicas per broker that still allow cluster updates`),
      pricePerHour: usd(price, 'USD per broker-hour', priceSource, `${type} on-demand broker-hour`),
    };
  }

  const expressBrokers: Record<string, ExpressBroker> = {};
  for (const [type, sIn, mIn, sOut, mOut, rec, max, price] of EXPRESS_TABLE) {
    expressBrokers[type] = {
      sustainedIngress: mbps(sIn, mb, EXPRESS_DOCS, `${type} sustained ingress per broker`),
      maxIngress: mbps(mIn, mb, EXPRESS_DOCS, `${type} maximum ingress per broker`),
      sustainedEgress: mbps(sOut, mb, EXPRESS_DOCS, `${type} sustained egress per broker`),
      maxEgress: mbps(mOut, mb, EXPRESS_DOCS, `${type} maximum egress per broker`),
      partitionsRecommended: count(rec, 'partition replicas per broker', EXPRESS_DOCS, `${type} recommended partitions per broker (counted as replicas by mskctl, conservatively)`),
      partitionsMax: count(max, 'partition replicas per broker', EXPRESS_DOCS, `${type} maximum partitions per broker`),
      pricePerHour: usd(price, 'USD per broker-hour', SCRIPT_PRICE, `${type} on-demand broker-hour`),
    };
  }

  return {
    convention,
    serverless: {
      ingressPerCluster: mbps(200, mb, LIMITS_PAGE, 'Serverless write throughput per cluster (throttled above)'),
      egressPerCluster: mbps(400, mb, LIMITS_PAGE, 'Serverless read throughput per cluster (throttled above)'),
      ingressPerPartition: mbps(5, mb, LIMITS_PAGE, 'Serverless write throughput per partition (throttled above)'),
      egressPerPartition: mbps(10, mb, LIMITS_PAGE, 'Serverless read throughput per partition (throttled above)'),
      partitions: count(2400, 'leader partitions', LIMITS_PAGE, 'Serverless leader partitions per cluster, non-compacted (INVALID_REQUEST on create)'),
      compactedPartitions: count(120, 'leader partitions', LIMITS_PAGE, 'Serverless compacted partitions per cluster'),
      maxCompactedPartitionSize: fig('bytes', 250 * gb, 'B', '250 GB', LIMITS_PAGE, 'Serverless maximum size of a compacted partition (THROUGHPUT_QUOTA_EXCEEDED)'),
      messageSize: fig('bytes', 8 * MIB, 'B', '8 MiB (8,388,608 bytes, max.message.bytes)', SERVERLESS_CONFIG, 'Serverless maximum message size (INVALID_REQUEST)'),
      fetchBytesPerRequest: fig('bytes', 55 * mb, 'B', '55 MB', LIMITS_PAGE, 'Serverless fetch bytes per request'),
      requestRate: fig('per-second', 15000, 'requests/s', '15,000 per second', LIMITS_PAGE, 'Serverless request rate per cluster (slowdown above)'),
      topicApiRate: fig('per-second', 2, 'requests/s', '2 per second', LIMITS_PAGE, 'Serverless topic-management API rate'),
      partitionCreateDeletePer5Min: count(250, 'partitions per 5 min', LIMITS_PAGE, 'Serverless partition creations + deletions per 5 minutes'),
      consumerGroups: count(500, 'consumer groups', LIMITS_PAGE, 'Serverless consumer groups per cluster (JoinGroup fails above)'),
      connections: count(3000, 'connections', LIMITS_PAGE, 'Serverless client connections per cluster (closed above)'),
      connectionAttemptsPerSecond: fig('per-second', 100, 'connections/s', '100 per second', LIMITS_PAGE, 'Serverless new connection attempts per second'),
      clientVpcsPerCluster: count(5, 'VPCs', LIMITS_PAGE, 'client VPCs per Serverless cluster'),
      clustersPerAccount: count(10, 'clusters', LIMITS_PAGE, 'Serverless clusters per account (3 in 2022)'),
      authentication: {
        value: ['iam'],
        ...LIMITS_2022,
        source: `${LIMITS_PAGE.source}; ${LIMITS_2022.source}`,
        confidence: 'P',
        description: 'Serverless accepts IAM access control only (SASL/OAUTHBEARER or AWS_MSK_IAM on port 9098); no broker-level configuration, no ZooKeeper',
      },
    },
    standard: {
      brokers: standardBrokers,
      storagePerBrokerMin: fig('bytes', 1 * GIB, 'B', '1 GiB', BEST_PRACTICES, 'smallest EBS volume per Standard broker'),
      storagePerBrokerMax: fig('bytes', 16384 * GIB, 'B', '16,384 GiB', BEST_PRACTICES, 'largest EBS volume per Standard broker'),
      brokersPerClusterZookeeper: count(30, 'brokers', LIMITS_PAGE, 'brokers per Provisioned cluster in ZooKeeper mode'),
      brokersPerClusterKraft: count(60, 'brokers', LIMITS_PAGE, 'brokers per Provisioned cluster in KRaft mode (Kafka >= 3.7)'),
      brokersPerAccount: count(90, 'brokers', LIMITS_PAGE, 'Provisioned brokers per account'),
      iamConnectionsPerBroker: count(3000, 'connections', LIMITS_PAGE, 'TCP connections per broker with IAM access control'),
      defaultReplicationFactor: count(3, 'copies', BEST_PRACTICES, 'replication factor assumed for Provisioned when the workload gives none'),
    },
    express: {
      brokers: expressBrokers,
      replicationFactor: count(3, 'copies', EXPRESS_DOCS, 'Express replication factor (fixed; billed as one copy)'),
      brokersPerCluster: count(60, 'brokers', { source: 'assumed equal to the Provisioned KRaft limit (not in the reference data)', date: '2026', confidence: 'U' }, 'brokers per Express cluster'),
    },
    rightSizing: {
      defaultHeadroom: fig('fraction', 0.8, 'fraction of a limit', '80% of baseline (AWS\'s script uses 50%)', RIGHT_SIZING_BLOG, 'default --headroom: warn above, and size brokers to stay under, this share of a limit'),
      brokerMultiple: count(3, 'brokers', BEST_PRACTICES, 'broker counts are multiples of the three Availability Zones'),
      hoursPerMonth: count(730, 'hours', SIZING_SCRIPT, 'hours per month used for monthly estimates'),
    },
    prices: {
      region: 'us-east-1',
      date: '2026',
      serverless: {
        clusterHour: usd(0.75, 'USD per cluster-hour', THIRD_PARTY_PRICE, 'Serverless cluster-hour'),
        partitionHour: usd(0.0015, 'USD per partition-hour', THIRD_PARTY_PRICE, 'Serverless partition-hour'),
        dataInPerGB: usd(0.1, 'USD per GiB written', THIRD_PARTY_PRICE, 'Serverless data in'),
        dataOutPerGB: usd(0.05, 'USD per GiB read', THIRD_PARTY_PRICE, 'Serverless data out'),
        storagePerGBMonth: usd(0.1, 'USD per GiB-month', THIRD_PARTY_PRICE, 'Serverless storage'),
      },
      standard: {
        storagePerGBMonth: usd(0.1, 'USD per GiB-month', SCRIPT_PRICE, 'Standard EBS storage'),
        storageThroughputPerMBpsMonth: usd(0.08, 'USD per MB/s-month', SCRIPT_PRICE, 'Standard provisioned storage throughput (not included in estimates)'),
      },
      express: {
        storagePerGBMonth: usd(0.1, 'USD per GiB-month', SCRIPT_PRICE, 'Express storage (one copy)'),
        dataWrittenPerGB: usd(0.01, 'USD per GiB written', SCRIPT_PRICE, 'Express data written'),
      },
      multiVpcPerGB: usd(0.006, 'USD per GiB processed', { source: 'AWS launch announcement, US East (Ohio)', date: '2023', confidence: 'U' }, 'multi-VPC private connectivity data processed'),
      multiVpcPerAuthSchemeHour: usd(0.0225, 'USD per hour per authentication scheme', { source: 'AWS launch announcement, US East (Ohio)', date: '2023', confidence: 'U' }, 'multi-VPC private connectivity, per authentication scheme'),
      connectPerMcuHour: usd(0.11, 'USD per MCU-hour', THIRD_PARTY_PRICE, 'MSK Connect'),
    },
  };
}

// ---- listing ------------------------------------------------------------------------------------------------

function isFigure(value: unknown): value is Figure {
  return typeof value === 'object' && value !== null && 'kind' in value && 'value' in value && 'published' in value;
}

export interface FigureRow {
  /** path in the Limits tree, also the key in a --quotas file: ["standard", "brokers", "kafka.m5.large", "pricePerHour"] */
  path: string[];
  figure: Figure;
}

/** Every figure in a Limits value, in declaration order. */
export function listFigures(limits: Limits): FigureRow[] {
  const rows: FigureRow[] = [];
  const walk = (node: unknown, path: string[]): void => {
    if (isFigure(node)) {
      rows.push({ path, figure: node });
      return;
    }
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
    for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
  };
  walk(limits, []);
  return rows;
}

/** "standard.brokers[kafka.m5.large].pricePerHour": a readable key for one figure. */
export function figureKey(path: string[]): string {
  let key = '';
  path.forEach((part, i) => {
    key += part.includes('.') ? `[${part}]` : i === 0 ? part : `.${part}`;
  });
  return key;
}

// ---- overrides ----------------------------------------------------------------------------------------------

const FIGURE_META_KEYS = new Set(['value', 'source', 'date', 'confidence']);

function expectedFor(figure: Figure): string {
  switch (figure.kind) {
    case 'throughput':
      return 'a throughput with a unit, such as 400MB/s or 400MiB/s';
    case 'bytes':
      return 'a size with a unit, such as 250GB or 8MiB';
    case 'fraction':
      return 'a fraction between 0 and 1 such as 0.8, or a percentage such as 80%';
    case 'usd':
      return 'a price in USD, a number >= 0 such as 0.75';
    default:
      return 'a number > 0';
  }
}

function parseFigureValue(figure: Figure, raw: unknown): number {
  switch (figure.kind) {
    case 'throughput':
      if (typeof raw !== 'string') throw new UnitParseError(String(raw), expectedFor(figure));
      return parseThroughput(raw);
    case 'bytes':
      if (typeof raw !== 'string') throw new UnitParseError(String(raw), expectedFor(figure));
      return parseSize(raw);
    case 'fraction':
      if (typeof raw !== 'string' && typeof raw !== 'number') throw new UnitParseError(String(raw), expectedFor(figure));
      return parseFraction(raw);
    case 'usd':
      if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) throw new UnitParseError(JSON.stringify(raw), expectedFor(figure));
      return raw;
    default:
      if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0) throw new UnitParseError(JSON.stringify(raw), expectedFor(figure));
      return raw;
  }
}

function describeKeys(node: object): string {
  return Object.keys(node).join(', ');
}

/**
 * Applies a --quotas override document to `defaultLimits()`. Every key must name an existing figure (or
 * `convention.awsMBps`, `prices.region`, `prices.date`); a figure takes a value with its unit, or
 * `{ value, source, date, confidence }`. Unknown keys, wrong types and bad units are exit-2 errors with file:line.
 */
export function applyOverrides(doc: ParsedDocument): Limits {
  const file = doc.file;
  const root = doc.value;
  const at = (path: Array<string | number>) => ({ file, line: doc.lineOf(path), path: figureKey(path.map(String)) || '(top level)' });
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw inputError({ file, line: 1 }, `found ${Array.isArray(root) ? 'a list' : JSON.stringify(root)} at the top level`, 'a mapping of limit keys, as printed by `mskctl quotas --output yaml`');
  }
  const top = root as Record<string, unknown>;

  // the convention decides how every built-in AWS "MBps" figure is read, so it is applied first
  let reading: AwsMBpsReading = 'decimal';
  const conventionNode = top.convention;
  if (conventionNode !== undefined) {
    if (typeof conventionNode !== 'object' || conventionNode === null || Array.isArray(conventionNode)) {
      throw inputError(at(['convention']), `found ${JSON.stringify(conventionNode)}`, 'a mapping such as { awsMBps: binary }');
    }
    for (const [key, value] of Object.entries(conventionNode)) {
      if (key !== 'awsMBps') throw inputError(at(['convention', key]), `unknown key "${key}"`, 'awsMBps (the only convention setting)', 'QUOTAS_UNKNOWN_KEY');
      if (value !== 'decimal' && value !== 'binary') {
        throw inputError(at(['convention', 'awsMBps']), `found ${JSON.stringify(value)}`, '"decimal" (1 MB = 10^6 B) or "binary" (1 MB read as MiB)');
      }
      reading = value;
    }
  }
  const limits = defaultLimits(reading);

  const walk = (override: unknown, target: unknown, path: string[]): void => {
    if (isFigure(target)) {
      applyFigure(target, override, path);
      return;
    }
    if (typeof override !== 'object' || override === null || Array.isArray(override)) {
      throw inputError(at(path), `found ${JSON.stringify(override)}`, `a mapping of: ${describeKeys(target as object)}`);
    }
    for (const [key, child] of Object.entries(override)) {
      const here = [...path, key];
      if (path.length === 0 && key === 'convention') continue;
      if (path.length === 1 && path[0] === 'prices' && (key === 'region' || key === 'date')) {
        if (typeof child !== 'string' || child.trim() === '') throw inputError(at(here), `found ${JSON.stringify(child)}`, 'a non-empty string');
        (limits.prices as Record<string, unknown>)[key] = child;
        continue;
      }
      if (path.length === 1 && path[0] === 'serverless' && key === 'authentication') {
        throw inputError(at(here), 'the authentication Serverless accepts cannot be overridden', 'a numeric limit such as serverless.partitions', 'QUOTAS_UNKNOWN_KEY');
      }
      const next = (target as Record<string, unknown>)[key];
      if (next === undefined || key === 'convention') {
        throw inputError(at(here), `unknown key "${key}"`, `one of: ${describeKeys(target as object)} (see \`mskctl quotas\`)`, 'QUOTAS_UNKNOWN_KEY');
      }
      walk(child, next, here);
    }
  };

  const applyFigure = (figure: Figure, override: unknown, path: string[]): void => {
    let raw = override;
    let meta: Partial<Pick<Figure, 'source' | 'date' | 'confidence'>> = {};
    if (typeof override === 'object' && override !== null && !Array.isArray(override)) {
      const record = override as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (!FIGURE_META_KEYS.has(key)) {
          throw inputError(at([...path, key]), `unknown key "${key}"`, 'value, source, date or confidence', 'QUOTAS_UNKNOWN_KEY');
        }
      }
      if (!('value' in record)) throw inputError(at(path), 'no value given', `value: ${expectedFor(figure)}`);
      raw = record.value;
      for (const key of ['source', 'date'] as const) {
        if (record[key] !== undefined && typeof record[key] !== 'string') throw inputError(at([...path, key]), `found ${JSON.stringify(record[key])}`, 'a string');
        if (typeof record[key] === 'string') meta[key] = record[key];
      }
      if (record.confidence !== undefined) {
        if (!['P', 'A', 'V', 'U'].includes(String(record.confidence))) {
          throw inputError(at([...path, 'confidence']), `found ${JSON.stringify(record.confidence)}`, 'P, A, V or U');
        }
        meta = { ...meta, confidence: record.confidence as Confidence };
      }
      path = [...path, 'value'];
    }
    let value: number;
    try {
      value = parseFigureValue(figure, raw);
    } catch (error) {
      if (error instanceof UnitParseError) throw inputError(at(path), `found ${typeof raw === 'string' ? JSON.stringify(raw) : String(raw)}`, expectedFor(figure));
      throw error;
    }
    const where = `${file}:${doc.lineOf(path) ?? '?'}`;
    figure.value = value;
    figure.published = typeof raw === 'string' ? raw : String(raw);
    figure.source = meta.source ?? `override in ${where}`;
    figure.date = meta.date ?? 'user-supplied';
    figure.confidence = meta.confidence ?? 'U';
    figure.overriddenBy = where;
  };

  walk(root, limits, []);
  return limits;
}

/** Loads the limits in use: the built-in figures, with a --quotas file applied when given. */
export function loadLimits(quotasFile?: string): Limits {
  if (quotasFile === undefined || quotasFile === '') return defaultLimits();
  return applyOverrides(readInputFile(quotasFile));
}
