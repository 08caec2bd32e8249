import { describe, expect, it } from "vitest";
import {
  cleanSliName,
  convertedSelector,
  type Dashboard,
  type DashboardTile,
  gateFromDashboard,
  matchesGateName,
  metricsToDescribe,
  parseMarkdownSettings,
  parseTileTitle,
  thresholdCriteria,
} from "./dashboard-gate.js";

describe("tile titles, by dynatrace-service's grammar", () => {
  it("reads the documented examples", () => {
    expect(parseTileTitle("Av Response Time; pass=<=75000")).toEqual({
      definition: {
        displayName: "Av Response Time",
        sli: "av_response_time",
        pass: [["<=75000"]],
        warning: [],
        weight: 1,
        key: false,
        exclude: false,
      },
      errors: [],
    });
    expect(parseTileTitle("sli=service_rt_av; pass=<=75000").definition).toMatchObject({
      displayName: "service_rt_av",
      sli: "service_rt_av",
    });
    expect(parseTileTitle("Av Svc Resp. Time; sli=srt_av; pass=<=70000; warning=<=80000; key=true; weight=2").definition).toEqual({
      displayName: "Av Svc Resp. Time",
      sli: "srt_av",
      pass: [["<=70000"]],
      warning: [["<=80000"]],
      weight: 2,
      key: true,
      exclude: false,
    });
    // Commas AND the criteria of one block; a repeated pass= adds a block (OR).
    expect(parseTileTitle("sli=x;pass=<+10%,<600;pass=<500").definition.pass).toEqual([["<+10%", "<600"], ["<500"]]);
    expect(parseTileTitle("Static SLO - Pass; PASS=>=90").definition).toMatchObject({ sli: "static_slo_-_pass", pass: [[">=90"]] });
    expect(parseTileTitle("Throughput;exclude=true").definition.exclude).toBe(true);
  });

  it("refuses what dynatrace-service refused, saying where in the title", () => {
    expect(parseTileTitle("rt;sli=rt;pass=< 600").errors).toEqual([`at offset 10: invalid criteria for 'pass': "< 600"`]);
    expect(parseTileTitle("rt;pass=<600, <700").errors).toEqual([`at offset 3: invalid criteria for 'pass': " <700"`]);
    expect(parseTileTitle("rt;weight=3.14;key=yes").errors).toEqual([
      `at offset 3: 'weight' must be a whole number, not "3.14"`,
      `at offset 15: 'key' must be true or false, not "yes"`,
    ]);
    expect(parseTileTitle("rt;sli=a;sli=b").errors).toEqual(["at offset 9: 'sli' is given twice"]);
  });

  it("cleans SLI names as dynatrace-service did", () => {
    expect(cleanSliName("Av Response Time (Info)")).toBe("av_response_time_(info)");
    expect(cleanSliName("Req/s 95% $.x")).toBe("req_s_95____x");
  });
});

describe("the markdown tile and the dashboard name", () => {
  it("reads the KQG settings with their defaults, and refuses bad values", () => {
    expect(
      parseMarkdownSettings(
        "KQG.Total.Pass=80%;KQG.Total.Warning=60;KQG.Compare.WithScore=pass_or_warn;KQG.Compare.Results=3;KQG.Compare.Function=p90",
      ),
    ).toEqual({
      settings: {
        totalScore: { pass: "80%", warning: "60" },
        comparison: {
          compare_with: "several_results",
          include_result_with_score: "pass_or_warn",
          number_of_comparison_results: 3,
          aggregate_function: "p90",
        },
      },
      errors: [],
    });
    expect(parseMarkdownSettings("KQG.Compare.Function=p97").errors).toEqual(["invalid value for 'kqg.compare.function': p97"]);
  });

  it("matches KQG;project=…;stage=…;service=… in any order and case, not with a space after a semicolon", () => {
    const labels = { project: "sockshop", stage: "staging", service: "carts" };
    expect(matchesGateName("KQG;project=sockshop;stage=staging;service=carts", labels)).toBe(true);
    expect(matchesGateName("kqg;service=Carts;project=sockshop;stage=staging;My gate", labels)).toBe(true);
    expect(matchesGateName("KQG; project=sockshop;stage=staging;service=carts", labels)).toBe(false);
    expect(matchesGateName("KQG;project=sockshop;stage=production;service=carts", labels)).toBe(false);
  });
});

