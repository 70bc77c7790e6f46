import { expect } from "chai";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The audit pack must stay true to the code: every test it cites exists, every file it links exists, and every
 * contract function it names is in that contract. A renamed test or function fails here instead of leaving the
 * documentation pointing at nothing.
 */
const ROOT = fileURLToPath(new URL("..", import.meta.url));

function walk(dir: string, keep: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path, keep));
    else if (keep(path)) out.push(path);
  }
  return out;
}

const testFiles = walk(join(ROOT, "test"), (p) => /\.(t\.sol|sol|test\.ts)$/.test(p));
const docs = [
  ...walk(join(ROOT, "docs"), (p) => p.endsWith(".md")),
  join(ROOT, "README.md"),
  join(ROOT, "gas", "README.md"),
];

/** Test function names declared in one file: Solidity `function name(` and mocha `it("name` are both indexed. */
function declared(path: string): Set<string> {
  const src = readFileSync(path, "utf8");
  const names = new Set<string>();
  for (const m of src.matchAll(/function\s+([A-Za-z0-9_]+)\s*\(/g)) names.add(m[1] ?? "");
  return names;
}

const byFile = new Map<string, Set<string>>();
const everywhere = new Set<string>();
for (const f of testFiles) {
  const names = declared(f);
  byFile.set(relative(ROOT, f), names);
  names.forEach((n) => everywhere.add(n));
}

/** The test file a citation names: an exact path relative to the root, or a unique file name under test/. */
function resolveTestFile(cited: string): string | undefined {
  if (byFile.has(cited)) return cited;
  const matches = [...byFile.keys()].filter((k) => k === `test/${cited}` || k.endsWith(`/${cited}`));
  return matches.length === 1 ? matches[0] : undefined;
}

describe("audit pack (docs/)", function () {
  for (const doc of docs) {
    const name = relative(ROOT, doc);
    const text = readFileSync(doc, "utf8");

    it(`${name}: every cited test exists`, function () {
      const missing: string[] = [];
      // `File.t.sol::function` or `test/dir/File.t.sol::function`
      for (const m of text.matchAll(/([A-Za-z0-9_./-]+\.t\.sol)::([A-Za-z0-9_]+)/g)) {
        const [, file = "", fn = ""] = m;
        const resolved = resolveTestFile(file);
        if (resolved === undefined) missing.push(`${file} (no such test file)`);
        else if (!(byFile.get(resolved)?.has(fn) ?? false)) missing.push(`${file}::${fn}`);
      }
      // a bare `test_...`, `testFuzz_...` or `invariant_...` name must be declared in some test file
      for (const m of text.matchAll(/`((?:test|testFuzz|invariant)_[A-Za-z0-9_]+)`/g)) {
        const fn = m[1] ?? "";
        if (!everywhere.has(fn)) missing.push(fn);
      }
      expect(missing, `${name} cites tests that do not exist`).to.deep.equal([]);
    });

    it(`${name}: every relative link points at a file`, function () {
      const broken: string[] = [];
      for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1] ?? "";
        if (/^[a-z]+:/.test(target)) continue; // http(s), mailto
        const path = join(doc, "..", target);
        try {
          statSync(path);
        } catch {
          broken.push(target);
        }
      }
      expect(broken, `${name} links to missing files`).to.deep.equal([]);
    });
  }

  it("docs/architecture.md and docs/governance.md name only functions that contract (or its interface) has", function () {
    const sourcesOf = new Map<string, string>();
    for (const p of walk(join(ROOT, "contracts"), (f) => f.endsWith(".sol") && !f.includes("/mocks/"))) {
      const file = p.slice(p.lastIndexOf("/") + 1, -".sol".length);
      const name = file.startsWith("I") && p.includes("/interfaces/") ? file.slice(1) : file;
      sourcesOf.set(name, (sourcesOf.get(name) ?? "") + readFileSync(p, "utf8"));
    }
    const missing: string[] = [];
    const names = [...sourcesOf.keys()].join("|");
    for (const doc of ["docs/architecture.md", "docs/governance.md"]) {
      const text = readFileSync(join(ROOT, doc), "utf8");
      // `Contract.function` citations, checked against that contract's own source and interface
      for (const m of text.matchAll(new RegExp("`(" + names + ")\\.([a-zA-Z_][A-Za-z0-9_]*)(?![A-Za-z0-9_.])", "g"))) {
        const [, contract = "", fn = ""] = m;
        const src = sourcesOf.get(contract) ?? "";
        const has =
          new RegExp(`function\\s+${fn}\\s*\\(`).test(src) ||
          new RegExp(`\\b(public|internal)\\b[^;\\n]*\\b${fn}\\b`).test(src) ||
          new RegExp(`\\b(error|event|struct)\\s+${fn}\\b`).test(src);
        if (!has) missing.push(`${doc}: ${contract}.${fn}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });
});
