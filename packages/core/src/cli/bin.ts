#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { processIo } from "./io.js";
import { main } from "./main.js";

/** Runs the CLI for this process: arguments from argv, the exit status set when done. */
export function runCli(): void {
  // undici parses HTTP with a WebAssembly module. By default V8 also compiles it with its
  // optimising tier, work that holds a short-lived command open for ~150 ms after its answer
  // (measured: bench/dynatrace.bench.mjs); the baseline tier is plenty for a few requests.
  // Set at run time, Node 24 honours these two together (not --liftoff-only alone); Node 20 too.
  for (const flag of ["--no-wasm-tier-up", "--no-wasm-dynamic-tiering"]) setFlagsFromString(flag);
  main(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`slogate: internal error: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// `node dist/cli.js …` runs it; bin/slogate.js imports runCli and calls it.
if (isEntryPoint()) runCli();
