/* @slogate/github-action 1.0.0 */
import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);
import{mkdir as o,writeFile as n}from"fs/promises";import{dirname as i,resolve as c}from"path";async function u(e,r,t){let s=c(e.cwd,r);await o(i(s),{recursive:!0}),await n(s,t,"utf8")}function p(e,r=!1){if(e.env.NO_COLOR)return!1;let t=e.env.FORCE_COLOR!==void 0&&e.env.FORCE_COLOR!==""&&e.env.FORCE_COLOR!=="0";return r||t||e.isTTY&&e.env.TERM!=="dumb"}export{u as a,p as b};
