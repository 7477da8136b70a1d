/** The contention check every lock flow runs: N callers, one lock; never two inside at once; all get in. */
import assert from 'node:assert/strict';

export async function contend(
  callers: number,
  withLock: (critical: () => Promise<void>) => Promise<void>,
): Promise<{ entered: number; maxInside: number }> {
  let inside = 0;
  let maxInside = 0;
  let entered = 0;
  const critical = async (): Promise<void> => {
    inside++;
    entered++;
    maxInside = Math.max(maxInside, inside);
    // Hold the lock across a few event-loop turns, so that the others really contend.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    inside--;
  };
  await Promise.all(Array.from({ length: callers }, () => withLock(critical)));
  assert.equal(inside, 0);
  return { entered, maxInside };
}
