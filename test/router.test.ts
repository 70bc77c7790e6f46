/**
 * The one-transaction Router (contracts/periphery/Router.sol) on the system `deployCore` wires, with Permit2 placed at
 * its canonical address from its published runtime code (test/fixtures/permit2.json) and a `MockSwapVenue` that pays
 * WETH by minting and bUSD from its inventory. The flows are built and previewed by sdk/router.ts; every flow runs at
 * a pinned block timestamp and must end exactly where its preview said: normalized debt, collateral and every figure
 * of `PositionLens.healthOf` read at the flow's block, to the wei. After every call the router holds nothing and has
 * no approval standing to the venue.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { type ContractTransactionResponse, MaxUint256, Signature, keccak256 } from "ethers";
import { type Core, deployCore } from "../deploy/local/core.js";
import { deploySystem } from "../deploy/deploy.js";
import { configFor } from "../deploy/config/networks.js";
import * as ops from "../tasks/ops.js";
import * as flows from "../tasks/flows.js";
import { loadSystem } from "../sdk/system.js";
import { formatWad } from "../sdk/format.js";
import { failure } from "./lib/failure.js";
import { BUSD } from "../sdk/params.js";
import { WAD } from "../sdk/math.js";
import { GRANT_TYPES, PERMISSIONS, grantDomain } from "../sdk/permissions.js";
import {
  BALANCE,
  type FlowPreview,
  PERMIT_SINGLE_TYPES,
  type PositionState,
  type Quote,
  type Step,
  closeWithCollateral,
  deleverage,
  encodeSteps,
  figuresOf,
  grantStep,
  leverage,
  mockVenueQuote,
  permit2PermitStep,
  permit2PullStep,
  permitStep,
  pullStep,
  readPositionState,
  repayWithCollateral,
  step,
} from "../sdk/router.js";
import {
  type MockSwapVenue,
  MockSwapVenue__factory,
  HostileToken__factory,
  HostileVenue__factory,
} from "../typechain-types/index.js";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;

const PERMIT2_FIXTURE = JSON.parse(readFileSync(new URL("./fixtures/permit2.json", import.meta.url), "utf8")) as {
  address: string;
  runtime: string;
  runtimeKeccak256: string;
};
const PERMIT2 = PERMIT2_FIXTURE.address;
const E18 = 10n ** 18n;

interface Fixture {
  core: Core;
  venue: MockSwapVenue;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
}

async function deployFixture(): Promise<Fixture> {
  const core = await deployCore(ethers);
  const [deployer, alice, bob] = (await ethers.getSigners()) as [
    HardhatEthersSigner,
    HardhatEthersSigner,
    HardhatEthersSigner,
  ];
  await networkHelpers.setCode(PERMIT2, PERMIT2_FIXTURE.runtime);
  const venue = MockSwapVenue__factory.connect(
    await (await ethers.deployContract("MockSwapVenue", [await core.oracle.getAddress()])).getAddress(),
    deployer,
  );
  await (await venue.setInventory(core.busd, true)).wait();
  // the venue's bUSD inventory: a deployer position minted straight to it
  await (await core.weth.mint(deployer.address, 1_000n * E18)).wait();
  await (await core.weth.approve(core.vault, MaxUint256)).wait();
  await (await core.vault.openAndMint(BUSD, core.weth, 1_000n * E18, 400_000n * E18, venue)).wait();
  for (const u of [alice, bob]) {
    await (await core.weth.mint(u.address, 100n * E18)).wait();
    await (await core.weth.connect(u).approve(core.vault, MaxUint256)).wait();
  }
  return { core, venue, alice, bob };
}

/** The position state at `t`, over WETH. */
async function stateAt(core: Core, id: bigint, t: bigint): Promise<PositionState> {
  return readPositionState(
    { vault: core.vault, lens: core.lens, oracle: core.oracle, runner: ethers.provider },
    id,
    BUSD,
    [await core.weth.getAddress()],
    t,
  );
}

