/**
 * Entry point of dist/server.js. The same bundle is the LSP server (main thread: lsp.ts,
 * over node IPC or `--stdio`) and the analyzer worker it starts (analysisHost.ts), so the
 * worker needs no separate build entry. lsp.ts is required lazily: its top level starts
 * the connection, which must never happen inside the worker.
 */
import { isAnalyzerWorker, runAnalyzerWorker } from './analysisHost';

if (isAnalyzerWorker()) runAnalyzerWorker();
else require('./lsp');
