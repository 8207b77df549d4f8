// Placeholder until the analyzer lands (issue 3): `check` reports that it is unavailable.
export async function runCheck(_argv: string[]): Promise<number> {
  process.stderr.write('port-range-lens check: the analyzer is not built yet\n');
  return 2;
}
