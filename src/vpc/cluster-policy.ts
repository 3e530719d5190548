/**
 * Cluster (resource) policies for multi-VPC connectivity: generate the basic and advanced forms, validate a
 * policy document, decide whether it lets an account create a VPC connection, and diff two policies
 * statement by statement. Pure: no I/O, no SDK.
 */
import { inputError } from '../output/errors.js';
import { generatePolicy, POLICY_ROLES, type PolicyRole } from '../auth/policy.js';
import type { ClusterArn } from './arn.js';

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
  [key: string]: unknown;
}

/** What a client account needs on the cluster to create a VPC connection and use it. */
export const VPC_CONNECTIVITY_ACTIONS = [
  'kafka:CreateVpcConnection',
  'kafka:GetBootstrapBrokers',
  'kafka:DescribeCluster',
  'kafka:DescribeClusterV2',
] as const;

/** Data-plane roles: the same roles and kafka-cluster action sets as `mskctl auth policy` (src/auth/policy.ts). */
export const DATA_PLANE_ROLE_NAMES: readonly PolicyRole[] = POLICY_ROLES;
export type DataPlaneRole = PolicyRole;

export interface GeneratePolicyOptions {
  cluster: ClusterArn;
  /** 12-digit account IDs allowed to connect (as the account root) */
  accounts: string[];
  /** IAM role or user ARNs allowed to connect (advanced form) */
  principals: string[];
  dataPlane: DataPlaneRole[];
  /** topic names or patterns for the data-plane statements */
  topics: string[];
  /** consumer group ids or patterns */
  groups: string[];
  /** transactional ids or patterns (transactional-producer) */
  transactionalIds: string[];
}

export interface GeneratedClusterPolicy {
  policy: PolicyDocument;
  /** what the data-plane part assumes or leaves out (from the auth policy generator), for stderr */
  notes: string[];
}

const ACCOUNT_ID = /^\d{12}$/;
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):(root|role\/\S+|user\/\S+)$/;

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

export function generateClusterPolicy(options: GeneratePolicyOptions): GeneratedClusterPolicy {
  options.accounts.forEach((account, i) => {
    if (!ACCOUNT_ID.test(account)) throw inputError({ path: `--account[${i}]` }, `"${account}" is not an AWS account ID`, 'a 12-digit account ID such as 111122223333');
  });
  options.principals.forEach((principal, i) => {
    if (!PRINCIPAL_ARN.test(principal)) {
      throw inputError({ path: `--principal[${i}]` }, `"${principal}" is not an IAM role or user ARN`, 'arn:aws:iam::<account>:role/<name> or arn:aws:iam::<account>:user/<name>');
    }
  });
  if (options.accounts.length === 0 && options.principals.length === 0) {
    throw inputError({ path: '--account' }, 'no account or principal to allow', 'at least one --account ID or --principal ARN');
  }
  const principalArns = unique([
    ...options.accounts.map((account) => `arn:${options.cluster.partition}:iam::${account}:root`),
    ...options.principals,
  ]);
  // a fresh object per statement (shared references would render as YAML anchors)
  const principal = (): { AWS: string | string[] } => ({ AWS: principalArns.length === 1 ? principalArns[0]! : [...principalArns] });
  const statements: PolicyStatement[] = [
    {
      Sid: 'MskctlVpcConnectivity',
      Effect: 'Allow',
      Principal: principal(),
      Action: [...VPC_CONNECTIVITY_ACTIONS],
      Resource: options.cluster.arn,
    },
  ];
  // data plane: the identity-policy statements of `auth policy` for each role, merged per resource type
  // (all roles share the same topics, groups and transactional ids), with the principals added
  const notes: string[] = [];
  const merged = new Map<string, { actions: string[]; resources: string[] }>();
  for (const role of unique(options.dataPlane) as DataPlaneRole[]) {
    const generated = generatePolicy({ role, cluster: options.cluster, topics: options.topics, groups: options.groups, transactionalIds: options.transactionalIds });
    notes.push(...generated.notes);
    for (const st of generated.policy.Statement) {
      const entry = merged.get(st.Sid) ?? { actions: [], resources: [] };
      entry.actions = unique([...entry.actions, ...st.Action]);
      entry.resources = unique([...entry.resources, ...st.Resource]);
      merged.set(st.Sid, entry);
    }
  }
  for (const [sid, entry] of merged) {
    statements.push({
      Sid: `MskctlDataPlane${sid}`,
      Effect: 'Allow',
      Principal: principal(),
      Action: entry.actions,
      Resource: entry.resources.length === 1 ? entry.resources[0]! : entry.resources,
    });
  }
  // "--groups is not used by --role producer" is moot when another role in the list uses the groups
  const relevant = notes.filter(
    (note) => !((note.startsWith('--groups is not used') && merged.has('Groups')) || (note.startsWith('--transactional-ids is not used') && merged.has('TransactionalIds'))),
  );
  return { policy: { Version: '2012-10-17', Statement: statements }, notes: unique(relevant) };
}

