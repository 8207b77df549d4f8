/**
 * Runs the analyzer in a worker thread so the LSP thread never blocks on a parse: hovers,
 * code actions and cancellation stay responsive while a large file is analysed, and a run
 * that exceeds its time budget (or exhausts the worker's heap) is ended by terminating the
 * worker, which is then restarted for the next request. Bounded work, never a hung server.
 *
 * The worker is this same bundle (dist/server.js) started with workerData.role = ROLE, so
 * the build needs no extra entry point.
 */
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { createAnalyzer, type AnalyzerOptions, type Analyzer, type AnalysisResult } from './analysis/index';
import type { Language } from './analysis/callSite';
import type { Config } from './config/schema';

export const ROLE = 'port-range-lens-analyzer';
/** Budget for a fresh worker to load the parser runtime, grammars and queries. */
const STARTUP_MS = 60_000;

interface Request {
  id: number;
  kind: 'analyze' | 'forget';
  file: string;
  text?: string;
  language?: Language;
  config?: Config;
  /** Keep the parse tree for an incremental re-parse of the next version (open documents). */
  keepTree?: boolean;
}

/** `started` when the worker (grammars loaded) begins a request, then the result. */
type Response = { id: number; started: true } | { id: number; result: AnalysisResult };

export interface AnalysisHostOptions extends AnalyzerOptions {
  /** The script the worker runs: the server bundle itself. */
  script: string;
  /** A single analysis longer than this is abandoned and the worker restarted. */
  timeoutMs?: number;
  log?: (msg: string) => void;
}

interface Job {
  req: Request;
  resolve: (r: AnalysisResult) => void;
}

/** True when this thread is the analyzer worker (the bundle then must not start the LSP). */
export function isAnalyzerWorker(): boolean {
  return !!parentPort && (workerData as { role?: string } | null)?.role === ROLE;
}

/** The worker's side: answer requests one by one with the in-thread analyzer. */
export function runAnalyzerWorker(): void {
  const port = parentPort!;
  const opts = (workerData as { options: AnalyzerOptions }).options;
  let analyzer: Analyzer | null = null;
  let failed: string | null = null;
  const ready = createAnalyzer(opts).then(
    (a) => (analyzer = a),
    (e) => {
      failed = e instanceof Error ? e.message : String(e);
      return null;
    },
  );
  port.on('message', async (req: Request) => {
    await ready;
    port.postMessage({ id: req.id, started: true } satisfies Response);
    let result: AnalysisResult;
    if (!analyzer) result = { callSites: [], error: `analyzer failed to start: ${failed}` };
    else if (req.kind === 'forget') {
      analyzer.forget(req.file);
      result = { callSites: [] };
    } else {
      // Grammars past the eager ones (C++, Rust) load on the first file that needs them.
      await analyzer.prepare([req.language ?? 'c']).catch(() => undefined);
      result = analyzer.analyze(req.file, req.text ?? '', req.language ?? 'c', req.config!);
      if (!req.keepTree) analyzer.forget(req.file);
    }
    port.postMessage({ id: req.id, result } satisfies Response);
  });
}

export class AnalysisHost {
  private worker: Worker | null = null;
  private queue: Job[] = [];
  private inFlight: Job | null = null;
  private timer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private disposed = false;
  /** Restarts so far (tests and logs). */
  restarts = 0;

  constructor(private readonly opts: AnalysisHostOptions) {}

  /** Starts the worker now, so grammars load while the client initializes. */
  warmUp(): void {
    this.ensureWorker();
  }

  /**
   * Analyses one text. Open documents (keepTree = true) go ahead of queued background work
   * (the workspace scan, keepTree = false), so typing is never stuck behind the scan.
   */
  analyze(file: string, text: string, language: Language, config: Config, keepTree = true): Promise<AnalysisResult> {
    return this.enqueue({ id: this.nextId++, kind: 'analyze', file, text, language, config, keepTree });
  }

