/**
 * The bootstrap string every Kafka-facing command takes: host:port list → brokers, the kind of MSK endpoint
 * each host name has (Provisioned, Serverless, or not an MSK name), the region taken from the END of the host
 * name, and the authentication each MSK port implies (port-info in the MSK developer guide). Pure: no I/O.
 */
import type { AuthMode } from '../config/contexts.js';
import { inputError } from '../output/errors.js';

export type EndpointKind = 'provisioned' | 'serverless' | 'other';

export interface BrokerAddress {
  host: string;
  port: number;
}

/** What a port number means on MSK. */
export interface PortMeaning {
  /** the auth mode MSK serves on this port; undefined for multi-VPC ports (any mode) and unknown ports */
  auth?: AuthMode;
  access: 'private' | 'public' | 'multi-vpc' | 'ipv6' | 'unknown';
  description: string;
}

export interface ParsedBootstrap {
  brokers: BrokerAddress[];
  /** the kind of every host (all hosts of one cluster share it; mixed lists are reported as a warning) */
  kind: EndpointKind;
  /** the region in the host names (MSK names only) */
  region?: string;
  /** the cluster label of Provisioned names (b-1.<cluster>.<id>.c2.kafka...) */
  clusterName?: string;
  warnings: string[];
}

// b-1.orders.a1b2c3.c2.kafka.eu-west-1.amazonaws.com, b-1-public.…, vpce names for multi-VPC use other forms
const PROVISIONED_HOST = /^b-\d+(?:-public)?\.([a-z0-9-]+)\.([a-z0-9]+)\.c\d+\.kafka\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;
// boot-abc123.c3.kafka-serverless.eu-west-1.amazonaws.com
const SERVERLESS_HOST = /^boot-[a-z0-9]+\.c\d+\.kafka-serverless\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;
// anything else under kafka[-serverless].<region>.amazonaws.com: the region is the label before amazonaws.com
const MSK_SUFFIX = /\.kafka(?:-serverless)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;

export const MSK_PORTS: Record<number, PortMeaning> = {
  9092: { auth: 'plaintext', access: 'private', description: 'plaintext (private)' },
  9094: { auth: 'tls', access: 'private', description: 'TLS (private)' },
  9096: { auth: 'scram', access: 'private', description: 'SASL/SCRAM over TLS (private)' },
  9098: { auth: 'iam', access: 'private', description: 'IAM over TLS (private)' },
  9194: { auth: 'tls', access: 'public', description: 'TLS (public)' },
  9196: { auth: 'scram', access: 'public', description: 'SASL/SCRAM over TLS (public)' },
  9198: { auth: 'iam', access: 'public', description: 'IAM over TLS (public)' },
  20092: { auth: 'plaintext', access: 'ipv6', description: 'plaintext (IPv6)' },
  20094: { auth: 'tls', access: 'ipv6', description: 'TLS (IPv6)' },
  20096: { auth: 'scram', access: 'ipv6', description: 'SASL/SCRAM over TLS (IPv6)' },
  20098: { auth: 'iam', access: 'ipv6', description: 'IAM over TLS (IPv6)' },
};

export const MULTI_VPC_PORTS = { first: 14001, last: 14100 } as const;

export function portMeaning(port: number): PortMeaning {
  const known = MSK_PORTS[port];
  if (known) return known;
  if (port >= MULTI_VPC_PORTS.first && port <= MULTI_VPC_PORTS.last) {
    return { access: 'multi-vpc', description: `multi-VPC private connectivity (${MULTI_VPC_PORTS.first}-${MULTI_VPC_PORTS.last}, any auth)` };
  }
  return { access: 'unknown', description: 'not an MSK port' };
}

/** The MSK ports that serve an auth mode, for hints: iam → "9098 (private) or 9198 (public)". */
export function portsFor(auth: AuthMode): string {
  const ports = Object.entries(MSK_PORTS)
    .filter(([, m]) => m.auth === auth && m.access !== 'ipv6')
    .map(([p, m]) => `${p} (${m.access})`);
  return ports.join(' or ');
}

