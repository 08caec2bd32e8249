/* @slogate/github-action 1.0.0 */
import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);
import{a as s}from"./chunk-P5Q457O4.js";import"./chunk-4KFS7HCX.js";import"./chunk-4KBO42TS.js";import"./chunk-FT6T6YU7.js";import{e as r}from"./chunk-ZXNIYAOA.js";import"./chunk-EKHVDKJS.js";import{a as l}from"./chunk-Z3VZP6WC.js";import"./chunk-RIVOLEPB.js";import"./chunk-PM67O2M7.js";import{c as a}from"./chunk-PEHTTOAZ.js";import"./chunk-ZQKJD3MK.js";var d=`Usage: slogate monitoring <plan|apply> --slo slo.yaml --sli sli.yaml --labels project=<p>,stage=<s>,service=<svc> [options]

Monitoring configuration as code for the gate: the Keptn quality-gate dashboard
KQG;project=<p>;stage=<s>;service=<svc> in Dynatrace, one Data Explorer tile per objective with its
criteria in the title and a markdown tile with the total score and comparison, so the gate is
visible in Dynatrace and \`slogate evaluate --dashboard query\` reads it back; and for each
objective with one fixed failing threshold, a metric event (Settings 2.0) that alerts in
production on that threshold. Connection: DT_URL and DT_API_TOKEN (ReadConfig and settings.read;
WriteConfig and settings.write for apply), or providers.dynatrace in slogate.yaml.

  plan                  print what apply would change (create, update, unchanged) and, per
                        objective, its tile or why it has none; writes nothing
  apply                 make Dynatrace match: a second apply changes nothing

Options:
  --slo <file>          slo.yaml (default: slogate.yaml's)
  --sli <file>          sli.yaml (default: slogate.yaml's)
  --label, --labels     project, stage and service (also --project, --stage, --service)
  --config <file>       slogate.yaml (default ./slogate.yaml)
  --prune               remove tiles and metric events of objectives no longer in slo.yaml
                        (kept otherwise)
  --dry-run             with apply: the same as plan
  -h, --help            show this help

Exit status: 0 done (or nothing to do), 1 Dynatrace refused a change (the object and the
reason are printed), 2 invalid input.
`,m={slo:{type:"string"},sli:{type:"string"},config:{type:"string"},label:{type:"string",multiple:!0},labels:{type:"string",multiple:!0},project:{type:"string"},stage:{type:"string"},service:{type:"string"},prune:{type:"boolean"},"dry-run":{type:"boolean"},help:{type:"boolean",short:"h"}};async function f(p,e){let{values:n,positionals:g}=l(p,m,"monitoring");if(n.help)return e.stdout(d),0;let[t,...i]=g;if(t!=="plan"&&t!=="apply")throw a(t===void 0?"slogate monitoring needs plan or apply":`unknown monitoring action ${JSON.stringify(t)}`,"Use slogate monitoring plan (shows the changes) or slogate monitoring apply (makes them)");if(i.length>0)throw a(`unexpected argument ${JSON.stringify(i[0])}`,"See slogate monitoring --help");let o=await s({options:r(n,"evaluate"),cwd:e.cwd,env:e.env,prune:n.prune===!0,apply:t==="apply"&&n["dry-run"]!==!0});return e.stdout(`${o.lines.join(`
`)}
`),o.refused?(e.stderr(`slogate: ${o.refused}
`),1):0}export{d as MONITORING_HELP,f as monitoringCommand};
