// The harness's pure parts (test/kafka/): broker configuration and the endpoint environment round trip.
import { describe, expect, it } from 'vitest';
import { brokerProperties, type ListenerPorts } from '../../kafka/broker-config.js';
import { IAM_IDENTITIES, SCRAM_USERS } from '../../kafka/credentials.js';
import { endpointsFromEnv, harnessEnv, type HarnessEndpoints } from '../../kafka/harness.js';
import type { TlsMaterial } from '../../kafka/tls.js';

const ports: ListenerPorts = { PLAINTEXT: 1001, SCRAM: 1002, SCRAM_TLS: 1007, IAM: 1003, IAM_REAUTH: 1004, TLS: 1005, CONTROLLER: 1006 };
const tls: TlsMaterial = {
  dir: '/t',
  caFile: '/t/ca.pem',
  otherCaFile: '/t/other-ca.pem',
  brokerKeystoreFile: '/t/broker.p12',
  brokerKeystorePassword: 'pw',
  clientCertFile: '/t/client.pem',
  clientKeyFile: '/t/client.key',
  untrustedClientCertFile: '/t/untrusted-client.pem',
  untrustedClientKeyFile: '/t/untrusted-client.key',
  clientPrincipal: 'CN=mskctl-test-client',
};

function parse(text: string): Map<string, string> {
  return new Map(text.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe('brokerProperties', () => {
  const props = parse(brokerProperties({ ports, dataDir: '/d', tls, iamCredentialsFile: '/c.tsv', iamRegion: 'us-east-1', reauthMs: 15000, kafkaMajor: 3 }));

  it('binds every listener to loopback and advertises all but the controller', () => {
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:1001,SCRAM://127.0.0.1:1002,SCRAM_TLS://127.0.0.1:1007,IAM://127.0.0.1:1003,IAM_REAUTH://127.0.0.1:1004,TLS://127.0.0.1:1005,CONTROLLER://127.0.0.1:1006');
    expect(props.get('advertised.listeners')).not.toContain('CONTROLLER');
    expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:1006');
    expect(props.get('listener.security.protocol.map')).toContain('IAM:SASL_SSL');
  });

  it('puts the MSK IAM validator on both IAM listeners and a short session only on IAM_REAUTH', () => {
    expect(props.get('listener.name.iam.oauthbearer.sasl.server.callback.handler.class')).toBe('mskctl.harness.MskIamValidatorCallbackHandler');
    expect(props.get('listener.name.iam_reauth.oauthbearer.sasl.server.callback.handler.class')).toBe('mskctl.harness.MskIamValidatorCallbackHandler');
    expect(props.get('listener.name.iam.oauthbearer.sasl.jaas.config')).toContain('region="us-east-1"');
    expect(props.get('listener.name.iam_reauth.oauthbearer.connections.max.reauth.ms')).toBe('15000');
    expect([...props.keys()].filter((k) => k.endsWith('connections.max.reauth.ms'))).toHaveLength(1);
  });

  it('makes the admins super users and leaves the restricted principals to the ACLs', () => {
    const supers = props.get('super.users')!.split(';');
    expect(supers).toContain(`User:${SCRAM_USERS.admin.username}`);
    expect(supers).toContain(`User:${IAM_IDENTITIES.admin.principal}`);
    expect(supers).not.toContain(`User:${SCRAM_USERS.restricted.username}`);
    expect(supers).not.toContain(`User:${IAM_IDENTITIES.restricted.principal}`);
    expect(props.get('allow.everyone.if.no.acl.found')).toBe('false');
  });

  it('adds the share-coordinator settings only for Kafka 4', () => {
    expect(props.has('share.coordinator.state.topic.replication.factor')).toBe(false);
    const four = parse(brokerProperties({ ports, dataDir: '/d', tls, iamCredentialsFile: '/c.tsv', iamRegion: 'us-east-1', reauthMs: 15000, kafkaMajor: 4 }));
    expect(four.get('share.coordinator.state.topic.replication.factor')).toBe('1');
  });
});

describe('harness environment', () => {
  it('endpointsFromEnv reads back what harnessEnv publishes', () => {
    const cluster = (name: 'source' | 'target', base: number) => ({
      name,
      plaintext: `127.0.0.1:${base}`,
      scram: `127.0.0.1:${base + 1}`,
      scramTls: `127.0.0.1:${base + 5}`,
      iam: `127.0.0.1:${base + 2}`,
      iamReauth: `127.0.0.1:${base + 3}`,
      tls: `127.0.0.1:${base + 4}`,
      logFile: `/run/${name}/broker.log`,
    });
    const endpoints: HarnessEndpoints = {
      kafkaVersion: '3.9.2',
      source: cluster('source', 2000),
      target: cluster('target', 3000),
      tls: { caFile: '/t/ca.pem', otherCaFile: '/t/other-ca.pem', clientCertFile: '/t/client.pem', clientKeyFile: '/t/client.key', untrustedClientCertFile: '/t/u.pem', untrustedClientKeyFile: '/t/u.key', clientPrincipal: 'CN=mskctl-test-client' },
      scram: { mechanism: 'scram-sha-512', admin: SCRAM_USERS.admin, restricted: SCRAM_USERS.restricted },
      iam: { region: 'us-east-1', reauthMs: 15000, ...IAM_IDENTITIES },
      restrictedAllowedPrefix: 'allowed-',
    };
    expect(endpointsFromEnv(harnessEnv(endpoints))).toEqual(endpoints);
  });

  it('is undefined when a listener is missing', () => {
    const env: Record<string, string> = { MSKCTL_TEST_KAFKA_VERSION: '3.9.2', MSKCTL_TEST_CA_FILE: '/ca.pem', MSKCTL_TEST_SOURCE_PLAINTEXT: '127.0.0.1:1' };
    expect(endpointsFromEnv(env)).toBeUndefined();
  });
});
