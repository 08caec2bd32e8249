#!/usr/bin/env node
import { runJob } from "./job.js";

const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
  isTTY: false,
  stderrIsTTY: false,
  // GitLab starts the job in the project directory (CI_PROJECT_DIR).
  cwd: process.cwd(),
  env: process.env,
  now: () => new Date(),
};

runJob(io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`slogate: internal error: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
