import { describe, expect, it } from 'vitest';
import { isUnreachable } from '../../../src/aws/sts.js';

describe('isUnreachable: "STS cannot be reached from here" (skip the step) vs "STS said no" (fail it)', () => {
  it.each([
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), true],
    [Object.assign(new Error('getaddrinfo ENOTFOUND sts.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }), true],
    [Object.assign(new Error('getaddrinfo EAI_AGAIN sts.eu-west-1.amazonaws.com'), { code: 'EAI_AGAIN' }), true],
    [Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' }), true],
    [Object.assign(new Error('Request aborted'), { name: 'AbortError' }), true],
    [Object.assign(new Error('The security token included in the request is invalid.'), { name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } }), false],
    [Object.assign(new Error('Signature expired'), { name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } }), false],
    // an HTTP answer is an answer, whatever its text says
    [Object.assign(new Error('socket hang up'), { $metadata: { httpStatusCode: 503 } }), false],
  ])('%s → %s', (error, unreachable) => {
    expect(isUnreachable(error)).toBe(unreachable);
  });
});
