import { describe, expect, it } from "vitest";
import { seriesLabel } from "./index.js";
import { parseDynatraceQuery } from "./query.js";

describe("Keptn's Dynatrace query forms", () => {
  it.each([
    [
      "metricSelector=a:avg&entitySelector=type(SERVICE)",
      { kind: "metrics", parameters: { metricSelector: "a:avg", entitySelector: "type(SERVICE)" } },
    ],
    [
      " entitySelector=type(HOST) & metricSelector=b & resolution=Inf & mzSelector=mzId(1) ",
      { kind: "metrics", parameters: { metricSelector: "b", entitySelector: "type(HOST)", resolution: "Inf", mzSelector: "mzId(1)" } },
    ],
    ["a:sum?scope=tag(x)", { kind: "metrics", parameters: { metricSelector: "a:sum", entitySelector: "tag(x),type(SERVICE)" } }],
    [
      "?a:sum?scope=type(SERVICE),tag(x)",
      { kind: "metrics", parameters: { metricSelector: "a:sum", entitySelector: "type(SERVICE),tag(x)" } },
    ],
    ["MV2;MicroSecond;metricSelector=rt", { kind: "metrics", parameters: { metricSelector: "rt" }, unit: "MicroSecond" }],
    ["MV2;microsecond;metricSelector=rt", { kind: "metrics", parameters: { metricSelector: "rt" }, unit: "MicroSecond" }],
    ["MV2;byte;metricSelector=mem", { kind: "metrics", parameters: { metricSelector: "mem" }, unit: "Byte" }],
    ["SLO;7d07efde-b714", { kind: "slo", id: "7d07efde-b714" }],
    [
      'PV2;problemSelector=status("open")&entitySelector=type(SERVICE)',
      { kind: "problems", parameters: { problemSelector: 'status("open")', entitySelector: "type(SERVICE)" } },
    ],
    [
      "SECPV2;securityProblemSelector=riskLevel(HIGH)",
      { kind: "security-problems", parameters: { securityProblemSelector: "riskLevel(HIGH)" } },
    ],
    ["DQL;fetch logs | summarize c = count(); ", { kind: "dql", query: "fetch logs | summarize c = count();" }],
  ])("reads %s", (text, query) => {
    expect(parseDynatraceQuery(text)).toEqual({ query });
  });

  it.each([
    ["", "empty metric selector"],
    ["a:sum&entitySelector=type(SERVICE)", "'a:sum' is not a 'key=value' pair; write metricSelector=a:sum if it is a metric selector"],
    ["metricSelector=a&&resolution=Inf", "empty 'key=value' pair"],
    ["metricSelector=a&metricSelector=b", "the key 'metricSelector' appears twice"],
    ["metricSelector=a:filter(eq(k,v=1))", "Keptn allowed exactly one '=' in each"],
    ["entitySelector=type(SERVICE)", "the query has no metricSelector"],
    ["metricSelector=a&from=now-1h", "unknown key 'from'"],
    ["a?type(SERVICE)", "the part after '?' must be 'scope=<entity selector>'"],
    ["a?scope=", "'scope=' has no value"],
    ["MV2;Percent;metricSelector=a", "MV2; converts only from MicroSecond (to ms) or Byte (to KB), not 'Percent'"],
    ["SLO;", "SLO; needs the SLO's id"],
    ["PV2;securityProblemSelector=x", "unknown key 'securityProblemSelector'; expected problemSelector, entitySelector"],
    ["USQL;FUNNEL;;select count(*) from usersession", "USQL; needs one of SINGLE_VALUE, PIE_CHART, COLUMN_CHART, LINE_CHART, TABLE"],
    ["USQL;SINGLE_VALUE;city;select count(*) from usersession", "USQL;SINGLE_VALUE; takes no dimension"],
    ["USQL;TABLE;;select city, count(*) from usersession", "USQL;TABLE; needs the dimension whose row is the value"],
    ["select count(*) from usersession", "looks like a USQL query without the USQL; prefix"],
    ["DQL; ", "DQL; needs a query"],
  ])("refuses %j", (text, message) => {
    const parsed = parseDynatraceQuery(text);
    expect("error" in parsed && parsed.error).toContain(message);
  });
});

describe("slogate's perSeries: one SLI per series", () => {
  it("reads perSeries=true off the query, never to be sent to Dynatrace, and refuses other values", () => {
    expect(parseDynatraceQuery('metricSelector=a:splitBy("d"):avg&resolution=Inf&perSeries=true')).toEqual({
      query: { kind: "metrics", parameters: { metricSelector: 'a:splitBy("d"):avg', resolution: "Inf" }, perSeries: true },
    });
    expect(parseDynatraceQuery("metricSelector=a&perSeries=yes")).toEqual({ error: "perSeries takes true, not 'yes'" });
  });

  it("names a series by its dimension values in key order, a dimension's name in place of its id, as dynatrace-service did", () => {
    expect(seriesLabel({ "dt.entity.service": "SERVICE-1", "dt.entity.service.name": "carts", port: "8080" })).toBe("carts 8080");
    expect(seriesLabel({ b: "two", a: "one", c: "", d: null })).toBe("one two");
    expect(seriesLabel({})).toBe("");
  });
});
