/**
 * The subcommands of `port-range-lens` in one table, and the one wrapper every subcommand
 * runs through: `--help`/`-h` prints its usage, `--version`/`-V` the version (both exit 0,
 * wherever they appear before `--`), and a usage error exits 2 with the message on stderr
 * plus, when the arguments ask for `--format json`, one JSON error object on stdout (with
 * `--format sarif`, a SARIF log whose invocation failed).
 * A new subcommand (plan, decode, pressure, …) is one more `Subcommand` in cli.ts's table
 * (loaded lazily from commands.ts unless `check` needs it on its fast path).
 */
import { VERSION } from '../version';
import { UsageError } from './args';

export interface Subcommand {
  name: string;
  /** One line for the top-level help. */
  summary: string;
  /** The full `--help` text. */
  usage: string;
  /** Runs with the arguments after the subcommand name; returns the exit code. */
  run(argv: string[]): Promise<number>;
}

/** A subcommand without its summary (which lives in cli.ts's table). */
export type CommandBody = Omit<Subcommand, 'summary'>;

/** The JSON document of a usage error (`--format json`), schema version 1. */
export function usageErrorJson(command: string, message: string, kind: 'usage' | 'internal' = 'usage'): string {
  return JSON.stringify({ version: 1, error: { kind, command, message }, failed: true, exitCode: 2 }) + '\n';
}

/** The --format the arguments ask for (looked up before parsing, which may fail). */
export function wantedFormat(argv: readonly string[]): string | null {
  let format: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a === '--format' && i + 1 < argv.length) format = argv[i + 1]!;
  }
  return format;
}

/** Whether the arguments ask for JSON output. */
export function wantsJson(argv: readonly string[]): boolean {
  return wantedFormat(argv) === 'json';
}

/**
 * A SARIF log for a run that could not start (usage error): no results, one invocation with
 * executionSuccessful false, so an upload step sees the failure instead of an empty file.
 */
export function failedSarif(message: string, exitCode: number): string {
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'port-range-lens', version: VERSION, semanticVersion: VERSION } },
      invocations: [{
        executionSuccessful: false,
        exitCode,
        toolExecutionNotifications: [{ level: 'error', message: { text: message }, descriptor: { id: 'usage' } }],
      }],
      results: [],
    }],
  }, null, 2) + '\n';
}

/** `--help`/`-h` or `--version`/`-V` among the flags (before `--`), first one wins. */
export function metaFlag(argv: readonly string[]): 'help' | 'version' | null {
  for (const a of argv) {
    if (a === '--') break;
    if (a === '--help' || a === '-h') return 'help';
    if (a === '--version' || a === '-V') return 'version';
  }
  return null;
}

/** Reports a usage error the documented way and returns exit code 2. */
export function usageError(cmd: Pick<Subcommand, 'name'>, argv: readonly string[], message: string): number {
  process.stderr.write(`port-range-lens ${cmd.name}: ${message}\n(see port-range-lens ${cmd.name} --help)\n`);
  const format = wantedFormat(argv);
  if (format === 'json') process.stdout.write(usageErrorJson(cmd.name, message));
  else if (format === 'sarif') process.stdout.write(failedSarif(`port-range-lens ${cmd.name}: ${message}`, 2));
  return 2;
}

/** Runs a subcommand with the shared --help/--version/usage-error handling. */
export async function runSubcommand(cmd: CommandBody, argv: string[]): Promise<number> {
  const meta = metaFlag(argv);
  if (meta === 'help') { process.stdout.write(cmd.usage); return 0; }
  if (meta === 'version') { process.stdout.write(`${VERSION}\n`); return 0; }
  try {
    return await cmd.run(argv);
  } catch (e) {
    if (e instanceof UsageError) return usageError(cmd, argv, e.message);
    throw e;
  }
}