describe("a dashboard's gate", () => {
  const dashboard = (tiles: Dashboard["tiles"]): Dashboard => ({
    id: "12345678-1111-4111-8111-123456789abc",
    dashboardMetadata: { name: "KQG;project=p;stage=s;service=c" },
    tiles,
  });

  it("names the dashboard and the tile when two tiles define one SLI, or a tile type cannot hold an SLI", () => {
    const tile = {
      name: "rt;pass=<600",
      tileType: "DATA_EXPLORER",
      queries: [{ id: "A", enabled: true }],
      metricExpressions: ["resolution=null&builtin:service.response.time"],
    };
    expect(() => gateFromDashboard(dashboard([tile, { ...tile }]), new Map())).toThrow(
      'dashboard "KQG;project=p;stage=s;service=c" (12345678-1111-4111-8111-123456789abc), tile 2 (DATA_EXPLORER "rt;pass=<600"): defines the SLI "rt" that tile 1 (DATA_EXPLORER "rt;pass=<600") defines already',
    );
    expect(() => gateFromDashboard(dashboard([{ name: "Hosts;sli=hosts;pass=<5", tileType: "HOSTS" }]), new Map())).toThrow(
      'tile 1 (HOSTS "Hosts;sli=hosts;pass=<5"): is a HOSTS tile, which defines no SLI a gate can query',
    );
  });
});

