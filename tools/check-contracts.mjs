#!/usr/bin/env node
// Static checks on the Solidity sources that solhint does not make: no contract under contracts/ may import a
// console library (hardhat/console.sol, forge-std's console or console2). Run by `npm run lint`; exits 1 naming
// every offending file and line.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
// an optional argument checks another folder (used to try the check itself)
const dir = process.argv[2] ?? join(root, "contracts");
/** An import of a console library, whatever the import form (plain, `{console}`, `* as`) and quoting. */
const CONSOLE_IMPORT =
  /^\s*import\b[^;]*["'][^"']*(hardhat\/console\.sol|forge-std\/[^"']*console2?\.sol|console2?\.sol)["']/m;

function solidityFiles(path) {
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => {
    const full = join(path, entry.name);
    if (entry.isDirectory()) return solidityFiles(full);
    return entry.name.endsWith(".sol") ? [full] : [];
  });
}

const offenders = [];
const files = solidityFiles(dir);
for (const file of files) {
  const lines = readFileSync(file, "utf8").split("\n");
  lines.forEach((line, i) => {
    if (CONSOLE_IMPORT.test(line)) offenders.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
  });
}

if (offenders.length > 0) {
  console.error("check-contracts: console imports are for tests only; remove them from these contracts:");
  for (const o of offenders) console.error(`  ${o}`);
  process.exit(1);
}
console.log(`check-contracts: ${files.length} Solidity files under contracts/, no console import`);
