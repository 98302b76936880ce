import { checkFlows } from '../flow-engine/flows-check';

/** Prints every problem of every flow; returns the exit code (0 when all flows are sound). */
export function runFlowsCheck(options: { flowsDir: string; localesDir: string }): number {
  const result = checkFlows(options);
  if (result.problems.length === 0) {
    console.log(`ok: ${result.flows.length} flows (${result.flows.join(', ')})`);
    return 0;
  }
  console.error(`${result.problems.length} problem(s):`);
  for (const problem of result.problems) console.error(`  - ${problem}`);
  return 1;
}
