/**
 * How an asset's price is composed, and why it fails: the OracleAdapter's answer for one asset taken apart into its
 * legs (the built-in Chainlink feeds; or a price source: a Chainlink source, a base price times a capped exchange rate,
 * an attested NAV), each leg read as the contracts read it. `ballast oracle <asset>` prints it; it needs no Hardhat
 * runtime (any ethers v6 runner).
 *
 * Units: prices [wad] USD per whole token, rates [wad] underlying per token, times [s], bounds [bps].
 */
import { Contract, type ContractRunner } from "ethers";
import {
  ChainlinkSource__factory,
  IPriceSource__factory,
  NavSource__factory,
  OracleAdapter__factory,
  RateAdjustedSource__factory,
} from "../typechain-types/index.js";
import { PRICE_FAILURES } from "./errors.js";

/** One leg of a price: what it is, its address, its value and its failure (`None` when it answers). */
export interface PriceLeg {
  /** e.g. "primary feed", "second feed", "base (chainlink source)", "exchange rate", "NAV feed". */
  role: string;
  address: string;
  /** [wad] the leg's value (a price, or a rate), 0 when it fails. */
  value: bigint;
  /** [s] when it was last updated (0 for a live call, or on failure). */
  updatedAt: bigint;
  /** The failure's code and phrase, or undefined when the leg answers. */
  failure?: { code: number; why: string };
}

/** An asset's price, explained. */
export interface PriceExplanation {
  /** "feeds" (the adapter's built-in Chainlink path), or the source's kind ("chainlink", "rate-adjusted", "nav"). */
  kind: string;
  /** The source's address ("" for built-in feeds). */
  source: string;
  /** [wad] the adapter's price, 0 when it fails. */
  price: bigint;
  failure?: { code: number; why: string };
  legs: PriceLeg[];
  /** A rate-adjusted source's cap: the rate it reads, the most it may count now, its floor and yearly growth. */
  rate?: {
    raw: bigint;
    cap: bigint;
    floor: bigint;
    snapshot: bigint;
    snapshotTime: bigint;
    maxYearlyGrowthBps: bigint;
    capped: boolean;
  };
  /** An attested source: when it was attested, its time-to-live, when it lapsed (0 while in force). */
  attestation?: { attestedAt: bigint; ttl: bigint; lapsedAt: bigint };
  writtenDown: boolean;
  /** Human lines, one per fact, for a terminal. */
  lines: string[];
}

const failureOf = (code: bigint | number): { code: number; why: string } | undefined =>
  Number(code) === 0 ? undefined : { code: Number(code), why: PRICE_FAILURES[Number(code)] ?? `failure ${code}` };

const wadText = (x: bigint, digits = 4): string => {
  const whole = x / 10n ** 18n;
  const frac = (x % 10n ** 18n).toString().padStart(18, "0").slice(0, digits);
  return `${whole.toLocaleString("en-US")}.${frac}`;
};

