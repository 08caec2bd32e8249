/* @slogate/github-action 1.0.0 */
import { createRequire as __slogateRequire } from 'module'; const require = __slogateRequire(import.meta.url);
import a from"module";a.enableCompileCache?.();var{run:e}=await import("./main-3HOVW7T4.js");await e();
