/* @slogate/github-action 1.0.0 */
import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);
var e="1.0.0",r="https://cdn.jsdelivr.net/npm/@slogate/core@1/schemas";export{e as a,r as b};
