import { describe, expect, it } from 'vitest';
import { brokerAddress, defaultAuthFor, hostKind, parseBootstrap, portMeaning, portsFor } from '../../../src/kafka/bootstrap.js';
import { inputFailure } from '../input-failure.js';

const PROVISIONED = 'b-1.orders.a1b2c3.c2.kafka.eu-west-1.amazonaws.com';
const SERVERLESS = 'boot-abc123de.c3.kafka-serverless.ap-southeast-2.amazonaws.com';

describe('hostKind', () => {
  it('recognises Provisioned broker names and takes the region from the end of the name', () => {
    expect(hostKind(PROVISIONED)).toEqual({ kind: 'provisioned', region: 'eu-west-1', clusterName: 'orders' });
    expect(hostKind('b-3-public.orders.a1b2c3.c12.kafka.us-gov-west-1.amazonaws.com')).toMatchObject({ kind: 'provisioned', region: 'us-gov-west-1' });
  });

  it('recognises Serverless bootstrap names', () => {
    expect(hostKind(SERVERLESS)).toEqual({ kind: 'serverless', region: 'ap-southeast-2' });
  });

  it('anchors the region at the end: a region-like label earlier in the name is not the region', () => {
    // the cluster is called us-east-1 but lives in eu-central-1
    expect(hostKind('b-1.us-east-1.a1b2c3.c2.kafka.eu-central-1.amazonaws.com').region).toBe('eu-central-1');
    expect(hostKind('kafka.us-east-1.example.com')).toEqual({ kind: 'other' });
    expect(hostKind('b-1.orders.a1b2c3.c2.kafka.eu-west-1.amazonaws.com.evil.example')).toEqual({ kind: 'other' });
  });

  it('is case-insensitive and ignores a trailing dot', () => {
    expect(hostKind(PROVISIONED.toUpperCase() + '.')).toMatchObject({ kind: 'provisioned', region: 'eu-west-1' });
  });

  it('IP addresses and other names are not MSK', () => {
    expect(hostKind('127.0.0.1')).toEqual({ kind: 'other' });
    expect(hostKind('kafka-1.internal')).toEqual({ kind: 'other' });
  });
});

describe('ports', () => {
  it('maps every documented MSK port to its auth mode and access', () => {
    expect(portMeaning(9092)).toMatchObject({ auth: 'plaintext', access: 'private' });
    expect(portMeaning(9094)).toMatchObject({ auth: 'tls', access: 'private' });
    expect(portMeaning(9096)).toMatchObject({ auth: 'scram', access: 'private' });
    expect(portMeaning(9098)).toMatchObject({ auth: 'iam', access: 'private' });
    expect(portMeaning(9194)).toMatchObject({ auth: 'tls', access: 'public' });
    expect(portMeaning(9196)).toMatchObject({ auth: 'scram', access: 'public' });
    expect(portMeaning(9198)).toMatchObject({ auth: 'iam', access: 'public' });
    expect(portMeaning(20098)).toMatchObject({ auth: 'iam', access: 'ipv6' });
  });

  it('multi-VPC ports 14001-14100 serve any auth; neighbours are not MSK ports', () => {
    expect(portMeaning(14001).access).toBe('multi-vpc');
    expect(portMeaning(14001).auth).toBeUndefined();
    expect(portMeaning(14100)).toMatchObject({ access: 'multi-vpc' });
    expect(portMeaning(14000).access).toBe('unknown');
    expect(portMeaning(14101).access).toBe('unknown');
  });

  it('portsFor names the private and public ports of a mode', () => {
    expect(portsFor('iam')).toBe('9098 (private) or 9198 (public)');
    expect(portsFor('plaintext')).toBe('9092 (private)');
  });
});

describe('parseBootstrap', () => {
  it('parses a comma-separated list with spaces', () => {
    const parsed = parseBootstrap(`${PROVISIONED}:9098, b-2.orders.a1b2c3.c2.kafka.eu-west-1.amazonaws.com:9098`);
    expect(parsed.brokers).toEqual([
      { host: PROVISIONED, port: 9098 },
      { host: 'b-2.orders.a1b2c3.c2.kafka.eu-west-1.amazonaws.com', port: 9098 },
    ]);
    expect(parsed).toMatchObject({ kind: 'provisioned', region: 'eu-west-1', clusterName: 'orders', warnings: [] });
  });

  it('skips empty entries', () => {
    expect(parseBootstrap('a:1,,b:2').brokers).toEqual([{ host: 'a', port: 1 }, { host: 'b', port: 2 }]);
  });

  it('names the flag it came from', () => {
    expect(() => parseBootstrap('nohostport', '--source')).toThrow('--source[0]: found "nohostport": no port');
  });

  it('parses bracketed IPv6 addresses', () => {
    expect(parseBootstrap('[::1]:9092').brokers).toEqual([{ host: '::1', port: 9092 }]);
  });

  it.each([
    ['', 'no brokers'],
    ['host-without-port', 'no port'],
    ['host:0', 'port "0"'],
    ['host:70000', 'port "70000"'],
    ['host:90a', 'port "90a"'],
    ['a:b:9092', 'no port'],
    ['ho st:9092', 'host "ho st"'],
    ['a:1,b c:2', '--bootstrap[1]'],
  ])('rejects %j as input error (exit 2) naming the entry', (text, message) => {
    const error = inputFailure(() => parseBootstrap(text));
    expect(error.message).toContain(message);
    expect(error.message).toContain('--bootstrap');
  });

  it('warns about lists that cannot be one cluster', () => {
    expect(parseBootstrap(`${PROVISIONED}:9098,${SERVERLESS}:9098`).warnings.join(' ')).toMatch(/mixes|several regions/);
    expect(parseBootstrap(`${PROVISIONED}:9098,${PROVISIONED}:9096`).warnings.join(' ')).toContain('different ports');
    expect(parseBootstrap(`${SERVERLESS}:9096`).warnings.join(' ')).toContain('9098 only');
  });
});

describe('defaultAuthFor: what MSK serves on the port', () => {
  it.each([
    ['10.0.0.5:9092', 'plaintext'],
    [`${PROVISIONED}:9094`, 'tls'],
    [`${PROVISIONED}:9096`, 'scram'],
    ['10.0.0.5:9098', 'iam'],
    ['kafka.internal:9194', 'tls'],
    ['kafka.internal:9196', 'scram'],
    ['kafka.internal:9198', 'iam'],
    [`${PROVISIONED}:20096`, 'scram'],
    [`${SERVERLESS}:9098`, 'iam'],
    // Serverless serves IAM only, whatever port the list says
    [`${SERVERLESS}:9096`, 'iam'],
    // multi-VPC ports serve any mode, and other ports are not MSK's: plaintext until said otherwise
    [`${PROVISIONED}:14005`, 'plaintext'],
    ['localhost:9092', 'plaintext'],
    ['127.0.0.1:40735', 'plaintext'],
  ])('%s → %s', (text, auth) => {
    expect(defaultAuthFor(parseBootstrap(text))).toBe(auth);
  });
});

describe('brokerAddress', () => {
  it('gives host:port back, with brackets around IPv6 addresses', () => {
    expect(parseBootstrap('k1:9092, [::1]:9094').brokers.map(brokerAddress)).toEqual(['k1:9092', '[::1]:9094']);
  });
});
