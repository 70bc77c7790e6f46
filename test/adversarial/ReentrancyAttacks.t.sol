// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";

import {AdversarialBase} from "./AdversarialBase.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IBallastTakeCallback} from "../../contracts/interfaces/IBallastTakeCallback.sol";
import {Settlement} from "../../contracts/Settlement.sol";
import {SyntheticToken} from "../../contracts/SyntheticToken.sol";
import {MockFeed} from "../../contracts/mocks/MockFeed.sol";
import {ReentrantToken} from "../../contracts/mocks/WeirdTokens.sol";
import {HookedSyntheticToken} from "../../contracts/mocks/AdversarialTokens.sol";
import {IBallastErrors} from "../../contracts/interfaces/IBallastErrors.sol";

/// @notice Reentrancy through every token-moving entry point. Two hostile tokens call back from inside a transfer:
///         `ReentrantToken` as collateral (an ERC-777-style hook on every transfer) and `HookedSyntheticToken` as a
///         synthetic (a hook on every mint, burn and transfer), plus a take callback that calls back into the engine.
///         Each test asserts that the hook fired, that the reentrant call reverted with the lock's error
///         (`ReentrancyGuardReentrantCall`) and that the outer call's effect happened exactly once.
contract ReentrancyAttacksTest is AdversarialBase {
    uint256 internal constant HKS = 2;

    ReentrantToken internal ret;
    MockFeed internal retFeed;
    HookedSyntheticToken internal hks;

    function setUp() public override {
        super.setUp();
        ret = new ReentrantToken();
        retFeed = _listToken(address(ret), 1e8, 8_000, 8_500, 500, 100_000e18);
        hks = new HookedSyntheticToken(address(vault), address(manager), address(treasuryC));
        vault.addSynthetic(hks, IVault.SyntheticParams(address(0), rateModel, 100_000_000e18, 100e18));
        engine.setKeeperParams(HKS, ILiquidationEngine.KeeperParams({tip: 2e18, chipBps: 10, maxPay: 500e18}));
    }

    // ---------------------------------------------------------------- helpers

    /// @dev The collateral hook fired during the last call and the call it made reverted with the lock's error.
    function _assertBlocked() internal view {
        assertEq(ret.reentryTarget(), address(0), "the hook fired");
        assertFalse(ret.lastCallOk(), "the reentrant call failed");
        assertEq(ret.lastRevert(), _lockError(), "with the lock's error");
    }

    /// @dev The same for the synthetic's hook.
    function _assertSynthBlocked() internal view {
        assertTrue(hks.fired(), "the hook fired");
        assertFalse(hks.lastCallOk(), "the reentrant call failed");
        assertEq(hks.lastRevert(), _lockError(), "with the lock's error");
    }

    /// @dev alice: a bUSD position on `amount` RET ($1, 80% LTV, 85% threshold).
    function _retPosition(uint256 amount, uint256 debt) internal returns (uint256 id) {
        vm.prank(alice);
        id = vault.openAndMint(BUSD, address(ret), amount, debt, alice);
    }

    /// @dev alice: 20,000 RET and 15,000 bUSD, then RET to 0.85 USD: liquidatable (limit 14,450).
    function _retUnderwater() internal returns (uint256 id) {
        id = _retPosition(20_000e18, 15_000e18);
        retFeed.setAnswer(0.85e8);
    }

    /// @dev alice: 10 WETH and 15,000 of the hooked synthetic; then ETH to 1,700: liquidatable.
    function _hksUnderwater() internal returns (uint256 id) {
        vm.prank(alice);
        id = vault.openAndMint(HKS, address(weth), 10e18, 15_000e18, alice);
        _setEth(1_700);
    }

    // ================================================================ Vault

    function test_attack_reenterVaultDeposit_lockReverts_creditedOnce() public {
        uint256 id = _retPosition(50e18, 0);
        ret.arm(address(vault), abi.encodeCall(vault.withdraw, (id, address(ret), 50e18, alice)));
        vm.prank(alice);
        vault.deposit(id, address(ret), 1e18);
        _assertBlocked();
        assertEq(vault.collateralOf(id, address(ret)), 51e18);
        assertEq(ret.balanceOf(address(vault)), 51e18);
        assertEq(ret.balanceOf(alice), 100_000e18 - 51e18);
    }

    function test_attack_reenterVaultWithdraw_lockReverts_paidOnce() public {
        uint256 id = _retPosition(50e18, 0);
        ret.arm(address(vault), abi.encodeCall(vault.withdraw, (id, address(ret), 10e18, alice)));
        vm.prank(alice);
        vault.withdraw(id, address(ret), 10e18, alice);
        _assertBlocked();
        assertEq(vault.collateralOf(id, address(ret)), 40e18);
        assertEq(ret.balanceOf(address(vault)), 40e18);
        assertEq(vault.totalCollateral(address(ret)), 40e18);
    }

    function test_attack_reenterVaultClose_lockReverts_basketPaidOnce() public {
        uint256 id = _retPosition(1_000e18, 500e18);
        ret.arm(address(vault), abi.encodeCall(vault.close, (id, alice)));
        vm.prank(alice);
        vault.close(id, alice);
        _assertBlocked();
        assertEq(ret.balanceOf(alice), 100_000e18);
        assertEq(ret.balanceOf(address(vault)), 0);
        assertEq(positionLens.debtOf(id), 0);
        assertEq(busd.balanceOf(alice), 0, "the debt was repaid once");
    }

    function test_attack_reenterVaultBatch_lockReverts_payoutsOnce() public {
        uint256 id = _retPosition(1_000e18, 0);
        IVault.Action[] memory a = new IVault.Action[](2);
        a[0] = IVault.Action(IVault.Op.Mint, id, address(0), 500e18, alice);
        a[1] = IVault.Action(IVault.Op.Withdraw, id, address(ret), 100e18, alice);
        ret.arm(address(vault), abi.encodeCall(vault.batch, (a)));
        vm.prank(alice);
        vault.batch(a);
        _assertBlocked();
        assertEq(positionLens.debtOf(id), 500e18);
        assertEq(busd.balanceOf(alice), 500e18);
        assertEq(vault.collateralOf(id, address(ret)), 900e18);
        assertEq(ret.balanceOf(address(vault)), 900e18);
    }

    /// @dev openAndMint: the deposit's pull calls back into `mint` of the position being opened.
    function test_attack_reenterVaultOpenAndMint_lockReverts_mintedOnce() public {
        uint256 next = vault.nextPositionId();
        ret.arm(address(vault), abi.encodeCall(vault.mint, (next, 100e18, alice)));
        uint256 id = _retPosition(1_000e18, 500e18);
        assertEq(id, next);
        _assertBlocked();
        assertEq(positionLens.debtOf(id), 500e18);
        assertEq(busd.totalSupply(), 500e18);
    }

    /// @dev mint: the synthetic's own mint hook calls `mint` again.
    function test_attack_reenterVaultMint_viaSyntheticHook_lockReverts_mintedOnce() public {
        vm.prank(alice);
        uint256 id = vault.openAndMint(HKS, address(weth), 10e18, 0, alice);
        hks.arm(address(vault), abi.encodeCall(vault.mint, (id, 5_000e18, alice)));
        vm.prank(alice);
        vault.mint(id, 1_000e18, alice);
        _assertSynthBlocked();
        assertEq(positionLens.debtOf(id), 1_000e18);
        assertEq(hks.totalSupply(), 1_000e18);
    }

    /// @dev repay: the burn's hook calls `repay` again.
    function test_attack_reenterVaultRepay_viaSyntheticHook_lockReverts_burnedOnce() public {
        vm.prank(alice);
        uint256 id = vault.openAndMint(HKS, address(weth), 10e18, 1_000e18, alice);
        hks.arm(address(vault), abi.encodeCall(vault.repay, (id, 200e18)));
        vm.prank(alice);
        vault.repay(id, 200e18);
        _assertSynthBlocked();
        assertEq(positionLens.debtOf(id), 800e18);
        assertEq(hks.balanceOf(alice), 800e18);
        assertEq(hks.totalSupply(), 800e18);
    }

    /// @dev mintFees: the mint to the treasury calls `mintFees` again.
    function test_attack_reenterVaultMintFees_viaSyntheticHook_lockReverts_feesMintedOnce() public {
        vm.prank(alice);
        vault.openAndMint(HKS, address(weth), 10e18, 1_000e18, alice);
        skip(365 days);
        uint256 fees = positionLens.synthetic(HKS).unmintedFees;
        assertGt(fees, 0);
        hks.arm(address(vault), abi.encodeCall(vault.mintFees, (HKS)));
        assertEq(vault.mintFees(HKS), fees);
        _assertSynthBlocked();
        assertEq(hks.balanceOf(address(treasuryC)), fees);
        assertEq(positionLens.synthetic(HKS).unmintedFees, 0);
    }

    /// @dev A flash mint started from inside a Vault call (the collateral hook during a withdrawal) cannot use the
    ///      borrowed synthetic on the Vault: the Vault is locked, the repay inside the loan reverts, so the loan
    ///      reverts and the supply is unchanged.
    function test_attack_flashMintInsideLockedVault_lockReverts_supplyUnchanged() public {
        uint256 id = _retPosition(1_000e18, 500e18);
        FlashRepayer fr = new FlashRepayer(vault, busd);
        ret.arm(address(fr), abi.encodeCall(fr.go, (id, 500e18)));
        uint256 supply = busd.totalSupply();
        vm.prank(alice);
        vault.withdraw(id, address(ret), 10e18, alice);
        _assertBlocked();
        assertEq(busd.totalSupply(), supply);
        assertEq(positionLens.debtOf(id), 500e18, "nothing repaid with borrowed tokens");
        assertEq(vault.collateralOf(id, address(ret)), 990e18);
    }

    // ================================================================ LiquidationEngine

    /// @dev The seizure's transfer to the engine calls back into `liquidate` (engine locked) and into the Vault
    ///      (locked by `seize`): both revert, one liquidation happens.
    function test_attack_reenterLiquidate_fromSeizeTransfer_lockReverts_liquidatedOnce() public {
        uint256 id = _retUnderwater();
        bytes[] memory reentries = new bytes[](2);
        reentries[0] = abi.encodeCall(engine.liquidate, (id));
        reentries[1] = abi.encodeCall(vault.withdraw, (id, address(ret), 1e18, alice));
        address[2] memory targets = [address(engine), address(vault)];
        uint256 snap = vm.snapshot();
        for (uint256 i; i < 2; ++i) {
            vm.revertTo(snap);
            ret.arm(targets[i], reentries[i]);
            (uint256 auctionId, uint256 debt) = _liquidate(id);
            _assertBlocked();
            assertEq(engine.auctionCount(), 1);
            ILiquidationEngine.Auction memory a = engine.auction(auctionId);
            assertEq(ret.balanceOf(address(engine)), a.lot, "the engine holds exactly the one lot");
            assertEq(positionLens.synthetic(BUSD).auctionDebt, debt);
        }
    }

    /// @dev The collateral sent to the taker calls back into `take` (and `reset`): the lock refuses, one take.
    function test_attack_reenterTake_fromCollateralTransfer_lockReverts_takenOnce() public {
        (uint256 auctionId, ) = _liquidate(_retUnderwater());
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        _fundBusd(taker, 20_000e18);
        bytes[] memory reentries = new bytes[](2);
        reentries[0] = abi.encodeCall(engine.take, (auctionId, 100e18, MAX, taker, bytes("")));
        reentries[1] = abi.encodeCall(engine.reset, (auctionId));
        uint256 snap = vm.snapshot();
        for (uint256 i; i < 2; ++i) {
            vm.revertTo(snap);
            ret.arm(address(engine), reentries[i]);
            (uint256 got, uint256 owe) = _take(auctionId, 1_000e18);
            _assertBlocked();
            assertEq(got, 1_000e18);
            ILiquidationEngine.Auction memory b = engine.auction(auctionId);
            assertEq(b.lot, a.lot - got, "one take");
            assertEq(b.tab, a.tab - owe);
            assertEq(ret.balanceOf(taker), got);
        }
    }

    /// @dev The taker's payment in the hooked synthetic calls back into `take`: refused, one take, and the debt in
    ///      auction falls once.
    function test_attack_reenterTake_fromSyntheticPayment_lockReverts_takenOnce() public {
        (uint256 auctionId, ) = _liquidate(_hksUnderwater());
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        uint256 auctionDebt = positionLens.synthetic(HKS).auctionDebt;
        vm.prank(alice);
        hks.approve(address(engine), MAX);
        hks.arm(address(engine), abi.encodeCall(engine.take, (auctionId, 1e18, MAX, alice, bytes(""))));
        vm.prank(alice);
        (uint256 got, uint256 owe) = engine.take(auctionId, 1e18, MAX, alice, "");
        _assertSynthBlocked();
        assertEq(got, 1e18);
        assertEq(engine.auction(auctionId).lot, a.lot - 1e18);
        assertEq(positionLens.synthetic(HKS).auctionDebt, auctionDebt - owe, "burned once");
        assertEq(hks.balanceOf(address(engine)), 0);
    }

    /// @dev The take callback calls back into take, liquidate, reset, claim and claimKeeperPay: each reverts with
    ///      the lock's error, and the take itself completes once. Calls into the Vault's engine-only hooks are
    ///      refused by the caller check (the Vault is not locked during a take: the callback may use it as anyone).
    function test_attack_takeCallbackReentersEngineAndVault_refused_takeCompletesOnce() public {
        uint256 other = _openEth(bob, 10e18, 15_000e18);
        (uint256 auctionId, ) = _liquidate(_underwaterEthOf(alice));
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        CallbackReenterer cb = new CallbackReenterer(engine, busd);
        _fundBusd(address(cb), 20_000e18);

        bytes[] memory reentries = new bytes[](5);
        reentries[0] = abi.encodeCall(engine.take, (auctionId, 1e18, MAX, address(cb), bytes("")));
        reentries[1] = abi.encodeCall(engine.liquidate, (other));
        reentries[2] = abi.encodeCall(engine.reset, (auctionId));
        reentries[3] = abi.encodeWithSignature("claim(address)", address(weth));
        reentries[4] = abi.encodeCall(engine.claimKeeperPay, (BUSD, address(cb)));
        uint256 snap = vm.snapshot();
        for (uint256 i; i < reentries.length; ++i) {
            vm.revertTo(snap);
            cb.set(address(engine), reentries[i]);
            (uint256 got, uint256 owe) = cb.run(auctionId, 1e18);
            assertTrue(cb.called());
            assertFalse(cb.ok());
            assertEq(cb.ret(), _lockError());
            assertEq(engine.auction(auctionId).lot, a.lot - got, "one take");
            assertEq(engine.auction(auctionId).tab, a.tab - owe);
        }
        // the Vault's engine-only hooks from the callback: refused by the caller check
        vm.revertTo(snap);
        cb.set(address(vault), abi.encodeCall(vault.seize, (other, 1e18, new uint256[](1))));
        cb.run(auctionId, 1e18);
        assertEq(cb.ret(), abi.encodeWithSelector(IBallastErrors.CallerNotLiquidationEngine.selector, address(cb)));
        cb.set(address(vault), abi.encodeCall(vault.settleAuctionDebt, (BUSD, 1, 0)));
        cb.run(auctionId, 1e18);
        assertEq(cb.ret(), abi.encodeWithSelector(IBallastErrors.CallerNotLiquidationEngine.selector, address(cb)));
        assertEq(positionLens.debtOf(other), 15_000e18, "the other position untouched");
    }

    function _underwaterEthOf(address user) internal returns (uint256 id) {
        id = _openEth(user, 10e18, 15_000e18);
        _setEth(1_700);
    }

    /// @dev claim: the leftover's transfer calls back into `claim`: the owner is paid once.
    function test_attack_reenterClaim_lockReverts_leftoverPaidOnce() public {
        (uint256 auctionId, ) = _liquidate(_retUnderwater());
        _fundBusd(taker, 20_000e18);
        _take(auctionId, MAX);
        uint256 leftover = engine.claimable(alice, address(ret));
        assertGt(leftover, 0);
        uint256 before = ret.balanceOf(alice);
        ret.arm(address(engine), abi.encodeWithSignature("claim(address)", address(ret)));
        vm.prank(alice);
        assertEq(engine.claim(address(ret)), leftover);
        _assertBlocked();
        assertEq(ret.balanceOf(alice), before + leftover);
        assertEq(engine.claimable(alice, address(ret)), 0);
        assertEq(ret.balanceOf(address(engine)), 0);
    }

    /// @dev claimKeeperPay with an empty surplus: the pay is minted unbacked through the Vault, and the mint's hook
    ///      calls back into the engine (locked), the Treasury (locked) and the Vault (locked): each refused, the
    ///      keeper is paid once.
    function test_attack_reenterClaimKeeperPay_viaUnbackedMint_lockReverts_paidOnce() public {
        _liquidate(_hksUnderwater());
        uint256 pay = engine.keeperPayOwed(keeper, HKS);
        assertGt(pay, 0);
        address[3] memory targets = [address(engine), address(treasuryC), address(vault)];
        bytes[] memory reentries = new bytes[](3);
        reentries[0] = abi.encodeCall(engine.claimKeeperPay, (HKS, keeper));
        reentries[1] = abi.encodeCall(treasuryC.absorbBadDebt, (HKS));
        reentries[2] = abi.encodeCall(vault.mintFees, (HKS));
        uint256 snap = vm.snapshot();
        for (uint256 i; i < 3; ++i) {
            vm.revertTo(snap);
            hks.arm(targets[i], reentries[i]);
            vm.prank(keeper);
            assertEq(engine.claimKeeperPay(HKS, keeper), pay);
            _assertSynthBlocked();
            assertEq(hks.balanceOf(keeper), pay);
            assertEq(engine.keeperPayOwed(keeper, HKS), 0);
            assertEq(treasuryC.history(HKS).keeperPayUnbacked, pay);
            assertEq(treasuryC.deficit(HKS), pay);
        }
    }

    /// @dev Treasury.payKeeper from surplus: the transfer's hook calls back into the Treasury: refused, paid once.
    function test_attack_reenterTreasuryPayKeeper_fromSurplusTransfer_lockReverts_paidOnce() public {
        _liquidate(_hksUnderwater());
        uint256 pay = engine.keeperPayOwed(keeper, HKS);
        vm.prank(alice);
        hks.transfer(address(treasuryC), 1_000e18); // surplus
        hks.arm(address(treasuryC), abi.encodeCall(treasuryC.absorbBadDebt, (HKS)));
        vm.prank(keeper);
        engine.claimKeeperPay(HKS, keeper);
        _assertSynthBlocked();
        assertEq(hks.balanceOf(keeper), pay);
        assertEq(treasuryC.surplus(HKS), 1_000e18 - pay);
        assertEq(treasuryC.history(HKS).keeperPayUnbacked, 0);
    }

    /// @dev Treasury.absorbBadDebt: the burn's hook calls back into absorbBadDebt: refused, absorbed once.
    function test_attack_reenterTreasuryAbsorbBadDebt_fromBurn_lockReverts_absorbedOnce() public {
        _liquidate(_hksUnderwater());
        vm.prank(keeper);
        uint256 pay = engine.claimKeeperPay(HKS, keeper); // unbacked: a deficit of `pay`
        vm.prank(alice);
        hks.transfer(address(treasuryC), 1_000e18);
        hks.arm(address(treasuryC), abi.encodeCall(treasuryC.absorbBadDebt, (HKS)));
        assertEq(treasuryC.absorbBadDebt(HKS), pay);
        _assertSynthBlocked();
        assertEq(treasuryC.deficit(HKS), 0);
        assertEq(treasuryC.history(HKS).absorbed, pay);
        assertEq(treasuryC.surplus(HKS), 1_000e18 - pay);
    }

    /// @dev Treasury.recordAuction during a take: the penalty covers an open deficit, and the burn of that cover (the
    ///      fourth balance change of the take, after the payment, the debt burn and the penalty transfer) calls back
    ///      into the Treasury: refused, the deficit is covered once.
    function test_attack_reenterTreasuryRecordPenalty_fromCoverBurn_lockReverts_coveredOnce() public {
        (uint256 auctionId, uint256 debt) = _liquidate(_hksUnderwater());
        vm.prank(keeper);
        uint256 pay = engine.claimKeeperPay(HKS, keeper); // unbacked: a deficit of `pay`
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        vm.prank(alice);
        hks.approve(address(engine), MAX);
        hks.armAfter(address(treasuryC), abi.encodeCall(treasuryC.absorbBadDebt, (HKS)), 3);
        vm.prank(alice);
        (, uint256 owe) = engine.take(auctionId, MAX, MAX, alice, "");
        _assertSynthBlocked();
        // the tab, and what the unit rounding fetched beyond it (under the dust: it goes with the penalty)
        assertGe(owe, a.tab);
        assertEq(treasuryC.history(HKS).penalties, owe - debt);
        assertEq(treasuryC.history(HKS).absorbed, pay, "covered once");
        assertEq(treasuryC.deficit(HKS), 0);
        assertEq(treasuryC.surplus(HKS), owe - debt - pay);
    }

    // ================================================================ Settlement

    /// @dev settlePosition: the basket's transfer to the Settlement calls back into settlePosition: refused.
    function test_attack_reenterSettlePosition_lockReverts_settledOnce() public {
        Settlement settlement = _wireSettlement();
        uint256 id = _retPosition(10_000e18, 5_000e18);
        settlement.shutdown();
        ret.arm(address(settlement), abi.encodeCall(settlement.settlePosition, (id)));
        settlement.settlePosition(id);
        _assertBlocked();
        assertEq(ret.balanceOf(address(settlement)), 10_000e18);
        assertEq(settlement.pool(BUSD, address(ret)), 5_000e18);
        assertEq(settlement.claimable(alice, address(ret)), 5_000e18);
        (uint256 settledDebt, ) = settlement.settledDebt(BUSD);
        assertEq(settledDebt, 5_000e18, "settled once");
    }

    /// @dev Settlement.claim: the transfer calls back into claim: the owner is paid once.
    function test_attack_reenterSettlementClaim_lockReverts_paidOnce() public {
        Settlement settlement = _wireSettlement();
        uint256 id = _retPosition(10_000e18, 5_000e18);
        settlement.shutdown();
        settlement.settlePosition(id);
        uint256 before = ret.balanceOf(alice);
        ret.arm(address(settlement), abi.encodeCall(settlement.claim, (address(ret), alice)));
        vm.prank(alice);
        assertEq(settlement.claim(address(ret), alice), 5_000e18);
        _assertBlocked();
        assertEq(ret.balanceOf(alice), before + 5_000e18);
        assertEq(settlement.claimable(alice, address(ret)), 0);
        assertEq(ret.balanceOf(address(settlement)), 5_000e18, "the pool is intact");
    }

    /// @dev Settlement.redeem: the payout's transfer calls back into redeem: one redemption.
    function test_attack_reenterSettlementRedeem_lockReverts_redeemedOnce() public {
        Settlement settlement = _wireSettlement();
        uint256 id = _retPosition(10_000e18, 5_000e18);
        settlement.shutdown();
        settlement.settlePosition(id);
        settlement.finalize(BUSD);
        vm.prank(alice);
        busd.approve(address(settlement), MAX);
        uint256 before = ret.balanceOf(alice);
        ret.arm(address(settlement), abi.encodeCall(settlement.redeem, (BUSD, 1_000e18, alice)));
        vm.prank(alice);
        settlement.redeem(BUSD, 1_000e18, alice);
        _assertBlocked();
        assertEq(ret.balanceOf(alice), before + 1_000e18, "1,000 of 5,000 outstanding: a fifth of the pool");
        assertEq(settlement.pool(BUSD, address(ret)), 4_000e18);
        assertEq(busd.balanceOf(alice), 4_000e18);
        assertEq(settlement.outstanding(BUSD), 4_000e18);
    }

    /// @dev settleAuction: the lot's transfer from the engine calls back into settleAuction (Settlement locked)
    ///      and into the engine's reset (engine locked by releaseAuction): both refused, the lot moves once.
    function test_attack_reenterSettleAuction_lockReverts_lotMovedOnce() public {
        Settlement settlement = _wireSettlement();
        (uint256 auctionId, ) = _liquidate(_retUnderwater());
        uint256 lot = engine.auction(auctionId).lot;
        settlement.shutdown();
        address[2] memory targets = [address(settlement), address(engine)];
        bytes[] memory reentries = new bytes[](2);
        reentries[0] = abi.encodeCall(settlement.settleAuction, (auctionId));
        reentries[1] = abi.encodeCall(engine.reset, (auctionId));
        uint256 snap = vm.snapshot();
        for (uint256 i; i < 2; ++i) {
            vm.revertTo(snap);
            ret.arm(targets[i], reentries[i]);
            settlement.settleAuction(auctionId);
            _assertBlocked();
            assertEq(ret.balanceOf(address(settlement)), lot);
            assertEq(ret.balanceOf(address(engine)), 0);
            assertEq(engine.auctionCount(), 0);
        }
    }
}

