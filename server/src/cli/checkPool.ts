/**
 * `check --jobs N`: the analysis of a large tree on worker threads (checkWorker.ts), each with
 * its own parser and grammars, while the main thread walks and reads. The main thread decides
 * what to analyse and keeps the walk's order: the pool only turns a (file, text, language,
 * config) into the AnalysisResult the main thread would have computed (analysis is a pure
 * function of these). The main thread joins in once its walk is over (`steal`). A worker that
 * dies hands its unfinished files back to the others, or to the main thread when none is left:
 * a crash costs time, never a result.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnalysisResult, Language } from '../analysis/index';
import type { Config } from '../config/schema';
import { ParserLoadError } from './checkAnalyzer';

/** The workerData role that makes a thread of the bundle a check worker (cli.ts). */
export const CHECK_WORKER_ROLE = 'port-range-lens check worker';

/**
 * Below this many files to analyse the main thread analyses them itself: a worker's start-up
 * (its own parser and grammars, about 0.1-0.3 s of CPU) costs more than it saves.
 */
export const POOL_MIN_FILES = 16;

/** At most this many analysis threads, whatever the machine (each holds its own grammars, ~20 MB). */
export const MAX_JOBS = 8;

/**
 * Below this many CPUs --jobs defaults to 1: a worker's start-up (its own analyzer bundle, grammars
 * and queries, about 0.4 s of CPU) is not won back on two cores (bench/tree.bench.ts, dense tree
 * on 2 CPUs: 2.6 s with a worker against 2.3 s without).
 */
export const MIN_CPUS_FOR_WORKERS = 4;

/** --jobs's default: one thread per CPU the process may use (at most MAX_JOBS) from MIN_CPUS_FOR_WORKERS CPUs on, else 1. */
export function defaultJobs(cpus = availableParallelism()): number {
  return cpus < MIN_CPUS_FOR_WORKERS ? 1 : Math.min(MAX_JOBS, cpus);
}

export interface AnalysisJob {
  file: string;
  text: string;
  language: Language;
  config: Config;
}

/** Worker → main: a result, or the parser could not be loaded (the run then stops with exit 2). */
export type WorkerReply = { id: number; result: AnalysisResult } | { id: number; loadError: string };
/** Main → worker. */
export type WorkerJob = AnalysisJob & { id: number };

export interface AnalysisPool {
  analyze(job: AnalysisJob): Promise<AnalysisResult>;
  /**
   * The next job no worker has taken yet, for the main thread to analyse itself once its walk
   * is over (it settles the job with the result); null when none is waiting.
   */
  steal(): { job: AnalysisJob; resolve: (r: AnalysisResult) => void; reject: (e: Error) => void } | null;
  /** Stops every worker (after the last result the caller waits for). */
  close(): Promise<void>;
}

interface Pending {
  job: AnalysisJob;
  resolve: (r: AnalysisResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Jobs sent and not answered yet (at most IN_FLIGHT). */
  pending: Map<number, Pending>;
  alive: boolean;
}

/** Jobs a worker holds at once: one it works on, one waiting, so it never idles on a round trip. */
const IN_FLIGHT = 2;

/**
 * How this module's threads start: the bundle (dist/cli.js) runs itself with the worker role;
 * from the TypeScript sources (tests, `tsx`), checkWorker.ts runs under tsx's loader.
 */
function spawn(): Worker {
  const workerData = { role: CHECK_WORKER_ROLE };
  if (!__filename.endsWith('.ts')) return new Worker(__filename, { workerData });
  const entry = join(__dirname, 'checkWorker.ts');
  const code = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(entry)}).startCheckWorker();`;
  return new Worker(code, { eval: true, workerData });
}

/**
 * A pool of `size` workers that take jobs from one queue as they finish the previous ones.
 * `fallback` analyses a job on the main thread: it takes over the jobs of a worker that exits
 * or fails when no other worker is left.
 */
export function createAnalysisPool(size: number, fallback: (job: AnalysisJob) => Promise<AnalysisResult>): AnalysisPool {
  let next = 0;
  const queue: Pending[] = [];
  const slots: Slot[] = [];
  const pump = () => {
    for (const slot of slots) {
      while (slot.alive && slot.pending.size < IN_FLIGHT && queue.length > 0) {
        const p = queue.shift()!;
        const id = next++;
        slot.pending.set(id, p);
        const msg: WorkerJob = { id, ...p.job };
        slot.worker.postMessage(msg);
      }
    }
  };
  const takeOver = (slot: Slot) => {
    if (!slot.alive) return;
    slot.alive = false;
    const orphans = [...slot.pending.values()];
    slot.pending.clear();
    if (slots.some((s) => s.alive)) {
      queue.unshift(...orphans);
      pump();
    } else {
      for (const p of [...orphans, ...queue.splice(0)]) fallback(p.job).then(p.resolve, p.reject);
    }
  };
  for (let i = 0; i < size; i++) {
    const slot: Slot = { worker: spawn(), pending: new Map(), alive: true };
    slot.worker.on('message', (m: WorkerReply) => {
      const p = slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id);
      if ('loadError' in m) p.reject(new ParserLoadError(m.loadError));
      else p.resolve(m.result);
      pump();
    });
    slot.worker.on('error', () => takeOver(slot));
    slot.worker.on('exit', () => takeOver(slot));
    slots.push(slot);
  }
  return {
    analyze(job) {
      if (!slots.some((s) => s.alive)) return fallback(job);
      return new Promise<AnalysisResult>((resolve, reject) => {
        queue.push({ job, resolve, reject });
        pump();
      });
    },
    steal: () => queue.shift() ?? null,
    async close() {
      await Promise.all(slots.map((s) => {
        s.alive = false;
        return s.worker.terminate();
      }));
    },
  };
}
