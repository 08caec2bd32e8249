// Completes the task folder after the bundle is built: azure-pipelines-task-lib and the packages
// it needs at run time (the agent does not run npm install), and a package.json that makes the
// folder's .js files (the bundle's chunks) ES modules wherever it lands.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const taskDir = resolve(here, "..", "Slogate", "SlogateV1");
const target = join(taskDir, "node_modules");

/** Where Node would find `name` from `from`: the nearest node_modules up the tree. */
function locate(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`cannot find ${name} from ${from}`);
  }
}

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
const copied = new Map();
const queue = [locate("azure-pipelines-task-lib", resolve(here, ".."))];
while (queue.length > 0) {
  const source = queue.shift();
  const manifest = JSON.parse(readFileSync(join(source, "package.json"), "utf8"));
  if (copied.has(manifest.name)) continue;
  copied.set(manifest.name, manifest.version);
  // A package found inside another's node_modules travels with that package.
  const nested = [...copied.keys()].some((name) => name !== manifest.name && source.includes(`${sep}${name}${sep}node_modules${sep}`));
  if (!nested) cpSync(source, join(target, manifest.name), { recursive: true, dereference: true });
  for (const dependency of Object.keys(manifest.dependencies ?? {})) queue.push(locate(dependency, source));
}
writeFileSync(join(taskDir, "package.json"), `${JSON.stringify({ name: "slogate-task", private: true, type: "module" }, null, 2)}\n`);
console.log(`task folder: ${[...copied].map(([name, version]) => `${name}@${version}`).join(", ")}`);
