/**
 * The one table of the extension's commands: id, whether package.json contributes it, and
 * its handler. extension.ts registers exactly these; test/server/client.test.ts checks the
 * contributed ones against package.json's contributes.commands both ways. No runtime
 * `vscode` import here (handlers receive what they need), so the table loads in plain Node.
 */
import type { Services } from './services';
import type { SimulateAnswers } from '../../server/src/protocol';
import type { SimulateSocketArgs } from './simulate';
import type { PlanAnswers } from './planner';
import type { PlanLanguage } from '../../server/src/protocol';

export interface CommandEntry {
  id: string;
  /** False for commands only the end-to-end tests call. */
  contributed: boolean;
  run(s: Services, ...args: unknown[]): unknown;
}

export const COMMANDS: readonly CommandEntry[] = [
  { id: 'portRangeLens.simulateSocket', contributed: true, run: (s, args) => s.simulation.simulateSocket(args as SimulateSocketArgs | undefined) },
  { id: 'portRangeLens.simulateRange', contributed: true, run: (s, args) => s.simulation.simulateRange(args as { answers?: SimulateAnswers } | undefined) },
  { id: 'portRangeLens.showNetnsRange', contributed: true, run: (s) => s.showNetnsRange() },
  { id: 'portRangeLens.restartServer', contributed: true, run: (s) => s.restartServer() },
  { id: 'portRangeLens.showPortPressure', contributed: true, run: (s) => s.pressure.show() },
  // Let the end-to-end suite see what the panels show and press the panel's verify button.
  { id: 'portRangeLens.test.simulationPanel', contributed: false, run: (s) => s.panels.snapshot() },
  { id: 'portRangeLens.test.verifySimulation', contributed: false, run: (s) => s.panels.verifyLast() },
  { id: 'portRangeLens.test.pressurePanel', contributed: false, run: (s) => s.pressure.snapshot() },
  { id: 'portRangeLens.test.pressureStatus', contributed: false, run: async (s) => { await s.pressureStatus.update(); return s.pressureStatus.shown; } },
  { id: 'portRangeLens.planPortRanges', contributed: true, run: (s, args) => s.planner.plan(args as { answers?: PlanAnswers } | undefined) },
  { id: 'portRangeLens.decodeValue', contributed: true, run: (s, args) => s.planner.decode(args as { text?: string } | undefined) },
  // The planner panel's state, and its "Insert at cursor" without clicking in the page.
  { id: 'portRangeLens.test.planPanel', contributed: false, run: (s) => s.planPanel.snapshot() },
  { id: 'portRangeLens.test.planInsert', contributed: false, run: (s, a) => s.planPanel.insert((a as { language: PlanLanguage }).language, (a as { worker: number }).worker) },
];
