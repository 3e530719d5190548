import { describe, expect, it } from 'vitest';
import { redact, redactString } from '../../../src/output/redact.js';

describe('redaction', () => {
  it('masks secret-named fields at any depth', () => {
    const out = redact({ user: 'alice', password: 'hunter2', nested: { secretAccessKey: 'abc', list: [{ sessionToken: 'x' }] } });
    expect(out).toEqual({ user: 'alice', password: '***', nested: { secretAccessKey: '***', list: [{ sessionToken: '***' }] } });
  });

  it('masks an MSK IAM token and SigV4 parts inside text', () => {
    const url = 'https://kafka.us-east-1.amazonaws.com/?Action=kafka-cluster%3AConnect&X-Amz-Credential=AKIAEXAMPLEKEY123456%2F20261125&X-Amz-Security-Token=FQoGZXIvYXdzE&X-Amz-Signature=0123456789abcdef0123456789abcdef';
    const token = Buffer.from(url).toString('base64url');
    const text = redactString(`failed with token ${token} and url ${url}`);
    expect(text).not.toContain(token);
    expect(text).not.toContain('0123456789abcdef0123');
    expect(text).not.toContain('FQoGZXIvYXdzE');
    expect(text).not.toContain('EXAMPLEKEY123456');
    expect(text).toContain('<msk-iam-token>');
  });

  it('masks a password in a URL', () => {
    expect(redactString('sasl://bob:s3cret@host:9096')).toBe('sasl://bob:***@host:9096');
  });
});
