/** Exit status after a cancel, as shells report a process ended by SIGINT. */
export const CANCELLED_EXIT_CODE = 130;

/** What a process edge does on a second SIGINT/SIGTERM: end at once, as cancelled. */
export function exitCancelled(): never {
  process.exit(CANCELLED_EXIT_CODE);
}

let termination: AbortController | undefined;

/**
 * A signal that SIGINT or SIGTERM aborts (a cancelled CI job sends them), so long work — a load
 * test — can stop cleanly and still send its stop event. Asking for it is what makes the process
 * wait for that clean-up instead of dying. The handlers are installed once per process;
 * `onSignal` hears the first signal, `onSecondSignal` the next, which means "now": the process
 * edge that asked decides how to end (a library never exits the process).
 */
export function terminationSignal(onSignal: (signal: NodeJS.Signals) => void, onSecondSignal: () => void): AbortSignal {
  if (!termination) {
    const controller = new AbortController();
    termination = controller;
    for (const name of ["SIGINT", "SIGTERM"] as const) {
      process.on(name, () => {
        if (controller.signal.aborted) return onSecondSignal();
        onSignal(name);
        controller.abort(new Error(`cancelled by ${name}`));
      });
    }
  }
  return termination.signal;
}
