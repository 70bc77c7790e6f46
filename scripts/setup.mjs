// Makes sure the project's dependencies are installed, then exits. Runs on the machine's own Node (20 or newer).
//
// Hardhat 3 needs Node >= 22. The `node` devDependency puts a Node 22 binary in node_modules/.bin, which npm scripts
// put first on PATH. But the install itself must run under Node 22 too, or npm silently skips EDR's native binding
// (it declares `node >= 22`). So on an older Node this installs with `npx -y -p node@22 -- npm ci`.
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const modules = join(root, "node_modules");

function installed() {
  if (!existsSync(join(modules, ".bin", "hardhat")) || !existsSync(join(modules, "node", "bin", "node"))) {
    return "dependencies are not installed";
  }
  const nomic = join(modules, "@nomicfoundation");
  const binding = readdirSync(nomic).some((d) => d.startsWith("edr-") && d.includes(process.platform));
  if (!binding) return "EDR's native binding is missing (an install ran under Node < 22)";
  const lock = join(root, "package-lock.json");
  const stamp = join(modules, ".package-lock.json");
  if (!existsSync(stamp) || statSync(lock).mtimeMs > statSync(stamp).mtimeMs + 1000) {
    return "package-lock.json changed since the last install";
  }
  return undefined;
}

const reason = installed();
if (reason !== undefined) {
  const major = Number(process.versions.node.split(".")[0]);
  const cmd = major >= 22 ? "npm ci" : "npx -y -p node@22 -- npm ci";
  console.log(`[setup] ${reason}: running \`${cmd}\` (Node ${process.versions.node} here; Hardhat 3 needs 22)`);
  try {
    execSync(cmd, { cwd: root, stdio: "inherit" });
  } catch {
    console.error(
      "[setup] install failed. Check that the npm registry is reachable, then run `npx -y -p node@22 -- npm ci` by hand.",
    );
    process.exit(1);
  }
  const still = installed();
  if (still !== undefined) {
    console.error(
      `[setup] install finished but ${still}. Remove node_modules and run \`npx -y -p node@22 -- npm ci\`.`,
    );
    process.exit(1);
  }
}
