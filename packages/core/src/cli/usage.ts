import { type ParseArgsConfig, parseArgs } from "node:util";
import { nearestKey } from "../config/suggest.js";
import { usageError } from "../errors.js";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export { usageError } from "../errors.js";

/** parseArgs with errors a person can act on: the unknown option and the nearest known one. */
export function parseCommandLine(args: string[], options: OptionSpec, command: string) {
  try {
    return parseArgs({ args: joinNegativeValues(args, options), options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
    if (unknown) {
      const near = nearestKey(unknown.replace(/^-+/, ""), Object.keys(options));
      throw usageError(
        `unknown option ${unknown} for slogate ${command}`,
        near ? `Did you mean --${near}? See slogate ${command} --help` : `See slogate ${command} --help`,
      );
    }
    throw usageError(`${message.split("\n")[0]} (slogate ${command})`, `See slogate ${command} --help`);
  }
}

/**
 * `--problem -7079…V2`: a value that starts with a dash and a digit (a Dynatrace problem id, a
 * negative number) is the option's value, not another option; parseArgs alone refuses it.
 */
function joinNegativeValues(args: string[], options: OptionSpec): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    const name = arg.startsWith("--") ? arg.slice(2) : null;
    if (name && options[name]?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

export function parseLabels(values: string[] | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const value of values ?? []) {
    const index = value.indexOf("=");
    if (index <= 0) throw usageError(`--label ${JSON.stringify(value)} is not key=value`, "Write labels as --label service=carts");
    labels[value.slice(0, index)] = value.slice(index + 1);
  }
  return labels;
}

export function parseExitCode(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw usageError(`${option} ${JSON.stringify(text)} is not an exit code`, "Use a whole number from 0 to 255, e.g. 3");
  }
  return value;
}
