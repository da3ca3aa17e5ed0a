// Command-line parsing for the workspace's scripts (token, bench): --help prints the usage, a wrong
// option or a stray argument prints what is wrong with the usage; both exit 2 (no work was done, so a
// script that calls them by mistake stops), never with a stack trace.
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses process.argv with `options`; `usage` is the text --help prints. */
export function parseCliArgs<O extends Options>(name: string, usage: string, options: O) {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage.trimEnd()}\n`);
    process.exit(2);
  }
  let parsed: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true });
  } catch (err) {
    const unknown = /^Unknown option '([^']+)'/.exec((err as Error).message)?.[1];
    fail(name, usage, unknown ? `unknown option ${unknown}` : (err as Error).message);
  }
  if (parsed.positionals.length > 0) {
    // `npm run token --role customer` hands --role to npm itself, and only `customer` to the script.
    fail(
      name,
      usage,
      `unexpected argument ${JSON.stringify(parsed.positionals[0])}: npm passes options to a script only after --` +
        ` (npm run ${name} -- --option value)`,
    );
  }
  return parsed.values;
}

function fail(name: string, usage: string, message: string): never {
  process.stderr.write(`${name}: ${message}\n\n${usage.trimEnd()}\n`);
  process.exit(2);
}
