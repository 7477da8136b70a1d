import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` until it holds; fails the test, naming `what`, after `ms`. A bounded wait, not a timing assertion. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for: ${what}`);
    await sleep(25);
  }
}

/**
 * Resolves as `promise` settles; fails the test, naming `what`, if it has not settled after `ms`.
 * A bounded wait for an event (a broken implementation fails here instead of hanging the run).
 */
export async function within<T>(what: string, promise: Promise<T>, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new assert.AssertionError({ message: `still waiting after ${ms} ms for: ${what}` })),
      ms,
    );
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
