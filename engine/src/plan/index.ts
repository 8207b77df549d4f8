/** The port-range partition planner (see plan.ts). */
export { planPortRanges } from './plan';
export { patternOp, sharesPortsAcrossDestinations, sliceSimulation, sliceCapacity, type CapacityRun } from './capacity';
export { shareCounts, usablePorts, cutSlices } from './partition';
export * from './types';
