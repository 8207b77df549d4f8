/** The engine's public surface: a pure model of Linux ephemeral-port allocation. */
export * from './errno';
export * from './kernels';
export * from './uapi';
export * from './range';
export * from './scenarioTypes';
