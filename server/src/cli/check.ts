/**
 * `port-range-lens check [paths...]`: analyse C/C++, Python and Go files and report every
 * IP_LOCAL_PORT_RANGE call site like a compiler (text), as one JSON object, or as SARIF 2.1.0.
 * Exit 0 = nothing at the --fail-on level, 1 = findings or a limit hit, 2 = usage or I/O error;
 * JSON `summary.failed` and SARIF `executionSuccessful`/`exitCode` always agree with it.
 * Flags: checkArgs.ts; the work: checkRun.ts; presentation: checkOutput.ts and sarif.ts.
 */
import { resolveConfig, ConfigError } from '../config/resolve';
import { CHECK_USAGE, parseCheckArgs } from './checkArgs';
import { checkJson, checkText } from './checkOutput';
import { ParserLoadError, runCheckWork } from './checkRun';
import { runSubcommand, usageError, usageErrorJson, wantsJson, type Subcommand } from './command';
import { toSarif } from './sarif';

export { CHECK_USAGE } from './checkArgs';

export const CHECK_COMMAND: Subcommand = {
  name: 'check',
  summary: 'find and judge IP_LOCAL_PORT_RANGE uses in C/C++, Python and Go files',
  usage: CHECK_USAGE,
  async run(argv) {
    const opts = parseCheckArgs(argv);
    try {
      resolveConfig(opts.config);
    } catch (e) {
      return usageError(CHECK_COMMAND, argv, e instanceof ConfigError ? e.message : (e as Error).message);
    }
    let report;
    try {
      report = await runCheckWork(opts);
    } catch (e) {
      if (!(e instanceof ParserLoadError)) throw e;
      process.stderr.write(`port-range-lens check: ${e.message}\n`);
      if (wantsJson(argv)) process.stdout.write(usageErrorJson('check', e.message, 'internal'));
      return 2;
    }
    if (opts.format === 'json') process.stdout.write(checkJson(report, opts));
    else if (opts.format === 'sarif') {
      const sarif = toSarif({
        callSites: report.sites.map((s) => s.site), lines: (f) => report.texts.get(f), root: opts.sarifRoot,
        notes: report.notes, errors: report.errors, exitCode: report.exitCode,
      });
      process.stdout.write(JSON.stringify(sarif, null, 2) + '\n');
    } else process.stdout.write(checkText(report, opts));
    for (const e of report.errors) process.stderr.write(`port-range-lens check: ${e.file}: ${e.message}\n`);
    for (const w of report.warnings) process.stderr.write(`port-range-lens check: ${w}\n`);
    for (const n of report.notes) if (n.kind === 'limit') process.stderr.write(`port-range-lens check: ${n.file}: ${n.message}\n`);
    return report.exitCode;
  },
};

export function runCheck(argv: string[]): Promise<number> {
  return runSubcommand(CHECK_COMMAND, argv);
}