/** bUSD → WETH and WETH → bUSD at the oracle price less `slippageBps`, as the mock venue pays. */
async function quotes(core: Core, slippageBps: bigint): Promise<{ buy: Quote; sell: Quote }> {
  const p = await core.oracle.getPrice(core.weth);
  return { buy: mockVenueQuote(WAD, 18, p, 18, slippageBps), sell: mockVenueQuote(p, 18, WAD, 18, slippageBps) };
}

/** A timestamp a little ahead, pinned as the next block's. */
async function pin(): Promise<bigint> {
  const t = BigInt(await time.latest()) + 37n;
  await time.setNextBlockTimestamp(t);
  return t;
}

async function run(
  core: Core,
  who: HardhatEthersSigner,
  steps: Step[],
): Promise<{ tx: ContractTransactionResponse; block: number }> {
  const tx = await core.router.connect(who).execute(steps, MaxUint256);
  const receipt = await tx.wait();
  if (receipt === null) throw new Error("not mined");
  return { tx, block: receipt.blockNumber };
}

/** The position on chain at `block` equals the preview, to the wei. */
async function expectPreviewed(core: Core, id: bigint, preview: FlowPreview, block: number): Promise<void> {
  const weth = await core.weth.getAddress();
  expect(await core.lens.normDebtOf(id, { blockTag: block })).to.equal(preview.after.normDebt, "normalized debt");
  expect(await core.vault.collateralOf(id, weth, { blockTag: block })).to.equal(
    preview.after.basket.find((a) => a.asset === weth)?.amount,
    "collateral",
  );
  const h = await core.lens.healthOf(id, { blockTag: block });
  expect({
    collateralValue: h.collateralValue,
    mintLimit: h.mintLimit,
    liquidationLimit: h.liquidationLimit,
    debt: h.debt,
    debtValue: h.debtValue,
    health: h.health,
  }).to.deep.equal(preview.figures);
}

/** The router holds nothing of `tokens` and leaves the venue no allowance. */
async function expectRouterEmpty(core: Core, venue: string): Promise<void> {
  const router = await core.router.getAddress();
  for (const t of [core.weth, core.busd, core.usdc]) {
    expect(await t.balanceOf(router), `router's ${await t.symbol()}`).to.equal(0n);
    expect(await t.allowance(router, venue), `router's ${await t.symbol()} allowance to the venue`).to.equal(0n);
  }
}

/** Alice opens 10 WETH / 8,000 bUSD herself and returns its id. */
async function plainPosition(core: Core, owner: HardhatEthersSigner): Promise<bigint> {
  const id = await core.vault.nextPositionId();
  await (await core.vault.connect(owner).openAndMint(BUSD, core.weth, 10n * E18, 8_000n * E18, owner.address)).wait();
  return id;
}

