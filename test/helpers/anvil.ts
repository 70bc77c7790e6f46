/** The tests' local node: anvil, started as `npm run app` starts it (tools/lib/anvil.ts). */
export * from "../../tools/lib/anvil.js";
