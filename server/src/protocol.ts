/**
 * Every custom LSP request between the VS Code client and the server, typed once as a
 * RequestType with its params and result, and the simulation webview's messages as one
 * discriminated union. Both sides import this file; it holds types and method names only
 * (type imports vanish from the client bundle), so the client never pulls in the engine.
 */
import { RequestType } from 'vscode-jsonrpc';
import type { NetnsConfig, OpResult, Proto, ScenarioResult } from '../../engine/src/scenarioTypes';
import type { ErrnoName } from '../../engine/src/errno';
import type { SimulationParams, SimulationReport } from '../../engine/src/simulate';
import type { VerifyOutcome } from './kernel/verify';
import type { PressureForEditorView } from './machineRequests';
import type { DecodeView, PlanDefaults, PlanRequestParams, PlanView } from './plan/editor';

export type { SimulationParams as SimulateParams, SimulationReport, NetnsConfig, Proto, OpResult, ScenarioResult, ErrnoName, VerifyOutcome, PressureForEditorView };
export type SimOp = SimulationParams['op'];

export interface Position { line: number; character: number }

/** What "Simulate this socket" knows from code, and what it still has to ask the user. */
export interface SocketFacts {
  proto: Proto | null;
  family: 4 | 6 | null;
  lo: number | null;
  hi: number | null;
  packed: number | null;
  reuseAddr: boolean;
  bindAddressNoPort: boolean;
  /** The operation that follows in code, null if none found. */
  op: SimOp | null;
  /** Destinations written in code, if any. */
  destinations: string[];
  /** A short label for the panel title, e.g. "client.c:42 setsockopt". */
  label: string;
  /** Set when the kernel would not apply this value (EINVAL, ENOPROTOOPT, another option): why. */
  rejected?: string | null;
  /** The file's resolved target (settings of its folder, "auto" read, its directives): the simulation's defaults. */
  netnsRange?: { lo: number; hi: number } | null;
  /** ip_local_reserved_ports in /proc syntax ("" = none). */
  reserved?: string | null;
  /** Kernel version profile, e.g. "6.18". */
  kernel?: string | null;
}

/** What the user may be asked; passing them as command args skips every prompt. */
export interface SimulateAnswers {
  op?: SimOp;
  proto?: Proto;
  family?: 4 | 6;
  count?: number | 'exhaust';
  destinations?: string[];
  kernel?: string;
  seed?: number;
  /** "LO-HI", for "Simulate a port range…" or when the code's value is not statically known. */
  range?: string;
  /** When the kernel rejects the call: true = simulate the value as if the call had succeeded. */
  asWritten?: boolean;
}

/** portRangeLens/socketFacts: facts about the call at a position (null: no call there). */
export interface SocketFactsParams { uri: string; position: Position }
export const SocketFactsRequest = new RequestType<SocketFactsParams, SocketFacts | null, void>('portRangeLens/socketFacts');

/**
 * portRangeLens/simulationSetup: code facts + the user's answers + the file's (or the window's)
 * configuration → fully specified params, and the choices the client may offer.
 */
export interface SimulationSetupParams { uri?: string; facts: SocketFacts | null; answers: SimulateAnswers }
export interface SimulationSetup {
  params: SimulationParams;
  /** Operations valid for params.proto (sendto only for datagrams, no listen for UDP). */
  ops: SimOp[];
  protos: Proto[];
  /** Built-in kernel profiles, e.g. ["6.3", "6.8", "6.18"]. */
  kernels: string[];
  /** Whether params.op needs destinations. */
  needsDestination: boolean;
}
export const SimulationSetupRequest = new RequestType<SimulationSetupParams, SimulationSetup, void>('portRangeLens/simulationSetup');

/** portRangeLens/validateInput: checks one text the user typed, with the server's one parser for it. */
export type InputKind = 'range' | 'destinations' | 'kernel' | 'count' | 'seed';
export interface ValidateInputParams { kind: InputKind; text: string }
export interface ValidateInputResult { error: string | null; value?: unknown }
export const ValidateInputRequest = new RequestType<ValidateInputParams, ValidateInputResult, void>('portRangeLens/validateInput');

/** portRangeLens/simulate: run the engine for fully specified params. */
export const SimulateRequest = new RequestType<SimulationParams, SimulationReport, void>('portRangeLens/simulate');

/**
 * portRangeLens/environment: what a file is judged against (for the status bar) and this
 * machine's network namespace as /proc shows it (for "Show this machine's netns port range").
 */
export interface EnvironmentParams { uri?: string }
export interface Environment {
  netnsRange: { lo: number; hi: number };
  netnsSource: 'config' | 'proc' | 'directive';
  /** The setting's text ("auto" or "LO-HI") for the file's folder. */
  netnsSetting: string;
  reserved: string;
  kernel: string;
  problems: string[];
  machine: { ok: true; netns: NetnsConfig; description: string } | { ok: false; error: string };
}
export const EnvironmentRequest = new RequestType<EnvironmentParams, Environment, void>('portRangeLens/environment');

