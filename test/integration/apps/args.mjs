// Minimal --flag value parsing for the test apps.
export function parseArgs(argv, required) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--')) throw new Error(`unexpected argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const name of required) if (out[name] === undefined) throw new Error(`missing --${name}`);
  return out;
}
