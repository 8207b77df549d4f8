/** The engine's public surface: a pure model of Linux ephemeral-port allocation. */
export * from './errno';
export * from './kernels';
export * from './uapi';
export * from './range';
export * from './scenarioTypes';
export {
  NETNS_DEFAULTS, ReservedPorts, SysctlError, canonicalReservedPorts, formatIpLocalPortRange, parseReservedPorts,
  readNetnsFromProc, resolveNetns, netnsStateToConfig, writeIpAutobindReuse, writeIpLocalPortRange, writeIpLocalReservedPorts,
  writeIpUnprivilegedPortStart, writeTcpTwReuse, writeTcpTwReuseDelay,
  type NetnsState, type SysctlWrite,
} from './sysctl';
export { randomBelow, recordingSource, seededRandom, sequenceSource, toRandomSource, type RandomSource } from './random';
export { splitHostPort } from './addr';
export { runScenario, ScenarioError, ScenarioRunner, type ScenarioInput, type ScenarioOutput } from './scenario';
export {
  runSimulation, simulatePattern, validateSimulationParams, simulationCli, defaultDestination, describeRule, MAX_SOCKETS, SimulationError,
  type SimulationParams, type SimulationReport, type SimOp,
} from './simulate';
export * from './plan/index';
export { decodeValue, straceNotation, straceRangeText, DecodeInputError, type DecodeOptions, type DecodedPaste } from './decode/decode';
export { parseValue, kernelReadOf, type InputForm, type ParsedValue } from './decode/parse';
