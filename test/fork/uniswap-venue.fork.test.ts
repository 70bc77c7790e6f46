/**
 * The Uniswap v3 venue adapter (contracts/periphery/UniswapV3Venue.sol) on an Ethereum mainnet fork (`npm run
 * test:fork`, network `mainnetFork`, pinned at block 19,000,000 unless MAINNET_FORK_BLOCK says otherwise): WETH sold
 * for USDC in the real 0.05% pool through the real SwapRouter, the output measured at the recipient, the bound
 * enforced, nothing kept and no approval left; and the same swap driven by the Router's `Swap` step.
 *
 * Needs an archive node: MAINNET_RPC_URL. Without it the suite skips ("MAINNET_RPC_URL not set: fork tests skipped").
 * `npm test` runs every file under test/, this one included: it skips there too unless BALLAST_FORK_TESTS=1, which
 * only `npm run test:fork` sets, so the default run never reaches the network.
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { MaxUint256 } from "ethers";
import { MAINNET_TOKENS } from "../../deploy/config/networks.js";
import {
  MockERC20__factory,
  Router__factory,
  type UniswapV3Venue,
  UniswapV3Venue__factory,
} from "../../typechain-types/index.js";
import { pullStep, step } from "../../sdk/router.js";

/** Uniswap v3's SwapRouter (the original, with a deadline in its exact-input parameters). */
const SWAP_ROUTER = "0xE592427A0AEce92De3Edee1F18E0157C05861564";
/** Aave v3 Ethereum's aEthWETH holds WETH at the pinned block. */
const WETH_HOLDER = "0x4d5F47FA6A74757f35C14fD3a6Ef8E3C9BC514E8";
/** Any address for the Router's Permit2 argument: this suite does not use Permit2. */
const PERMIT2 = "0x000000000022D473030F116dDEE9F6B43aC78BA3";

const RPC = process.env.MAINNET_RPC_URL ?? "";
const ENABLED = process.env.BALLAST_FORK_TESTS === "1";

describe("mainnet fork: UniswapV3Venue (exactInputSingle through the SwapRouter)", function () {
  this.timeout(600_000);
  let ethers: HardhatEthers;
  let alice: HardhatEthersSigner;
  let venue: UniswapV3Venue;

  before(async function () {
    if (RPC === "") {
      console.log(
        "    MAINNET_RPC_URL not set: fork tests skipped (set it to an archive node and run npm run test:fork)",
      );
      this.skip();
    }
    if (!ENABLED) {
      console.log("    fork tests run only with npm run test:fork (BALLAST_FORK_TESTS=1): skipped here");
      this.skip();
    }
    const conn = await network.create("mainnetFork");
    ethers = conn.ethers;
    [, alice] = (await ethers.getSigners()) as [HardhatEthersSigner, HardhatEthersSigner];
    expect((await ethers.provider.getNetwork()).chainId).to.equal(1n);
    await conn.networkHelpers.impersonateAccount(WETH_HOLDER);
    await conn.networkHelpers.setBalance(WETH_HOLDER, 10n ** 18n);
    const holder = await ethers.getSigner(WETH_HOLDER);
    const weth = MockERC20__factory.connect(MAINNET_TOKENS.WETH, holder);
    await (await weth.transfer(alice.address, 10n * 10n ** 18n)).wait();
    const deployed = await ethers.deployContract("UniswapV3Venue", [SWAP_ROUTER, 500]);
    venue = UniswapV3Venue__factory.connect(await deployed.getAddress(), alice);
  });

  it("swaps WETH for USDC in the 0.05% pool, pays the recipient, keeps nothing and leaves no approval", async function () {
    const weth = MockERC20__factory.connect(MAINNET_TOKENS.WETH, alice);
    const usdc = MockERC20__factory.connect(MAINNET_TOKENS.USDC, alice);
    await (await weth.approve(venue, MaxUint256)).wait();
    const amountIn = 10n ** 18n;
    const before = await usdc.balanceOf(alice.address);
    // at the pinned block ETH is above $2,000: 1 WETH brings more than 2,000 USDC (6 decimals)
    await (
      await venue.swap(MAINNET_TOKENS.WETH, MAINNET_TOKENS.USDC, amountIn, 2_000n * 10n ** 6n, alice.address)
    ).wait();
    const got = (await usdc.balanceOf(alice.address)) - before;
    expect(got).to.be.greaterThan(2_000n * 10n ** 6n);
    expect(await weth.balanceOf(venue)).to.equal(0n);
    expect(await usdc.balanceOf(venue)).to.equal(0n);
    expect(await weth.allowance(venue, SWAP_ROUTER)).to.equal(0n);
    // a bound above what the pool pays is refused
    await expect(venue.swap(MAINNET_TOKENS.WETH, MAINNET_TOKENS.USDC, amountIn, got * 2n, alice.address)).to.be.revert(
      ethers,
    );
  });

  it("serves as the Router's venue: a Swap step measures the output and returns it to the caller", async function () {
    const weth = MockERC20__factory.connect(MAINNET_TOKENS.WETH, alice);
    const usdc = MockERC20__factory.connect(MAINNET_TOKENS.USDC, alice);
    const vault = "0x0000000000000000000000000000000000000001"; // the Swap step never calls the Vault
    const deployed = await ethers.deployContract("Router", [vault, PERMIT2]);
    const router = Router__factory.connect(await deployed.getAddress(), alice);
    await (await weth.approve(router, MaxUint256)).wait();
    const before = await usdc.balanceOf(alice.address);
    await (
      await router.execute(
        [
          pullStep(MAINNET_TOKENS.WETH, 10n ** 18n),
          step("Swap", {
            token: MAINNET_TOKENS.WETH,
            amount: 10n ** 18n,
            tokenOut: MAINNET_TOKENS.USDC,
            limit: 2_000n * 10n ** 6n,
            target: await venue.getAddress(),
          }),
        ],
        MaxUint256,
      )
    ).wait();
    expect((await usdc.balanceOf(alice.address)) - before).to.be.greaterThan(2_000n * 10n ** 6n);
    expect(await usdc.balanceOf(router)).to.equal(0n);
    expect(await weth.allowance(router, venue)).to.equal(0n);
  });
});