/** Validates the structure of a policy document; `where` names the file and locates problems. */
export function validatePolicyDocument(value: unknown, file?: string, lineOf?: (path: Array<string | number>) => number | undefined): PolicyDocument {
  const at = (path: Array<string | number>) => ({ file, line: lineOf?.(path), path: path.length ? path.join('.') : undefined });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw inputError(at([]), 'a policy must be a JSON object', 'an object with "Version" and "Statement"');
  }
  const doc = value as Record<string, unknown>;
  if (doc.Version !== undefined && doc.Version !== '2012-10-17' && doc.Version !== '2008-10-17') {
    throw inputError(at(['Version']), `found Version ${JSON.stringify(doc.Version)}`, '"2012-10-17"');
  }
  const rawStatements = doc.Statement;
  const statements = Array.isArray(rawStatements) ? rawStatements : rawStatements !== undefined ? [rawStatements] : undefined;
  if (!statements || statements.length === 0) throw inputError(at(['Statement']), 'the policy has no Statement', 'a list of statements');
  statements.forEach((s, i) => {
    const path = Array.isArray(rawStatements) ? ['Statement', i] : ['Statement'];
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw inputError(at(path), 'a statement must be an object', 'Effect, Principal, Action, Resource');
    const st = s as Record<string, unknown>;
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') throw inputError(at([...path, 'Effect']), `found Effect ${JSON.stringify(st.Effect)}`, '"Allow" or "Deny"');
    if (st.Principal === undefined) throw inputError(at([...path, 'Principal']), 'a cluster policy statement needs a Principal', '{"AWS": "arn:aws:iam::<account>:root"}');
    if (st.Action === undefined) throw inputError(at([...path, 'Action']), 'the statement has no Action', 'an action such as "kafka:CreateVpcConnection"');
    for (const key of ['Action', 'Resource'] as const) {
      const v = st[key];
      if (v !== undefined && typeof v !== 'string' && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
        throw inputError(at([...path, key]), `${key} must be a string or a list of strings`, '"kafka:CreateVpcConnection" or ["kafka:...", ...]');
      }
    }
  });
  return { ...doc, Statement: statements as PolicyStatement[] } as PolicyDocument;
}