describe("Router (contracts/periphery/Router.sol)", function () {
  let f: Fixture;
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(deployFixture);
  });

  it("Permit2 sits at its canonical address with the fixture's runtime code (keccak checked)", async function () {
    const code = await ethers.provider.getCode(PERMIT2);
    expect(keccak256(code)).to.equal(PERMIT2_FIXTURE.runtimeKeccak256);
    expect(await f.core.router.permit2()).to.equal(PERMIT2);
    expect(await f.core.router.vault()).to.equal(await f.core.vault.getAddress());
  });

  describe("safety", function () {
    it("pulls only from its caller: a third party cannot spend an owner's approval to the router", async function () {
      const { core, alice, bob } = f;
      await (await core.weth.connect(alice).approve(core.router, MaxUint256)).wait();
      const before = await core.weth.balanceOf(alice.address);
      // bob names alice's token and amount; the router pulls from bob, who approved nothing
      await expect(run(core, bob, [pullStep(await core.weth.getAddress(), E18)])).to.be.revertedWithCustomError(
        core.weth,
        "ERC20InsufficientAllowance",
      );
      expect(await core.weth.balanceOf(alice.address)).to.equal(before);
      // the same step from alice works: the allowance is hers to use
      await run(core, alice, [pullStep(await core.weth.getAddress(), E18)]);
      expect(await core.weth.balanceOf(alice.address)).to.equal(before); // pulled, then returned as leftover
    });

    it("a permit signed by the owner does not let a third party pull: the router permits for its caller only", async function () {
      const { core, alice, bob } = f;
      await plainPosition(core, alice);
      const amount = 1_000n * E18;
      const deadline = BigInt(await time.latest()) + 3_600n;
      const sig = await signPermit(core, alice, amount, deadline);
      const busd = await core.busd.getAddress();
      await expect(run(core, bob, [permitStep(busd, amount, deadline, sig), pullStep(busd, amount)]))
        .to.be.revertedWithCustomError(core.router, "PermitFailed")
        .withArgs(busd, 0n, amount);
      expect(await core.busd.allowance(alice.address, core.router)).to.equal(0n);
    });

    it("a caller cannot act on another owner's position even though the owner appointed the router", async function () {
      const { core, alice, bob } = f;
      const id = await plainPosition(core, alice);
      await (await core.vault.connect(alice).setManager(id, core.router, 31n)).wait();
      const weth = await core.weth.getAddress();
      await expect(run(core, bob, [step("Withdraw", { id, token: weth, amount: E18 })]))
        .to.be.revertedWithCustomError(core.router, "NotPositionOwner")
        .withArgs(id, bob.address, alice.address);
      // the Vault alone would have let the router do it: the owner check is the router's
      await run(core, alice, [step("Withdraw", { id, token: weth, amount: E18 })]);
      expect(await core.vault.collateralOf(id, weth)).to.equal(9n * E18);
    });

    it("a malicious venue re-entering execute or calling the flash callback fails", async function () {
      const { core, alice } = f;
      const venue = await ethers.deployContract("HostileVenue");
      const hostile = HostileVenue__factory.connect(await venue.getAddress(), alice);
      const weth = await core.weth.getAddress();
      const usdc = await core.usdc.getAddress();
      await (await core.weth.connect(alice).approve(core.router, MaxUint256)).wait();
      const swap = [
        pullStep(weth, E18),
        step("Swap", { token: weth, amount: E18, tokenOut: usdc, target: await hostile.getAddress() }),
      ];
      // a harmless callee first: the venue does call out, and the flow goes through
      await (await hostile.arm(weth, core.weth.interface.encodeFunctionData("totalSupply"))).wait();
      await run(core, alice, swap);
      expect(await hostile.succeeded()).to.equal(true);
      expect(await core.weth.allowance(core.router, hostile)).to.equal(0n); // exact approval, spent
      // re-entering execute (to pull the caller's remaining approval for itself) hits the lock
      const reenter = core.router.interface.encodeFunctionData("execute", [[pullStep(weth, E18)], MaxUint256]);
      await (await hostile.arm(await core.router.getAddress(), reenter)).wait();
      await expect(run(core, alice, swap)).to.be.revertedWithCustomError(core.router, "ReentrancyGuardReentrantCall");
      // calling the flash callback as if a flash were running is refused
      const callback = core.router.interface.encodeFunctionData("onFlashLoan", [
        await core.router.getAddress(),
        await core.busd.getAddress(),
        E18,
        0n,
        encodeSteps([step("Withdraw", { id: 1n, token: weth, amount: E18 })]),
      ]);
      await (await hostile.arm(await core.router.getAddress(), callback)).wait();
      await expect(run(core, alice, swap)).to.be.revertedWithCustomError(core.router, "UntrustedFlash");
    });

    it("a malicious token re-entering execute from transferFrom fails", async function () {
      const { core, alice } = f;
      const deployed = await ethers.deployContract("HostileToken");
      const token = HostileToken__factory.connect(await deployed.getAddress(), alice);
      await (await token.mint(alice.address, 10n * E18)).wait();
      await (await token.approve(core.router, MaxUint256)).wait();
      const pull = [pullStep(await token.getAddress(), E18)];
      await (await token.arm(await token.getAddress(), token.interface.encodeFunctionData("totalSupply"))).wait();
      await run(core, alice, pull); // the hook runs (harmless callee)
      expect(await token.succeeded()).to.equal(true);
      const reenter = core.router.interface.encodeFunctionData("execute", [pull, MaxUint256]);
      await (await token.arm(await core.router.getAddress(), reenter)).wait();
      await expect(run(core, alice, pull)).to.be.revertedWithCustomError(core.router, "ReentrancyGuardReentrantCall");
    });

    it("the flash callback refuses a stranger: a direct call, and a flash the router did not start", async function () {
      const { core, alice, bob } = f;
      const id = await plainPosition(core, alice);
      await (await core.vault.connect(alice).setManager(id, core.router, 31n)).wait();
      const busd = await core.busd.getAddress();
      const steal = encodeSteps([step("Withdraw", { id, token: await core.weth.getAddress(), amount: E18 })]);
      await expect(core.router.connect(bob).onFlashLoan(core.router, busd, E18, 0n, steal))
        .to.be.revertedWithCustomError(core.router, "UntrustedFlash")
        .withArgs(bob.address, await core.router.getAddress(), busd, E18);
      await expect(core.busd.connect(bob).flashLoan(core.router, busd, E18, steal))
        .to.be.revertedWithCustomError(core.router, "UntrustedFlash")
        .withArgs(busd, bob.address, busd, E18);
      expect(await core.vault.collateralOf(id, core.weth)).to.equal(10n * E18);
    });

    it("returns every token the call touched to the caller and keeps nothing", async function () {
      const { core, alice, venue } = f;
      const id = await plainPosition(core, alice);
      await (await core.vault.connect(alice).setManager(id, core.router, PERMISSIONS.deposit)).wait();
      await (await core.weth.connect(alice).approve(core.router, MaxUint256)).wait();
      const weth = await core.weth.getAddress();
      const before = await core.weth.balanceOf(alice.address);
      const { tx } = await run(core, alice, [
        pullStep(weth, 5n * E18),
        step("Deposit", { id, token: weth, amount: 3n * E18 }),
      ]);
      await expect(tx)
        .to.emit(core.router, "LeftoverReturned")
        .withArgs(alice.address, weth, 2n * E18);
      expect(await core.weth.balanceOf(alice.address)).to.equal(before - 3n * E18);
      expect(await core.vault.collateralOf(id, weth)).to.equal(13n * E18);
      await expectRouterEmpty(core, await venue.getAddress());
    });
  });

  for (const slippageBps of [0n, 500n]) {
    describe(`flows at ${Number(slippageBps) / 100}% venue slippage`, function () {
      it("leverage opens a position at the target LTV, deleverage brings it to the target health, as previewed", async function () {
        const { core, alice, venue } = f;
        await (await venue.setSlippage(slippageBps)).wait();
        const { buy, sell } = await quotes(core, slippageBps);
        const weth = await core.weth.getAddress();
        const venueAddress = await venue.getAddress();
        await (await core.weth.connect(alice).approve(core.router, MaxUint256)).wait();

        const t1 = await pin();
        const lev = leverage({
          state: await stateAt(core, 0n, t1),
          asset: weth,
          deposit: 10n * E18,
          target: { ltvBps: 9_000n },
          quote: buy,
          venue: venueAddress,
          synthId: BUSD,
        });
        const id = await core.vault.nextPositionId();
        const before = await core.weth.balanceOf(alice.address);
        const r1 = await run(core, alice, lev.steps);
        expect((await core.vault.positionOf(id))[0]).to.equal(alice.address);
        await expectPreviewed(core, id, lev, r1.block);
        expect(await core.weth.balanceOf(alice.address)).to.equal(before - 10n * E18);
        expect(lev.figures.debtValue * 10_000n).to.be.at.most(9_000n * lev.figures.mintLimit);
        expect(lev.figures.debtValue * 10_000n).to.be.greaterThan(8_990n * lev.figures.mintLimit); // close to it
        await expectRouterEmpty(core, venueAddress);

        await (await core.vault.connect(alice).setManager(id, core.router, PERMISSIONS.repayWithCollateral)).wait();
        const target = lev.figures.health + WAD / 4n;
        const t2 = await pin();
        const del = deleverage({
          state: await stateAt(core, id, t2),
          asset: weth,
          quote: sell,
          venue: venueAddress,
          health: target,
        });
        const r2 = await run(core, alice, del.steps);
        await expectPreviewed(core, id, del, r2.block);
        expect(del.figures.health).to.be.at.least(target);
        expect(del.figures.health).to.be.lessThan(target + WAD / 1_000n);
        await expectRouterEmpty(core, venueAddress);
      });

      it("leverage adds to an existing position up to a target health, with the grant signed and submitted in the same call", async function () {
        const { core, alice, venue } = f;
        await (await venue.setSlippage(slippageBps)).wait();
        const { buy } = await quotes(core, slippageBps);
        const weth = await core.weth.getAddress();
        const id = await plainPosition(core, alice);
        await (await core.weth.connect(alice).approve(core.router, MaxUint256)).wait();
        const t = await pin();
        const lev = leverage({
          state: await stateAt(core, id, t),
          asset: weth,
          deposit: 2n * E18,
          target: { health: (13n * WAD) / 10n },
          quote: buy,
          venue: await venue.getAddress(),
          synthId: BUSD,
        });
        expect(lev.permissions).to.equal(PERMISSIONS.deposit | PERMISSIONS.mint);
        const grant = await signGrant(core, alice, id, lev.permissions);
        // without the grant the router may not act for alice
        await expect(core.router.connect(alice).execute(lev.steps, MaxUint256)).to.be.revertedWithCustomError(
          core.vault,
          "NotAuthorized",
        );
        await time.setNextBlockTimestamp(t);
        const r = await run(core, alice, [grant, ...lev.steps]);
        await expectPreviewed(core, id, lev, r.block);
        expect(lev.figures.health).to.be.at.least((13n * WAD) / 10n);
        expect(lev.figures.health).to.be.lessThan((13n * WAD) / 10n + WAD / 1_000n);
        expect(await core.lens.permissionsOf(id, core.router)).to.equal(lev.permissions);
        await expectRouterEmpty(core, await venue.getAddress());
      });

      it("repayWithCollateral repays the given debt from WETH; the swap's surplus goes to the caller", async function () {
        const { core, alice, venue } = f;
        await (await venue.setSlippage(slippageBps)).wait();
        const { sell } = await quotes(core, slippageBps);
        const id = await plainPosition(core, alice);
        await (await core.vault.connect(alice).setManager(id, core.router, PERMISSIONS.repayWithCollateral)).wait();
        const t = await pin();
        const state = await stateAt(core, id, t);
        const p = repayWithCollateral({
          state,
          asset: await core.weth.getAddress(),
          quote: sell,
          venue: await venue.getAddress(),
          debt: 3_000n * E18,
        });
        const busdBefore = await core.busd.balanceOf(alice.address);
        const r = await run(core, alice, p.steps);
        await expectPreviewed(core, id, p, r.block);
        // the debt is the normalized debt times the index, rounded up: repaying 3,000 bUSD lowers it by 3,000 or, with
        // the index's rounding, by a wei less (which one depends on the index the deploy's block times give)
        expect([3_000n * E18 - 1n, 3_000n * E18]).to.include(figuresOf(state).debt - p.figures.debt);
        expect(p.amounts.repaid).to.equal(3_000n * E18);
        expect(await core.busd.balanceOf(alice.address)).to.equal(busdBefore + p.amounts.returnedSynthetic);
        await expectRouterEmpty(core, await venue.getAddress());
      });

      it("closeWithCollateral repays everything from WETH and sends the rest to the caller", async function () {
        const { core, alice, venue } = f;
        await (await venue.setSlippage(slippageBps)).wait();
        const { sell } = await quotes(core, slippageBps);
        const id = await plainPosition(core, alice);
        await (await core.vault.connect(alice).setManager(id, core.router, PERMISSIONS.close)).wait();
        const t = await pin();
        const p = closeWithCollateral({
          state: await stateAt(core, id, t),
          asset: await core.weth.getAddress(),
          quote: sell,
          venue: await venue.getAddress(),
        });
        const weth0 = await core.weth.balanceOf(alice.address);
        const busd0 = await core.busd.balanceOf(alice.address);
        const r = await run(core, alice, p.steps);
        await expectPreviewed(core, id, p, r.block);
        expect(await core.lens.normDebtOf(id)).to.equal(0n);
        expect(await core.weth.balanceOf(alice.address)).to.equal(weth0 + p.amounts.returnedCollateral);
        expect(await core.busd.balanceOf(alice.address)).to.equal(busd0 + p.amounts.returnedSynthetic);
        expect(p.amounts.returnedCollateral).to.be.greaterThan(0n);
        await expectRouterEmpty(core, await venue.getAddress());
      });
    });
  }

  describe("permits", function () {
    it("EIP-2612: a signed permit, pulled and repaid in one call; a front-run permit does not break it", async function () {
      const { core, alice, bob, venue } = f;
      const id = await plainPosition(core, alice);
      const busd = await core.busd.getAddress();
      const amount = 1_000n * E18;
      const deadline = BigInt(await time.latest()) + 3_600n;
      const steps = (sig: Signature): Step[] => [
        permitStep(busd, amount, deadline, sig),
        pullStep(busd, amount),
        step("Repay", { id, token: busd, amount: BALANCE }),
      ];
      const debt0 = await core.lens.debtOf(id);
      await run(core, alice, steps(await signPermit(core, alice, amount, deadline)));
      expect(await core.busd.balanceOf(alice.address)).to.equal(7_000n * E18);
      expect(await core.lens.debtOf(id)).to.be.lessThan(debt0 - amount + E18 / 1_000n);
      // bob submits alice's next permit first: the router's permit fails, the allowance is there, the flow goes on
      const sig = await signPermit(core, alice, amount, deadline);
      await (
        await core.busd.connect(bob).permit(alice.address, core.router, amount, deadline, sig.v, sig.r, sig.s)
      ).wait();
      await run(core, alice, steps(sig));
      expect(await core.busd.balanceOf(alice.address)).to.equal(6_000n * E18);
      expect(await core.busd.allowance(alice.address, core.router)).to.equal(0n);
      await expectRouterEmpty(core, await venue.getAddress());
    });

    it("Permit2: a signed PermitSingle and a Permit2 pull open a position in one call; nobody else can pull", async function () {
      const { core, alice, bob, venue } = f;
      const weth = await core.weth.getAddress();
      await (await core.weth.connect(alice).approve(PERMIT2, MaxUint256)).wait();
      const amount = 4n * E18;
      const permit = {
        details: { token: weth, amount: 10n * E18, expiration: BigInt(await time.latest()) + 3_600n, nonce: 0n },
        spender: await core.router.getAddress(),
        sigDeadline: BigInt(await time.latest()) + 3_600n,
      };
      const { chainId } = await ethers.provider.getNetwork();
      const signature = await alice.signTypedData(
        { name: "Permit2", chainId, verifyingContract: PERMIT2 },
        PERMIT_SINGLE_TYPES,
        permit,
      );
      const id = await core.vault.nextPositionId();
      const before = await core.weth.balanceOf(alice.address);
      await run(core, alice, [
        permit2PermitStep(permit, signature),
        permit2PullStep(weth, amount),
        step("Open", { id: BUSD }),
        step("Deposit", { token: weth, amount: BALANCE }),
      ]);
      expect((await core.vault.positionOf(id))[0]).to.equal(alice.address);
      expect(await core.vault.collateralOf(id, weth)).to.equal(amount);
      expect(await core.weth.balanceOf(alice.address)).to.equal(before - amount);
      // bob cannot pull with alice's Permit2 allowance: the router asks Permit2 for bob's tokens
      await expect(run(core, bob, [permit2PullStep(weth, amount)])).to.be.revert(ethers);
      expect(await core.weth.balanceOf(alice.address)).to.equal(before - amount);
      // alice's remaining Permit2 allowance still works for her, without a new permit
      await run(core, alice, [permit2PullStep(weth, amount)]);
      expect(await core.weth.balanceOf(alice.address)).to.equal(before - amount);
      await expectRouterEmpty(core, await venue.getAddress());
    });
  });
});

