#!/usr/bin/env node
// The installed `slogate` command. It lives outside dist/ so npm can link it before the first build.
import module from "node:module";

// Node 22+ keeps compiled code between runs: a CI step that starts slogate again starts faster.
module.enableCompileCache?.();
const { runCli } = await import("../dist/cli.js");
runCli();