function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** Principals of a statement as strings; "*" stands for everyone. */
export function principalsOf(statement: PolicyStatement): string[] {
  const p = statement.Principal;
  if (p === '*') return ['*'];
  if (typeof p === 'object' && p !== null) {
    return Object.entries(p as Record<string, unknown>).flatMap(([type, v]) => asList(v).map((x) => (type === 'AWS' ? x : `${type}:${x}`)));
  }
  return asList(p);
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

function matchesAny(patterns: string[], value: string): boolean {
  return patterns.some((p) => globToRegExp(p).test(value));
}

export interface AccessQuery {
  account: string;
  /** the caller's identity ARN from STS (assumed-role session or user) */
  callerArn?: string;
  action: string;
  resource: string;
}

export interface AccessDecision {
  decision: 'allowed' | 'denied' | 'not-allowed' | 'other-principals';
  reason: string;
  conditional: boolean;
}

/** The IAM role ARN behind an STS assumed-role session ARN (path unknown, so matched by name). */
function roleNameOfCaller(callerArn: string | undefined): string | undefined {
  const m = /:assumed-role\/([^/]+)\//.exec(callerArn ?? '') ?? /:role\/(?:.*\/)?([^/]+)$/.exec(callerArn ?? '');
  return m?.[1];
}

type PrincipalMatch = 'account' | 'caller' | 'other-in-account' | 'none';

function principalMatch(principal: string, query: AccessQuery): PrincipalMatch {
  if (principal === '*') return 'account';
  if (principal === query.account) return 'account';
  const m = PRINCIPAL_ARN.exec(principal);
  if (!m || m[1] !== query.account) return 'none';
  if (m[2] === 'root') return 'account';
  if (query.callerArn && principal === query.callerArn) return 'caller';
  const roleName = roleNameOfCaller(query.callerArn);
  if (roleName && m[2]!.startsWith('role/') && m[2]!.split('/').pop() === roleName) return 'caller';
  return 'other-in-account';
}

/** Whether the policy lets the account (or the calling principal) perform `action` on `resource`. */
export function evaluateAccess(policy: PolicyDocument, query: AccessQuery): AccessDecision {
  let allow: { sid: string; conditional: boolean } | undefined;
  const others: string[] = [];
  for (const [i, st] of policy.Statement.entries()) {
    const sid = st.Sid ?? `Statement[${i}]`;
    if (!matchesAny(asList(st.Action), query.action)) continue;
    const resources = asList(st.Resource);
    if (resources.length > 0 && !matchesAny(resources, query.resource)) continue;
    const matches = principalsOf(st).map((p) => [p, principalMatch(p, query)] as const);
    const hit = matches.some(([, m]) => m === 'account' || m === 'caller');
    if (st.Effect === 'Deny' && hit) {
      return { decision: 'denied', reason: `statement ${sid} denies ${query.action} to account ${query.account}`, conditional: st.Condition !== undefined };
    }
    if (st.Effect === 'Allow') {
      if (hit && (!allow || allow.conditional)) allow = { sid, conditional: st.Condition !== undefined };
      for (const [p, m] of matches) if (m === 'other-in-account') others.push(p);
    }
  }
  if (allow) {
    return {
      decision: 'allowed',
      reason: `statement ${allow.sid} allows ${query.action} to account ${query.account}${allow.conditional ? ' (with conditions mskctl does not evaluate)' : ''}`,
      conditional: allow.conditional,
    };
  }
  if (others.length > 0) {
    return { decision: 'other-principals', reason: `${query.action} is allowed only to ${unique(others).join(', ')}, not verified for the caller ${query.callerArn ?? ''}`.trim(), conditional: false };
  }
  return { decision: 'not-allowed', reason: `no statement allows ${query.action} on ${query.resource} to account ${query.account}`, conditional: false };
}

// ---------------------------------------------------------------------------------------------------
// Structural diff

export interface PolicyChange {
  kind: 'add' | 'remove' | 'change';
  /** Sid, or a description of the statement when it has none */
  statement: string;
  field?: string;
  added?: string[];
  removed?: string[];
  from?: string;
  to?: string;
}

interface NormalStatement {
  label: string;
  key: string;
  effect: string;
  principals: string[];
  actions: string[];
  notActions: string[];
  resources: string[];
  condition: string;
}

function sortedList(value: unknown): string[] {
  return unique(asList(value)).sort();
}

function normalize(st: PolicyStatement, index: number): NormalStatement {
  const principals = unique(principalsOf(st)).sort();
  const resources = sortedList(st.Resource);
  const label = st.Sid ? `Sid ${st.Sid}` : `#${index + 1} ${st.Effect} ${principals.join(',')} on ${resources.join(',') || '*'}`;
  return {
    label,
    key: st.Sid ? `sid:${st.Sid}` : `anon:${st.Effect}|${principals.join(',')}|${resources.join(',')}`,
    effect: st.Effect,
    principals,
    actions: sortedList(st.Action),
    notActions: sortedList(st.NotAction),
    resources,
    condition: st.Condition === undefined ? '' : JSON.stringify(st.Condition),
  };
}

function setDiff(statement: string, field: string, from: string[], to: string[]): PolicyChange | undefined {
  const added = to.filter((x) => !from.includes(x));
  const removed = from.filter((x) => !to.includes(x));
  if (added.length === 0 && removed.length === 0) return undefined;
  return { kind: 'change', statement, field, added, removed };
}

/** Statement-level differences from `current` (undefined: no policy yet) to `desired`. Empty when equal. */
export function diffPolicies(current: PolicyDocument | undefined, desired: PolicyDocument): PolicyChange[] {
  const changes: PolicyChange[] = [];
  if (current && (current.Version ?? '') !== (desired.Version ?? '')) {
    changes.push({ kind: 'change', statement: '(document)', field: 'Version', from: current.Version ?? '', to: desired.Version ?? '' });
  }
  const before = (current?.Statement ?? []).map(normalize);
  const after = desired.Statement.map(normalize);
  const beforeByKey = new Map(before.map((s) => [s.key, s]));
  const afterKeys = new Set(after.map((s) => s.key));
  for (const s of before) {
    if (!afterKeys.has(s.key)) changes.push({ kind: 'remove', statement: s.label, removed: s.actions });
  }
  for (const s of after) {
    const old = beforeByKey.get(s.key);
    if (!old) {
      changes.push({ kind: 'add', statement: s.label, added: s.actions });
      continue;
    }
    if (old.effect !== s.effect) changes.push({ kind: 'change', statement: s.label, field: 'Effect', from: old.effect, to: s.effect });
    for (const [field, a, b] of [
      ['Principal', old.principals, s.principals],
      ['Action', old.actions, s.actions],
      ['NotAction', old.notActions, s.notActions],
      ['Resource', old.resources, s.resources],
    ] as const) {
      const change = setDiff(s.label, field, a, b);
      if (change) changes.push(change);
    }
    if (old.condition !== s.condition) changes.push({ kind: 'change', statement: s.label, field: 'Condition', from: old.condition || '(none)', to: s.condition || '(none)' });
  }
  return changes;
}

/** One line per change, "+", "-" or "~" first, for the plan. */
export function formatPolicyChanges(changes: PolicyChange[]): string[] {
  return changes.map((c) => {
    if (c.kind === 'add') return `+ statement ${c.statement}: ${c.added?.join(', ')}`;
    if (c.kind === 'remove') return `- statement ${c.statement}: ${c.removed?.join(', ')}`;
    if (c.from !== undefined || c.to !== undefined) return `~ statement ${c.statement}: ${c.field} ${c.from} -> ${c.to}`;
    const parts: string[] = [];
    if (c.added?.length) parts.push(`+ ${c.added.join(', ')}`);
    if (c.removed?.length) parts.push(`- ${c.removed.join(', ')}`);
    return `~ statement ${c.statement}: ${c.field} ${parts.join('; ')}`;
  });
}
