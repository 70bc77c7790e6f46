/**
 * Scoped managers (`Vault.setManager` with `Permissions` bits), signed grants (`Vault.setManagerWithPermit`,
 * EIP-712) and the narrow repay-with-collateral right (`Vault.repayAndWithdraw`), on the embedded network.
 *
 * The matrix: each right allows exactly its operations and no other; a transfer lapses every right. Signatures:
 * replay, expiry, wrong signer, wrong chain, wrong Vault, a malleable twin, tampered fields, a former owner, a revoked
 * nonce, a contract owner (ERC-1271).
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Signature, type Signer, Wallet } from "ethers";
import { BUSD } from "../sdk/params.js";
import { deployCore, fundAndApprove } from "../deploy/local/core.js";
import { answer8, units, wad } from "../sdk/units.js";
import {
  ALL_PERMISSIONS,
  GRANT_TYPES,
  type Grant,
  PERMISSIONS,
  type PermissionName,
  describePermissions,
  grantDomain,
  parsePermissions,
} from "../sdk/permissions.js";
import { MockERC1271Wallet__factory } from "../typechain-types/index.js";

const { ethers, networkHelpers } = await network.create();
const { time, loadFixture } = networkHelpers;

/** secp256k1's group order: s and n - s both verify under plain ecrecover. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

async function fixture() {
  const core = await deployCore(ethers);
  const [, alice, bob, carol, dave] = await ethers.getSigners();
  if (!alice || !bob || !carol || !dave) throw new Error("needs 5 signers");
  for (const u of [alice, bob, carol]) await fundAndApprove(core, u, { weth: units("weth", "100") });
  // alice: 10 WETH ($20,000), 10,000 bUSD of debt (health 1.7)
  await core.vault.connect(alice).openAndMint(BUSD, core.weth, wad("10"), wad("10000"), alice.address);
  // carol lends bob the synthetic he repays with
  await core.vault.connect(carol).openAndMint(BUSD, core.weth, wad("50"), wad("30000"), bob.address);
  await core.busd.connect(bob).transfer(alice.address, wad("100")); // alice can close with interest owed
  const id = 1n;
  return { core, alice, bob, carol, dave, id };
}

type Fx = Awaited<ReturnType<typeof fixture>>;

/** Each operation a right gates, tried by `who` as a static call (nothing changes). */
const OPERATIONS: Record<PermissionName, (f: Fx, who: HardhatEthersSigner) => Promise<unknown>> = {
  deposit: (f, who) => f.core.vault.connect(who).deposit.staticCall(f.id, f.core.weth, wad("1")),
  withdraw: (f, who) => f.core.vault.connect(who).withdraw.staticCall(f.id, f.core.weth, wad("1"), who.address),
  mint: (f, who) => f.core.vault.connect(who).mint.staticCall(f.id, wad("1"), who.address),
  close: (f, who) => f.core.vault.connect(who).close.staticCall(f.id, who.address),
  repayWithCollateral: (f, who) =>
    f.core.vault.connect(who).repayAndWithdraw.staticCall(f.id, wad("1000"), f.core.weth, wad("0.5"), who.address),
};
const NAMES = Object.keys(PERMISSIONS) as PermissionName[];

async function sign(signer: Signer, grant: Grant, chainId: bigint, vault: string): Promise<string> {
  return signer.signTypedData(grantDomain(chainId, vault), GRANT_TYPES, grant);
}

async function grantFor(f: Fx, owner: string, manager: string, permissions: bigint, deadlineIn = 3_600) {
  const nonce = await f.core.lens.grantNonce(owner);
  const deadline = BigInt(await time.latest()) + BigInt(deadlineIn);
  return { owner, id: f.id, manager, permissions, nonce, deadline } satisfies Grant;
}

