/* @slogate/github-action 1.0.0 */
import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);
import{e as t}from"./chunk-OUSLN7GR.js";import"./chunk-RBO2VUFH.js";import"./chunk-6KVKJGV5.js";import"./chunk-SWDGKA2G.js";import"./chunk-BN6CGVGI.js";import"./chunk-Y47ZCFO6.js";import"./chunk-3EG23D7T.js";import"./chunk-4KFS7HCX.js";import"./chunk-SLSJTQZT.js";import"./chunk-2K5GSRPH.js";import"./chunk-4KBO42TS.js";import"./chunk-FT6T6YU7.js";import"./chunk-JZB3J6PH.js";import"./chunk-5BFL6BRG.js";import{f as r}from"./chunk-ZXNIYAOA.js";import"./chunk-ZZ2TH3EG.js";import"./chunk-EKHVDKJS.js";import"./chunk-C3FB3WED.js";import"./chunk-Z3VZP6WC.js";import"./chunk-RIVOLEPB.js";import"./chunk-PM67O2M7.js";import"./chunk-PEHTTOAZ.js";import"./chunk-ZQKJD3MK.js";var i=`Usage: slogate run [options] [-- <command> [args...]]

Performance as a self-service: runs a load test, marks its start and end in Dynatrace,
evaluates the SLOs over exactly the test's window, and answers pass, warning or fail.

SLIs: the built-in generator measures throughput (requests/s), error_rate (0..1),
response_time_p50/_p90/_p95/_p99 (ms), requests, errors and status_<code>; k6 and JMeter
workloads (slogate.yaml) report their own measurements. They are the SLI source unless
another provider is given; an sli.yaml query workload:<name> mixes them with backend SLIs.

${r("run",["workload","sources","history","window","outcome","events"])}
  -h, --help                 show this help

Exit status: 0 pass (and warning by default), 1 fail (also when the workload did not
complete), 2 invalid input, config or usage, 130 cancelled; n for warning with
--warning-exit-code n.
`;function n(o,e){return t("run",o,e,i)}export{i as RUN_HELP,n as runCommand};
