import { describe, expect, it } from 'vitest';
import { portAuthWarnings } from '../../../src/check/bootstrap.js';
import { parseBootstrap } from '../../../src/kafka/bootstrap.js';

const PROVISIONED = 'b-1.orders.a1b2c3.c2.kafka.eu-west-1.amazonaws.com';

describe('portAuthWarnings', () => {
  it('warns when the port serves another auth mode on MSK', () => {
    const [warning] = portAuthWarnings(parseBootstrap(`${PROVISIONED}:9094`), 'iam');
    expect(warning).toContain('9094');
    expect(warning).toContain('TLS');
    expect(warning).toContain('9098 (private) or 9198 (public)');
    expect(portAuthWarnings(parseBootstrap(`${PROVISIONED}:9098`), 'iam')).toEqual([]);
  });

  it('multi-VPC ports fit any mode; unknown ports warn only for MSK names', () => {
    expect(portAuthWarnings(parseBootstrap(`${PROVISIONED}:14005`), 'scram')).toEqual([]);
    expect(portAuthWarnings(parseBootstrap(`${PROVISIONED}:9999`), 'iam')[0]).toContain('not an MSK port');
    expect(portAuthWarnings(parseBootstrap('127.0.0.1:40735'), 'iam')).toEqual([]);
  });
});