describe("scoped managers and signed grants", function () {
  describe("the permission matrix", function () {
    for (const held of NAMES) {
      it(`a manager holding only ${held} may do exactly that`, async function () {
        const f = await loadFixture(fixture);
        await expect(f.core.vault.connect(f.alice).setManager(f.id, f.bob.address, PERMISSIONS[held]))
          .to.emit(f.core.vault, "ManagerSet")
          .withArgs(f.id, f.alice.address, f.bob.address, PERMISSIONS[held]);
        expect(await f.core.lens.permissionsOf(f.id, f.bob.address)).to.equal(PERMISSIONS[held]);
        for (const op of NAMES) {
          if (op === held) {
            await OPERATIONS[op](f, f.bob); // succeeds
          } else {
            await expect(OPERATIONS[op](f, f.bob), `${op} with only ${held}`)
              .to.be.revertedWithCustomError(f.core.vault, "NotAuthorized")
              .withArgs(f.id, f.bob.address, PERMISSIONS[op]);
          }
        }
        // the batch's withdraw step is gated as withdraw is
        const step = { op: 2n, id: f.id, asset: await f.core.weth.getAddress(), amount: wad("1"), to: f.bob.address };
        if (held === "withdraw") await f.core.vault.connect(f.bob).batch.staticCall([step]);
        else {
          await expect(f.core.vault.connect(f.bob).batch.staticCall([step]))
            .to.be.revertedWithCustomError(f.core.vault, "NotAuthorized")
            .withArgs(f.id, f.bob.address, PERMISSIONS.withdraw);
        }
      });
    }

    it("the owner may do everything, a stranger nothing but repay, and combined bits combine", async function () {
      const f = await loadFixture(fixture);
      for (const op of NAMES) await OPERATIONS[op](f, f.alice);
      for (const op of NAMES) {
        await expect(OPERATIONS[op](f, f.carol))
          .to.be.revertedWithCustomError(f.core.vault, "NotAuthorized")
          .withArgs(f.id, f.carol.address, PERMISSIONS[op]);
      }
      const before = await f.core.lens.debtOf(f.id);
      await f.core.vault.connect(f.bob).repay(f.id, wad("100")); // anyone may repay
      expect(await f.core.lens.debtOf(f.id)).to.be.lessThan(before);

      const some = PERMISSIONS.deposit | PERMISSIONS.mint;
      await f.core.vault.connect(f.alice).setManager(f.id, f.bob.address, some);
      expect(describePermissions(await f.core.lens.permissionsOf(f.id, f.bob.address))).to.equal("deposit, mint");
      await OPERATIONS.deposit(f, f.bob);
      await OPERATIONS.mint(f, f.bob);
      await expect(OPERATIONS.withdraw(f, f.bob)).to.be.revertedWithCustomError(f.core.vault, "NotAuthorized");
      // setting replaces; 0 removes
      await f.core.vault.connect(f.alice).setManager(f.id, f.bob.address, PERMISSIONS.withdraw);
      await expect(OPERATIONS.mint(f, f.bob)).to.be.revertedWithCustomError(f.core.vault, "NotAuthorized");
      await OPERATIONS.withdraw(f, f.bob);
      await f.core.vault.connect(f.alice).setManager(f.id, f.bob.address, 0n);
      expect(await f.core.lens.permissionsOf(f.id, f.bob.address)).to.equal(0n);
      await expect(OPERATIONS.withdraw(f, f.bob)).to.be.revertedWithCustomError(f.core.vault, "NotAuthorized");
      // no undefined bit
      await expect(f.core.vault.connect(f.alice).setManager(f.id, f.bob.address, 32n))
        .to.be.revertedWithCustomError(f.core.vault, "InvalidPermissions")
        .withArgs(32n);
      expect(await f.core.lens.permissionsOf(f.id, f.alice.address)).to.equal(ALL_PERMISSIONS);
      expect(await f.core.lens.permissionsOf(99n, f.alice.address)).to.equal(0n);
    });

    it("a transfer lapses every right of every manager, for good", async function () {
      const f = await loadFixture(fixture);
      await f.core.vault.connect(f.alice).setManager(f.id, f.bob.address, ALL_PERMISSIONS);
      for (const op of NAMES) await OPERATIONS[op](f, f.bob);
      await f.core.vault.connect(f.alice).transferPosition(f.id, f.carol.address);
      expect(await f.core.lens.permissionsOf(f.id, f.bob.address)).to.equal(0n);
      for (const op of NAMES) {
        await expect(OPERATIONS[op](f, f.bob))
          .to.be.revertedWithCustomError(f.core.vault, "NotAuthorized")
          .withArgs(f.id, f.bob.address, PERMISSIONS[op]);
      }
      // the new owner's own appointment holds exactly what she gave (the change count is not read as rights)
      await f.core.vault.connect(f.carol).setManager(f.id, f.bob.address, PERMISSIONS.deposit);
      expect(await f.core.lens.permissionsOf(f.id, f.bob.address)).to.equal(PERMISSIONS.deposit);
      await OPERATIONS.deposit(f, f.bob);
      await expect(OPERATIONS.withdraw(f, f.bob)).to.be.revertedWithCustomError(f.core.vault, "NotAuthorized");
      await f.core.vault.connect(f.carol).transferPosition(f.id, f.alice.address); // back to alice
      expect(await f.core.lens.permissionsOf(f.id, f.bob.address)).to.equal(0n);
      await expect(OPERATIONS.deposit(f, f.bob)).to.be.revertedWithCustomError(f.core.vault, "NotAuthorized");
    });

    it("parses and names rights as the tasks show them", function () {
      expect(parsePermissions("deposit, repay-with-collateral")).to.equal(17n);
      expect(parsePermissions("all")).to.equal(31n);
      expect(() => parsePermissions("borrow")).to.throw(/"borrow" is not a permission/);
      expect(describePermissions(31n)).to.equal("all");
      expect(describePermissions(0n)).to.equal("none");
    });
  });

  describe("signed grants (EIP-712)", function () {
    it("anyone submits an owner's grant once; the manager then holds exactly those rights", async function () {
      const f = await loadFixture(fixture);
      const chainId = (await ethers.provider.getNetwork()).chainId;
      const vault = await f.core.vault.getAddress();
      const grant = await grantFor(f, f.alice.address, f.bob.address, PERMISSIONS.deposit | PERMISSIONS.mint);
      const sig = await sign(f.alice, grant, chainId, vault);
      await expect(f.core.vault.connect(f.carol).setManagerWithPermit(grant, sig))
        .to.emit(f.core.vault, "ManagerSet")
        .withArgs(f.id, f.alice.address, f.bob.address, 5n)
        .and.to.emit(f.core.vault, "GrantNonceUsed")
        .withArgs(f.alice.address, 0n);
      expect(await f.core.lens.permissionsOf(f.id, f.bob.address)).to.equal(5n);
      expect(await f.core.lens.grantNonce(f.alice.address)).to.equal(1n);
      await OPERATIONS.mint(f, f.bob);
      // replay
      await expect(f.core.vault.connect(f.carol).setManagerWithPermit(grant, sig))
        .to.be.revertedWithCustomError(f.core.vault, "InvalidGrantNonce")
        .withArgs(f.alice.address, 0n, 1n);
      // a signed removal (permissions 0)
      const removal = await grantFor(f, f.alice.address, f.bob.address, 0n);
      await f.core.vault.setManagerWithPermit(removal, await sign(f.alice, removal, chainId, vault));
      expect(await f.core.lens.permissionsOf(f.id, f.bob.address)).to.equal(0n);
    });

    it("refuses expired, foreign-chain, foreign-Vault, wrong-signer, tampered and malleable signatures", async function () {
      const f = await loadFixture(fixture);
      const chainId = (await ethers.provider.getNetwork()).chainId;
      const vault = await f.core.vault.getAddress();
      const grant = await grantFor(f, f.alice.address, f.bob.address, ALL_PERMISSIONS);
      const bad = async (g: Grant, sig: string, error: string, ...args: unknown[]) =>
        expect(f.core.vault.connect(f.carol).setManagerWithPermit(g, sig))
          .to.be.revertedWithCustomError(f.core.vault, error)
          .withArgs(...args);

      // expired: the deadline is the last second it may land in
      const expired = { ...grant, deadline: BigInt(await time.latest()) };
      await bad(expired, await sign(f.alice, expired, chainId, vault), "GrantExpired", expired.deadline, anyUint);
      // another chain, another Vault, another signer
      await bad(grant, await sign(f.alice, grant, chainId + 1n, vault), "InvalidGrantSignature", f.id, f.alice.address);
      await bad(
        grant,
        await sign(f.alice, grant, chainId, f.carol.address),
        "InvalidGrantSignature",
        f.id,
        f.alice.address,
      );
      await bad(grant, await sign(f.bob, grant, chainId, vault), "InvalidGrantSignature", f.id, f.alice.address);
      // a field changed after signing
      const good = await sign(f.alice, grant, chainId, vault);
      await bad({ ...grant, permissions: 1n }, good, "InvalidGrantSignature", f.id, f.alice.address);
      await bad({ ...grant, manager: f.carol.address }, good, "InvalidGrantSignature", f.id, f.alice.address);
      // the malleable twin (s' = n - s, v flipped) recovers the same signer under plain ecrecover; it is refused
      const sg = Signature.from(good);
      const twinS = N - BigInt(sg.s);
      const twin = ethers.concat([sg.r, ethers.toBeHex(twinS, 32), ethers.toBeHex(sg.v === 27 ? 28 : 27, 1)]);
      await bad(grant, twin, "InvalidGrantSignature", f.id, f.alice.address);
      // a truncated signature
      await bad(grant, ethers.dataSlice(good, 0, 64), "InvalidGrantSignature", f.id, f.alice.address);
      // and none of that used the nonce: the genuine signature still applies
      await f.core.vault.connect(f.carol).setManagerWithPermit(grant, good);
      expect(await f.core.lens.permissionsOf(f.id, f.bob.address)).to.equal(ALL_PERMISSIONS);
      // an unknown bit is refused even when signed
      const wild = await grantFor(f, f.alice.address, f.bob.address, 64n);
      await bad(wild, await sign(f.alice, wild, chainId, vault), "InvalidPermissions", 64n);
    });

    it("a former owner's grant does not apply, and revokeSignedGrants voids a pending one", async function () {
      const f = await loadFixture(fixture);
      const chainId = (await ethers.provider.getNetwork()).chainId;
      const vault = await f.core.vault.getAddress();
      const grant = await grantFor(f, f.alice.address, f.bob.address, ALL_PERMISSIONS);
      const sig = await sign(f.alice, grant, chainId, vault);
      await f.core.vault.connect(f.alice).transferPosition(f.id, f.carol.address);
      await expect(f.core.vault.setManagerWithPermit(grant, sig))
        .to.be.revertedWithCustomError(f.core.vault, "InvalidGrantSignature")
        .withArgs(f.id, f.alice.address);
      await f.core.vault.connect(f.carol).transferPosition(f.id, f.alice.address);

      await expect(f.core.vault.connect(f.alice).revokeSignedGrants())
        .to.emit(f.core.vault, "GrantNonceUsed")
        .withArgs(f.alice.address, 0n);
      await expect(f.core.vault.setManagerWithPermit(grant, sig))
        .to.be.revertedWithCustomError(f.core.vault, "InvalidGrantNonce")
        .withArgs(f.alice.address, 0n, 1n);
      expect(await f.core.lens.permissionsOf(f.id, f.bob.address)).to.equal(0n);
    });

    it("a contract owner (ERC-1271) grants with its signer's signature", async function () {
      const f = await loadFixture(fixture);
      const chainId = (await ethers.provider.getNetwork()).chainId;
      const vault = await f.core.vault.getAddress();
      const key = Wallet.createRandom();
      const wallet = await new MockERC1271Wallet__factory(f.dave).deploy(f.dave.address);
      const walletAddr = await wallet.getAddress();
      await wallet.connect(f.dave).call(vault, f.core.vault.interface.encodeFunctionData("open", [BUSD]));
      const id = (await f.core.vault.nextPositionId()) - 1n;
      expect((await f.core.vault.positionOf(id)).owner).to.equal(walletAddr);
      const grant: Grant = { ...(await grantFor(f, walletAddr, f.bob.address, PERMISSIONS.deposit)), id };
      await expect(f.core.vault.setManagerWithPermit(grant, await sign(key, grant, chainId, vault)))
        .to.be.revertedWithCustomError(f.core.vault, "InvalidGrantSignature")
        .withArgs(id, walletAddr);
      await f.core.vault.setManagerWithPermit(grant, await sign(f.dave, grant, chainId, vault));
      expect(await f.core.lens.permissionsOf(id, f.bob.address)).to.equal(PERMISSIONS.deposit);
    });
  });

  describe("repayAndWithdraw (the narrow repay-with-collateral right)", function () {
    it("takes collateral worth up to the repaid debt's value plus 10%, to the wei", async function () {
      const f = await loadFixture(fixture);
      await f.core.vault.connect(f.alice).setManager(f.id, f.bob.address, PERMISSIONS.repayWithCollateral);
      const busd = f.core.busd;
      const [debt0, coll0, bb0, bw0] = await Promise.all([
        f.core.lens.debtOf(f.id),
        f.core.vault.collateralOf(f.id, f.core.weth),
        busd.balanceOf(f.bob.address),
        f.core.weth.balanceOf(f.bob.address),
      ]);
      // $1,000 repaid at $2,000/WETH: at most $1,100 = 0.55 WETH, less the rounding: the debt removed is measured
      // after its normalized part is rounded down (against the payer), a few wei under $1,000
      const over = f.core.vault.connect(f.bob).repayAndWithdraw(f.id, wad("1000"), f.core.weth, wad("0.55"), f.bob);
      await expect(over)
        .to.be.revertedWithCustomError(f.core.vault, "RepayBonusExceeded")
        .withArgs(f.id, wad("1100"), (max: bigint) => max < wad("1100") && max >= wad("1100") - 10n);
      await f.core.vault.connect(f.bob).repayAndWithdraw(f.id, wad("1000"), f.core.weth, wad("0.5499999"), f.bob);
      expect(await busd.balanceOf(f.bob.address)).to.equal(bb0 - wad("1000"));
      expect(await f.core.weth.balanceOf(f.bob.address)).to.equal(bw0 + wad("0.5499999"));
      expect(await f.core.vault.collateralOf(f.id, f.core.weth)).to.equal(coll0 - wad("0.5499999"));
      expect(await f.core.lens.debtOf(f.id)).to.be.closeTo(debt0 - wad("1000"), wad("0.001")); // interest of 2 blocks
      // it cannot withdraw, mint or close with this right alone
      await expect(OPERATIONS.withdraw(f, f.bob)).to.be.revertedWithCustomError(f.core.vault, "NotAuthorized");
      // with no debt to repay it takes nothing
      await f.core.vault.connect(f.alice).repay(f.id, ethers.MaxUint256);
      await expect(f.core.vault.connect(f.bob).repayAndWithdraw(f.id, 1n, f.core.weth, 1n, f.bob))
        .to.be.revertedWithCustomError(f.core.vault, "RepayBonusExceeded")
        .withArgs(f.id, 2000n, 0n);
    });

    it("never lowers health: below 110% collateral over debt the bonus would, so it reverts; at par it helps", async function () {
      const f = await loadFixture(fixture);
      await f.core.vault.connect(f.alice).setManager(f.id, f.bob.address, PERMISSIONS.repayWithCollateral);
      await f.core.setPrice("weth", answer8("1050")); // $10,500 against $10,000: health 0.89, liquidatable
      const h0 = (await f.core.lens.healthOf(f.id)).health;
      // $1,000 repaid for 1,100/1,050 WETH ($1,100): the bonus fits but health would fall
      await expect(
        f.core.vault
          .connect(f.bob)
          .repayAndWithdraw(f.id, wad("1000"), f.core.weth, (wad("1100") * WAD) / wad("1050"), f.bob),
      ).to.be.revertedWithCustomError(f.core.vault, "HealthLowered");
      // at par health rises
      await f.core.vault
        .connect(f.bob)
        .repayAndWithdraw(f.id, wad("1000"), f.core.weth, (wad("1000") * WAD) / wad("1050"), f.bob);
      expect((await f.core.lens.healthOf(f.id)).health).to.be.greaterThan(h0);
    });

    it("works while the Vault is paused, not with a paused basket asset", async function () {
      const f = await loadFixture(fixture);
      await f.core.vault.connect(f.core.deployer).setPaused(true);
      await expect(OPERATIONS.mint(f, f.alice)).to.be.revertedWithCustomError(f.core.vault, "Paused");
      await f.core.vault.connect(f.alice).repayAndWithdraw(f.id, wad("1000"), f.core.weth, wad("0.5"), f.alice);
      await f.core.vault.connect(f.core.deployer).setPaused(false);
      await f.core.vault.connect(f.core.deployer).setAssetPaused(f.core.weth, true);
      await expect(OPERATIONS.repayWithCollateral(f, f.alice))
        .to.be.revertedWithCustomError(f.core.vault, "AssetPaused")
        .withArgs(await f.core.weth.getAddress());
    });
  });
});

const WAD = 10n ** 18n;
const anyUint = (v: unknown) => typeof v === "bigint";