/**
 * portRangeLens/verify: the simulation's socket pattern with real sockets in a private network
 * namespace of the server's machine, compared with the engine (docs/cli-simulate.md --verify).
 */
export const VerifyRequest = new RequestType<SimulationParams, VerifyOutcome, void>('portRangeLens/verify');

/**
 * portRangeLens/pressure: the server machine's port pressure now (docs/pressure.md), with the
 * rates since the previous call; `folder` (a file URI) adds the slices its sources declare.
 */
export interface PressureParams { folder?: string }
export const PressureRequest = new RequestType<PressureParams, PressureForEditorView, void>('portRangeLens/pressure');

/** Messages from the extension to the simulation page. */
export type ToSimulationPage =
  | { type: 'report'; key: string; label: string; report: SimulationReport }
  | { type: 'copied'; what: 'json' | 'cli' }
  /** The kernel run started (button pressed, or portRangeLens.verifyAutomatically). */
  | { type: 'verifying' }
  | { type: 'verified'; result: VerifyOutcome }
  | { type: 'verifyFailed'; error: string };
/** Messages from the simulation page to the extension. */
export type FromSimulationPage =
  | { type: 'ready' }
  | { type: 'copy'; what: 'json' | 'cli' }
  | { type: 'verify' };

/** Narrows an untrusted message from the page (the page is code-derived content's renderer). */
export function isFromSimulationPage(m: unknown): m is FromSimulationPage {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  if (t === 'ready' || t === 'verify') return true;
  const what = (m as { what?: unknown }).what;
  return t === 'copy' && (what === 'json' || what === 'cli');
}

/** Messages from the extension to the live pressure page. */
export type ToPressurePage =
  | { type: 'sample'; view: PressureForEditorView }
  | { type: 'error'; error: string };
/** Messages from the pressure page to the extension. */
export type FromPressurePage = { type: 'ready' };

export function isFromPressurePage(m: unknown): m is FromPressurePage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'ready';
}

// ---- The planner and the decoder (issue 11) -------------------------------------------------

export type { PlanRequestParams, PlanView, PlanDefaults, DecodeView };

export type PlanViewOk = Extract<PlanView, { ok: true }>;
/** The languages the planner writes code in (one list, in plan/codegen). */
export { CODE_LANGUAGES as PLAN_LANGUAGES, type CodeLanguage as PlanLanguage } from './plan/codegen/types';
import { CODE_LANGUAGES as PLAN_LANGUAGES, type CodeLanguage as PlanLanguage } from './plan/codegen/types';

/** portRangeLens/planDefaults: the target of the file (or the settings) and the ranges the workspace already sets. */
export interface PlanDefaultsParams { uri?: string }
export const PlanDefaultsRequest = new RequestType<PlanDefaultsParams, PlanDefaults, void>('portRangeLens/planDefaults');
/** portRangeLens/plan: run the planner; bad input comes back as { ok: false, error } (the CLI's message). */
export const PlanRequest = new RequestType<PlanRequestParams, PlanView, void>('portRangeLens/plan');
/** portRangeLens/decode: one pasted value against the file's (or the settings') target. */
export interface DecodeParams { text: string; uri?: string }
export const DecodeRequest = new RequestType<DecodeParams, DecodeView, void>('portRangeLens/decode');

/** Messages from the extension to the planner page. */
/** `language`: the tab to show first (the language of the editor the command ran from). */
export type ToPlanPage = { type: 'plan'; plan: PlanViewOk; language?: PlanLanguage } | { type: 'done'; message: string };
/** Messages from the planner page to the extension: it names a worker and a language, never sends code. */
export type FromPlanPage =
  | { type: 'ready' }
  | { type: 'copy'; what: 'code'; language: PlanLanguage; worker: number }
  | { type: 'copy'; what: 'sysctl' | 'cli' }
  | { type: 'insert'; language: PlanLanguage; worker: number };

/** Narrows an untrusted message from the planner page. */
export function isFromPlanPage(m: unknown): m is FromPlanPage {
  if (typeof m !== 'object' || m === null) return false;
  const x = m as { type?: unknown; what?: unknown; language?: unknown; worker?: unknown };
  const codeRef = PLAN_LANGUAGES.includes(x.language as PlanLanguage) && Number.isInteger(x.worker) && (x.worker as number) >= 0;
  if (x.type === 'ready') return true;
  if (x.type === 'insert') return codeRef;
  if (x.type !== 'copy') return false;
  return x.what === 'code' ? codeRef : x.what === 'sysctl' || x.what === 'cli';
}
