/** What command handlers act on: built once by extension.ts (see commands.ts). */
import type { Simulation } from './simulate';
import type { SimulationPanels } from './simulatePanel';

export interface Services {
  simulation: Simulation;
  panels: SimulationPanels;
  showNetnsRange(): Promise<void>;
  restartServer(): Promise<void>;
}
