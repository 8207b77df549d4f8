/**
 * What the editor asks of this machine, behind the language server's typed requests
 * (protocol.ts): "verify on this machine's kernel" for a simulation, and live port pressure
 * with the declared slices of a workspace folder. No LSP import: the wiring translates.
 */
import { validateSimulationParams, type SimulationParams } from '../../engine/src/simulate';
import { verifyOnKernel, type VerifyOutcome } from './kernel/verify';
import { PressureSampler, type PressureView } from './pressure/sampler';
import { resolvePressureNetns } from './pressure/report';
import { declaredRanges, type DeclaredRange } from './pressure/workspace';

/** Runs the simulation's pattern on this kernel; throws SimulationError for malformed params. */
export async function verifyForEditor(params: SimulationParams): Promise<VerifyOutcome> {
  validateSimulationParams(params);
  return verifyOnKernel(params);
}

export interface PressureForEditorView extends PressureView {
  /** The slices the analyzer found in the folder (its IP_LOCAL_PORT_RANGE values), with where. */
  declared: DeclaredRange[];
}

/** Live pressure for the editor: one sampler (rates between calls), declared slices cached per folder. */
export class EditorPressure {
  private readonly sampler = new PressureSampler();
  private readonly declared = new Map<string, { at: number; ranges: Promise<DeclaredRange[]> }>();

  constructor(private readonly declaredTtlMs = 60_000) {}

  private declaredFor(folder: string, netns: { lo: number; hi: number }): Promise<DeclaredRange[]> {
    const key = `${folder}\0${netns.lo}-${netns.hi}`;
    const hit = this.declared.get(key);
    if (hit && Date.now() - hit.at < this.declaredTtlMs) return hit.ranges;
    const ranges = declaredRanges(folder, netns).catch(() => [] as DeclaredRange[]);
    this.declared.set(key, { at: Date.now(), ranges });
    return ranges;
  }

  /** Samples now. Throws SourceError/SysctlError when this machine's sockets cannot be read. */
  async sample(folder?: string): Promise<PressureForEditorView> {
    const ns = resolvePressureNetns({ netnsRange: 'auto', reserved: 'auto' });
    const declared = folder ? await this.declaredFor(folder, ns.portRange) : [];
    const view = this.sampler.sample({ netnsRange: 'auto', reserved: 'auto', ranges: declared.map(({ lo, hi }) => ({ lo, hi })), source: 'auto' });
    return { ...view, declared };
  }
}
