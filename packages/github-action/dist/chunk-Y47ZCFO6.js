/* @slogate/github-action 1.0.0 */
import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);
var i=130;function a(){process.exit(i)}var o;function l(e,t){if(!o){let n=new AbortController;o=n;for(let r of["SIGINT","SIGTERM"])process.on(r,()=>{if(n.signal.aborted)return t();e(r),n.abort(new Error(`cancelled by ${r}`))})}return o.signal}export{i as a,a as b,l as c};
