/* @slogate/github-action 1.0.0 */
import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);
import{b as T,c as L}from"./chunk-QVTPSVJ6.js";import{a as e,b as S,d as b}from"./chunk-OUSLN7GR.js";import{b as d,c as i,d as f}from"./chunk-RBO2VUFH.js";import"./chunk-6KVKJGV5.js";import"./chunk-SWDGKA2G.js";import{a as k,b as x}from"./chunk-BN6CGVGI.js";import"./chunk-Y47ZCFO6.js";import"./chunk-3EG23D7T.js";import"./chunk-4KFS7HCX.js";import"./chunk-SLSJTQZT.js";import"./chunk-2K5GSRPH.js";import"./chunk-4KBO42TS.js";import"./chunk-FT6T6YU7.js";import{s as O}from"./chunk-JZB3J6PH.js";import"./chunk-5BFL6BRG.js";import{b as j}from"./chunk-ZXNIYAOA.js";import"./chunk-ZZ2TH3EG.js";import"./chunk-EKHVDKJS.js";import"./chunk-C3FB3WED.js";import{a as R}from"./chunk-Z3VZP6WC.js";import"./chunk-RIVOLEPB.js";import"./chunk-PM67O2M7.js";import{a as u,c as h}from"./chunk-PEHTTOAZ.js";import"./chunk-ZQKJD3MK.js";var P=`Usage: slogate report [--history <file>] [options]

Rebuilds the reports of a stored result from the history, with the heatmap and trends of
the runs before it: slogate's results and Keptn's evaluation.finished events alike. No backend
is asked; nothing is stored.

  --history <file>           JSON Lines history: slogate results (--store) and/or Keptn events; default
                             history.path of slogate.yaml; dynatrace: the gate's results kept in
                             Dynatrace (with --labels project=\u2026,stage=\u2026,service=\u2026)
  --config <file>            slogate.yaml to take history.path from (default: ./slogate.yaml)
  --id <result-id>           the result to report on (default: the newest)
  --runs <n>                 earlier runs in the heatmap and trends (default ${f}; Markdown ${i})
  --html <file>              self-contained HTML: heatmap, trend charts, explanations
  --md <file>                Markdown (job summaries, PR/MR notes)
  --json <file>              the result JSON
  --junit <file>             JUnit XML
  --format <name>            stdout: console (default), explain, json, markdown, junit
  -h, --help                 show this help

Exit status: 0 written, 2 invalid usage or history.
`,_={config:{type:"string"},history:{type:"string"},label:{type:"string",multiple:!0},labels:{type:"string",multiple:!0},id:{type:"string"},runs:{type:"string"},html:{type:"string"},md:{type:"string"},json:{type:"string"},junit:{type:"string"},format:{type:"string"},help:{type:"boolean",short:"h"}};async function V(M,o){let{values:t,positionals:c}=R(M,_,"report");if(t.help)return o.stdout(P),0;if(c.length>0)throw h(`unexpected argument ${JSON.stringify(c[0])}`,"See slogate report --help");let n=await L(o,t),g=e(t,"history")??n.location,y=e(t,"format"),w=S({...y!==void 0?{format:j.format.parser.parse(y,"--format")}:{},...t.explain===!0?{explain:!0}:{}});if(w==="keptn")throw h("--format keptn is the answer of an evaluation, not a report","Use json for the stored result");let U=e(t,"runs")!==void 0?b(e(t,"runs"),"--runs"):f,s=await n.list().finally(()=>n.close?.()),r=e(t,"id"),v=r!==void 0?s.findLastIndex(m=>m.id===r):s.length-1,a=s[v];if(!a)throw new u("NOT_FOUND",r!==void 0?`result ${r} is not in ${g}`:`${g} holds no result`,{suggestion:r!==void 0?"Run `slogate history list` to see the stored result ids":"Store results with slogate evaluate --history <file> --store"});let l=T(a);if(!l)throw new u("INVALID_INPUT",`result ${a.id} holds no evaluation to report on`,{suggestion:"Run `slogate history list` to see the stored result ids"});let p=O(s.slice(0,v),U),$=[["html","html",p],["md","markdown",p.slice(-i)],["json","json",[]],["junit","junit",[]]];for(let[m,E,I]of $){let N=e(t,m);N!==void 0&&await k(o,N,d(E,l,{recent:I}))}return o.stdout(d(w,l,{color:x(o),recent:p.slice(-i)})),0}export{P as REPORT_HELP,V as reportCommand};
