/**
 * The `port-range-lens` command line: `simulate` (engine) and `check` (analyzer).
 * Exit codes: 0 ok, 1 findings/internal error (per command), 2 usage error.
 */
import { runCheck } from './cli/check';
import { runSimulate } from './cli/simulate';
import { runPlan } from './cli/plan';
import { runDecode } from './cli/decode';
import pkg from '../../package.json';

export const USAGE = `usage: port-range-lens <command> [flags]

commands:
  simulate    simulate the kernel's ephemeral port search (see simulate --help)
  check       find and judge IP_LOCAL_PORT_RANGE uses in C, Python and Go files (see check --help)
  plan        split the port range between workers, with capacities and code (see plan --help)
  decode      decode a pasted option value: u32, strace, bytes, LO-HI (see decode --help)
  help        show this help
  --version   print the version
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'simulate':
      return runSimulate(rest);
    case 'check':
      return runCheck(rest);
    case 'plan':
      return runPlan(rest);
    case 'decode':
      return runDecode(rest);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    case '--version':
    case '-V':
      process.stdout.write(`${pkg.version}\n`);
      return 0;
    case undefined:
      process.stderr.write(USAGE);
      return 2;
    default:
      process.stderr.write(`port-range-lens: unknown command ${JSON.stringify(cmd)}\n${USAGE}`);
      return 2;
  }
}

if (require.main === module) {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`port-range-lens: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
