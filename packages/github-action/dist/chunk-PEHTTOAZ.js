/* @slogate/github-action 1.0.0 */
import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);
var s=class extends Error{name="SlogateError";code;position;suggestion;constructor(r,e,o={}){super(e,o.cause===void 0?void 0:{cause:o.cause}),this.code=r,this.position=o.position,this.suggestion=o.suggestion}};function t(r){return r instanceof s}function i(r,e){return new s("INVALID_USAGE",r,e?{suggestion:e}:{})}export{s as a,t as b,i as c};
