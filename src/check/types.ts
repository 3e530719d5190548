/** The typed result of `mskctl check` (the json/yaml contract) and the probes the steps run over. */
import type { CallerIdentity } from '../aws/sts.js';
import type { AuthMode } from '../config/contexts.js';
import type { BrokerAddress, EndpointKind } from '../kafka/bootstrap.js';
import type { CauseCode, Operation } from './causes.js';

export const STEP_NAMES = ['parse', 'dns', 'tcp', 'tls', 'credentials', 'token', 'sasl', 'metadata', 'produce-consume', 'topic', 'group'] as const;
export type StepName = (typeof STEP_NAMES)[number];

export type StepStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface StepResult {
  step: StepName;
  status: StepStatus;
  /** wall time of the step, ms */
  durationMs: number;
  detail: string;
  cause?: CauseCode;
  hint?: string;
  /** structured facts of the step (json/yaml), never secrets */
  data?: Record<string, unknown>;
}

export interface CheckReport {
  bootstrap: string;
  auth: AuthMode;
  tls: boolean;
  endpointKind: EndpointKind;
  region?: string;
  ok: boolean;
  /** the first step that failed */
  failedStep?: StepName;
  cause?: CauseCode;
  steps: StepResult[];
  /** total wall time, ms */
  durationMs: number;
}

export interface TlsPeer {
  protocol: string;
  subject: string;
  issuer: string;
  altNames: string[];
  validFrom: string;
  validTo: string;
  /** whole days until validTo (negative when expired) */
  daysLeft: number;
  /** verified against the CA (or the system roots) */
  verified: boolean;
  /** why verification failed (only with --insecure-skip-verify, otherwise the handshake throws) */
  verifyError?: string;
}

export interface CredentialsInfo {
  /** shortened access key id (AKIA…0001) */
  accessKey: string;
  keyKind: 'long-term' | 'temporary' | 'unknown';
  source: string;
  sessionToken: boolean;
  expiresAt?: string;
  /** STS GetCallerIdentity answer, or why it could not be asked */
  identity?: CallerIdentity;
  stsUnreachable?: string;
}

export interface GeneratedToken {
  token: string;
  /** epoch ms */
  expiryTime: number;
}

export interface ClusterMetadata {
  clusterId: string;
  controller: number | null;
  brokers: Array<{ nodeId: number; host: string; port: number }>;
  topicCount: number;
}

export interface RoundTripResult {
  topic: string;
  group: string;
  topicCreated: boolean;
  sent: number;
  received: number;
  latencyMs: { min: number; p50: number; max: number };
  cleanedUp: boolean;
  cleanupNote?: string;
  /** errors after which kafkajs restarted the consumer (the round trip still completed) */
  consumerRestarts?: string[];
  /** SASL only: TCP connections the round trip opened, and re-authentications on them (KIP-368) */
  connections?: number;
  reauthentications?: number;
}

export interface RoundTripOptions {
  /** the topic to use; a generated mskctl-check-* name when absent */
  topic?: string;
  /** keep producing and consuming this long, ms (0: one message) */
  durationMs: number;
  /** one message every intervalMs while durationMs lasts */
  intervalMs: number;
}

/** Everything the steps touch; the real ones do I/O, unit tests inject fakes. */
export interface CheckProbes {
  lookup(host: string): Promise<string[]>;
  tcpConnect(broker: BrokerAddress): Promise<void>;
  tlsHandshake(broker: BrokerAddress): Promise<TlsPeer>;
  /** whether the port completes a TLS handshake at all (certificate not verified): tells TLS and SASL listeners apart */
  speaksTls(broker: BrokerAddress): Promise<boolean>;
  credentials(): Promise<CredentialsInfo>;
  token(): Promise<GeneratedToken>;
  authenticate(broker: BrokerAddress): Promise<void>;
  metadata(): Promise<ClusterMetadata>;
  roundTrip(options: RoundTripOptions): Promise<RoundTripResult>;
  describeTopic(topic: string): Promise<{ partitions: number }>;
  describeGroup(group: string): Promise<{ state: string; members: number }>;
  close(): Promise<void>;
}

/** An error a probe throws with the operation it was doing (selects the missing action in the hint). */
export class ProbeError extends Error {
  constructor(
    message: string,
    readonly operation: Operation,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProbeError';
  }
}
