/* @slogate/github-action 1.0.0 */
import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);
import{a as b}from"./chunk-Z3VZP6WC.js";import{A as w,d,f as u,j as p,s as v,u as h,w as y,x as l}from"./chunk-RIVOLEPB.js";import"./chunk-PM67O2M7.js";import{c as m}from"./chunk-PEHTTOAZ.js";import"./chunk-ZQKJD3MK.js";import{resolve as f}from"path";var E=`Usage: slogate validate [--config <slogate.yaml>] [--slo <slo.yaml>] [--sli <sli.yaml>] [file\u2026]

Checks configuration files without evaluating anything. Files given without an option
are recognised by their content (objectives \u2192 slo.yaml, indicators \u2192 sli.yaml,
version \u2192 slogate.yaml). Every problem is printed as file:line:column.

Exit status: 0 valid (warnings may be printed), 2 invalid.
`,S={config:{type:"string"},slo:{type:"string"},sli:{type:"string"},help:{type:"boolean",short:"h"}};function k(i){return/^\s*version\s*:/m.test(i)&&!/^\s*objectives\s*:/m.test(i)?"config":/^\s*indicators\s*:/m.test(i)&&!/^\s*objectives\s*:/m.test(i)?"sli":"slo"}async function L(i,t){if(i==="config")return y(await w(t));let n=p(await l(t,i==="slo"?"SLO file":"SLI file"),t);return i==="slo"?v(n).diagnostics:h(n).diagnostics}async function T(i,t){let{values:n,positionals:$}=b(i,S,"validate");if(n.help)return t.stdout(E),0;let e=[];for(let s of["config","slo","sli"]){let o=n[s];typeof o=="string"&&e.push({kind:s,path:f(t.cwd,o)})}for(let s of $){let o=f(t.cwd,s);e.push({kind:k(await l(o,"file")),path:o})}if(e.length===0&&e.push({kind:"config",path:f(t.cwd,"slogate.yaml")}),e.length===0)throw m("nothing to validate","Name a file, e.g. slogate validate --slo slo.yaml");let c=!1;for(let s of e){let o=await L(s.kind,s.path);for(let r of o)t.stderr(`${d(r)}
`);let a=o.filter(r=>r.severity==="error").length,g=o.length-a;u(o)&&(c=!0),t.stdout(`${s.path}: ${a===0?"valid":"invalid"} (${a} error${a===1?"":"s"}, ${g} warning${g===1?"":"s"})
`)}return c?2:0}export{E as VALIDATE_HELP,T as validateCommand};
