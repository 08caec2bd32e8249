import { readFile } from "node:fs/promises";
import { SlogateError } from "../errors.js";
import type { SliAnswer, SliProvider, SliRequest } from "./sli-provider.js";
import { parseSliValues } from "./values-file.js";

/** SLI values from a JSON file: measured elsewhere, or written by an earlier pipeline step. */
export class FileSliProvider implements SliProvider {
  readonly id = "file";

  constructor(private readonly path: string) {}

  async fetch(_request: SliRequest): Promise<SliAnswer> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      throw new SlogateError(
        "INVALID_INPUT",
        `cannot read SLI values ${this.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        {
          cause: error,
          suggestion: "Check the path given with --sli-values or providers.file.path",
        },
      );
    }
    return parseSliValues(text, this.path);
  }
}
