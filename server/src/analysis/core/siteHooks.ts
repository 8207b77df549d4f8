/**
 * What a language may add to the call-site stage (core/sites.ts): its last word on each site
 * (Go: the byte-order and form labels of its buffers, facts only its packages have, its
 * socket context). Without it a language gets the stage's own sites.
 */
import type { FormEvaluator } from './evaluator';
import type { FormCall } from './form';
import type { Value } from './value';
import type { RawCallSite } from '../languages/types';

/** What `refine` sees: the call, the callers it is judged through (innermost first), their frame. */
export interface SiteAt {
  call: FormCall;
  chain: readonly FormCall[];
  frame: ReadonlyMap<string, Value>;
  ev: FormEvaluator;
}

export interface SiteHooks {
  /** The language's last word on each site; null drops the site. */
  refine?(site: RawCallSite, at: SiteAt): RawCallSite | null;
}
