import { describe, expect, it } from 'vitest';
import { resolveSide } from '../../../src/replication/endpoints.js';
import { mm2Files, propertiesValue } from '../../../src/replication/mm2.js';

describe('--emit-mm2', () => {
  const source = resolveSide('source', 'k1:9096', { auth: 'scram', username: 'app', passwordEnv: 'SRC_PW' }, [], { SRC_PW: 'never-written' });
  const target = resolveSide('target', 'boot-abc.c2.kafka-serverless.eu-west-1.amazonaws.com:9098', {}, [], {});
  const files = mm2Files({ flowId: 'orders', source, target, topics: ['orders.*', 'payments'], exclude: ['.*\\.tmp'], rename: 'identity', sourceAlias: 'onprem', exactlyOnce: true });

  it('mm2.properties: clusters, one direction, topics, identity policy, read_committed, per-side security', () => {
    const props = files.find((f) => f.name === 'mm2.properties')!.content;
    expect(props).toMatch(/^clusters = onprem, target$/m);
    expect(props).toMatch(/^onprem->target.enabled = true$/m);
    expect(props).toMatch(/^target->onprem.enabled = false$/m);
    expect(props).toMatch(/^onprem->target.topics = orders\.\*, payments$/m);
    // backslashes doubled: java.util.Properties would otherwise drop them (`.*\.tmp` → `.*.tmp`)
    expect(props).toContain('onprem->target.topics.exclude = .*\\\\.tmp\n');
    expect(props).toMatch(/IdentityReplicationPolicy/);
    expect(props).toMatch(/^onprem.consumer.isolation.level = read_committed$/m);
    expect(props).toMatch(/^onprem.sasl.mechanism = SCRAM-SHA-512$/m);
    expect(props).toMatch(/password="\$\{env:SRC_PW\}"/);
    // the placeholder resolves only through a declared config provider
    expect(props).toMatch(/^config.providers = env$/m);
    expect(props).toMatch(/^config.providers.env.class = org.apache.kafka.common.config.provider.EnvVarConfigProvider$/m);
    expect(props).toMatch(/^target.sasl.mechanism = AWS_MSK_IAM$/m);
    expect(props).toMatch(/^target.exactly.once.source.support = enabled$/m);
    expect(props).not.toMatch(/never-written/);
  });

  it('the MSK Connect request is valid JSON for MirrorSourceConnector with placeholders, no secrets', () => {
    const json = files.find((f) => f.name === 'msk-connect-connector.json')!.content;
    expect(json).not.toMatch(/never-written/);
    const request = JSON.parse(json) as { connectorConfiguration: Record<string, string>; kafkaClusterClientAuthentication: { authenticationType: string } };
    expect(request.connectorConfiguration['connector.class']).toBe('org.apache.kafka.connect.mirror.MirrorSourceConnector');
    expect(request.connectorConfiguration.topics).toBe('orders.*, payments');
    expect(request.connectorConfiguration['target.cluster.sasl.mechanism']).toBe('AWS_MSK_IAM');
    // the key MirrorSourceConnector reads consumer settings from (it drops source.cluster.consumer.*)
    expect(request.connectorConfiguration['source.consumer.isolation.level']).toBe('read_committed');
    expect(Object.keys(request.connectorConfiguration).filter((k) => k.startsWith('source.cluster.consumer.'))).toEqual([]);
    expect(request.kafkaClusterClientAuthentication.authenticationType).toBe('IAM');
  });

  it('declares no config provider when nothing needs one', () => {
    const plain = resolveSide('source', 'k1:9092', {}, [], {});
    const props = mm2Files({ flowId: 'p', source: plain, target: plain, topics: ['a'], exclude: [], rename: 'prefix', sourceAlias: 'src', exactlyOnce: false })[0]!.content;
    expect(props).not.toMatch(/config.providers/);
    expect(props).toMatch(/DefaultReplicationPolicy/);
  });
});

describe('propertiesValue', () => {
  /** java.util.Properties.load's reading of an escaped value */
  const load = (escaped: string): string =>
    escaped.replace(/\\u([0-9a-f]{4})|\\(.)/g, (_, hex: string | undefined, ch: string | undefined) =>
      hex !== undefined ? String.fromCharCode(Number.parseInt(hex, 16)) : ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[ch as string] ?? (ch as string),
    );

  it.each([
    ['orders\\..*', 'orders\\\\..*'],
    ['plain, list', 'plain, list'],
    ['${env:PW}', '${env:PW}'],
    ['tab\tnewline\n', 'tab\\tnewline\\n'],
    ['café', 'caf\\u00e9'],
    ['🎉', '\\ud83c\\udf89'],
    [' leading', '\\ leading'],
  ])('%j is written as %j and loads back unchanged', (value, written) => {
    expect(propertiesValue(value)).toBe(written);
    expect(load(propertiesValue(value))).toBe(value);
  });
});
