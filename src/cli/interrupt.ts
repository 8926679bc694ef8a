/**
 * Ctrl-C for long commands: the first stops the work where it next checks
 * its signal (the trainer: at the next mini-batch), so the command can say
 * what it kept; a second exits at once with 130.
 */

/** Run `work` with a signal that the first Ctrl-C aborts; a second Ctrl-C exits with 130. */
export async function untilInterrupted<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await work(abort.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
