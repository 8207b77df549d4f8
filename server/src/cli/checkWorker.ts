/**
 * One check worker thread (checkPool.ts): its own analyzer, created on the first job with the
 * options the main thread gave, and the grammars each job's language needs. Jobs are answered
 * one at a time, in the order they arrive.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';
import type { Analyzer } from '../analysis/index';
import { loadAnalysis } from './bundles';
import type { WorkerJob, WorkerReply } from './checkPool';

export function startCheckWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('startCheckWorker: not a worker thread');
  const options = (workerData as { analyzerOptions?: Record<string, unknown> }).analyzerOptions ?? {};
  let analyzer: Promise<Analyzer> | null = null;
  let queue: Promise<void> = Promise.resolve();
  const answer = async (job: WorkerJob): Promise<WorkerReply> => {
    let a: Analyzer;
    try {
      // As on the main thread (checkRun.ts): baseline wasm code only for a one-shot run.
      if (!analyzer) setFlagsFromString('--liftoff-only');
      // The analyzer's bundle (dist/analyzer.js beside the cli.js this thread runs).
      analyzer ??= loadAnalysis().createAnalyzer({ ...options, grammars: [] });
      a = await analyzer;
      await a.prepare([job.language]);
    } catch (e) {
      return { id: job.id, loadError: `cannot load the parser: ${(e as Error).message}` };
    }
    return { id: job.id, result: a.analyze(job.file, job.text, job.language, job.config) };
  };
  // Fault injection for the tests only (test/cli/checkPool.test.ts): the thread dies after
  // answering this many jobs, as a crashed worker would.
  const dieAfter = Number(process.env.PRL_TEST_WORKER_EXIT_AFTER ?? 0);
  let answered = 0;
  port.on('message', (job: WorkerJob) => {
    queue = queue.then(async () => {
      if (dieAfter > 0 && answered >= dieAfter) process.exit(70);
      port.postMessage(await answer(job));
      answered++;
    });
  });
}
