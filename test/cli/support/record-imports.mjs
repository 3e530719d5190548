// Preload (node --import) that records every module URL the ESM loader resolves into $MSKCTL_IMPORT_LOG,
// so tests can prove which packages a command loads.
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url);
