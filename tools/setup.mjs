// Makes sure the project's dependencies are installed and its contracts built, then exits. Runs on the machine's own
// Node (20 or newer) before every npm script.
//
// Hardhat 3 needs Node >= 22. The `node` devDependency puts a Node 22 binary in node_modules/.bin, which npm scripts
// put first on PATH. But the install itself must run under Node 22 too, or npm silently skips EDR's native binding
// (it declares `node >= 22`). So on an older Node this installs with `npx -y -p node@22 -- npm ci`.
//
// The build: when the contracts (or the Solidity tests, the config, the lockfile) are newer than the last build, or
// nothing is built yet, it runs `hardhat build` itself and says what it is doing, with a line of progress every 30 s
// (`BALLAST_PROGRESS_SECONDS`): through solc-js and the IR pipeline the first build takes about 25 to 30 minutes on two
// cores, and Hardhat prints nothing until the end. The compiler's messages pass through as it wrote them.
// `BALLAST_BUILD_COMMAND` replaces the build command (default `hardhat build`); `--install-only` skips the build.
import { execSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

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

// ----------------------------------------------------------------------------------------------------------------
// The build, with progress
// ----------------------------------------------------------------------------------------------------------------

/** The newest modification time [ms] of the files under `path` whose name passes `keep` (0 when there is none). */
function newest(path, keep) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return keep(path) ? st.mtimeMs : 0;
  let m = 0;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules") continue;
    m = Math.max(m, newest(join(path, entry), keep));
  }
  return m;
}

/** Why a build is due ("first build", "contracts changed"), or undefined when the last build is newer than its inputs. */
function buildDue() {
  const info = join(root, "artifacts", "build-info");
  if (!existsSync(info) || readdirSync(info).length === 0 || !existsSync(join(root, "typechain-types"))) {
    return "first build";
  }
  // the last build's output, or the stamp of the last build setup ran (a touched file that compiled to nothing new)
  const built = Math.max(
    newest(info, () => true),
    newest(STAMP, () => true),
  );
  const sources = Math.max(
    newest(join(root, "contracts"), (f) => f.endsWith(".sol")),
    newest(join(root, "test"), (f) => f.endsWith(".sol")),
    newest(join(root, "hardhat.config.ts"), () => true),
    newest(join(root, "remappings.txt"), () => true),
  );
  return sources > built ? "sources changed since the last build" : undefined;
}

/** Written after each build setup runs (cache/ is not committed). */
const STAMP = join(root, "cache", "ballast-setup-build.stamp");

/** Runs the build, printing what it does, progress, and the compiler's output. */
function build(why) {
  const command = process.env.BALLAST_BUILD_COMMAND || "hardhat build";
  const every = Number(process.env.BALLAST_PROGRESS_SECONDS || 30) * 1000;
  console.log(
    `[setup] ${why}: compiling the contracts and the Solidity tests (\`${command}\`): solc-js 0.8.30 through ` +
      "the IR pipeline, no compiler download; the first build takes about 25 to 30 minutes on two cores, later ones " +
      "only recompile what changed",
  );
  const started = Date.now();
  const bin = join(modules, ".bin");
  const child = spawn(command, {
    cwd: root,
    shell: true,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const timer = setInterval(() => {
    const s = Math.round((Date.now() - started) / 1000);
    console.log(`[setup] still compiling: ${Math.floor(s / 60)} min ${s % 60} s so far`);
  }, every);
  let pending = "";
  let printed = 0;
  // the compiler's blocks as it wrote them, one blank line between two
  const print = (block) => process.stdout.write(`${printed++ === 0 ? "" : "\n"}${block.trimEnd()}\n`);
  const flush = (final) => {
    const blocks = pending.split(/\n\s*\n/);
    pending = final ? "" : (blocks.pop() ?? "");
    for (const block of blocks) {
      if (block.trim() === "") continue;
      print(block);
    }
  };
  const take = (d) => {
    pending += d.toString();
    flush(false);
  };
  child.stdout.on("data", take);
  child.stderr.on("data", take);
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearInterval(timer);
      flush(true);
      const s = Math.round((Date.now() - started) / 1000);
      if (code === 0) {
        if (process.env.BALLAST_BUILD_COMMAND === undefined || process.env.BALLAST_BUILD_COMMAND === "") {
          mkdirSync(dirname(STAMP), { recursive: true });
          writeFileSync(STAMP, `${new Date().toISOString()}\n`);
        }
        console.log(`[setup] build done in ${Math.floor(s / 60)} min ${s % 60} s`);
      } else console.error(`[setup] the build failed (exit ${code}): see the compiler's messages above`);
      resolve(code ?? 1);
    });
  });
}

