#!/usr/bin/env node
// The installed `slogate` command. It lives outside dist/ so npm can link it before the first build.
import { runCli } from "../dist/cli.js";

runCli();
