/** How a paired load test names the baseline it compared with, in comparedWith and comparedEvents. */
export function baselineTargetId(target: string): string {
  return `baseline ${target}`;
}

/** The baseline target a result compared with, when it was a paired load test. */
export function baselineTargetOf(comparedWith: readonly string[]): string | null {
  const [only] = comparedWith;
  return comparedWith.length === 1 && only?.startsWith("baseline ") ? only.slice("baseline ".length) : null;
}
