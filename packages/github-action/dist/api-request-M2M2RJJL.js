/* @slogate/github-action 1.0.0 */
import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);
import{a}from"./chunk-VPBEGFRB.js";import"./chunk-QLMKDEXR.js";import"./chunk-ZQKJD3MK.js";export default a();
