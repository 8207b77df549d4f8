/**
 * The one place where a language extends the call-site stage (core/sites.ts). The stage finds
 * each setsockopt/getsockopt-shaped call, walks the helper chains that forward the option or
 * the value, evaluates under each chain's frame, and then, per call and chain:
 *
 *   sites = hooks.site ? hooks.site(at) : the common rule (option, level, value, socket context)
 *   each site → hooks.refine ? hooks.refine(site, at) : site   (null drops it)
 *
 * Both members are optional; without them a language gets the common rule's sites (C, C++,
 * Rust). Python gives its own `site` rule (CPython's int/bytes forms, its option names);
 * Go gives `refine` (x/sys/unix value forms, its packages' facts, the Control closure's socket).
 */
import type { FormEvaluator } from './evaluator';
import type { FormCall } from './form';
import type { Value } from './value';
import type { RawCallSite } from '../languages/types';

/** Argument positions of (fd, level, optname, optval, optlen) in a call (core/sites.ts shapeOf). */
export interface Shape { fd: number; level: number; opt: number; val: number; len: number }

/** What both hooks see: one call judged through one helper chain. */
export interface SiteAt {
  /** The file being analysed (RawCallSite.file). */
  file: string;
  /** The setsockopt/getsockopt-like call as written, and where its arguments are. */
  call: FormCall;
  shape: Shape;
  /** The helper calls it is judged through, innermost caller first (empty: the call as written). */
  chain: readonly FormCall[];
  /** The parameters bound by the chain (read it; do not change it). */
  frame: Map<string, Value>;
  /** The one evaluator, with the stage's per-call budget running. */
  ev: FormEvaluator;
}

export interface SiteHooks {
  /** The language's own site rule, run instead of the common rule: the sites of this call and chain. */
  site?(at: SiteAt): RawCallSite[];
  /** The language's last word on each site (from the common rule or `site`); null drops the site. */
  refine?(site: RawCallSite, at: SiteAt): RawCallSite | null;
}
