/**
 * Static, fake credentials the harness configures on its brokers. None of these is a real AWS key:
 * the ids only have the AKIA/ASIA shape, and the brokers' IAM validator is the only thing that knows them.
 */

/** the region the brokers' IAM validator expects (tokens signed for another region are denied) */
export const IAM_REGION = 'us-east-1';

export interface IamTestIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  /** temporary credentials carry a session token; the validator requires it to match */
  sessionToken?: string;
  /** the Kafka principal name the validator assigns (User:<principal>) */
  principal: string;
}

export const IAM_IDENTITIES = {
  /** long-term user key; a super user on both clusters */
  admin: {
    accessKeyId: 'AKIAMSKCTLTEST000001',
    secretAccessKey: 'mskctl/harness/admin/NOT-A-REAL-SECRET-0001',
    principal: 'arn:aws:iam::000000000000:user/mskctl-test-admin',
  },
  /** temporary (role) credentials with a session token; a super user on both clusters */
  role: {
    accessKeyId: 'ASIAMSKCTLTEST000002',
    secretAccessKey: 'mskctl/harness/role/NOT-A-REAL-SECRET-00002',
    sessionToken: 'mskctl-harness-session-token-NOT-REAL-0002',
    principal: 'arn:aws:sts::000000000000:assumed-role/mskctl-test-role/mskctl-test-session',
  },
  /** a user without super-user rights: only what the harness ACLs grant (topics and groups prefixed allowed-) */
  restricted: {
    accessKeyId: 'AKIAMSKCTLTEST000003',
    secretAccessKey: 'mskctl/harness/restricted/NOT-A-REAL-SECRET3',
    principal: 'arn:aws:iam::000000000000:user/mskctl-test-restricted',
  },
} as const satisfies Record<string, IamTestIdentity>;

export interface ScramTestUser {
  username: string;
  password: string;
}

export const SCRAM_USERS = {
  /** super user */
  admin: { username: 'mskctl-admin', password: 'mskctl-admin-test-password' },
  /** only what the harness ACLs grant (topics and groups prefixed allowed-) */
  restricted: { username: 'mskctl-restricted', password: 'mskctl-restricted-test-password' },
} as const satisfies Record<string, ScramTestUser>;

/** the resource-name prefix the ACLs open to the restricted principals */
export const RESTRICTED_ALLOWED_PREFIX = 'allowed-';
