/**
 * The watch's one flag table: each setting's CLI flag, its `WATCH_*` environment variable, its default, what it means
 * and its bounds. `parseWatchConfig` (watch/service.ts) reads values and names problems from it, and the
 * `ballast watch` task (tasks/index.ts) generates its options from it, so a new setting is one row here plus its use.
 *
 * No imports: hardhat.config.ts loads this file (through tasks/index.ts) before anything is compiled.
 */

/** One setting. `what` is what it is; `range` the accepted values in words; `bounds` a number's range. */
export interface WatchFlagSpec {
  readonly env: string;
  readonly default: string;
  readonly what: string;
  readonly range?: string;
  /** [lo, hi] inclusive, whether only whole numbers are accepted, and whether `lo` itself is excluded. */
  readonly bounds?: readonly [lo: number, hi: number, integer: boolean, openLow?: boolean];
  readonly shownDefault?: string;
}

/**
 * The flags, their environment variables and defaults (the README lists the same). The level defaults are set so
 * that the demo portfolio at the demo's prices raises no alert (test/watch.test.ts checks it): its most leveraged
 * position (78% of WETH's value, health 1.085 after a month of interest) has a 5% chance of liquidation within a day
 * at WETH's configured 80% volatility.
 */
export const WATCH_FLAGS = {
  owner: {
    env: "WATCH_OWNER",
    default: "",
    what: "follow this owner's positions only (an address)",
    shownDefault: "all",
  },
  positions: {
    env: "WATCH_POSITIONS",
    default: "",
    what: "follow these position ids only, comma-separated",
    shownDefault: "all",
  },
  horizon: {
    env: "WATCH_HORIZON_HOURS",
    default: "24",
    what: "hours ahead the liquidation probability looks",
    range: "above 0, at most 8760",
    bounds: [0, 8_760, false, true],
  },
  poll: {
    env: "WATCH_POLL_SECONDS",
    default: "12",
    what: "seconds between evaluations",
    range: "0.1 to 3600",
    bounds: [0.1, 3_600, false],
  },
  warnHealth: {
    env: "WATCH_WARN_HEALTH",
    default: "1.05",
    what: "health below which a position is at warn",
    range: "above 1, at most 10",
    bounds: [1, 10, false, true],
  },
  criticalHealth: {
    env: "WATCH_CRITICAL_HEALTH",
    default: "1.02",
    what: "health below which a position is at critical",
    range: "above 1, at most the warn health",
    bounds: [1, 10, false, true],
  },
  warnProbability: {
    env: "WATCH_WARN_PROBABILITY",
    default: "10",
    what: "liquidation probability within the horizon, in percent, from which a position is at warn",
    range: "above 0, at most 100",
    bounds: [0, 100, false, true],
  },
  criticalProbability: {
    env: "WATCH_CRITICAL_PROBABILITY",
    default: "30",
    what: "liquidation probability within the horizon, in percent, from which a position is at critical",
    range: "at least the warn probability, at most 100",
    bounds: [0, 100, false, true],
  },
  volMaxAge: {
    env: "WATCH_VOL_MAX_AGE",
    default: "3600",
    what: "oldest observed volatility used, in seconds (older: the configured one)",
    range: "1 to 604800",
    bounds: [1, 604_800, true],
  },
  checkpoint: {
    env: "WATCH_CHECKPOINT",
    default: "",
    what: "checkpoint file",
    shownDefault: "reports/watch-<network>.json",
  },
  webhook: { env: "WATCH_WEBHOOK_URL", default: "", what: "URL each alert is POSTed to as JSON", shownDefault: "none" },
  webhookAttempts: {
    env: "WATCH_WEBHOOK_ATTEMPTS",
    default: "5",
    what: "tries per alert at the webhook",
    range: "1 to 20",
    bounds: [1, 20, true],
  },
  blockChunk: {
    env: "WATCH_BLOCK_CHUNK",
    default: "2000",
    what: "blocks per getLogs call",
    range: "1 to 100000",
    bounds: [1, 100_000, true],
  },
  confirmations: {
    env: "WATCH_CONFIRMATIONS",
    default: "0",
    what: "blocks the event scan stays behind the head",
    range: "0 to 1000",
    bounds: [0, 1_000, true],
  },
} as const satisfies Record<string, WatchFlagSpec>;

export type WatchFlag = keyof typeof WATCH_FLAGS;

/** The flags that take a number within `bounds`. */
export type BoundedWatchFlag = {
  [K in WatchFlag]: (typeof WATCH_FLAGS)[K] extends { bounds: unknown } ? K : never;
}[WatchFlag];

/** The switches without a value. */
export const WATCH_ONCE = { name: "once", description: "Evaluate once, print, alert, and exit" } as const;
export const WATCH_JSON = {
  name: "json",
  description: "Print each alert as one JSON line on stdout (everything else goes to stderr)",
} as const;

/** Every flag, in table order. */
export const watchFlags = (): WatchFlag[] => Object.keys(WATCH_FLAGS) as WatchFlag[];

/** What a setting is, with its range: "seconds between evaluations (0.1 to 3600)". */
export function watchFlagHelp(k: WatchFlag): string {
  const f: WatchFlagSpec = WATCH_FLAGS[k];
  return f.range === undefined ? f.what : `${f.what} (${f.range})`;
}

/** The task option's description: "Seconds between evaluations (WATCH_POLL_SECONDS, default 12)". */
export function watchOptionDescription(k: WatchFlag): string {
  const f: WatchFlagSpec = WATCH_FLAGS[k];
  const what = f.what.charAt(0).toUpperCase() + f.what.slice(1);
  return `${what} (${f.env}, default ${f.shownDefault ?? f.default})`;
}

/** The flag as typed on the command line: "warnHealth" is "--warn-health". */
export function watchFlagName(k: WatchFlag): string {
  return `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
