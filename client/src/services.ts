/** What command handlers act on: built once by extension.ts (see commands.ts). */
import type { Simulation } from './simulate';
import type { SimulationPanels } from './simulatePanel';
import type { PressurePanel } from './pressurePanel';
import type { PressureStatus } from './pressureStatus';
import type { Planner } from './planner';
import type { PlanPanel } from './planPanel';

export interface Services {
  simulation: Simulation;
  panels: SimulationPanels;
  pressure: PressurePanel;
  pressureStatus: PressureStatus;
  planner: Planner;
  planPanel: PlanPanel;
  showNetnsRange(): Promise<void>;
  restartServer(): Promise<void>;
}
