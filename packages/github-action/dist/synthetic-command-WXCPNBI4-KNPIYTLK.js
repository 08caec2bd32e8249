/* @slogate/github-action 1.0.0 */
import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);
import{c as u,d as h}from"./chunk-QCBWANET.js";import{c as g}from"./chunk-OUSLN7GR.js";import"./chunk-RBO2VUFH.js";import"./chunk-6KVKJGV5.js";import"./chunk-SWDGKA2G.js";import"./chunk-BN6CGVGI.js";import"./chunk-Y47ZCFO6.js";import"./chunk-3EG23D7T.js";import"./chunk-4KFS7HCX.js";import"./chunk-SLSJTQZT.js";import"./chunk-2K5GSRPH.js";import"./chunk-4KBO42TS.js";import"./chunk-FT6T6YU7.js";import"./chunk-JZB3J6PH.js";import"./chunk-5BFL6BRG.js";import{e as m}from"./chunk-ZXNIYAOA.js";import"./chunk-ZZ2TH3EG.js";import"./chunk-EKHVDKJS.js";import"./chunk-C3FB3WED.js";import{a as d}from"./chunk-Z3VZP6WC.js";import"./chunk-RIVOLEPB.js";import"./chunk-PM67O2M7.js";import{c as r}from"./chunk-PEHTTOAZ.js";import"./chunk-ZQKJD3MK.js";var v=`Usage: slogate synthetic --url <deployed url> --labels project=<p>,stage=<s>,service=<svc> [options]

A synthetic check of a new deployment in Dynatrace: creates (or updates) the HTTP monitor
"slogate <service> <stage>" for the URL, tagged with project, stage, service and version, runs it
on demand from its locations, waits for the result, and prints the SLIs it measured:
synthetic:availability (% of executions that succeeded) and synthetic:response_time (ms).
With --format json the output is an SLI values file for slogate evaluate --sli-values.
Connection: DT_URL and DT_API_TOKEN (scope ExternalSyntheticIntegration), or
providers.dynatrace in slogate.yaml; defaults for the options below from synthetic: in slogate.yaml.

Options:
  --url <url>              the deployment to check
  --labels <k=v,\u2026>         project, stage, service (and version) of the deployment
  --version <v>            the deployed version (tagged on the monitor)
  --location <id>          a location entity id (repeatable; default: a public HTTP location)
  --retention <keep|delete> keep the monitor watching the stage (default), or delete it after
  --timeout <duration>     how long to wait for the result (default 5m)
  --format <console|json>  console (default) or the SLIs as JSON
  --config <file>          slogate.yaml (default ./slogate.yaml)
  -h, --help               show this help

Exit status: 0 measured (the gate judges the values), 1 Dynatrace could not run the check or
gave no result in time, 2 invalid input.
`,S={url:{type:"string"},label:{type:"string",multiple:!0},labels:{type:"string",multiple:!0},project:{type:"string"},stage:{type:"string"},service:{type:"string"},version:{type:"string"},location:{type:"string",multiple:!0},retention:{type:"string"},timeout:{type:"string"},format:{type:"string"},config:{type:"string"},help:{type:"boolean",short:"h"}};async function O(y,t){let{values:e,positionals:a}=d(y,S,"synthetic");if(e.help)return t.stdout(v),0;if(a.length>0)throw r(`unexpected argument ${JSON.stringify(a[0])}`,"See slogate synthetic --help");if(typeof e.url!="string")throw r("slogate synthetic needs the deployment's --url","Pass --url https://<the deployed service>/");let i=e.format??"console";if(i!=="console"&&i!=="json")throw r(`--format ${JSON.stringify(i)} is not one synthetic prints`,"Use console or json");let n=o=>typeof e[o]=="string"?e[o]:void 0,[l,p,c]=[n("version"),n("retention"),n("timeout")],s=await u({url:e.url,options:m(e,"evaluate"),cwd:t.cwd,env:t.env,...l!==void 0?{version:l}:{},...e.location?{locations:e.location}:{},...p!==void 0?{retention:p}:{},...c!==void 0?{timeout:c}:{},onProgress:g(t,1e4),...t.cancelSignal?{signal:t.cancelSignal()}:{}});for(let o of h(s))t.stderr(`slogate: ${o}
`);if(i==="json")t.stdout(`${JSON.stringify(s.slis)}
`);else for(let[o,f]of Object.entries(s.slis))t.stdout(`${o}  ${Math.round(f*1e3)/1e3}
`);return 0}export{v as SYNTHETIC_HELP,O as syntheticCommand};
