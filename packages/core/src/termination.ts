/** Exit status after a cancel, as shells report a process ended by SIGINT. */
export const CANCELLED_EXIT_CODE = 130;

let termination: AbortController | undefined;

/**
 * A signal that SIGINT or SIGTERM aborts (a cancelled CI job sends them), so long work — a load
 * test — can stop cleanly and still send its stop event. Asking for it is what makes the process
 * wait for that clean-up instead of dying; a second signal means "now" and exits at once. The
 * handlers are installed once per process; `onSignal` hears the first signal.
 */
export function terminationSignal(onSignal?: (signal: NodeJS.Signals) => void): AbortSignal {
  if (!termination) {
    const controller = new AbortController();
    termination = controller;
    for (const name of ["SIGINT", "SIGTERM"] as const) {
      process.on(name, () => {
        if (controller.signal.aborted) process.exit(CANCELLED_EXIT_CODE);
        onSignal?.(name);
        controller.abort(new Error(`cancelled by ${name}`));
      });
    }
  }
  return termination.signal;
}
