import { runCli } from "@slogate/core/cli";

// The whole CLI in one file Jenkins copies onto the agent and runs with `node`.
runCli();
