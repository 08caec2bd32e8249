import type { SliAnswer, SliProvider, SliRequest } from "./sli-provider.js";

/**
 * Several providers behind one: each SLI goes to its override, or to the default. The answers
 * are merged in the order the SLIs were asked for, so the engine never knows which backend
 * produced a value.
 */
export class RoutedSliProvider implements SliProvider {
  readonly id: string;

  constructor(
    private readonly defaultProvider: SliProvider,
    private readonly overrides: ReadonlyMap<string, SliProvider>,
  ) {
    this.id = [defaultProvider.id, ...new Set([...overrides.values()].map((p) => p.id))].join("+");
  }

  async fetch(request: SliRequest): Promise<SliAnswer> {
    const groups = new Map<SliProvider, string[]>();
    for (const sli of request.indicators) {
      const provider = this.overrides.get(sli) ?? this.defaultProvider;
      groups.set(provider, [...(groups.get(provider) ?? []), sli]);
    }
    const answers = await Promise.all([...groups].map(([provider, indicators]) => provider.fetch({ ...request, indicators })));
    const byName = new Map(answers.flatMap((answer) => answer.indicatorValues.map((value) => [value.metric, value] as const)));
    const asked = new Set(request.indicators);
    const ordered = request.indicators.flatMap((sli) => (byName.has(sli) ? [byName.get(sli) as SliAnswer["indicatorValues"][number]] : []));
    // Values nobody asked for (a file with extras) are kept: Keptn reports them as additional SLIs.
    const extras = answers.flatMap((answer) => answer.indicatorValues.filter((value) => !asked.has(value.metric)));
    const broken = answers.find((answer) => answer.status !== "succeeded");
    const windows = answers.map((answer) => answer.window).filter((w) => w?.start && w.end);
    return {
      status: broken?.status ?? "succeeded",
      result: answers.some((answer) => answer.result === "fail") ? "fail" : "pass",
      message: answers
        .map((answer) => answer.message)
        .filter(Boolean)
        .join("; "),
      indicatorValues: [...ordered, ...extras],
      queries: Object.assign({}, ...answers.map((answer) => answer.queries ?? {})),
      units: Object.assign({}, ...answers.map((answer) => answer.units ?? {})),
      samples: Object.assign({}, ...answers.map((answer) => answer.samples ?? {})),
      unreachable: Object.assign({}, ...answers.map((answer) => answer.unreachable ?? {})),
      perSeries: Object.assign({}, ...answers.map((answer) => answer.perSeries ?? {})),
      ...(windows[0] ? { window: windows[0] } : {}),
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.defaultProvider, ...this.overrides.values()].map((provider) => provider.close?.()));
  }
}
