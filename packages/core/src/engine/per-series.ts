import type { Slo } from "./types.js";

/**
 * The objectives of a gate whose SLIs answered one value per series (a dashboard tile split by a
 * dimension): each such objective becomes one per series, named `<sli>_<series>` and shown as
 * `<display name> (<series>)`, with the same criteria, weight and key flag — the SLIs
 * dynatrace-service made of a split tile. Objectives of other SLIs are kept as they are.
 */
export function objectivesPerSeries(slo: Slo, perSeries: Readonly<Record<string, ReadonlyArray<{ sli: string; label: string }>>>): Slo {
  if (Object.keys(perSeries).length === 0) return slo;
  return {
    ...slo,
    objectives: slo.objectives.flatMap((objective) => {
      const series = perSeries[objective.sli];
      if (!series) return [objective];
      return series.map(({ sli, label }) => ({
        ...objective,
        sli,
        displayName: label === "" ? objective.displayName : `${objective.displayName || objective.sli} (${label})`,
      }));
    }),
  };
}
