import { SlogateError } from "../errors.js";
import type { HistoryStore } from "../history/history-store.js";
import type { SliAnswer, SliProvider } from "./sli-provider.js";

/**
 * The SLI values of a stored result, so a changed SLO can be tried on real history without
 * touching a backend. The window is the stored run's.
 */
export class ReplaySliProvider implements SliProvider {
  readonly id = "replay";

  constructor(
    private readonly history: HistoryStore,
    private readonly evaluationId: string,
  ) {}

  async fetch(): Promise<SliAnswer> {
    const entry = (await this.history.list()).find((stored) => stored.id === this.evaluationId);
    if (!entry) {
      throw new SlogateError("NOT_FOUND", `result ${this.evaluationId} is not in the history`, {
        suggestion: "Run `slogate history list` to see the stored result ids",
      });
    }
    const indicatorValues = (entry.previous.indicatorResults ?? []).flatMap((indicator) =>
      indicator.value
        ? [
            {
              metric: indicator.value.metric,
              value: indicator.value.value,
              success: indicator.value.success,
              message: indicator.value.success ? "" : "no value in the stored result",
            },
          ]
        : [],
    );
    return {
      status: "succeeded",
      result: "pass",
      message: "",
      indicatorValues,
      ...(entry.window ? { window: entry.window } : {}),
      // SLIs the stored run read per series are judged per series again.
      ...(entry.document?.perSeries ? { perSeries: entry.document.perSeries } : {}),
    };
  }
}
