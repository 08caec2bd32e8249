/* @slogate/github-action 1.0.0 */
import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);
import{e as o}from"./chunk-OUSLN7GR.js";import"./chunk-RBO2VUFH.js";import"./chunk-6KVKJGV5.js";import"./chunk-SWDGKA2G.js";import"./chunk-BN6CGVGI.js";import"./chunk-Y47ZCFO6.js";import"./chunk-3EG23D7T.js";import"./chunk-4KFS7HCX.js";import"./chunk-SLSJTQZT.js";import"./chunk-2K5GSRPH.js";import"./chunk-4KBO42TS.js";import"./chunk-FT6T6YU7.js";import"./chunk-JZB3J6PH.js";import"./chunk-5BFL6BRG.js";import{f as t}from"./chunk-ZXNIYAOA.js";import"./chunk-ZZ2TH3EG.js";import"./chunk-EKHVDKJS.js";import"./chunk-C3FB3WED.js";import"./chunk-Z3VZP6WC.js";import"./chunk-RIVOLEPB.js";import"./chunk-PM67O2M7.js";import"./chunk-PEHTTOAZ.js";import"./chunk-ZQKJD3MK.js";var p=`Usage: slogate evaluate [options]

Scores SLI values against SLO objectives (Keptn slo.yaml semantics) and answers
pass, warning or fail.

${t("evaluate",["sources","history","window","outcome","events"])}
  -h, --help                 show this help

Exit status: 0 pass (and warning by default), 1 fail, 2 invalid input, config or
usage, n for warning with --warning-exit-code n.
`;function e(i,r){return o("evaluate",i,r,p)}export{p as EVALUATE_HELP,e as evaluateCommand};
