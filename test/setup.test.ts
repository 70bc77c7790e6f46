/**
 * `tools/setup.mjs`, which runs before every npm script: when a build is due it says what it is doing, prints a
 * line of progress while the compiler runs, passes the compiler's messages through, and fails with the build. Run
 * with a stand-in build command (the real first build takes about 18 minutes): `BALLAST_BUILD_COMMAND`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";

const WARNING = (source: string, bytes: number): string =>
  `Warning: Contract code size is ${bytes} bytes and exceeds 24576 bytes (a limit introduced in Spurious Dragon). ` +
  "This contract may not be deployable on Mainnet.\n  --> ./" +
  source +
  ":25:1:\n   |\n25 | contract X {\n   | ^\n";

function runSetup(script: string, args: string[] = []): { status: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), "ballast-setup-"));
  const fake = join(dir, "fake-build.mjs");
  writeFileSync(fake, script);
  const r = spawnSync("node", ["tools/setup.mjs", ...args], {
    encoding: "utf8",
    env: {
      ...process.env,
      BALLAST_SETUP_FORCE_BUILD: "1",
      BALLAST_BUILD_COMMAND: `node ${fake}`,
      BALLAST_PROGRESS_SECONDS: "0.4",
    },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("setup and the first build (tools/setup.mjs)", function () {
  this.timeout(60_000);

  it("says what it builds, prints progress while the compiler runs, and passes the compiler's warnings through", function () {
    const r = runSetup(
      `process.stderr.write(${JSON.stringify(WARNING("contracts/Vault.sol", 26729))} + "\\n");\n` +
        `process.stdout.write("Warning: Transient storage as defined by EIP-1153 can break composability\\n\\n");\n` +
        `setTimeout(() => { console.log("Compiled 64 Solidity files with solc 0.8.30"); }, 1500);\n`,
    );
    expect(r.status, r.out).to.equal(0);
    const lines = r.out.split("\n");
    expect(lines[0]).to.match(
      /^\[setup\] build requested: compiling the contracts and the Solidity tests \(`node .*fake-build\.mjs`\): solc-js 0\.8\.30 through the IR pipeline/,
    );
    expect(lines.filter((l) => /^\[setup\] still compiling: 0 min \d s so far$/.test(l)).length).to.be.at.least(2);
    expect(r.out).to.match(/Contract code size is 26729 bytes/); // nothing is hidden: no build is exempt
    expect(r.out).to.match(/Warning: Transient storage/); // other warnings pass through
    expect(r.out).to.match(/Compiled 64 Solidity files/);
    expect(lines.filter((l) => l !== "").at(-1)).to.match(/^\[setup\] build done in 0 min \d s$/);
  });

  it("--install-only (coverage, format) builds nothing, even when a build is due", function () {
    const r = runSetup(`console.log("the stand-in build ran"); process.exit(5);\n`, ["--install-only"]);
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.not.match(/stand-in build ran|\[setup\] build/);
  });

  it("fails with the build, keeping its messages", function () {
    const r = runSetup(
      `process.stderr.write(${JSON.stringify(WARNING("contracts/Nothing.sol", 30000))} + "\\n"); process.exit(3);\n`,
    );
    expect(r.status).to.equal(3);
    expect(r.out).to.match(/Contract code size is 30000 bytes/);
    expect(r.out).to.match(/\[setup\] the build failed \(exit 3\): see the compiler's messages above/);
  });
});
