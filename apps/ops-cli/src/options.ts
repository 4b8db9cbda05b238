import { InvalidArgumentError } from 'commander';

/** An option's value as a whole number of at least `min` (commander says which option is wrong). */
export function wholeNumber(min: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < min) throw new InvalidArgumentError(`it must be a whole number of at least ${min}.`);
    return Number(value);
  };
}

/** An option's value as seconds (fractions allowed), more than 0. */
export function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(n > 0)) throw new InvalidArgumentError('it must be a number of seconds, more than 0.');
  return n;
}

/**
 * A signal that aborts on Ctrl-C (SIGINT) or SIGTERM, and after `timeoutSeconds` when given: how
 * a command that follows (tail, rebuild) is told to stop, and stops cleanly.
 */
export function stopSignal(timeoutSeconds?: number): { signal: AbortSignal; timedOut: () => boolean; dispose: () => void } {
  const interrupted = new AbortController();
  const onSignal = () => interrupted.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timeout = timeoutSeconds === undefined ? undefined : AbortSignal.timeout(Math.round(timeoutSeconds * 1000));
  return {
    signal: timeout ? AbortSignal.any([interrupted.signal, timeout]) : interrupted.signal,
    timedOut: () => timeout?.aborted === true && !interrupted.signal.aborted,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