/** Explains the price of `asset` as the OracleAdapter at `oracle` composes it now. */
export async function explainPrice(
  runner: ContractRunner,
  oracle: string,
  asset: string,
  label = asset,
): Promise<PriceExplanation> {
  const adapter = OracleAdapter__factory.connect(oracle, runner);
  const [price, code] = await adapter.tryGetPrice(asset);
  const [sourceAddress, ttl, writtenDown] = await adapter.sourceOf(asset);
  const out: PriceExplanation = {
    kind: "feeds",
    source: "",
    price,
    failure: failureOf(code),
    legs: [],
    writtenDown,
    lines: [],
  };
  const line = (s: string): void => {
    out.lines.push(s);
  };
  const none = "0x0000000000000000000000000000000000000000";
  if (sourceAddress === none) {
    const feeds = await adapter.feedsOf(asset);
    if (feeds.primary.aggregator === none) {
      line(`${label}: no price configured (no feed, no source)`);
      return out;
    }
    line(`${label}: the OracleAdapter's built-in Chainlink feeds`);
    out.legs.push(await feedLeg(runner, "primary feed", feeds.primary.aggregator, Number(feeds.primaryDecimals)));
    if (feeds.secondary.aggregator !== none) {
      out.legs.push(await feedLeg(runner, "second feed", feeds.secondary.aggregator, Number(feeds.secondaryDecimals)));
      line(`  deviation bound: ${Number(feeds.maxDeviationBps) / 100}% between the two feeds`);
    }
  } else {
    const source = IPriceSource__factory.connect(sourceAddress, runner);
    out.kind = await source.sourceKind();
    out.source = sourceAddress;
    line(`${label}: price source ${out.kind} at ${sourceAddress}${writtenDown ? " (WRITTEN DOWN)" : ""}`);
    if (out.kind === "rate-adjusted") {
      const r = RateAdjustedSource__factory.connect(sourceAddress, runner);
      const base = await r.base();
      const [bp, bt, bf] = await IPriceSource__factory.connect(base, runner).price();
      out.legs.push({ role: "base price", address: base, value: bp, updatedAt: bt, failure: failureOf(bf) });
      const now = BigInt((await runner.provider?.getBlock("latest"))?.timestamp ?? 0);
      const [raw, cap, floor, snapshot, snapshotTime, growth] = await Promise.all([
        r.rawRate(),
        r.capAt(now),
        r.floorRate(),
        r.snapshotRate(),
        r.snapshotTime(),
        r.maxYearlyGrowthBps(),
      ]);
      out.legs.push({
        role: "exchange rate",
        address: await r.rateProvider(),
        value: raw,
        updatedAt: 0n,
        failure: raw === 0n ? failureOf(11) : raw < floor ? failureOf(12) : undefined,
      });
      out.rate = { raw, cap, floor, snapshot, snapshotTime, maxYearlyGrowthBps: growth, capped: raw > cap };
      line(
        `  rate ${wadText(raw, 6)} (cap now ${wadText(cap, 6)}: ${Number(growth) / 100}%/yr from ${wadText(snapshot, 6)} ` +
          `at ${new Date(Number(snapshotTime) * 1000).toISOString()}; floor ${wadText(floor, 6)})` +
          (raw > cap ? ": CAPPED, the price counts the cap" : ""),
      );
    } else if (out.kind === "nav") {
      const n = NavSource__factory.connect(sourceAddress, runner);
      const [np, nt, nf] = await n.price();
      out.legs.push({ role: "NAV feed", address: await n.navFeed(), value: np, updatedAt: nt, failure: failureOf(nf) });
    } else if (out.kind === "chainlink") {
      const c = ChainlinkSource__factory.connect(sourceAddress, runner);
      const [sp, st, sf] = await c.price();
      out.legs.push({
        role: "chainlink source",
        address: await c.primaryFeed(),
        value: sp,
        updatedAt: st,
        failure: failureOf(sf),
      });
    }
    if (ttl !== 0n) {
      const [attestedAt, , lapsedAt] = await adapter.attestation(asset);
      out.attestation = { attestedAt, ttl, lapsedAt };
      line(
        `  attestation: ${attestedAt === 0n ? "unknown" : new Date(Number(attestedAt) * 1000).toISOString()}, ` +
          `time-to-live ${Number(ttl) / 86_400} days: ${lapsedAt === 0n ? "in force" : `LAPSED since ${new Date(Number(lapsedAt) * 1000).toISOString()} (no new risk against it)`}`,
      );
    }
  }
  for (const l of out.legs) {
    line(
      `  ${l.role}: ${l.failure === undefined ? wadText(l.value) : `fails: ${l.failure.why}`} (${l.address})` +
        (l.updatedAt === 0n ? "" : ` updated ${new Date(Number(l.updatedAt) * 1000).toISOString()}`),
    );
  }
  line(out.failure === undefined ? `  price: ${wadText(price)} USD per token` : `  no price: ${out.failure.why}`);
  return out;
}

/** One Chainlink-style feed's latest answer, scaled to [wad] (no guards: the legs show what the feed says). */
async function feedLeg(runner: ContractRunner, role: string, address: string, decimals: number): Promise<PriceLeg> {
  const feed = new Contract(
    address,
    ["function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)"],
    runner,
  );
  try {
    const [, answer, , updatedAt] = (await feed.getFunction("latestRoundData")()) as [bigint, bigint, bigint, bigint];
    const value = decimals <= 18 ? answer * 10n ** BigInt(18 - decimals) : answer / 10n ** BigInt(decimals - 18);
    return { role, address, value, updatedAt, failure: answer <= 0n ? failureOf(3) : undefined };
  } catch {
    return { role, address, value: 0n, updatedAt: 0n, failure: failureOf(2) };
  }
}
