/* @slogate/github-action 1.0.0 */
import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);
import{b as a}from"./chunk-OIPZ24SZ.js";import"./chunk-IQL5YLE3.js";import"./chunk-ZQKJD3MK.js";export default a();
