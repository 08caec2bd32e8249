/* @slogate/github-action 1.0.0 */
import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);
import{a as E}from"./chunk-SLSJTQZT.js";import{b}from"./chunk-2K5GSRPH.js";import{b as w}from"./chunk-4KBO42TS.js";import{a as u,d as h}from"./chunk-FT6T6YU7.js";import{b as d}from"./chunk-ZZ2TH3EG.js";import"./chunk-EKHVDKJS.js";import{a as S,b as g}from"./chunk-Z3VZP6WC.js";import"./chunk-RIVOLEPB.js";import"./chunk-PM67O2M7.js";import{c as m}from"./chunk-PEHTTOAZ.js";import"./chunk-ZQKJD3MK.js";var C=`Usage: slogate event <kind> [options]

Sends one delivery event to Dynatrace (Events API v2), for pipelines that mark steps
without a gate. Connection: DT_URL and DT_API_TOKEN, or providers.dynatrace in slogate.yaml.

Kinds and their options:
  deployment     --name <name> [--version <v>] [--project <p>] [--stage <s>] [--remediation-url <url>]
  test-start     --name <test> [--start <time>]          (default start: now)
  test-finish    --name <test> --start <time> [--end <time>]
  configuration  --name <what changed> [--description <text>]
  info           --title <title> [--description <text>]

Common options:
  --entity-selector <sel>   entities to attach to, e.g. type(SERVICE),tag(app:$SERVICE)
  --property <key=value>    extra event property (repeatable)
  --label <key=value>       value for $LABEL.<key> in the entity selector (repeatable)
  --config <file>           slogate.yaml (events.dynatrace and providers.dynatrace; default ./slogate.yaml)
  -h, --help                show this help

The CI run (URL, commit, branch, pipeline, actor) is attached automatically.
Exit status: 0 delivered, 1 not delivered (the reason is printed), 2 invalid usage.
`,I={name:{type:"string"},version:{type:"string"},project:{type:"string"},stage:{type:"string"},service:{type:"string"},"remediation-url":{type:"string"},title:{type:"string"},description:{type:"string"},start:{type:"string"},end:{type:"string"},"entity-selector":{type:"string"},property:{type:"string",multiple:!0},label:{type:"string",multiple:!0},config:{type:"string"},help:{type:"boolean",short:"h"}};function a(n,t,r){let e=n[t];if(typeof e!="string"||e==="")throw m(`slogate event ${r} needs --${t}`,"See slogate event --help");return e}function $(n,t,r){let e=o=>typeof t[o]=="string"?t[o]:void 0;switch(n){case"deployment":{let[o,l,s,p]=[e("version"),e("project"),e("stage"),e("remediation-url")];return{kind:n,name:a(t,"name",n),...o?{version:o}:{},...l?{project:l}:{},...s?{stage:s}:{},...p?{remediationUrl:p}:{}}}case"test-start":return{kind:n,name:a(t,"name",n),start:e("start")?d(e("start"),"--start"):r.toISOString()};case"test-finish":return{kind:n,name:a(t,"name",n),start:d(a(t,"start",n),"--start"),end:e("end")?d(e("end"),"--end"):r.toISOString()};case"configuration":return{kind:n,name:a(t,"name",n),...e("description")?{description:e("description")}:{}};case"info":return{kind:n,title:a(t,"title",n),...e("description")?{description:e("description")}:{}};default:throw m(`unknown event kind ${JSON.stringify(n)}`,"Use deployment, test-start, test-finish, configuration or info")}}async function U(n,t){let{values:r,positionals:e}=S(n,I,"event"),[o]=e;if(r.help||o===void 0)return t.stdout(C),r.help?0:2;let l=$(o,r,t.now()),s=await u(t.cwd,typeof r.config=="string"?r.config:void 0),p={...s?.labels??{},...g(r.label)};for(let i of["project","stage","service"])typeof r[i]=="string"&&(p[i]=r[i]);let f=r["entity-selector"]??s?.events.dynatrace?.["entity-selector"],y;if(f){let i=t.now().toISOString(),c=w(f,{window:{start:i,end:i},labels:p,filters:{},env:t.env});if(c.missing.length>0)throw m(`--entity-selector uses ${c.missing.join(", ")} but no value was given`,"Set it with --label");y=c.query}let v=new b({...h(s?.providers.dynatrace??{},t.env),...y?{entitySelector:y}:{},...s?.events.dynatrace?.["timeout-minutes"]?{timeoutMinutes:s.events.dynatrace["timeout-minutes"]}:{},http:{env:t.env}});try{let i=await v.send({event:l,context:E(t.env),properties:g(r.property)});for(let c of i.warnings)t.stderr(`slogate: warning: ${c}
`);return i.delivered?(t.stdout(`sent the ${o} event to Dynatrace (${i.correlationIds.join(", ")})
`),0):1}finally{await v.close()}}export{C as EVENT_HELP,U as eventCommand};