/// @dev Flash-borrows bUSD and tries to repay a Vault position with it inside the loan; bubbles any revert.
contract FlashRepayer is IERC3156FlashBorrower {
    IVault internal immutable vault;
    SyntheticToken internal immutable token;

    constructor(IVault vault_, SyntheticToken token_) {
        vault = vault_;
        token = token_;
    }

    function go(uint256 id, uint256 amount) external {
        token.flashLoan(this, address(token), amount, abi.encode(id));
    }

    function onFlashLoan(
        address,
        address,
        uint256 amount,
        uint256 fee,
        bytes calldata data
    ) external returns (bytes32) {
        vault.repay(abi.decode(data, (uint256)), amount);
        IERC20(address(token)).approve(address(token), amount + fee);
        return keccak256("ERC3156FlashBorrower.onFlashLoan");
    }
}

/// @dev A taker (and receiver) whose take callback calls `target` with `data`, records the outcome, then pays from
///      its own balance.
contract CallbackReenterer is IBallastTakeCallback {
    ILiquidationEngine internal immutable engine;
    IERC20 internal immutable synth;
    address public target;
    bytes public data;
    bool public called;
    bool public ok;
    bytes public ret;

    constructor(ILiquidationEngine engine_, IERC20 synth_) {
        engine = engine_;
        synth = synth_;
    }

    function set(address target_, bytes calldata data_) external {
        (target, data, called) = (target_, data_, false);
    }

    function run(uint256 auctionId, uint256 maxCollateral) external returns (uint256, uint256) {
        return engine.take(auctionId, maxCollateral, type(uint256).max, address(this), "x");
    }

    function onTake(address, uint256, uint256 owe, bytes calldata) external {
        called = true;
        (ok, ret) = target.call(data);
        synth.approve(address(engine), owe);
    }
}
