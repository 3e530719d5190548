/**
 * What `mskctl check` adds to the bootstrap (src/kafka/bootstrap.ts): warnings when the port does not serve
 * the chosen auth mode on MSK. Pure: no I/O.
 */
import type { AuthMode } from '../config/contexts.js';
import { portMeaning, portsFor, type ParsedBootstrap } from '../kafka/bootstrap.js';

/** Warnings when the port does not serve the chosen auth mode on MSK (only for MSK names or MSK ports). */
export function portAuthWarnings(parsed: ParsedBootstrap, auth: AuthMode): string[] {
  const warnings: string[] = [];
  for (const port of new Set(parsed.brokers.map((b) => b.port))) {
    const meaning = portMeaning(port);
    if (meaning.auth === undefined) {
      if (meaning.access === 'unknown' && parsed.kind !== 'other') {
        warnings.push(`port ${port} is not an MSK port: ${auth} is served on ${portsFor(auth)}`);
      }
      continue;
    }
    if (meaning.auth !== auth) {
      warnings.push(`port ${port} is MSK's ${meaning.description} port, but --auth is ${auth}: ${auth} is served on ${portsFor(auth)}`);
    }
  }
  return warnings;
}
