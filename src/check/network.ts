/**
 * The network probes of `mskctl check`: DNS lookup, TCP connect and a TLS handshake that reports the broker
 * certificate. Each has a timeout; errors keep Node's codes (ENOTFOUND, ECONNREFUSED, ETIMEDOUT, TLS codes) so
 * causes.ts can read them.
 */
import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { inputError } from '../output/errors.js';
import type { BrokerAddress } from '../kafka/bootstrap.js';
import type { TlsPeer } from './types.js';

function timeoutError(what: string, ms: number): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${what}: connect timed out after ${ms} ms`);
  error.code = 'ETIMEDOUT';
  return error;
}

export async function lookupHost(host: string, timeoutMs: number): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const answers = await Promise.race([
      lookup(host, { all: true, verbatim: true }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error: NodeJS.ErrnoException = new Error(`DNS lookup of ${host} timed out after ${timeoutMs} ms`);
          error.code = 'EAI_AGAIN';
          reject(error);
        }, timeoutMs);
      }),
    ]);
    return answers.map((a) => a.address);
  } finally {
    clearTimeout(timer);
  }
}

export function tcpConnect(broker: BrokerAddress, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: broker.host, port: broker.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(timeoutError(`${broker.host}:${broker.port}`, timeoutMs));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}

export interface TlsProbeOptions {
  timeoutMs: number;
  /** PEM CA bundle (else Node's trusted roots) */
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  insecureSkipVerify: boolean;
}

export async function readPemFile(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw inputError({ file, path: flag }, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'a readable PEM file');
  }
}

function name(fields: PeerCertificate['subject'] | undefined): string {
  if (!fields) return '-';
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`);
  return parts.length > 0 ? parts.join(', ') : '-';
}

export function tlsHandshake(broker: BrokerAddress, options: TlsProbeOptions): Promise<TlsPeer> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: broker.host,
      port: broker.port,
      // SNI only for names; MSK brokers present certificates for their DNS names
      ...(isIP(broker.host) ? {} : { servername: broker.host }),
      rejectUnauthorized: !options.insecureSkipVerify,
      ...(options.caPem ? { ca: [options.caPem] } : {}),
      ...(options.certPem ? { cert: options.certPem } : {}),
      ...(options.keyPem ? { key: options.keyPem } : {}),
      // Kafka's SASL_SSL listeners do not negotiate ALPN
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(timeoutError(`TLS handshake with ${broker.host}:${broker.port}`, options.timeoutMs));
    }, options.timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      const validTo = cert.valid_to ? new Date(cert.valid_to) : undefined;
      const peer: TlsPeer = {
        protocol: socket.getProtocol() ?? 'TLS',
        subject: name(cert.subject),
        issuer: name(cert.issuer),
        altNames: (cert.subjectaltname ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
        validFrom: cert.valid_from ? new Date(cert.valid_from).toISOString() : '-',
        validTo: validTo ? validTo.toISOString() : '-',
        daysLeft: validTo ? Math.floor((validTo.getTime() - Date.now()) / 86_400_000) : 0,
        verified: socket.authorized,
        ...(socket.authorizationError ? { verifyError: String(socket.authorizationError) } : {}),
      };
      if (!options.certPem) {
        socket.end();
        socket.destroy();
        resolve(peer);
        return;
      }
      // mutual TLS 1.3: the broker checks our certificate after the client's side of the handshake is done and
      // answers a rejection with an alert; Kafka sends nothing unsolicited, so anything within a moment is that
      const settle = setTimeout(() => {
        socket.end();
        socket.destroy();
        resolve(peer);
      }, Math.min(CLIENT_CERT_VERDICT_MS, options.timeoutMs));
      socket.once('error', (error) => {
        clearTimeout(settle);
        socket.destroy();
        reject(error);
      });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}

/** how long to wait for the broker's verdict on our client certificate after a TLS 1.3 handshake */
const CLIENT_CERT_VERDICT_MS = 300;

/** true when the port completes a TLS handshake (certificate not verified: this only asks "is it TLS?") */
export function speaksTls(broker: BrokerAddress, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: broker.host, port: broker.port, rejectUnauthorized: false, ...(isIP(broker.host) ? {} : { servername: broker.host }) });
    const done = (answer: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}
