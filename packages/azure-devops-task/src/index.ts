import { run } from "./main.js";

// The agent runs this file with its own Node (Node20_1 or Node24 handler).
void run();
