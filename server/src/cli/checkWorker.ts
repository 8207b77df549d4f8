/**
 * One check worker thread (checkPool.ts): its own analyzer (checkAnalyzer.ts, as on the main
 * thread), with the grammars each job's language needs. Jobs are answered one at a time, in the
 * order they arrive.
 */
import { parentPort } from 'node:worker_threads';
import type { Analyzer } from '../analysis/index';
import { checkAnalyzer } from './checkAnalyzer';
import type { WorkerJob, WorkerReply } from './checkPool';

export function startCheckWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('startCheckWorker: not a worker thread');
  const analyzer = checkAnalyzer();
  let queue: Promise<void> = Promise.resolve();
  const answer = async (job: WorkerJob): Promise<WorkerReply> => {
    let a: Analyzer;
    try {
      a = await analyzer.get(job.language);
    } catch (e) {
      return { id: job.id, loadError: (e as Error).message };
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
