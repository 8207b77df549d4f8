/**
 * The optional second thread of `check` (dist/checkWorker.js, PRL_CHECK_THREADS=2). The main thread
 * walks and reads the tree and posts each file that may hold a call site; this thread and
 * the main thread share the analysis through one claim flag per file (SharedArrayBuffer):
 * this thread takes files from the front, the main thread (once the walk is done) from the
 * back, so neither waits for the other and each file is analysed exactly once. Results go
 * back by index; the main thread prints them in walk order, so output is deterministic.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createAnalyzer, type Analyzer, type AnalysisResult } from '../analysis/index';
import type { Language } from '../analysis/callSite';
import type { Config } from '../config';

export interface CheckJob { index: number; file: string; text: string; language: Language }
/** A result, or `retry`: the worker could not analyse it (the main thread does, and reports any error). */
export type CheckWorkerMessage = { index: number; result: AnalysisResult } | { index: number; retry: true } | { fatal: string };
export const CHECK_WORKER_ROLE = 'port-range-lens-check';
export interface CheckWorkerData { role: string; claims: Int32Array; config: Config }

/** Claim flag values: free, taken by the worker, taken by the main thread. */
export const CLAIM_FREE = 0;
export const CLAIM_WORKER = 1;
export const CLAIM_MAIN = 2;

if (parentPort && (workerData as Partial<CheckWorkerData> | null)?.role === CHECK_WORKER_ROLE) {
  const port = parentPort;
  const { claims, config } = workerData as CheckWorkerData;
  let analyzer: Analyzer | null = null;
  let failed = false;
  const ready = createAnalyzer({ incremental: false, prune: true, grammars: [] }).then(
    (a) => { analyzer = a; },
    (e: unknown) => {
      failed = true;
      port.postMessage({ fatal: e instanceof Error ? e.message : String(e) } satisfies CheckWorkerMessage);
    },
  );
  // Jobs are handled strictly in order (a prepare() may await a grammar load).
  let chain: Promise<void> = ready;
  port.on('message', (job: CheckJob) => {
    chain = chain.then(async () => {
      if (failed || !analyzer) return;
      if (job.index >= claims.length || Atomics.compareExchange(claims, job.index, CLAIM_FREE, CLAIM_WORKER) !== CLAIM_FREE) return;
      try {
        await analyzer.prepare([job.language]);
        const result = analyzer.analyze(job.file, job.text, job.language, config);
        port.postMessage({ index: job.index, result } satisfies CheckWorkerMessage);
      } catch {
        port.postMessage({ index: job.index, retry: true } satisfies CheckWorkerMessage);
      }
    });
  });
}
