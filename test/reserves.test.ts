/**
 * The proof-of-reserves report (`npm run reserves`): `readReserves` over the on-chain ReserveLens against the Vault's
 * own ledger and token balances, and its JSON keeping every number exact.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { Contract } from "ethers";

import { BUSD, WAD, deployCore, fundAndApprove, units, wad } from "../scripts/lib/core.js";
import { readReserves, reserveJson } from "../scripts/lib/reserves.js";
import { ReserveLens__factory } from "../typechain-types/index.js";

describe("reserves report (scripts/lib/reserves.ts over ReserveLens)", function () {
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
    expect(busd?.positionDebt).to.equal((await core.vault.synthetic(BUSD)).totalDebt);
    expect(report.system.complete).to.equal(true);
    expect(report.system.backingBps).to.equal((report.system.collateralValue * 10_000n) / report.system.liabilityValue);
    // 20,000 of WETH for 8,000 of bUSD plus a block of interest: just under 250%, rounded down
    expect(report.system.backingBps).to.equal(24_999n);

    const json = JSON.parse(reserveJson(report)) as { system: { collateralValue: string } };
    expect(json.system.collateralValue).to.equal(report.system.collateralValue.toString());
  });
});
