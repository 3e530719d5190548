/**
 * Named contexts (bootstrap, auth mode, region, profile, role ARN, cluster ARN, CA file) from
 * $MSKCTL_CONFIG or ~/.config/mskctl/config.yaml. Precedence: flag > environment > context > default.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { inputError, usageError } from '../output/errors.js';
import { parseYamlDocument } from '../input/yaml.js';

export const AUTH_MODES = ['iam', 'scram', 'tls', 'plaintext'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export interface Context {
  name: string;
  bootstrap?: string;
  auth?: AuthMode;
  region?: string;
  profile?: string;
  roleArn?: string;
  sessionName?: string;
  clusterArn?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  username?: string;
  /** environment variable holding the SCRAM password (never the password itself) */
  passwordEnv?: string;
  insecureSkipVerify?: boolean;
}

const CONTEXT_FIELDS: Record<string, 'string' | 'boolean'> = {
  bootstrap: 'string',
  auth: 'string',
  region: 'string',
  profile: 'string',
  roleArn: 'string',
  sessionName: 'string',
  clusterArn: 'string',
  caFile: 'string',
  certFile: 'string',
  keyFile: 'string',
  username: 'string',
  passwordEnv: 'string',
  insecureSkipVerify: 'boolean',
};

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.MSKCTL_CONFIG ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'mskctl', 'config.yaml');
}

/** Reads every context; a missing default config file is an empty list, a missing $MSKCTL_CONFIG is an error. */
export function loadContexts(env: NodeJS.ProcessEnv = process.env): Context[] {
  const file = configPath(env);
  if (!existsSync(file)) {
    if (env.MSKCTL_CONFIG) throw usageError(`config file ${file} (from MSKCTL_CONFIG) does not exist`, 'create it or unset MSKCTL_CONFIG');
    return [];
  }
  const doc = parseYamlDocument(readFileSync(file, 'utf8'), file);
  const root = doc.value;
  if (root === null || root === undefined) return [];
  if (typeof root !== 'object' || Array.isArray(root)) throw inputError({ file }, 'the config must be a mapping', 'a mapping with a "contexts" key');
  const contexts = (root as Record<string, unknown>).contexts;
  if (contexts === undefined) return [];
  if (typeof contexts !== 'object' || contexts === null || Array.isArray(contexts)) {
    throw inputError({ file, line: doc.lineOf(['contexts']), path: 'contexts' }, 'contexts must be a mapping of name to settings', 'contexts: { prod: { bootstrap: ..., auth: iam } }');
  }
  return Object.entries(contexts as Record<string, unknown>).map(([name, raw]) => {
    const path = ['contexts', name];
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw inputError({ file, line: doc.lineOf(path), path: path.join('.') }, 'a context must be a mapping', 'fields such as bootstrap, auth, region');
    }
    const context: Context = { name };
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      const type = CONTEXT_FIELDS[key];
      const where = { file, line: doc.lineOf([...path, key]), path: [...path, key].join('.') };
      if (type === undefined) throw inputError(where, `unknown field "${key}"`, `one of ${Object.keys(CONTEXT_FIELDS).join(', ')}`);
      if (typeof value !== type) throw inputError(where, `found ${JSON.stringify(value)}`, `a ${type}`);
      if (key === 'auth' && !AUTH_MODES.includes(value as AuthMode)) throw inputError(where, `unknown auth mode ${JSON.stringify(value)}`, AUTH_MODES.join(', '));
      (context as unknown as Record<string, unknown>)[key] = value;
    }
    return context;
  });
}

/** The named context, or undefined when no name is given; an unknown name is a usage error. */
export function resolveContext(name: string | undefined, env: NodeJS.ProcessEnv = process.env): Context | undefined {
  if (name === undefined) return undefined;
  const contexts = loadContexts(env);
  const found = contexts.find((c) => c.name === name);
  if (!found) {
    const known = contexts.map((c) => c.name);
    throw usageError(`unknown context "${name}" in ${configPath(env)}`, known.length ? `known contexts: ${known.join(', ')}` : 'the config file defines no contexts');
  }
  return found;
}