describe("criteria from a Data Explorer tile's coloured thresholds (a title without criteria)", () => {
  const tile = (rules: Array<{ value?: number | null; color?: string }>, visible = true): DashboardTile => ({
    name: "Response time",
    tileType: "DATA_EXPLORER",
    visualConfig: { thresholds: [{ visible, rules }] },
  });

  it("reads pass-warn-fail and fail-warn-pass as dynatrace-service did, printed with six decimals", () => {
    expect(
      thresholdCriteria(
        tile([
          { value: 0, color: "#7dc540" },
          { value: 500, color: "#f5d30f" },
          { value: 800, color: "#dc172a" },
        ]),
      ),
    ).toEqual({
      pass: [[">=0.000000", "<500.000000"]],
      warning: [[">=0.000000", "<800.000000"]],
    });
    expect(
      thresholdCriteria(
        tile([
          { value: 0, color: "#93060e" },
          { value: 95, color: "#ffe11c" },
          { value: 99, color: "#54c27d" },
        ]),
      ),
    ).toEqual({
      pass: [[">=99.000000"]],
      warning: [[">=95.000000"]],
    });
  });

  it("ignores thresholds not in use, and refuses what dynatrace-service refused, with its reasons", () => {
    expect(thresholdCriteria({ name: "x", tileType: "DATA_EXPLORER" })).toBeNull();
    expect(thresholdCriteria(tile([{ value: 1, color: "#7dc540" }], false))).toBeNull();
    expect(thresholdCriteria(tile([{ value: null, color: "#7dc540" }, {}, {}]))).toBeNull();
    expect(thresholdCriteria(tile([{ value: 0, color: "#7dc540" }, { value: 500, color: "#123456" }, { color: "#dc172a" }]))).toEqual({
      error: "invalid color #123456 at position 2; missing value at position 3",
    });
    expect(
      thresholdCriteria(
        tile([
          { value: 5, color: "#7dc540" },
          { value: 5, color: "#dc172a" },
          { value: 9, color: "#f5d30f" },
        ]),
      ),
    ).toEqual({
      error: "values (5.000000 5.000000) must increase strictly monotonically; invalid color sequence: pass fail warn",
    });
  });

  it("gives a tile without criteria in its title the criteria of its thresholds", () => {
    const gate = gateFromDashboard(
      {
        id: "12345678-1111-4111-8111-123456789abc",
        dashboardMetadata: { name: "KQG;project=p;stage=s;service=c" },
        tiles: [
          {
            name: "Response time",
            tileType: "DATA_EXPLORER",
            queries: [{ id: "A", enabled: true }],
            metricExpressions: ["resolution=null&builtin:service.response.time"],
            visualConfig: {
              thresholds: [
                {
                  visible: true,
                  rules: [
                    { value: 0, color: "#7dc540" },
                    { value: 500, color: "#f5d30f" },
                    { value: 800, color: "#dc172a" },
                  ],
                },
              ],
            },
          },
        ],
      },
      new Map(),
    );
    expect(gate.objectives).toEqual([
      {
        sli: "response_time",
        displayName: "Response time",
        pass: [[">=0.000000", "<500.000000"]],
        warning: [[">=0.000000", "<800.000000"]],
        weight: 1,
        key: false,
      },
    ]);
  });

  it("filters metrics and problems by the tile's management zone, else the dashboard's; the zone all filters nothing", () => {
    const explorer = (name: string, tileFilter?: DashboardTile["tileFilter"]): DashboardTile => ({
      name,
      tileType: "DATA_EXPLORER",
      queries: [{ id: "A", enabled: true }],
      metricExpressions: ["resolution=null&builtin:service.response.time"],
      ...(tileFilter !== undefined ? { tileFilter } : {}),
    });
    const gate = gateFromDashboard(
      {
        id: "12345678-1111-4111-8111-123456789abc",
        dashboardMetadata: {
          name: "KQG;project=p;stage=s;service=c",
          dashboardFilter: { managementZone: { id: "-7747", name: "Production EU" } },
        },
        tiles: [
          explorer("rt dashboard zone;pass=<=500"),
          explorer("rt tile zone;pass=<=500", { managementZone: { id: "4", name: "Checkout" } }),
          explorer("rt all zones;pass=<=500", { managementZone: { id: "all", name: "All" } }),
          { name: "Problems", tileType: "OPEN_PROBLEMS", tileFilter: { managementZone: { id: "4", name: "Checkout" } } },
          explorer("rt quoted zone;pass=<=500", { managementZone: { id: "5", name: 'EU "west" ~1' } }),
          explorer("rt zone by id;pass=<=500", { managementZone: { id: "-6", name: "R&D=lab" } }),
        ],
      },
      new Map(),
    );
    expect(gate.indicators).toEqual({
      rt_dashboard_zone: 'metricSelector=builtin:service.response.time&mzSelector=mzName("Production EU")&perSeries=true',
      rt_tile_zone: 'metricSelector=builtin:service.response.time&mzSelector=mzName("Checkout")&perSeries=true',
      rt_all_zones: "metricSelector=builtin:service.response.time&perSeries=true",
      problems: 'PV2;problemSelector=status("open"),managementZones("Checkout")',
      rt_quoted_zone: 'metricSelector=builtin:service.response.time&mzSelector=mzName("EU ~"west~" ~~1")&perSeries=true',
      rt_zone_by_id: "metricSelector=builtin:service.response.time&mzSelector=mzId(-6)&perSeries=true",
    });
  });

  it("reads a user sessions tile as a USQL SLI: a single value, or one SLI per row of a chart or table", () => {
    const dashboard = (type: string): Dashboard => ({
      id: "12345678-1111-4111-8111-123456789abc",
      dashboardMetadata: { name: "KQG;project=p;stage=s;service=c" },
      tiles: [
        {
          name: "User sessions query",
          tileType: "DTAQL",
          customName: "Sessions;sli=sessions;pass=>=100;weight=2",
          query: "SELECT count(*) FROM usersession",
          type,
          tileFilter: { managementZone: { id: "4", name: "Checkout" } },
        },
      ],
    });
    const gate = gateFromDashboard(dashboard("SINGLE_VALUE"), new Map());
    expect(gate.indicators).toEqual({ sessions: "USQL;SINGLE_VALUE;;SELECT count(*) FROM usersession" });
    expect(gate.objectives).toEqual([{ sli: "sessions", displayName: "Sessions", pass: [[">=100"]], warning: [], weight: 2, key: false }]);
    // A chart or table: one SLI per row.
    expect(gateFromDashboard(dashboard("COLUMN_CHART"), new Map()).indicators).toEqual({
      sessions: "USQL;COLUMN_CHART;*;SELECT count(*) FROM usersession",
    });
    expect(() => gateFromDashboard(dashboard("FUNNEL"), new Map())).toThrow(
      'dashboard "KQG;project=p;stage=s;service=c" (12345678-1111-4111-8111-123456789abc), tile 1 (DTAQL "User sessions query"): shows its user sessions as FUNNEL, which dashboard mode does not read',
    );
  });

  it("converts a tile's unit as dynatrace-service did, from the metric's own unit", () => {
    const rt = "(builtin:service.response.time:splitBy():avg:auto):limit(100):names";
    const all = ["filter", "fold", "names", "toUnit"];
    expect(convertedSelector(rt, "MilliSecond", { unit: "MicroSecond", transformations: all })).toEqual({
      selector: `(${rt}):toUnit(MicroSecond,MilliSecond)`,
    });
    expect(convertedSelector(rt, "MilliSecond", { unit: "MicroSecond", transformations: ["filter"] })).toEqual({
      selector: `(${rt}):auto:toUnit(MicroSecond,MilliSecond)`,
    });
    expect(convertedSelector(rt, "MicroSecond", { unit: "MicroSecond", transformations: all })).toEqual({ selector: rt });
    expect(convertedSelector("builtin:service.requestCount.total", "Kilo", { unit: "Count", transformations: all })).toEqual({
      selector: "(builtin:service.requestCount.total)/1000",
    });
    expect(convertedSelector("calc:service.x", "Million", { unit: "Unspecified", transformations: all })).toEqual({
      selector: "(calc:service.x)/1000000",
    });
    expect(convertedSelector("builtin:service.requestCount.total", "MilliSecond", { unit: "Count", transformations: all })).toEqual({
      error: "unknown unit 'MilliSecond' for a Count metric",
    });

    const tile = (unitTransform: string): DashboardTile => ({
      name: "Response time;sli=rt;pass=<=500",
      tileType: "DATA_EXPLORER",
      queries: [{ id: "A", enabled: true }],
      metricExpressions: [`resolution=Inf&${rt}`],
      visualConfig: { rules: [{ matcher: "A:", unitTransform }] },
    });
    const dashboard = (unitTransform: string): Dashboard => ({
      id: "12345678-1111-4111-8111-123456789abc",
      dashboardMetadata: { name: "KQG;project=p;stage=s;service=c" },
      tiles: [tile(unitTransform), { ...tile("auto"), name: "Other;sli=other" }],
    });
    expect(metricsToDescribe(dashboard("MilliSecond"))).toEqual([rt]);
    expect(metricsToDescribe(dashboard("auto"))).toEqual([]);
    const gate = gateFromDashboard(dashboard("MilliSecond"), new Map(), new Map([[rt, { unit: "MicroSecond", transformations: all }]]));
    expect(gate.indicators.rt).toBe(`metricSelector=(${rt}):toUnit(MicroSecond,MilliSecond)&resolution=Inf&perSeries=true`);
    expect(gate.indicators.other).toBe(`metricSelector=${rt}&resolution=Inf&perSeries=true`);
    expect(() =>
      gateFromDashboard(dashboard("Kilo"), new Map(), new Map([[rt, { unit: "MicroSecond", transformations: all }]])),
    ).not.toThrow();
    expect(() => gateFromDashboard(dashboard("MilliSecond"), new Map(), new Map([[rt, { unit: "Count", transformations: all }]]))).toThrow(
      "cannot show the metric in MilliSecond: unknown unit 'MilliSecond' for a Count metric",
    );
  });

  it("reads a custom chart's one series as dynatrace-service built its query", () => {
    const gateOf = (chart: Partial<DashboardTile>) =>
      gateFromDashboard(
        {
          id: "12345678-1111-4444-8888-123456789012",
          dashboardMetadata: { name: "KQG;project=qualitygate;service=evalservice;stage=qualitystage" },
          tiles: [{ name: "Custom chart", tileType: "CUSTOM_CHARTING", ...chart }],
        },
        new Map(),
        new Map([
          [
            "builtin:service.response.time",
            { unit: "MicroSecond", transformations: ["filter", "names", "toUnit"], defaultAggregation: "avg", entityType: ["SERVICE"] },
          ],
          ["builtin:service.keyRequest.count.total", { unit: "Count", transformations: [], defaultAggregation: "value", entityType: [] }],
        ]),
      );
    const series = (extra: Record<string, unknown> = {}) => ({
      metric: "builtin:service.response.time",
      aggregation: "PERCENTILE",
      percentile: 90,
      type: "LINE",
      entityType: "SERVICE",
      dimensions: [],
      ...extra,
    });
    // dynatrace-service's test data: response_time_p90 (no filter), then its filters.
    const p90 = gateOf({
      filterConfig: {
        customName: "Response time (P90);sli=svc_rt_p90;pass=<+10%,<550",
        chartConfig: { series: [series()] },
        filtersPerEntityType: {},
      },
    });
    expect(p90.indicators).toEqual({
      svc_rt_p90:
        "metricSelector=builtin:service.response.time:splitBy():percentile(90.000000):names&entitySelector=type(SERVICE)&perSeries=true",
    });
    expect(p90.objectives).toEqual([
      { sli: "svc_rt_p90", displayName: "Response time (P90)", pass: [["<+10%", "<550"]], warning: [], weight: 1, key: false },
    ]);
    const filtered = gateOf({
      filterConfig: {
        customName: "Response time;sli=rt;pass=<=500",
        chartConfig: {
          series: [series({ aggregation: "NONE", dimensions: [{ name: "dt.entity.service", values: ["SERVICE-086C46F600BA1DC6"] }] })],
          leftAxisCustomUnit: "MilliSecond",
        },
        filtersPerEntityType: {
          SERVICE: { SPECIFIC_ENTITIES: ["SERVICE-086C46F600BA1DC6"], AUTO_TAGS: ["keptn_deployment:primary", "env:prod"] },
        },
      },
    });
    expect(filtered.indicators.rt).toBe(
      'metricSelector=(builtin:service.response.time:filter(eq("dt.entity.service","SERVICE-086C46F600BA1DC6")):splitBy("dt.entity.service"):avg:names):toUnit(MicroSecond,MilliSecond)' +
        '&entitySelector=type(SERVICE),entityId("SERVICE-086C46F600BA1DC6"),tag("keptn_deployment:primary"),tag("env:prod")&perSeries=true',
    );
    const keyRequests = gateOf({
      filterConfig: {
        customName: "Key requests;sli=kr",
        chartConfig: {
          series: [{ metric: "builtin:service.keyRequest.count.total", aggregation: "SUM", entityType: "SERVICE_KEY_REQUEST" }],
        },
        filtersPerEntityType: { SERVICE: { AUTO_TAGS: ["keptn_service:carts"] } },
      },
    });
    expect(keyRequests.indicators.kr).toBe(
      'metricSelector=builtin:service.keyRequest.count.total:splitBy():sum:names&entitySelector=type(SERVICE_KEY_REQUEST),fromRelationships.isServiceMethodOfService(type(SERVICE),tag("keptn_service:carts"))&perSeries=true',
    );
    // dynatrace-service's filterby_servicetopg data: filters no entity selector can carry.
    expect(() =>
      gateOf({
        filterConfig: {
          customName: "Response time (P95);sli=svc_rt_p95;pass=<+10%,<600",
          chartConfig: { series: [series({ percentile: 95 })] },
          filtersPerEntityType: {
            SERVICE: {
              SERVICE_TO_PG: ["PROCESS_GROUP-88C57C95F9A41B3C|keptn07project.simplenode.prod.primary"],
              SPECIFIC_ENTITIES: ["SERVICE-086C46F600BA1DC6"],
              SERVICE_SOFTWARE_TECH: ["NODE_JS"],
            },
          },
        },
      }),
    ).toThrow(
      'tile 1 (CUSTOM_CHARTING "Custom chart"): filters by SERVICE.SERVICE_TO_PG, SERVICE.SERVICE_SOFTWARE_TECH, which dashboard mode cannot write as an entity selector',
    );
    expect(() => gateOf({ filterConfig: { customName: "Two;sli=two", chartConfig: { series: [series(), series()] } } })).toThrow(
      "charts 2 series; dashboard mode reads a custom chart of one",
    );
    // A chart whose title defines no objective and that cannot be read is passed over with a note.
    const decorative = gateFromDashboard(
      {
        id: "12345678-1111-4444-8888-123456789012",
        dashboardMetadata: { name: "KQG;project=qualitygate;service=evalservice;stage=qualitystage" },
        tiles: [
          {
            name: "Custom chart",
            tileType: "CUSTOM_CHARTING",
            filterConfig: { customName: "Traffic by host", chartConfig: { series: [series(), series()] } },
          },
          { name: "Problems", tileType: "OPEN_PROBLEMS" },
        ],
      },
      new Map(),
    );
    expect(decorative.indicators).toEqual({ problems: 'PV2;problemSelector=status("open")' });
    expect(decorative.skipped).toEqual([
      'tile 1 (CUSTOM_CHARTING "Custom chart"): passed over, its title defines no objective and the tile charts 2 series; dashboard mode reads a custom chart of one',
    ]);
    // A chart without filterConfig, or whose title excludes it, defines nothing.
    expect(() => gateOf({})).toThrow("no tile defines an objective");
    expect(
      metricsToDescribe({
        id: "x",
        dashboardMetadata: { name: "KQG;" },
        tiles: [{ name: "c", tileType: "CUSTOM_CHARTING", filterConfig: { customName: "c;sli=c", chartConfig: { series: [series()] } } }],
      }),
    ).toEqual(["builtin:service.response.time"]);
  });
});
