/**
 * The proof-of-reserves report (`npm run reserves`): `readReserves` over the on-chain ReserveLens against the Vault's
 * own ledger and token balances, and its JSON keeping every number exact.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { Contract } from "ethers";

import { BUSD } from "../sdk/params.js";
import { WAD } from "../sdk/math.js";
import { deployCore, fundAndApprove } from "../deploy/local/core.js";
import { units, wad } from "../sdk/units.js";
import { BACKING_MEASURES, printReserves, readReserves, reserveJson } from "../sdk/reserves.js";
import { defaultConfig } from "../risk/model.js";
import { COLLATERALIZATION_MEASURES, collateralization } from "../risk/report.js";
import { runRisk } from "../risk/run.js";
import { readSnapshot } from "../risk/snapshot.js";
import { ReserveLens__factory } from "../typechain-types/index.js";

describe("reserves report (sdk/reserves.ts over ReserveLens)", function () {
  it("matches the ledger, balances and supplies, and writes exact JSON", async function () {
    const { ethers } = await network.create();
    const core = await deployCore(ethers);
    const [, alice] = await ethers.getSigners();
    if (alice === undefined) throw new Error("needs two signers");
    await fundAndApprove(core, alice, { weth: units("weth", "10"), usdc: units("usdc", "5000") });
    await (
      await core.vault.connect(alice).openAndMint(BUSD, core.weth, units("weth", "10"), wad("8000"), alice)
    ).wait();
    const lensC = await ethers.deployContract("ReserveLens", [await core.vault.getAddress()]);
    const lens = ReserveLens__factory.connect(await lensC.getAddress(), alice);
    const erc20 = ["function symbol() view returns (string)", "function decimals() view returns (uint8)"];
    const report = await readReserves(lens, async (address) => {
      const t = new Contract(address, erc20, alice);
      return { symbol: String(await t.getFunction("symbol")()), decimals: Number(await t.getFunction("decimals")()) };
    });

    const weth = report.assets.find((a) => a.symbol === "WETH");
    expect(weth?.credited).to.equal(await core.vault.totalCollateral(core.weth));
    expect(weth?.held).to.equal(await core.weth.balanceOf(core.vault));
    expect(weth?.value).to.equal(10n * 2_000n * WAD);
    expect(weth?.proven).to.equal(null);
    const busd = report.synthetics.find((s) => s.symbol === "bUSD");
    expect(busd?.supply).to.equal(await core.busd.totalSupply());
    expect(busd?.positionDebt).to.equal((await core.lens.synthetic(BUSD)).totalDebt);
    expect(report.system.complete).to.equal(true);
    expect(report.system.backingBps).to.equal((report.system.collateralValue * 10_000n) / report.system.liabilityValue);
    // 20,000 of WETH for 8,000 of bUSD plus a block of interest: just under 250%, rounded down
    expect(report.system.backingBps).to.equal(24_999n);

    const json = JSON.parse(reserveJson(report)) as { system: { collateralValue: string } };
    expect(json.system.collateralValue).to.equal(report.system.collateralValue.toString());
  });
});

describe("reserves and risk say what they measure (ReserveLens backing against the risk engine's collateralization)", function () {
  it("on one state the two figures differ by what each counts, and each report names its measure", async function () {
    const { ethers } = await network.create();
    const core = await deployCore(ethers);
    const [, alice, carol] = await ethers.getSigners();
    if (alice === undefined || carol === undefined) throw new Error("needs three signers");
    await fundAndApprove(core, alice, { weth: units("weth", "10") });
    await fundAndApprove(core, carol, { weth: units("weth", "5") });
    await (
      await core.vault.connect(alice).openAndMint(BUSD, core.weth, units("weth", "10"), wad("8000"), alice)
    ).wait();
    // a position without debt: collateral held, no liability
    await (await core.vault.connect(carol).openAndMint(BUSD, core.weth, units("weth", "5"), 0n, carol)).wait();
    const lensC = await ethers.deployContract("ReserveLens", [await core.vault.getAddress()]);
    const lens = ReserveLens__factory.connect(await lensC.getAddress(), alice);
    const erc20 = ["function symbol() view returns (string)", "function decimals() view returns (uint8)"];
    const reserves = await readReserves(lens, async (address) => {
      const t = new Contract(address, erc20, alice);
      return { symbol: String(await t.getFunction("symbol")()), decimals: Number(await t.getFunction("decimals")()) };
    });
    const { vault, oracle, engine, lens: positionLens } = core.addresses;
    const snap = await readSnapshot(
      alice,
      { vault: vault ?? "", oracle: oracle ?? "", engine: engine ?? "", lens: positionLens ?? "" },
      "test",
    );
    const risk = collateralization(snap);
    // risk: alice's 10 WETH at $2,000 over her debt; the lens: all 15 WETH over the bUSD issued
    expect(risk.collateralUsd).to.equal(20_000);
    const debt = Number(await core.lens.debtOf(1n)) / 1e18;
    expect(Math.abs(risk.debtUsd - debt) < 1e-6).to.equal(true);
    const lensCollateral = Number(reserves.system.collateralValue) / 1e18;
    expect(lensCollateral).to.equal(30_000);
    expect(lensCollateral - risk.collateralUsd).to.equal(5 * 2_000); // carol's debt-free position
    const busd = reserves.synthetics.find((s) => s.symbol === "bUSD");
    expect(reserves.system.liabilityValue).to.equal((busd?.supply ?? 0n) + (busd?.unmintedFees ?? 0n));
    expect(Number(reserves.system.backingBps) / 100).to.be.greaterThan(risk.ratio * 100 + 100); // 375% against 250%
    // and each says what it counts
    expect(BACKING_MEASURES).to.match(/all collateral held \(positions with or without debt, auction lots/);
    expect(BACKING_MEASURES).to.match(/all synthetic issued \(supply \+ unminted fees\)/);
    expect(COLLATERALIZATION_MEASURES).to.match(/^collateral of the positions with debt and of the auction lots/);
    const printed: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void printed.push(a.join(" "));
    try {
      printReserves(reserves);
    } finally {
      console.log = log;
    }
    expect(printed.join("\n")).to.contain(`System: ${BACKING_MEASURES}`);
    const text = runRisk(snap, { ...defaultConfig(), paths: 5, hours: 4, samplePaths: 1 }).text;
    expect(text).to.contain(`collateralization 250.0% ($20,000 / $8,000)`);
    expect(text).to.contain(`collateralization = ${COLLATERALIZATION_MEASURES}`);
  });
});
