/* @slogate/github-action 1.0.0 */
import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);
import{b as u}from"./chunk-6KVKJGV5.js";import{a as y}from"./chunk-BN6CGVGI.js";import"./chunk-Y47ZCFO6.js";import{a as h}from"./chunk-Z3VZP6WC.js";import"./chunk-PM67O2M7.js";import{a as p,c as l}from"./chunk-PEHTTOAZ.js";import"./chunk-ZQKJD3MK.js";import{existsSync as _}from"fs";import{resolve as v}from"path";var S=`Usage: slogate init [--provider dynatrace|prometheus|file] [--force]

Writes a starting slogate.yaml, slo.yaml and sli.yaml (or values.json for the file provider)
in this directory, each with the editor-schema line, ready for slogate evaluate.

  --provider <name>          where SLIs come from (default dynatrace)
  --force                    overwrite files that exist
  -h, --help                 show this help
`,E={provider:{type:"string"},force:{type:"boolean"},help:{type:"boolean",short:"h"}},o=u,$=`# yaml-language-server: $schema=${o}/slo.schema.json
# A Keptn slo.yaml: slogate evaluates it with Keptn's rules.
spec_version: "1.0"
comparison:
  compare_with: "several_results"
  number_of_comparison_results: 3
  aggregate_function: "avg"
objectives:
  - sli: response_time_p95
    displayName: "Response time P95 (ms)"
    pass:
      - criteria: ["<=+10%", "<600"]
    warning:
      - criteria: ["<=800"]
  - sli: error_rate
    displayName: "Error rate"
    key_sli: true
    pass:
      - criteria: ["<=0.01"]
total_score:
  pass: "90%"
  warning: "75%"
`,R={dynatrace:`# yaml-language-server: $schema=${o}/sli.schema.json
# Keptn's Dynatrace sli.yaml: one query per SLI ($SERVICE, $STAGE\u2026 come from the labels).
spec_version: "1.0"
indicators:
  response_time_p95: "metricSelector=builtin:service.response.time:percentile(95)&entitySelector=type(SERVICE),tag(service:$SERVICE)"
  error_rate: "metricSelector=builtin:service.errors.total.rate:avg&entitySelector=type(SERVICE),tag(service:$SERVICE)"
`,prometheus:`# yaml-language-server: $schema=${o}/sli.schema.json
# Keptn's Prometheus sli.yaml: one PromQL query per SLI ($DURATION_SECONDS is the window).
spec_version: "1.0"
indicators:
  response_time_p95: "histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket{job='$SERVICE'}[$DURATION_SECONDS])) by (le)) * 1000"
  error_rate: "sum(rate(http_requests_total{job='$SERVICE',code=~'5..'}[$DURATION_SECONDS])) / sum(rate(http_requests_total{job='$SERVICE'}[$DURATION_SECONDS]))"
`};function I(r){return`# yaml-language-server: $schema=${o}/slogate.schema.json
version: 1
slo: slo.yaml
${r==="file"?`providers:
  default: file
  file:
    path: values.json
`:r==="dynatrace"?`sli: sli.yaml
providers:
  default: dynatrace
  # The URL and token come from DT_URL and DT_API_TOKEN.
  dynatrace:
    settle: 2m
`:`sli: sli.yaml
providers:
  default: prometheus
  # The URL comes from PROMETHEUS_URL, or set it here.
`}labels:
  service: my-service
  stage: staging
history:
  type: file
  path: .slogate/history.jsonl
  store: true
`}var d=["dynatrace","prometheus","file"];async function C(r,e){let{values:a,positionals:m}=h(r,E,"init");if(a.help)return e.stdout(S),0;if(m.length>0)throw l(`unexpected argument ${JSON.stringify(m[0])}`,"See slogate init --help");let i=a.provider??"dynatrace";if(!d.includes(i))throw l(`--provider ${JSON.stringify(i)} is not one init knows`,`Use one of ${d.join(", ")}`);let t=i,c={"slogate.yaml":I(t),"slo.yaml":$,...t==="file"?{"values.json":`{ "response_time_p95": 420, "error_rate": 0.002 }
`}:{"sli.yaml":R[t]}},n=Object.keys(c).filter(s=>_(v(e.cwd,s)));if(n.length>0&&a.force!==!0)throw new p("INVALID_USAGE",`${n.join(", ")} already exist${n.length===1?"s":""} here; nothing was written`,{suggestion:"Run slogate init in another directory, or add --force to overwrite"});for(let[s,g]of Object.entries(c))await y(e,s,g),e.stdout(`wrote ${s}
`);let f=t==="file"?"slogate evaluate":t==="dynatrace"?"DT_URL=\u2026 DT_API_TOKEN=\u2026 slogate evaluate --timeframe 15m --dry-run":"PROMETHEUS_URL=\u2026 slogate evaluate --timeframe 15m --dry-run";return e.stdout(`Next: set the service label in slogate.yaml, then run: ${f}
`),0}export{S as INIT_HELP,C as initCommand};
