/**
 * Where `check`'s files to analyse go, and the order their results come back in:
 * - `analysisQueue`: with --jobs 1, each file is analysed on this thread as the walk reaches it;
 *   with more, files are held back until POOL_MIN_FILES of them make a worker pool worth
 *   starting (checkPool.ts: jobs - 1 workers), then sent to it; when the walk ends, this thread
 *   analyses those still held back, in order, then joins the workers on their queue. The walk waits while more than MAX_IN_FLIGHT_CHARS of
 *   source text are out with the workers, so memory stays bounded on any tree.
 * - `inWalkOrder`: each file's contribution to the report runs in walk order, as soon as every
 *   file before it is in: the report never depends on which worker answered first.
 */
import type { AnalysisResult } from '../analysis/index';
import { POOL_MIN_FILES, createAnalysisPool, type AnalysisJob, type AnalysisPool } from './checkPool';

/** Source text sent to the workers and not answered yet, at most (characters). */
export const MAX_IN_FLIGHT_CHARS = 32 * 1024 * 1024;

export interface AnalysisQueue {
  submit(job: AnalysisJob): Promise<AnalysisResult>;
  /**
   * Called before each file of the walk: lets results in now and then, and waits while too much
   * is in flight; null when there is nothing to wait for (an await per file of a cached run
   * cost 10-30 ms over 10,000 files).
   */
  breathe(): Promise<void> | null;
  /** The end of the walk: what is still held back is analysed on this thread, in order, and then what no worker took yet. */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** How many files were analysed where (PRL_CHECK_TRACE=1 prints it on stderr). */
  counts(): { main: number; workers: number; threads: number };
}

export function analysisQueue(jobs: number, inline: (job: AnalysisJob) => Promise<AnalysisResult>): AnalysisQueue {
  let held: { job: AnalysisJob; resolve: (r: AnalysisResult) => void; reject: (e: unknown) => void }[] = [];
  let pool: AnalysisPool | null = null;
  let inFlight = 0;
  let sinceBreath = 0;
  let wake: (() => void) | null = null;
  const sent = (job: AnalysisJob, p: Promise<AnalysisResult>): Promise<AnalysisResult> => {
    inFlight += job.text.length;
    const settle = () => {
      inFlight -= job.text.length;
      if (wake && inFlight <= MAX_IN_FLIGHT_CHARS) { wake(); wake = null; }
    };
    p.then(settle, settle);
    return p;
  };
  let chain: Promise<unknown> = Promise.resolve();
  let onMain = 0;
  let total = 0;
  /** This thread's analyses, one after the other (each awaits the parser's first load). */
  const here = (job: AnalysisJob): Promise<AnalysisResult> => {
    onMain++;
    const r = chain.then(() => inline(job));
    chain = r.catch(() => undefined);
    return r;
  };
  return {
    submit(job) {
      total++;
      let p: Promise<AnalysisResult>;
      if (pool) p = sent(job, pool.analyze(job));
      else if (jobs <= 1) p = here(job);
      else {
        p = new Promise<AnalysisResult>((resolve, reject) => held.push({ job, resolve, reject }));
        if (held.length >= POOL_MIN_FILES) {
          // jobs - 1 workers: the main thread is the last analysis thread, once its walk is over.
          const started = createAnalysisPool(jobs - 1, here);
          pool = started;
          for (const h of held) sent(h.job, started.analyze(h.job)).then(h.resolve, h.reject);
          held = [];
        }
      }
      // Awaited in walk order later: a rejection before then is not an unhandled one.
      p.catch(() => undefined);
      return p;
    },
    breathe() {
      if (!pool) return null;
      const full = inFlight > MAX_IN_FLIGHT_CHARS;
      const turn = ++sinceBreath >= 64;
      if (!full && !turn) return null;
      if (turn) sinceBreath = 0;
      return (async () => {
        if (full) await new Promise<void>((r) => { wake = r; });
        if (turn) await new Promise((r) => setImmediate(r));
      })();
    },
    async flush() {
      for (const h of held) here(h.job).then(h.resolve, h.reject);
      held = [];
      // The walk is over: this thread takes the jobs no worker has taken yet, one at a time,
      // letting the workers' answers in between.
      for (let s = pool?.steal(); s; s = pool?.steal()) {
        await here(s.job).then(s.resolve, s.reject);
        await new Promise((r) => setImmediate(r));
      }
    },
    close: async () => pool?.close(),
    counts: () => ({ main: onMain, workers: total - onMain, threads: pool ? jobs : 1 }),
  };
}

export interface WalkOrder {
  /** A contribution that is ready now. */
  now(run: () => void): void;
  /** A contribution that waits for `p`; a rejection stops the run (end() rejects with it). */
  after<T>(p: Promise<T>, run: (v: T) => void): void;
  /** Resolves when every contribution has run; rejects with the first failure. */
  end(): Promise<void>;
}

export function inWalkOrder(): WalkOrder {
  const queue: { ready: boolean; run: () => void }[] = [];
  let failed: { error: unknown } | null = null;
  let idle: (() => void) | null = null;
  const drain = () => {
    while (!failed && queue.length > 0 && queue[0]!.ready) {
      const e = queue.shift()!;
      try {
        e.run();
      } catch (error) {
        failed = { error };
      }
    }
    if (idle && (failed || queue.length === 0)) idle();
  };
  return {
    now(run) {
      queue.push({ ready: true, run });
      drain();
    },
    after(p, run) {
      const e = { ready: false, run: () => undefined as void };
      queue.push(e);
      p.then((v) => { e.run = () => run(v); }, (error: unknown) => { e.run = () => { throw error; }; })
        .then(() => { e.ready = true; drain(); });
    },
    end() {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (failed) reject(failed.error);
          else if (queue.length === 0) resolve();
          else idle = check;
        };
        check();
      });
    },
  };
}
