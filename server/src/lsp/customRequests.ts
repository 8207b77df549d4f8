/**
 * The custom requests of server/src/protocol.ts, wired to their pure implementations
 * (simulate.ts, simulationSetup.ts). Bad params become InvalidParams errors with a clear
 * message; the server stays up.
 */
import { ResponseError, ErrorCodes, LSPErrorCodes, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { resolveForFile } from '../config/resolve';
import type { Config } from '../config/schema';
import {
  DecodeRequest, EnvironmentRequest, PlanDefaultsRequest, PlanRequest, PressureRequest, SimulateRequest, SimulationSetupRequest, SocketFactsRequest, ValidateInputRequest, VerifyRequest,
  type DecodeParams, type EnvironmentParams, type PlanDefaultsParams, type PlanRequestParams, type PressureParams, type SimulateParams, type SimulationSetupParams,
  type SocketFactsParams, type ValidateInputParams,
} from '../protocol';
import { decodeForEditor, planDefaults, planForEditor } from '../plan/editor';
import { fileTarget, simulate, socketFactsAt } from '../simulate';
import { environment, simulationSetup, validateInput } from '../simulationSetup';
import { EditorPressure, verifyForEditor } from '../machineRequests';
import { fileURLToPath } from 'node:url';
import type { Analysis } from './documentAnalyses';

export interface CustomRequestDeps {
  analysisAt(uri: string, token: CancellationToken): Promise<Analysis | null>;
  /** The analyses of every open document (the planner's defaults read their call sites). */
  openAnalyses(token: CancellationToken): Promise<Analysis[]>;
  configFor(uri: string): Config;
  safe<P, R>(name: string, fallback: R, fn: (p: P, token: CancellationToken) => R | Promise<R>): (p: P, token: CancellationToken) => Promise<R>;
  errText(e: unknown): string;
  isPosition(v: unknown): v is { line: number; character: number };
}

export function registerCustomRequests(connection: Connection, d: CustomRequestDeps): void {
  const invalid = (e: unknown) => new ResponseError(ErrorCodes.InvalidParams, d.errText(e));
  /** The resolved configuration of a document (its analysis's), else of its folder, else the window's. */
  const resolvedFor = async (uri: string | undefined, token: CancellationToken) => {
    if (typeof uri === 'string') {
      const a = await d.analysisAt(uri, token);
      if (a) return a.env.resolved;
    }
    return resolveForFile(d.configFor(typeof uri === 'string' ? uri : ''), '');
  };

  connection.onRequest(SocketFactsRequest, d.safe('socketFacts', null, async (p: SocketFactsParams, token) => {
    if (typeof p?.uri !== 'string' || !d.isPosition(p.position)) return null;
    const a = await d.analysisAt(p.uri, token);
    // The file's resolved target (folder settings, "auto", its directives): the simulation's defaults.
    return a ? socketFactsAt(a.sites, p.position, fileTarget(a.env.resolved)) : null;
  }));

  connection.onRequest(SimulationSetupRequest, async (p: SimulationSetupParams, token) => {
    try {
      return simulationSetup(p?.facts ?? null, p?.answers ?? {}, await resolvedFor(p?.uri, token));
    } catch (e) {
      throw invalid(e);
    }
  });

  connection.onRequest(ValidateInputRequest, (p: ValidateInputParams) => validateInput(p?.kind, typeof p?.text === 'string' ? p.text : ''));

  connection.onRequest(EnvironmentRequest, async (p: EnvironmentParams, token) => {
    const uri = typeof p?.uri === 'string' ? p.uri : undefined;
    return environment(await resolvedFor(uri, token), d.configFor(uri ?? '').netnsRange);
  });

  connection.onRequest(SimulateRequest, async (p: SimulateParams, token: CancellationToken) => {
    if (token.isCancellationRequested) throw new ResponseError(ErrorCodes.PendingResponseRejected, 'cancelled');
    try {
      return simulate(p);
    } catch (e) {
      throw invalid(e);
    }
  });

  connection.onRequest(VerifyRequest, async (p: SimulateParams) => {
    try {
      return await verifyForEditor(p);
    } catch (e) {
      throw invalid(e);
    }
  });

  const pressure = new EditorPressure();
  connection.onRequest(PressureRequest, async (p: PressureParams) => {
    const folder = typeof p?.folder === 'string' && p.folder.startsWith('file:') ? fileURLToPath(p.folder) : undefined;
    try {
      return await pressure.sample(folder);
    } catch (e) {
      // This machine's sockets or sysctls cannot be read: the message says which.
      throw new ResponseError(LSPErrorCodes.RequestFailed, d.errText(e));
    }
  });

  // The planner and the decoder (server/src/plan/editor.ts): defaults from the file's
  // resolved configuration and the open documents' call sites; input errors come back as data.
  connection.onRequest(PlanDefaultsRequest, async (p: PlanDefaultsParams, token) => {
    const r = await resolvedFor(typeof p?.uri === 'string' ? p.uri : undefined, token);
    const sites = (await d.openAnalyses(token)).flatMap((a) => a.sites);
    return planDefaults({ ...fileTarget(r), smallRangeThreshold: r.smallRangeThreshold }, sites);
  });

  connection.onRequest(PlanRequest, (p: PlanRequestParams) => {
    const range = p?.netnsRange;
    if (!range || typeof range.lo !== 'number' || typeof range.hi !== 'number' || typeof p.reserved !== 'string' || typeof p.kernel !== 'string') {
      throw invalid('plan needs netnsRange {lo, hi}, reserved and kernel (see portRangeLens/planDefaults)');
    }
    return planForEditor(p);
  });

  connection.onRequest(DecodeRequest, async (p: DecodeParams, token) => {
    const r = await resolvedFor(typeof p?.uri === 'string' ? p.uri : undefined, token);
    return decodeForEditor(typeof p?.text === 'string' ? p.text : '', fileTarget(r), r.hostByteOrder);
  });
}
