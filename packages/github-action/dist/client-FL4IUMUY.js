/* @slogate/github-action 1.0.0 */
import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);
import{p as a}from"./chunk-MK6B5DNY.js";import"./chunk-OIPZ24SZ.js";import"./chunk-Q36OZ7NQ.js";import"./chunk-IQL5YLE3.js";import"./chunk-ZQKJD3MK.js";export default a();
