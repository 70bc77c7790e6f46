/**
 * Access control, enumerated from the ABIs: every state-changing function of every Ballast contract is either listed
 * here as public by design, or reverts with an authorization error for a caller that holds no role. A new function
 * that is neither fails this test, so no privileged entry point can be forgotten.
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { BaseContract, FunctionFragment, ParamType } from "ethers";
import { ZeroAddress, zeroPadValue } from "ethers";

import { deployCore } from "../deploy/local/core.js";

/** Functions anyone may call, per contract, each for a stated reason. */
const PUBLIC: Record<string, Record<string, string>> = {
  Vault: {
    open: "anyone may open a position for themselves",
    openAndMint: "opens the caller's own position",
    deposit: "owner or a manager holding DEPOSIT: checked against the position",
    withdraw: "owner or a manager holding WITHDRAW: checked against the position",
    mint: "owner or a manager holding MINT: checked against the position",
    repay: "anyone may repay any position",
    close: "owner or a manager holding CLOSE: checked against the position",
    repayAndWithdraw: "owner or a manager holding REPAY_WITH_COLLATERAL; health may not fall, bonus capped",
    batch: "each step checks its own position",
    transferPosition: "owner only: checked against the position",
    setManager: "owner only: checked against the position",
    setManagerWithPermit: "the position's owner's EIP-712 signature (or ERC-1271), with its nonce and deadline",
    revokeSignedGrants: "uses up the caller's own grant nonce",
    accrue: "bookkeeping: brings the index to now",
    mintFees: "pays only the treasury",
    startLapsedRamp: "only once an attested asset's attestation has been lapsed for its grace (read from the oracle)",
    writeOffPosition: "only a position owing debt whose basket is all written down by the oracle; to the Treasury",
  },
  SyntheticToken: {
    transfer: "ERC-20",
    transferFrom: "ERC-20",
    approve: "ERC-20",
    permit: "EIP-2612",
    flashLoan: "ERC-3156: repaid within the call",
  },
  LiquidationEngine: {
    liquidate: "permissionless keepers: only unhealthy positions",
    take: "permissionless bidders",
    reset: "permissionless: only stale auctions",
    "claim(address)": "the caller's own leftovers",
    "claim(address,address)": "the caller's own leftovers",
    claimKeeperPay: "the caller's own credited pay",
  },
  Treasury: {
    absorbBadDebt: "burns surplus against bad debt; moves nothing to the caller",
    poke: "records whether the surplus is above the buffer",
    distribute: "pays the policy's sinks by rule once due; nothing to the caller",
  },
  StabilityModule: {
    swapIn: "the caller's own reserve, at par",
    swapOut: "the caller's own units, at par",
  },
  SavingsToken: {
    deposit: "ERC-4626: the caller's own assets",
    mint: "ERC-4626: the caller's own assets",
    withdraw: "ERC-4626: the owner's shares, or an allowance",
    redeem: "ERC-4626: the owner's shares, or an allowance",
    transfer: "ERC-20",
    transferFrom: "ERC-20",
    approve: "ERC-20",
    permit: "EIP-2612",
    distribute: "streams the caller's own units to savers",
    skim: "streams a donation to savers; moves nothing out",
  },
  BuybackSink: {
    buy: "spends the caller's own units at an oracle-bounded price",
  },
  Redemptions: {
    redeem: "hands in the caller's own units; takes only from positions below the redeemable health",
  },
  Settlement: {
    poke: "records the system's backing",
    trigger: "permissionless shutdown under the on-chain condition",
    freezePrice: "freezes the oracle's guarded price once",
    settlePosition: "after shutdown, for any position",
    claim: "the caller's own claim",
    finalize: "after every debt is settled",
    redeem: "the caller's own units",
    settleAuction: "after shutdown, for any live auction",
    settleModule: "after shutdown, for any stability module",
  },
  VolatilityObserver: {
    observe: "records the oracle's guarded price, at most once per interval per asset",
  },
  Router: {
    execute:
      "acts only for its caller: pulls only from the caller, only the caller's positions (or opened in the call)",
    onFlashLoan:
      "only the flash the router itself started in this call (transient lender and amount, its own initiator)",
  },
  PreLiquidation: {
    preLiquidate:
      "anyone, only on a position whose owner granted it the repay-with-collateral right, only inside the band",
  },
  InstrumentVault: {
    createSeries: "anyone may create a series on an enabled underlying with an allowed collateral",
    write: "locks the caller's own collateral for the series' maximum payoff",
    burnPair: "burns the caller's own long and short tokens before expiry",
    settle: "permissionless after expiry: only the first guarded round at or after expiry, proven by the round before",
    settleFallback: "permissionless after the fallback delay: only the last guarded round before expiry, found rounds",
    settleVoid: "permissionless after the void delay: settles at the strike (the longs receive nothing)",
    challenge: "permissionless inside the dispute window: only an earlier round the primary rule accepts",
    redeem: "the caller's own tokens, after the dispute window",
    transfer: "ERC-6909",
    transferFrom: "ERC-6909: the owner's tokens, with an allowance or as its operator",
    approve: "ERC-6909",
    setOperator: "ERC-6909",
  },
  RiskOracle: {},
  RiskSteward: {
    applyRecommendation: "applies only the newest unexpired recommendation, within the bounds governance set",
  },
  DynamicRateModel: {},
  FixedRateModel: {},
  OracleAdapter: {},
  ReserveLens: {},
  PositionLens: {},
};