// ----------------------------------------------------------------------------------------------------------------
// `--system-packages` (npm test): the browser test drives Debian's Chromium and the indexer's test starts a
// PostgreSQL server from Debian's packages. Installed with apt-get when missing and this runs as root (as CI does);
// otherwise the command to run is printed and those two tests fail with the same advice.
// ----------------------------------------------------------------------------------------------------------------

const SYSTEM_PACKAGES = [
  { name: "chromium", path: "/usr/bin/chromium", for: "the dashboard's browser test" },
  { name: "postgresql", path: "/usr/lib/postgresql/15/bin/postgres", for: "the indexer's PostgreSQL test" },
];

if (process.argv.includes("--system-packages")) {
  const missing = SYSTEM_PACKAGES.filter(
    (p) => !existsSync(p.path) && !(process.env.BALLAST_PG_BIN && p.name === "postgresql"),
  );
  if (missing.length > 0) {
    const names = missing.map((p) => p.name).join(" ");
    const why = missing.map((p) => `${p.name} for ${p.for}`).join(", ");
    const root = typeof process.getuid === "function" && process.getuid() === 0;
    if (root && existsSync("/usr/bin/apt-get")) {
      console.log(`[setup] installing ${why} (\`apt-get install -y ${names}\`)`);
      try {
        execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${names}`, {
          stdio: "inherit",
        });
      } catch {
        console.error(`[setup] apt-get could not install ${names}: those tests will fail until it is installed`);
      }
    } else {
      console.log(`[setup] missing ${why}: run \`sudo apt-get install ${names}\` (those tests fail without it)`);
    }
  }
}

// `--install-only`: for scripts that compile with another build profile (coverage) or compile nothing (format)
if (process.argv.includes("--install-only")) process.exit(0);

const due = buildDue();
if (due !== undefined || process.env.BALLAST_SETUP_FORCE_BUILD === "1") {
  const code = await build(due ?? "build requested");
  if (code !== 0) process.exit(code);
}

// ----------------------------------------------------------------------------------------------------------------
// The workspace packages (packages/sdk, packages/indexer, packages/app): built after the contracts, in dependency
// order, when a file of theirs (sources, package.json, configs) is newer than their last build. They need nothing
// from the Hardhat build (the SDK's ABIs are committed), so this takes seconds.
// ----------------------------------------------------------------------------------------------------------------

/** The workspace packages in build order (each imports only the ones before it). */
const PACKAGES = ["sdk", "indexer", "app"];

for (const name of PACKAGES) {
  const dir = join(root, "packages", name);
  if (!existsSync(join(dir, "package.json"))) continue;
  const stamp = join(dir, "dist", ".ballast-build");
  const inputs = Math.max(
    newest(dir, (f) => !f.includes("/dist/") && !f.includes("/docs/") && !f.endsWith(".md")),
    ...PACKAGES.slice(0, PACKAGES.indexOf(name)).map((dep) =>
      newest(join(root, "packages", dep, "dist", ".ballast-build"), () => true),
    ),
  );
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= inputs) continue;
  console.log(`[setup] building packages/${name} (\`npm run build -w @ballast/${name}\`): its sources changed`);
  try {
    execSync(`npm run build --silent -w @ballast/${name}`, {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, PATH: `${join(modules, ".bin")}:${process.env.PATH ?? ""}` },
    });
  } catch {
    console.error(`[setup] packages/${name} failed to build: see the messages above`);
    process.exit(1);
  }
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
