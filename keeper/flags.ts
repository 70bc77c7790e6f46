/**
 * The keeper's one flag table: each setting's CLI flag, its `KEEPER_*` environment variable, its default, what it
 * means and its bounds. `parseKeeperConfig` (keeper/service.ts) reads values and names problems from it, and the
 * `ballast keeper` task (tasks/index.ts) generates its options from it, so a new setting is one row here plus its use.
 *
 * No imports: hardhat.config.ts loads this file (through tasks/index.ts) before anything is compiled.
 */

/** One setting. `help` is what it is (with its range, as error messages print it); `range` bounds a number. */
export interface KeeperFlagSpec {
  /** The environment variable read when the flag is not given. */
  readonly env: string;
  /** The value when neither is given ("" = derived, see `shownDefault`). */
  readonly default: string;
  /** What it is, without its range. */
  readonly what: string;
  /** The accepted values, in words (also in error messages). */
  readonly range?: string;
  /** [lo, hi] inclusive, and whether only whole numbers are accepted. */
  readonly bounds?: readonly [lo: number, hi: number, integer: boolean];
  /** The default as the help shows it, when `default` is "" (derived at run time). */
  readonly shownDefault?: string;
}

/** The flags, their environment variables and defaults (the README lists the same). */
export const KEEPER_FLAGS = {
  poll: {
    env: "KEEPER_POLL_SECONDS",
    default: "12",
    what: "seconds between ticks",
    range: "0.1 to 3600",
    bounds: [0.1, 3_600, false],
  },
  minProfitBps: {
    env: "KEEPER_MIN_PROFIT_BPS",
    default: "100",
    what: "least profit of a take, in bps",
    range: "0 to 5000",
    bounds: [0, 5_000, true],
  },
  batchSize: {
    env: "KEEPER_BATCH_SIZE",
    default: "200",
    what: "position ids per healthOf call",
    range: "1 to 2000",
    bounds: [1, 2_000, true],
  },
  checkpoint: {
    env: "KEEPER_CHECKPOINT",
    default: "",
    what: "checkpoint file",
    shownDefault: "reports/keeper-<network>.json",
  },
  maxFeeGwei: { env: "KEEPER_MAX_FEE_GWEI", default: "100", what: "max fee per gas cap, in gwei", range: "> 0" },
  blockChunk: {
    env: "KEEPER_BLOCK_CHUNK",
    default: "2000",
    what: "blocks per getLogs call",
    range: "1 to 100000",
    bounds: [1, 100_000, true],
  },
  confirmations: {
    env: "KEEPER_CONFIRMATIONS",
    default: "0",
    what: "blocks the event scan stays behind the head",
    range: "0 to 1000; 2 or more on live networks",
    bounds: [0, 1_000, true],
  },
  spreadBps: {
    env: "KEEPER_VENUE_SPREAD_BPS",
    default: "30",
    what: "mock venue spread under the oracle, in bps",
    bounds: [0, 5_000, true],
  },
} as const satisfies Record<string, KeeperFlagSpec>;

export type KeeperFlag = keyof typeof KEEPER_FLAGS;

/** The flags that take a number within `bounds`. */
export type BoundedFlag = {
  [K in KeeperFlag]: (typeof KEEPER_FLAGS)[K] extends { bounds: unknown } ? K : never;
}[KeeperFlag];

/** The switch that runs one tick and exits (a flag without a value, so not a row of `KEEPER_FLAGS`). */
export const KEEPER_ONCE = { name: "once", description: "Run one tick and exit" } as const;

/** Every flag, in table order. */
export const keeperFlags = (): KeeperFlag[] => Object.keys(KEEPER_FLAGS) as KeeperFlag[];

/** What a setting is, with its range: "seconds between ticks (0.1 to 3600)". */
export function keeperFlagHelp(k: KeeperFlag): string {
  const f: KeeperFlagSpec = KEEPER_FLAGS[k];
  return f.range === undefined ? f.what : `${f.what} (${f.range})`;
}

/** The task option's description: "Seconds between ticks (KEEPER_POLL_SECONDS, default 12)". */
export function keeperOptionDescription(k: KeeperFlag): string {
  const f: KeeperFlagSpec = KEEPER_FLAGS[k];
  const what = f.what.charAt(0).toUpperCase() + f.what.slice(1);
  return `${what} (${f.env}, default ${f.shownDefault ?? f.default})`;
}

/** The flag as typed on the command line: "minProfitBps" is "--min-profit-bps". */
export function keeperFlagName(k: KeeperFlag): string {
  return `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