async function signPermit(core: Core, owner: HardhatEthersSigner, value: bigint, deadline: bigint): Promise<Signature> {
  const { chainId } = await ethers.provider.getNetwork();
  const sig = await owner.signTypedData(
    { name: await core.busd.name(), version: "1", chainId, verifyingContract: await core.busd.getAddress() },
    {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    {
      owner: owner.address,
      spender: await core.router.getAddress(),
      value,
      nonce: await core.busd.nonces(owner.address),
      deadline,
    },
  );
  return Signature.from(sig);
}

async function signGrant(core: Core, owner: HardhatEthersSigner, id: bigint, permissions: bigint): Promise<Step> {
  const { chainId } = await ethers.provider.getNetwork();
  const grant = {
    owner: owner.address,
    id,
    manager: await core.router.getAddress(),
    permissions,
    nonce: await core.lens.grantNonce(owner.address),
    deadline: BigInt(await time.latest()) + 3_600n,
  };
  const signature = await owner.signTypedData(grantDomain(chainId, await core.vault.getAddress()), GRANT_TYPES, grant);
  return grantStep(grant, signature);
}

describe("Router tasks (tasks/flows.ts): open --leverage, deleverage, repay/close --with-collateral", function () {
  it("runs each task against the embedded network: preview printed, one-line refusal without the right, then the flow", async function () {
    const { ethers: eth } = await network.create();
    const path = join(mkdtempSync(join(tmpdir(), "ballast-router-tasks-")), "default.json");
    const { manifest } = await deploySystem(eth, "default", configFor("default"), {
      manifestPath: path,
      log: () => {},
    });
    const lines: string[] = [];
    const alice = await loadSystem(eth, "default", { manifestPath: path, from: "1", log: (l) => lines.push(l) });
    const deployer = await loadSystem(eth, "default", { manifestPath: path, from: "0", log: () => {} });
    const venueAddress = manifest.contracts["venue:bUSD/WETH"]?.address ?? "";
    const venue = MockSwapVenue__factory.connect(venueAddress, deployer.signer);
    // the deploy set the mock venue to pay bUSD from what it holds (nothing yet)
    expect(await venue.fromInventory(manifest.synthetics.bUSD?.token ?? "")).to.equal(true);
    await ops.faucet(alice, { asset: "WETH", amount: "10" });
    const router = manifest.contracts.Router?.address ?? "";
    // a plain position; the venue holds no bUSD yet: a flow selling collateral is refused in one line naming the
    // commands that fund the venue, as the README runs them; funded, it goes through
    await ops.faucet(alice, { asset: "WETH", amount: "10" });
    const plain = (await ops.openPosition(alice, { synth: "bUSD", asset: "WETH", amount: "10", mint: "5000" })).id;
    await (await alice.vault.setManager(plain, router, PERMISSIONS.repayWithCollateral)).wait();
    const unfunded = await failure(() =>
      flows.repayWithCollateralTask(alice, { id: plain, amount: "1000", asset: "WETH" }),
    );
    expect(unfunded).to.match(
      new RegExp(
        `^the venue ${venueAddress} pays bUSD from what it holds \\(0\\.00 bUSD\\), and this flow needs [\\d,.]+ bUSD: ` +
          `on a test deployment fund it with \`npx hardhat ballast faucet USDC 1001\` and \`npx hardhat ballast ` +
          `swap-in USDC 1001 --to venue:bUSD/WETH\`$`,
      ),
    );
    await ops.faucet(deployer, { asset: "USDC", amount: "100000" });
    await ops.swapIn(deployer, { reserve: "USDC", amount: "100000", to: "venue:bUSD/WETH" });
    await flows.repayWithCollateralTask(alice, { id: plain, amount: "1000", asset: "WETH" });

    const opened = await flows.openLeveraged(alice, { synth: "bUSD", asset: "WETH", amount: "10", leverage: "8000" });
    const id = opened.id;
    expect((await alice.vault.positionOf(id))[0]).to.equal(alice.signer.address);
    expect(
      lines.some((l) => /^open --leverage preview: health .* → .*; debt 0(\.0+)? → [\d,.]+ bUSD/.test(l)),
    ).to.equal(true);
    // mined a few seconds after the preview's timestamp (the approval went first): the debt within a millionth
    const norm = await alice.lens.normDebtOf(id);
    expect(norm).to.be.within(opened.preview.after.normDebt - norm / 1_000_000n, opened.preview.after.normDebt);
    const h0 = (await alice.lens.healthOf(id)).health;

    // the Router holds no right on the position yet: one line naming the grant to run
    const refusal = await failure(() => flows.deleveragePosition(alice, { id, health: "1.4", asset: "WETH" }));
    expect(refusal).to.equal(
      `the Router ${router} may not repay with collateral for position #${id} (it holds: none): grant it first with ` +
        `\`npx hardhat ballast manager grant ${id} ${router} --permissions repayWithCollateral\``,
    );
    await (await alice.vault.setManager(id, router, PERMISSIONS.repayWithCollateral)).wait();
    const target = h0 + WAD / 5n;
    await flows.deleveragePosition(alice, { id, health: formatWad(target, 18).replaceAll(",", ""), asset: "WETH" });
    expect((await alice.lens.healthOf(id)).health).to.be.at.least(target - WAD / 1_000_000n);
    expect(lines.some((l) => l.startsWith(`deleverage #${id} preview: health`))).to.equal(true);

    const debt1 = await alice.lens.debtOf(id);
    await flows.repayWithCollateralTask(alice, { id, amount: "1000", asset: "WETH" });
    expect(debt1 - (await alice.lens.debtOf(id))).to.be.within(999n * E18, 1_000n * E18);

    expect(await failure(() => flows.closeWithCollateralTask(alice, { id, asset: "WETH" }))).to.match(
      /may not close position #\d+ .*--permissions close`$/,
    );
    await (await alice.vault.setManager(id, router, PERMISSIONS.close)).wait();
    const wethBefore = await alice.assets.find((a) => a.symbol === "WETH")!.token.balanceOf(alice.signer.address);
    await flows.closeWithCollateralTask(alice, { id, asset: "WETH" });
    expect(await alice.lens.debtOf(id)).to.equal(0n);
    expect(
      await alice.assets.find((a) => a.symbol === "WETH")!.token.balanceOf(alice.signer.address),
    ).to.be.greaterThan(wethBefore);
    expect(lines.some((l) => l.startsWith(`close #${id} with WETH preview:`))).to.equal(true);
    expect(parseLeverageOk()).to.equal(true);
  });
});

function parseLeverageOk(): boolean {
  const a = flows.parseLeverage("8000");
  const b = flows.parseLeverage("1.5");
  return "ltvBps" in a && a.ltvBps === 8_000n && "health" in b && b.health === (15n * WAD) / 10n;
}
