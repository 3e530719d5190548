/**
 * TLS material for the harness, made with openssl when the harness starts: a test CA, a broker certificate
 * for 127.0.0.1/localhost (PKCS12 keystore for the brokers), a client certificate for mutual TLS, and a
 * second, unrelated CA for "CA does not match" tests. EC P-256 keys: quick to generate.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsMaterial {
  dir: string;
  /** the CA that signed the broker and client certificates (PEM) */
  caFile: string;
  /** a CA that signed nothing here: a client trusting only it must fail verification */
  otherCaFile: string;
  /** broker keystore (PKCS12) and its password */
  brokerKeystoreFile: string;
  brokerKeystorePassword: string;
  /** client certificate and key (PEM, unencrypted) for the mutual-TLS listener */
  clientCertFile: string;
  clientKeyFile: string;
  /** a client certificate and key signed by the unrelated CA: the brokers must refuse it */
  untrustedClientCertFile: string;
  untrustedClientKeyFile: string;
  /** the subject the brokers see for the client certificate: the principal is User:<this> */
  clientPrincipal: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.trim() || e.message}`);
  }
}

async function makeCa(dir: string, name: string, cn: string): Promise<void> {
  await openssl(
    ['req', '-x509', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '30', '-subj', `/CN=${cn}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
}

async function makeLeaf(dir: string, name: string, cn: string, extensions: string, ca = 'ca'): Promise<void> {
  await writeFile(join(dir, `${name}.ext`), extensions);
  await openssl(['req', '-new', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
  await openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`,
      '-days', '30', '-extfile', `${name}.ext`],
    dir,
  );
}

export async function generateTlsMaterial(dir: string): Promise<TlsMaterial> {
  await mkdir(dir, { recursive: true });
  const password = randomBytes(12).toString('hex');
  await Promise.all([makeCa(dir, 'ca', 'mskctl-test-ca'), makeCa(dir, 'other-ca', 'mskctl-unrelated-ca')]);
  await Promise.all([
    makeLeaf(dir, 'broker', 'localhost',
      'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n'),
    makeLeaf(dir, 'client', 'mskctl-test-client',
      'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n'),
    makeLeaf(dir, 'untrusted-client', 'mskctl-untrusted-client',
      'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n', 'other-ca'),
  ]);
  await openssl(
    ['pkcs12', '-export', '-in', 'broker.pem', '-inkey', 'broker.key', '-certfile', 'ca.pem', '-name', 'broker',
      '-out', 'broker.p12', '-passout', `pass:${password}`],
    dir,
  );
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    otherCaFile: join(dir, 'other-ca.pem'),
    brokerKeystoreFile: join(dir, 'broker.p12'),
    brokerKeystorePassword: password,
    clientCertFile: join(dir, 'client.pem'),
    clientKeyFile: join(dir, 'client.key'),
    untrustedClientCertFile: join(dir, 'untrusted-client.pem'),
    untrustedClientKeyFile: join(dir, 'untrusted-client.key'),
    clientPrincipal: 'CN=mskctl-test-client',
  };
}
