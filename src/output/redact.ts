/**
 * Secrets never reach logs or errors. redact() masks the values of secret-looking keys in objects
 * and known secret shapes in strings (MSK IAM tokens, AWS secret keys, signatures, passwords in URLs).
 */
const SECRET_KEYS = /(password|secret|token|signature|sessiontoken|credential|privatekey|passphrase)/i;

// base64url blobs long enough to be an MSK IAM token, SigV4 signatures, AWS secret access keys
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/(X-Amz-Signature=)[0-9a-f]{16,}/gi, '$1***'],
  [/(X-Amz-Security-Token=)[^&\s"]+/gi, '$1***'],
  [/(X-Amz-Credential=[A-Z0-9]{4})[A-Z0-9]{8,}/g, '$1***'],
  [/\baHR0cHM6Ly9rYWZrY[A-Za-z0-9_-]{40,}/g, '<msk-iam-token>'],
  // eslint-disable-next-line no-control-regex -- the SASL OAUTHBEARER message separates fields with \x01
  [/(auth=Bearer )[^\s\x01]+/g, '$1***'],
  [/(:\/\/[^:/\s]+:)[^@/\s]+@/g, '$1***@'],
];

export function redactString(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

export function redact<T>(value: T): T {
  return redactValue(value, new WeakSet()) as T;
}

function redactValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, seen));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEYS.test(key) && v !== undefined && v !== null && typeof v !== 'boolean' ? '***' : redactValue(v, seen);
  }
  return out;
}