  forget(file: string): void {
    // A queued analysis of the file is still answered; only the cached tree goes.
    void this.enqueue({ id: this.nextId++, kind: 'forget', file });
  }

  /** Drops queued (not yet started) analyses of `file`, answering them with `result`. */
  supersede(file: string, result: AnalysisResult): void {
    this.queue = this.queue.filter((j) => {
      if (j.req.kind === 'analyze' && j.req.file === file) {
        j.resolve(result);
        return false;
      }
      return true;
    });
  }

  get pending(): number {
    return this.queue.length + (this.inFlight ? 1 : 0);
  }

  dispose(): void {
    this.disposed = true;
    for (const j of this.queue) j.resolve({ callSites: [], error: 'server shutting down' });
    this.queue = [];
    if (this.inFlight) this.inFlight.resolve({ callSites: [], error: 'server shutting down' });
    this.inFlight = null;
    if (this.timer) clearTimeout(this.timer);
    void this.worker?.terminate();
    this.worker = null;
  }

  private enqueue(req: Request): Promise<AnalysisResult> {
    if (this.disposed) return Promise.resolve({ callSites: [], error: 'server shutting down' });
    return new Promise((resolve) => {
      const job = { req, resolve };
      const background = (j: Job) => j.req.kind === 'analyze' && !j.req.keepTree;
      const at = background(job) ? -1 : this.queue.findIndex(background);
      if (at < 0) this.queue.push(job);
      else this.queue.splice(at, 0, job);
      this.pump();
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const { script, timeoutMs: _t, log: _l, ...options } = this.opts;
    const w = new Worker(script, {
      workerData: { role: ROLE, options },
      // A small young generation keeps the resident size down; the old-generation cap turns a
      // runaway analysis into a worker exit (answered as an error) instead of a swapping server.
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 1024 },
      stdout: false,
      stderr: false,
    });
    w.unref();
    w.on('message', (m: Response) => this.onMessage(m));
    w.on('error', (e) => this.onWorkerGone(w, `analyzer worker error: ${e instanceof Error ? e.message : String(e)}`));
    w.on('exit', (code) => this.onWorkerGone(w, `analyzer worker exited (${code})`));
    this.worker = w;
    return w;
  }

  private pump(): void {
    if (this.inFlight || this.disposed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.inFlight = job;
    const w = this.ensureWorker();
    // Until the worker starts the job (a fresh worker first loads its grammars), a longer
    // startup budget applies; the analysis budget itself starts with the job.
    this.arm(job, w, STARTUP_MS, 'the analyzer did not start');
    w.postMessage(job.req);
  }

  private arm(job: Job, w: Worker, ms: number, what: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.opts.log?.(`${job.req.file}: ${what} within ${ms} ms: abandoned, analyzer restarted`);
      this.finish(job, { callSites: [], error: `analysis abandoned after ${ms} ms` });
      this.restart(w);
    }, ms);
  }

  private onMessage(m: Response): void {
    const job = this.inFlight;
    if (!job || job.req.id !== m.id) return; // a late answer from before a restart
    if ('started' in m) {
      if (this.worker) this.arm(job, this.worker, this.opts.timeoutMs ?? 20_000, 'analysis did not finish');
      return;
    }
    this.finish(job, m.result);
  }

  private finish(job: Job, result: AnalysisResult): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inFlight === job) this.inFlight = null;
    job.resolve(result);
    this.pump();
  }

  private restart(w: Worker): void {
    if (this.worker === w) {
      this.worker = null;
      this.restarts++;
      void w.terminate();
    }
    this.pump();
  }

  private onWorkerGone(w: Worker, why: string): void {
    if (this.worker !== w) return; // terminated on purpose
    this.worker = null;
    this.restarts++;
    this.opts.log?.(why);
    const job = this.inFlight;
    if (job) this.finish(job, { callSites: [], error: why });
    else this.pump();
  }
}