/** Errors that mean "you may not call this". */
const AUTH_ERRORS = new Set([
  "AccessManagedUnauthorized",
  "CallerNotLiquidationEngine",
  "CallerNotTreasury",
  "CallerNotVault",
  "ModuleNotFound", // the Vault's module hooks: the caller is not an added module
  "CallerNotRedeemer",
]);

function defaultValue(p: ParamType): unknown {
  if (p.baseType === "array") return [];
  if (p.baseType === "tuple") return (p.components ?? []).map(defaultValue);
  if (p.type === "address") return ZeroAddress;
  if (p.type === "bool") return false;
  if (p.type === "string") return "";
  if (p.type === "bytes") return "0x";
  if (p.type.startsWith("bytes")) return zeroPadValue("0x", Number(p.type.slice(5)));
  return 0n;
}

function mutating(contract: BaseContract): FunctionFragment[] {
  const out: FunctionFragment[] = [];
  contract.interface.forEachFunction((f) => {
    if (f.stateMutability !== "view" && f.stateMutability !== "pure") out.push(f);
  });
  return out;
}

describe("access control (every state-changing function, from the ABIs)", function () {
  it("each function is public by design or refuses a caller without a role", async function () {
    const { ethers } = await network.create();
    const core = await deployCore(ethers);
    const [, , , , , , , , , stranger] = await ethers.getSigners();
    if (stranger === undefined) throw new Error("needs ten signers");
    const dynamic = await ethers.deployContract("DynamicRateModel", [
      await core.manager.getAddress(),
      await core.oracle.getAddress(),
    ]);

    const contracts: Record<string, BaseContract> = {
      Vault: core.vault,
      SyntheticToken: core.busd,
      LiquidationEngine: core.engine,
      Treasury: core.treasury,
      Settlement: core.settlement,
      DynamicRateModel: dynamic,
      FixedRateModel: core.rateModel,
      OracleAdapter: core.oracle,
      ReserveLens: core.reserveLens,
      PositionLens: core.lens,
      StabilityModule: core.psm,
      SavingsToken: core.savings,
      BuybackSink: core.buyback,
      Redemptions: core.redemptions,
      Router: core.router,
      PreLiquidation: core.preLiquidation,
      InstrumentVault: core.instruments,
      VolatilityObserver: core.observer,
      RiskOracle: core.riskOracle,
      RiskSteward: core.steward,
    };

    const checked: string[] = [];
    for (const [name, contract] of Object.entries(contracts)) {
      expect(PUBLIC[name], `${name} has no entry in PUBLIC`).to.not.equal(undefined);
      const allow = PUBLIC[name] ?? {};
      const fns = mutating(contract);
      const signatures = new Set(fns.flatMap((f) => [f.name, f.format("sighash")]));
      for (const listed of Object.keys(allow)) {
        expect(signatures.has(listed), `${name}.${listed} is listed as public but does not exist`).to.equal(true);
      }
      for (const f of fns) {
        if (allow[f.name] !== undefined || allow[f.format("sighash")] !== undefined) continue;
        const args = f.inputs.map(defaultValue);
        const connected = contract.connect(stranger) as BaseContract;
        const call = connected.getFunction(f.format("sighash"));
        let reason = "did not revert";
        try {
          await call.staticCall(...args);
        } catch (e) {
          const raw = (e as { data?: unknown }).data;
          const data = typeof raw === "string" ? raw : (raw as { data?: string } | undefined)?.data;
          const parsed = data === undefined ? null : contract.interface.parseError(data);
          reason = parsed?.name ?? `reverted without a known error (${String(data)})`;
        }
        expect(AUTH_ERRORS.has(reason), `${name}.${f.format("sighash")} from a stranger: ${reason}`).to.equal(true);
        checked.push(`${name}.${f.name}`);
      }
    }
    // the restricted surface is not empty: a broken enumeration cannot pass silently
    expect(checked).to.include.members([
      "Vault.setAssetParams",
      "Vault.setPaused",
      "Vault.shutdown",
      "Vault.releasePosition",
      "Vault.seize",
      "Vault.mintUnbacked",
      "Vault.moduleMint",
      "Vault.redeemFrom",
      "Redemptions.setParams",
      "Vault.addModule",
      "StabilityModule.setFees",
      "StabilityModule.releaseReserves",
      "Treasury.setPolicy",
      "SyntheticToken.mint",
      "Treasury.payKeeper",
      "Settlement.shutdown",
      "Settlement.retireAsset",
      "Settlement.sweepPool",
      "OracleAdapter.setFeeds",
      "LiquidationEngine.setGlobalCap",
      "DynamicRateModel.setRateParams",
      "RiskOracle.publish",
      "RiskSteward.setBounds",
      "RiskSteward.setPaused",
      "InstrumentVault.setUnderlying",
      "InstrumentVault.correctPrice",
    ]);
  });
});
