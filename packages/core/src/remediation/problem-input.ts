import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError, type Diagnostic, hasErrors } from "../config/diagnostics.js";
import { readTextFile } from "../config/load-config.js";
import { parseYamlSource, positionOfPath, type YamlSource } from "../config/yaml-source.js";
import type { SourcePosition } from "../errors.js";

/** The problem a remediation run is for: an id given, or what a Dynatrace problem notification carried. */
export interface ProblemInput {
  id: string;
  /** Set when the notification is Dynatrace's "Send test notification": nothing to remediate. */
  testNotification: boolean;
  /** The notification's file, when the problem came as one. */
  file?: string;
}

/** The title Dynatrace gives the payload of "Send test notification". */
const TEST_NOTIFICATION_TITLE = "Dynatrace problem notification test run";

/**
 * Where a notification may carry the problem's id (API v2's problemId), most specific first:
 * the {ProblemDetailsJSONv2} object, a flat {PID}, a CloudEvent's data (Keptn's template).
 */
const ID_PATHS: ReadonlyArray<readonly string[]> = [
  ["ProblemDetailsJSONv2", "problemId"],
  ["problemId"],
  ["PID"],
  ["data", "ProblemDetailsJSONv2", "problemId"],
  ["data", "PID"],
];

function at(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const key of path) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

/** A notification the payload rules refuse, at a position in it. */
function refused(position: SourcePosition, message: string, expected: string, suggestion: string): ConfigError {
  return new ConfigError([{ severity: "error", position, message, expected, suggestion }]);
}

/** Reads the problem id from a notification payload (JSON, as the custom webhook sends it). */
export function readNotification(source: YamlSource): ProblemInput {
  const diagnostics: Diagnostic[] = [...source.diagnostics];
  const value = hasErrors(diagnostics) ? null : (source.document?.toJS() as unknown);
  if (hasErrors(diagnostics)) throw new ConfigError(diagnostics);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw refused(
      { file: source.file, line: 1, column: 1 },
      "the problem notification is not a JSON object",
      'an object with "PID" (or ProblemDetailsJSONv2.problemId), as the Dynatrace custom webhook sends it',
      "See docs/remediation.md for the payload template",
    );
  }
  const title = at(value, ["ProblemTitle"]) ?? at(value, ["data", "ProblemTitle"]);
  for (const path of ID_PATHS) {
    const id = at(value, path);
    if (id === undefined) continue;
    if (typeof id !== "string" || id.trim() === "") {
      throw refused(
        positionOfPath(source, [...path]),
        `${path.join(".")} is not a problem id`,
        "a string such as -7079974447799175602_1752266005311V2",
        'Put the placeholder in quotes in the webhook payload: "PID": "{PID}"',
      );
    }
    // An unreplaced placeholder or the test run's title: Dynatrace's "Send test notification".
    const testNotification = title === TEST_NOTIFICATION_TITLE || /^\{.*\}$/.test(id);
    return { id: id.trim(), testNotification, file: source.file };
  }
  throw refused(
    { file: source.file, line: 1, column: 1 },
    "the problem notification names no problem",
    '"PID": "{PID}" or "ProblemDetailsJSONv2": {ProblemDetailsJSONv2} in the payload',
    "Add the PID placeholder to the custom webhook's payload (docs/remediation.md)",
  );
}

/** `--problem`: a problem id, or the path of a notification payload file. */
export async function readProblemInput(given: string, cwd: string): Promise<ProblemInput> {
  const path = resolve(cwd, given);
  if (given.endsWith(".json") || existsSync(path)) {
    return readNotification(parseYamlSource(await readTextFile(path, "problem notification"), path));
  }
  return { id: given.trim(), testNotification: false };
}
