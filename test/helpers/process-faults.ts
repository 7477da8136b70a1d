/**
 * Records `unhandledRejection` and `uncaughtException` while installed, so that a test can assert that
 * none happened and say where (instead of the process dying). While installed it is the only listener:
 * node:test's own listeners would end whichever test is running at once, leaving its work running
 * into the next test. dispose() puts them back.
 *
 *   const faults = recordProcessFaults();
 *   after(() => faults.dispose());
 *   …
 *   assert.deepEqual(faults.take(), []);
 */

export interface ProcessFault {
  readonly event: 'unhandledRejection' | 'uncaughtException';
  readonly error: unknown;
}

export interface ProcessFaultRecorder {
  /** The faults recorded since the last take(), oldest first; the list is emptied. */
  take(): ProcessFault[];
  /** Resolves at the next fault recorded (at once if one is waiting to be taken). */
  next(): Promise<void>;
  /** Removes the handlers. */
  dispose(): void;
}

export function recordProcessFaults(): ProcessFaultRecorder {
  let faults: ProcessFault[] = [];
  let wake: (() => void)[] = [];
  const record = (fault: ProcessFault) => {
    faults.push(fault);
    const waiting = wake;
    wake = [];
    for (const resolve of waiting) resolve();
  };
  const onRejection = (error: unknown) => record({ event: 'unhandledRejection', error });
  const onException = (error: unknown) => record({ event: 'uncaughtException', error });
  const previousRejection = process.listeners('unhandledRejection');
  const previousException = process.listeners('uncaughtException');
  process.removeAllListeners('unhandledRejection');
  process.removeAllListeners('uncaughtException');
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    take() {
      const taken = faults;
      faults = [];
      return taken;
    },
    next() {
      if (faults.length > 0) return Promise.resolve();
      return new Promise((resolve) => wake.push(resolve));
    },
    dispose() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
      for (const listener of previousRejection) process.on('unhandledRejection', listener);
      for (const listener of previousException) process.on('uncaughtException', listener);
    },
  };
}
