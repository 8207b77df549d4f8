/**
 * The `port-range-lens` command line: one table of subcommands (each a Subcommand of
 * cli/command.ts, with its own --help and --version). Exit codes: 0 ok, 1 findings or a limit
 * hit (per command), 2 usage or I/O error.
 */
import { CHECK_COMMAND } from './cli/check';
import { runSubcommand, usageErrorJson, wantsJson, type Subcommand } from './cli/command';
import { loadCommands } from './cli/bundles';
import type { LazyCommandName } from './cli/commands';
import { isMainThread, workerData } from 'node:worker_threads';
import { CHECK_WORKER_ROLE } from './cli/checkPool';
import { startCheckWorker } from './cli/checkWorker';
import { VERSION } from './version';

/** A subcommand whose code (cli/commands.ts) is loaded only when it runs or shows its help. */
function lazy(name: LazyCommandName, summary: string): Subcommand {
  return {
    name,
    summary,
    get usage() { return loadCommands().LAZY_COMMANDS[name].usage; },
    run: (argv) => loadCommands().runCommand(name, argv),
  };
}

/** Every subcommand, in the order the help lists them. */
export const COMMANDS: readonly Subcommand[] = [
  lazy('simulate', "simulate the kernel's ephemeral port search"),
  CHECK_COMMAND,
  lazy('plan', 'split the port range between workers, with capacities and code'),
  lazy('pressure', "how full this machine's ephemeral port range is, per destination"),
  lazy('decode', 'decode a pasted option value: u32, strace, bytes, LO-HI'),
];

export const USAGE = `usage: port-range-lens <command> [flags]

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)}  ${c.summary} (see ${c.name} --help)`).join('\n')}
  help        show this help

options:
  -h, --help     show this help (after a command: that command's help)
  -V, --version  print the version
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const sub = COMMANDS.find((c) => c.name === cmd);
  if (sub) return runSubcommand(sub, rest);
  switch (cmd) {
    case 'help':
    case '--help':
    case '-h':
      if (rest[0] && COMMANDS.some((c) => c.name === rest[0])) return main([rest[0], '--help']);
      process.stdout.write(USAGE);
      return 0;
    case '--version':
    case '-V':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case undefined:
      process.stderr.write(USAGE);
      return 2;
    default:
      process.stderr.write(`port-range-lens: unknown command ${JSON.stringify(cmd)}\n${USAGE}`);
      if (wantsJson(rest)) process.stdout.write(usageErrorJson(cmd, `unknown command ${JSON.stringify(cmd)}`));
      return 2;
  }
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === CHECK_WORKER_ROLE) {
  // This bundle on a check worker thread (cli/checkPool.ts): analysis only, no CLI.
  startCheckWorker();
} else if (require.main === module) {
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
