// Planner benchmark (deterministic input): the example — 12 workers over the default
// netns range with 100 reserved ports, 3 destinations, every slice simulated to exhaustion
// (about 85,000 connects in all). Prints the median and its ratio to the goal.
import { planPortRanges } from '../engine/src/plan/plan';
import { decodeValue } from '../engine/src/decode/decode';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function line(name: string, value: number, unit: string, goal: number): void {
  const ratio = value / goal;
  console.log(`${name}: ${value.toFixed(1)} ${unit} (goal <= ${goal} ${unit}, ratio ${ratio.toFixed(2)} of goal${ratio <= 1 ? ', ok' : ', OVER'})`);
}

const input = {
  workers: 12, kernel: '6.8', netns: { reservedPorts: '50000-50099' },
  destinations: ['192.0.2.1:443', '192.0.2.2:443', '192.0.2.3:5432'], need: 2000,
};
function once(): number {
  const t0 = performance.now();
  const plan = planPortRanges(input);
  const ms = performance.now() - t0;
  const total = plan.slices.reduce((a, s) => a + s.capacityTotal, 0);
  if (total !== 3 * 28132) throw new Error(`unexpected capacity ${total}`);
  return ms;
}
once();
line('plan: 12 workers, 28,132 usable ports, 3 destinations, every slice simulated (median of 5)', median(Array.from({ length: 5 }, once)), 'ms', 2000);

const values = ['0x9e3f9c40', '40 9c 3f 9e', '[0x87654321 /* 17185..34661 */]', '-1639998400', '40000-40511', "b'@\\x9c?\\x9e'"];
const decodeAll = () => {
  const t0 = performance.now();
  for (let i = 0; i < 10_000; i++) decodeValue(values[i % values.length]);
  return performance.now() - t0;
};
decodeAll(); // warm up the JIT
line('decode: 10,000 values of mixed forms (median of 5)', median(Array.from({ length: 5 }, decodeAll)), 'ms', 200);
