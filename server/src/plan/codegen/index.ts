/** Code for every slice of a plan in every language the analyzer reads, plus the sysctl lines. */
import type { PlanResult } from '../../../../engine/src/plan/types';
import { generateC } from './c';
import { generateCpp } from './cpp';
import { generateGo } from './go';
import { generatePython } from './python';
import { generateRust } from './rust';
import { CODE_LANGUAGES, snippetSpec, type CodeLanguage, type Generator } from './types';

export { sysctlLines } from './sysctl';
export { CODE_LANGUAGES, type CodeLanguage } from './types';

export const GENERATORS: Record<CodeLanguage, Generator> = {
  c: generateC, cpp: generateCpp, python: generatePython, go: generateGo, rust: generateRust,
};

/** One snippet per worker, for each language asked for (all by default). */
export function generateCode(plan: PlanResult, languages: readonly CodeLanguage[] = CODE_LANGUAGES): Partial<Record<CodeLanguage, string[]>> {
  const out: Partial<Record<CodeLanguage, string[]>> = {};
  for (const l of languages) out[l] = plan.slices.map((s) => GENERATORS[l](snippetSpec(plan, s)));
  return out;
}