export function hostKind(host: string): { kind: EndpointKind; region?: string; clusterName?: string } {
  const name = host.toLowerCase().replace(/\.$/, '');
  const provisioned = PROVISIONED_HOST.exec(name);
  if (provisioned) return { kind: 'provisioned', region: provisioned[3], clusterName: provisioned[1] };
  const serverless = SERVERLESS_HOST.exec(name);
  if (serverless) return { kind: 'serverless', region: serverless[1] };
  const suffix = MSK_SUFFIX.exec(name);
  if (suffix) return { kind: name.includes('.kafka-serverless.') ? 'serverless' : 'provisioned', region: suffix[1] };
  return { kind: 'other' };
}

function parseOne(entry: string, index: number, flag: string): BrokerAddress {
  const where = { path: `${flag}[${index}]` };
  let host: string;
  let portText: string;
  const bracketed = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(entry);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2]!;
  } else {
    const colon = entry.lastIndexOf(':');
    if (colon <= 0 || entry.indexOf(':') !== colon) {
      throw inputError(where, `found ${JSON.stringify(entry)}: no port`, 'host:port, e.g. b-1.orders.a1b2c3.c2.kafka.eu-west-1.amazonaws.com:9098 ([addr]:port for IPv6)');
    }
    host = entry.slice(0, colon);
    portText = entry.slice(colon + 1);
  }
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw inputError(where, `found port ${JSON.stringify(portText)} in ${JSON.stringify(entry)}`, 'a port from 1 to 65535');
  }
  if (!/^[A-Za-z0-9.:_-]+$/.test(host)) throw inputError(where, `found host ${JSON.stringify(host)}`, 'a DNS name or an IP address');
  return { host, port };
}

/** Parses "host:port[,host:port...]" (spaces allowed around commas). Bad input is an input error (exit 2). */
export function parseBootstrap(text: string, flag = '--bootstrap'): ParsedBootstrap {
  const entries = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (entries.length === 0) throw inputError({ path: flag }, 'no brokers given', 'host:port[,host:port...]');
  const brokers = entries.map((entry, i) => parseOne(entry, i, flag));
  const warnings: string[] = [];
  const kinds = brokers.map((b) => hostKind(b.host));
  const first = kinds[0]!;
  if (kinds.some((k) => k.kind !== first.kind)) warnings.push('the bootstrap list mixes MSK and other host names, or Provisioned and Serverless ones: they are probably not one cluster');
  const regions = new Set(kinds.map((k) => k.region).filter((r): r is string => r !== undefined));
  if (regions.size > 1) warnings.push(`the bootstrap host names name several regions (${[...regions].join(', ')}): they are not one cluster`);
  const ports = new Set(brokers.map((b) => b.port));
  if (ports.size > 1) warnings.push(`the brokers use different ports (${[...ports].join(', ')}): one listener (one auth mode) has one port on MSK`);
  if (first.kind === 'serverless' && brokers.some((b) => b.port !== 9098)) warnings.push('MSK Serverless serves IAM on port 9098 only');
  return { brokers, kind: first.kind, region: first.region, clusterName: first.clusterName, warnings };
}

/** "host:port" again, with brackets around IPv6 addresses: the form kafkajs takes. */
export function brokerAddress(broker: BrokerAddress): string {
  return broker.host.includes(':') ? `[${broker.host}]:${broker.port}` : `${broker.host}:${broker.port}`;
}

/**
 * The one default auth mode: what MSK serves on the port (9092 plaintext, 9094 TLS, 9096 SASL/SCRAM,
 * 9098 IAM, the 919x public and 2009x IPv6 equivalents); iam for MSK Serverless, which serves only IAM;
 * plaintext for anything else (a local or self-managed cluster).
 */
export function defaultAuthFor(parsed: ParsedBootstrap): AuthMode {
  if (parsed.kind === 'serverless') return 'iam';
  return portMeaning(parsed.brokers[0]!.port).auth ?? 'plaintext';
}
