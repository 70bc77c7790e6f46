// ESLint flat config for the TypeScript side (sdk, deploy, keeper, risk, tasks, tools, tests, config).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// ------------------------------------------------------------------------------------------------------------------
// Layers: imports point one way, tasks and tools → watch → keeper, risk, deploy → sdk → typechain-types.
//
//   packages/sdk/src   the @ballast/sdk package: no Hardhat, nothing from the repository's folders (sdk/, typechain-types/,
//             …): it builds and ships on its own; the root sdk/ re-exports its math, formats and sentences (one copy)
//   sdk/      no Hardhat at all (only ethers, typechain-types, node builtins and the package); imports no other folder
//   packages/indexer/src/   no Hardhat and no repository folder: only npm packages (@ballast/sdk, viem, pg, PGlite)
//   deploy/   keeper/   risk/   import sdk/ and typechain-types/, never each other, watch/, tasks/ or tools/
//   watch/    no Hardhat; imports keeper/ (its event scan), risk/ (its configured volatilities) and sdk/
//   tasks/    tools/    import anything below them, never each other
//
// Each rule lists the folders a layer may not reach (an import that climbs out of its folder into one of them, at any
// depth), in static imports (`no-restricted-imports`) and in `import()` (`no-restricted-syntax`).
// ------------------------------------------------------------------------------------------------------------------

/** A relative import that climbs into one of `folders` (e.g. "../deploy/deploy.js", "../../tasks/ops.js"). */
const into = (folders) => `^(\\.\\./)+(${folders.join("|")})/`;

/** The rules for a layer that may not import from `folders` (nor, with `hardhat: false`, from Hardhat). */
function layer(name, folders, { hardhat = true, hardhatMessage = "use ethers and typechain-types only" } = {}) {
  const patterns = [
    { regex: into(folders), message: `${name} may not import from ${folders.map((f) => `${f}/`).join(", ")}` },
  ];
  if (!hardhat) {
    patterns.push({
      regex: "^(hardhat|@nomicfoundation/)",
      message: `${name} has no Hardhat runtime: ${hardhatMessage}.`,
    });
  }
  const forbidden = hardhat ? into(folders) : `${into(folders)}|^(hardhat|@nomicfoundation/)`;
  return {
    "no-restricted-imports": ["error", { patterns }],
    "no-restricted-syntax": [
      "error",
      {
        // esquery ends a regex at the first "/", so the slashes are written as \x2F
        selector: `ImportExpression[source.value=/${forbidden.replaceAll("/", "\\x2F")}/]`,
        message: `${name}: this dynamic import goes against the layer order (see eslint.config.js).`,
      },
    ],
  };
}

const ABOVE_SDK = ["deploy", "keeper", "risk", "watch", "tasks", "tools", "test", "scripts"];

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "artifacts/",
      "cache/",
      "coverage/",
      "typechain-types/",
      "types/",
      "dist/",
      "packages/*/dist/",
      "packages/*/docs/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
    },
  },
  { files: ["sdk/**/*.ts"], rules: layer("sdk/", ABOVE_SDK, { hardhat: false }) },
  // the workspace packages are published on their own: no repository folder, no Hardhat (they import other packages)
  {
    files: ["packages/indexer/src/**/*.ts"],
    rules: layer("packages/indexer/", [...ABOVE_SDK, "sdk", "typechain-types", "packages", "contracts", "artifacts"], {
      hardhat: false,
      hardhatMessage: "it is a package of its own (viem, pg, PGlite, @ballast/sdk)",
    }),
  },
  {
    // the package sits at packages/sdk/src: any climb out of it (../../../sdk/, ../../../typechain-types/) is refused
    files: ["packages/sdk/src/**/*.ts"],
    rules: layer(
      "packages/sdk/src/",
      ["sdk", "typechain-types", "deploy", "keeper", "risk", "watch", "tasks", "tools", "test", "scripts", "packages"],
      {
        hardhat: false,
      },
    ),
  },
  {
    files: ["deploy/**/*.ts"],
    rules: layer("deploy/", ["keeper", "risk", "watch", "tasks", "tools", "test", "scripts"]),
  },
  {
    files: ["keeper/**/*.ts"],
    rules: layer("keeper/", ["deploy", "risk", "watch", "tasks", "tools", "test", "scripts"]),
  },
  {
    files: ["risk/**/*.ts"],
    rules: layer("risk/", ["deploy", "keeper", "watch", "tasks", "tools", "test", "scripts"]),
  },
  {
    files: ["watch/**/*.ts"],
    rules: layer("watch/", ["deploy", "tasks", "tools", "test", "scripts"], { hardhat: false }),
  },
  { files: ["tasks/**/*.ts"], rules: layer("tasks/", ["tools", "test", "scripts"]) },
  { files: ["tools/**/*.ts"], rules: layer("tools/", ["tasks", "test", "scripts"]) },
  // the dashboard: a browser app that reaches the project only through @ballast/sdk
  {
    files: ["packages/app/src/**/*.{ts,tsx}", "packages/app/vite.config.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex:
                "^(\\.\\./)+(sdk|deploy|keeper|risk|watch|tasks|tools|test|typechain-types|packages)/|^(hardhat|@nomicfoundation/|ethers$|node:)",
              message:
                "the app imports the project only through @ballast/sdk (and runs in a browser: no Node, no Hardhat).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["tools/**/*.mjs", "packages/*/scripts/**/*.mjs", "packages/*/examples/**/*.mjs", "*.js"],
    languageOptions: {
      globals: {
        console: "readonly",
        process: "readonly",
        URL: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
      },
    },
  },
);
