/**
 * The subcommands other than `check`, in their own bundle (dist/commands.js, loaded by cli.ts
 * through bundles.ts only when one of them runs): a `check` run never loads the simulator,
 * the planner, the pressure reader or the engine behind them. Each runs through this bundle's
 * own runSubcommand, so its usage errors (UsageError) are recognised by the code that threw
 * them. Names and summaries (the top-level help) stay in cli.ts.
 */
import { runSubcommand, type CommandBody } from './command';
import { SIMULATE_COMMAND } from './simulate';
import { PLAN_USAGE, planCommand } from './plan';
import { DECODE_USAGE, decodeCommand } from './decode';
import { PRESSURE_USAGE, runPressure } from './pressure';

export const LAZY_COMMANDS = {
  simulate: SIMULATE_COMMAND,
  plan: { name: 'plan', usage: PLAN_USAGE, run: planCommand },
  pressure: { name: 'pressure', usage: PRESSURE_USAGE, run: runPressure },
  decode: { name: 'decode', usage: DECODE_USAGE, run: decodeCommand },
} satisfies Record<string, CommandBody>;

export type LazyCommandName = keyof typeof LAZY_COMMANDS;

export function runCommand(name: LazyCommandName, argv: string[]): Promise<number> {
  return runSubcommand(LAZY_COMMANDS[name], argv);
}
