// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Fixture} from "./utils/Fixture.sol";
import {IVault} from "../contracts/interfaces/IVault.sol";
import {ISettlement} from "../contracts/interfaces/ISettlement.sol";
import {IReserveLens} from "../contracts/interfaces/IReserveLens.sol";
import {IOracleAdapter} from "../contracts/interfaces/IOracleAdapter.sol";
import {Settlement} from "../contracts/Settlement.sol";
import {ILiquidationEngine} from "../contracts/interfaces/ILiquidationEngine.sol";
import {ReserveLens} from "../contracts/ReserveLens.sol";
import {ITreasury} from "../contracts/interfaces/ITreasury.sol";
import {IBallastErrors} from "../contracts/interfaces/IBallastErrors.sol";
import {Artifacts} from "./utils/Artifacts.sol";

/// @notice Emergency shutdown and global settlement, end to end: shutdown by governance and by the under-backing
///         trigger, frozen prices, positions settled (one under water), owners' claims, finalization, redemption
///         pro rata, and the conservation of every token across all of it.
contract SettlementTest is Fixture {
    ReserveLens internal lens;
    Settlement internal settlement;
    address internal carol = makeAddr("carol");
    address internal holder = makeAddr("holder");

    function setUp() public override {
        super.setUp();
        _wireLiquidation();
        settlement = _wireSettlement();
        lens = ReserveLens(Artifacts.deploy("ReserveLens.sol:ReserveLens", abi.encode(vault)));
        weth.mint(carol, 100e18);
        vm.prank(carol);
        weth.approve(address(vault), type(uint256).max);
    }

    // ------------------------------------------------------------------ helpers

    /// @dev alice: bUSD on WETH + WBTC; bob: bETH on WETH + USDC; carol: bUSD on WETH, under water after the drop.
    function _book() internal returns (uint256 a, uint256 b, uint256 c) {
        vm.startPrank(alice);
        a = vault.openAndMint(BUSD, address(weth), 10e18, 0, alice);
        vault.deposit(a, address(wbtc), 1e8);
        vault.mint(a, 30_000e18, alice);
        vm.stopPrank();
        vm.startPrank(bob);
        b = vault.openAndMint(BETH, address(usdc), 10_000e6, 0, bob);
        vault.deposit(b, address(weth), 5e18);
        vault.mint(b, 4e18, bob);
        vm.stopPrank();
        vm.prank(carol);
        c = vault.openAndMint(BUSD, address(weth), 10e18, 16_000e18, carol);
    }

    function _shutdownAfterDrop() internal {
        ethFeed.setAnswer(1_500e8); // carol: 15,000 of collateral for 16,000 of debt
        settlement.shutdown();
    }

    function _settleAll(uint256 n) internal {
        for (uint256 id = 1; id <= n; ++id) settlement.settlePosition(id);
    }

    // ------------------------------------------------------------------ shutdown

    function test_shutdown_freezesPrices_andStopsNewRiskButNotRepayOrDeposit() public {
        (uint256 a, , uint256 c) = _book();
        _shutdownAfterDrop();
        assertEq(vault.shutdownAt(), block.timestamp);
        assertEq(settlement.frozenPrice(address(weth)), 1_500e18);
        assertEq(settlement.frozenPrice(address(wbtc)), 60_000e18);
        assertEq(settlement.frozenPrice(address(usdc)), 1e18);

        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(IBallastErrors.SystemShutdown.selector, block.timestamp));
        vault.open(BUSD);
        vm.expectRevert(abi.encodeWithSelector(IBallastErrors.SystemShutdown.selector, block.timestamp));
        vault.mint(a, 1e18, alice);
        vm.expectRevert(abi.encodeWithSelector(IBallastErrors.SystemShutdown.selector, block.timestamp));
        vault.withdraw(a, address(weth), 1e18, alice);
        vault.deposit(a, address(weth), 1e18);
        vault.repay(a, 1_000e18);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(IBallastErrors.SystemShutdown.selector, block.timestamp));
        engine.liquidate(c);
        vm.expectRevert(abi.encodeWithSelector(IBallastErrors.SystemShutdown.selector, block.timestamp));
        settlement.shutdown();
    }

    function test_onlyGovernanceShutsDown_andOnlySettlementCallsTheHooks() public {
        vm.prank(bob);
        vm.expectRevert();
        settlement.shutdown();
        vm.expectRevert(); // the test (AccessManager admin) lacks SETTLEMENT_ROLE for the Vault's hooks
        vault.shutdown();
        vm.expectRevert(IBallastErrors.NotShutdown.selector);
        settlement.settlePosition(1);
        // even the settlement cannot take a position while the system runs
        _book();
        vm.prank(address(settlement));
        vm.expectRevert(IBallastErrors.NotShutdown.selector);
        vault.releasePosition(1);
    }

    function test_settledPosition_staysTheOwners_emptyAndDebtFree() public {
        (uint256 a, , ) = _book();
        _shutdownAfterDrop();
        settlement.settlePosition(a);
        (address owner, , uint256 mask) = vault.positionOf(a);
        assertEq(owner, alice);
        assertEq(mask, 0);
        assertEq(positionLens.debtOf(a), 0);
        uint256 claim = settlement.claimable(alice, address(weth));
        // a deposit made after settling is alice's to withdraw directly; settling again changes nothing
        vm.startPrank(alice);
        vault.deposit(a, address(weth), 1e18);
        vault.withdraw(a, address(weth), 1e18, alice);
        vm.stopPrank();
        settlement.settlePosition(a);
        assertEq(settlement.claimable(alice, address(weth)), claim);
    }

    // ------------------------------------------------------------------ the whole settlement

    function test_settlement_severalAssetsAndSynthetics_conservesEveryToken() public {
        (uint256 a, uint256 b, uint256 c) = _book();
        vm.warp(block.timestamp + 30 days); // interest accrues: fees belong to the treasury, not to holders
        ethFeed.setAnswer(1_500e8);
        btcFeed.setAnswer(60_000e8);
        usdcFeed.setAnswer(1e8);
        uint256 aliceDebt = positionLens.debtOf(a);
        settlement.shutdown();

        uint256 wethIn = vault.totalCollateral(address(weth));
        uint256 wbtcIn = vault.totalCollateral(address(wbtc));
        uint256 usdcIn = vault.totalCollateral(address(usdc));

        // finalize needs every debt settled
        vm.expectRevert();
        settlement.finalize(BUSD);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NotFinalized.selector, BUSD));
        settlement.redeem(BUSD, 1e18, alice);

        _settleAll(3);
        // alice: 10 WETH (15,000) + 1 WBTC (60,000) = 75,000 for ~30,123 of debt: the pool gets the debt's worth
        // alice gets back her basket's value less her debt's (USD synthetic: value = amount), taken pro rata
        uint256 back =
            settlement.claimable(alice, address(weth)) * 1_500 + settlement.claimable(alice, address(wbtc)) * 60_000e10;
        assertLe(back, 75_000e18 - aliceDebt, "never more than the excess");
        assertApproxEqAbs(back, 75_000e18 - aliceDebt, 60_000e10 + 1_500, "the excess, within one unit per asset");
        assertApproxEqRel(
            (settlement.claimable(alice, address(weth)) * 1e18) / 10e18,
            (settlement.claimable(alice, address(wbtc)) * 1e18) / 1e8,
            1e12,
            "the same share of every asset comes back"
        );
        // carol under water: nothing back, her whole basket in the pool
        assertEq(settlement.claimable(carol, address(weth)), 0);
        (, uint256 shortfall) = settlement.settledDebt(BUSD);
        assertGt(shortfall, 0);
        assertEq(vault.collateralOf(c, address(weth)), 0);
        // bob (bETH, hedged): gets back what exceeds 4 bETH at 1,500
        assertGt(settlement.claimable(bob, address(usdc)), 0);
        assertEq(positionLens.debtOf(b), 0);

        settlement.finalize(BUSD);
        settlement.finalize(BETH);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.AlreadyFinalized.selector, BUSD));
        settlement.finalize(BUSD);

        // holders redeem everything, in pieces; owners claim
        _redeemAll(alice, BUSD);
        _redeemAll(carol, BUSD);
        _redeemAll(bob, BETH);
        _claimAll(alice);
        _claimAll(bob);

        assertEq(settlement.outstanding(BUSD), 0);
        assertEq(settlement.outstanding(BETH), 0);
        // nothing left anywhere: what the Vault held went to holders and owners, to the wei
        assertEq(weth.balanceOf(address(settlement)), 0, "no WETH left behind");
        assertEq(wbtc.balanceOf(address(settlement)), 0, "no WBTC left behind");
        assertEq(usdc.balanceOf(address(settlement)), 0, "no USDC left behind");
        assertEq(vault.totalCollateral(address(weth)), 0, "the Vault credits nothing any more");
        assertEq(vault.totalCollateral(address(wbtc)) + vault.totalCollateral(address(usdc)), 0);
        assertEq(weth.balanceOf(address(vault)), 0);
        assertGt(wethIn, 0);
        assertEq(
            weth.balanceOf(alice) + weth.balanceOf(bob) + weth.balanceOf(carol),
            1_000e18 + 1_000e18 + 100e18,
            "every WETH is back with a user"
        );
        assertEq(wbtc.balanceOf(alice) + wbtc.balanceOf(bob) + wbtc.balanceOf(carol), 200e8);
        assertGt(wbtc.balanceOf(carol), 0, "carol's bUSD redeemed part of alice's WBTC");
        assertEq(usdc.balanceOf(alice) + usdc.balanceOf(bob) + usdc.balanceOf(carol), 20_000_000e6);
        assertEq(wbtcIn + usdcIn > 0, true);

        // nobody redeems twice: the units handed in are gone
        assertEq(busd.balanceOf(alice), 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.ExceedsOutstanding.selector, 1, 0));
        settlement.redeem(BUSD, 1, alice);
    }

    function test_redeem_paysProRata_andHoldersOfTheSameAmountGetTheSame() public {
        _book();
        _shutdownAfterDrop();
        _settleAll(3);
        settlement.finalize(BUSD);
        vm.prank(alice);
        busd.transfer(holder, 10_000e18);
        vm.prank(carol);
        busd.transfer(holder, 6_000e18);
        // alice has 20,000, carol 10,000, holder 16,000: outstanding 46,000
        assertEq(settlement.outstanding(BUSD), 46_000e18);
        uint256 poolWeth = settlement.pool(BUSD, address(weth));
        _approve(holder);
        vm.prank(holder);
        (, uint256[] memory paid) = settlement.redeem(BUSD, 10_000e18, holder);
        assertEq(paid[0], (poolWeth * 10_000e18) / 46_000e18, "share of the WETH pool, rounded down");
        _approve(carol);
        vm.prank(carol);
        (, uint256[] memory paid2) = settlement.redeem(BUSD, 10_000e18, carol);
        assertApproxEqAbs(paid2[0], paid[0], 1, "the same units get the same share, within a wei");
        assertGe(paid2[0], paid[0], "never less for redeeming later");
    }

    /// @notice The Treasury's units never share the pool (step 4). When they are the only units left, no holder can
    ///         redeem the pool: governance sweeps it, and only then (finalized, nobody outside the Treasury holding
    ///         a unit), to the wei.
    function test_sweepPool_movesOnlyAPoolNobodyCanRedeem() public {
        vm.prank(alice);
        uint256 a = vault.openAndMint(BUSD, address(weth), 10e18, 10_000e18, alice);
        vm.warp(block.timestamp + 365 days); // 5% a year: the interest's units are the Treasury's
        ethFeed.setAnswer(2_000e8); // a fresh round
        vm.prank(alice);
        vault.repay(a, 10_000e18 - 1); // she keeps one unit; the interest stays owed
        uint256 owed = positionLens.debtOf(a);
        assertGt(owed, 500e18, "a year's interest is owed");
        address sink = makeAddr("protocol surplus");

        settlement.shutdown();
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NotFinalized.selector, BUSD));
        settlement.sweepPool(BUSD, sink);
        settlement.settlePosition(a);
        settlement.finalize(BUSD);
        uint256 pooled = settlement.pool(BUSD, address(weth));
        assertEq(pooled, (owed * 1e18 + 2_000e18 - 1) / 2_000e18, "the debt's worth of WETH at 2,000, rounded up");

        // one unit outside the Treasury: the whole pool is its holder's to redeem
        assertEq(settlement.outstanding(BUSD), 1);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.UnitsOutstanding.selector, BUSD, 1));
        settlement.sweepPool(BUSD, sink);
        vm.prank(bob);
        vm.expectRevert(); // governance only (AccessManagedUnauthorized)
        settlement.sweepPool(BUSD, bob);

        // the last outside unit goes to the Treasury: nobody can redeem any more
        vm.prank(alice);
        busd.transfer(address(treasuryC), 1);
        assertEq(settlement.outstanding(BUSD), 0);
        vm.expectRevert(IBallastErrors.ZeroAddress.selector);
        settlement.sweepPool(BUSD, address(0));
        address[] memory list = vault.assets();
        uint256[] memory expected = new uint256[](list.length);
        expected[0] = pooled;
        assertEq(list[0], address(weth));
        vm.expectEmit(address(settlement));
        emit ISettlement.PoolSwept(BUSD, sink, list, expected);
        (, uint256[] memory swept) = settlement.sweepPool(BUSD, sink);
        assertEq(swept, expected, "the whole pool, nothing else");
        assertEq(weth.balanceOf(sink), pooled, "sent to the recipient");
        assertEq(settlement.pool(BUSD, address(weth)), 0, "the pool is empty");
        // what is left in the settlement is alice's claim to her excess, untouched
        assertEq(weth.balanceOf(address(settlement)), settlement.claimable(alice, address(weth)));
        _claimAll(alice);
        assertEq(weth.balanceOf(address(settlement)), 0, "no WETH left behind");
        assertEq(weth.balanceOf(alice) + pooled, 1_000e18, "every WETH is with alice or the recipient");
    }

    // ------------------------------------------------------------------ live auctions

    function test_liveAuction_isSettledLikeAPosition_thenTheSyntheticFinalizes() public {
        (, , uint256 c) = _book();
        ethFeed.setAnswer(1_700e8); // carol: 17,000 of WETH for 16,000 of debt, below her 85% threshold
        engine.liquidate(c);
        uint256 auctionId = 1;
        uint256 lot = engine.auction(auctionId).lot;
        uint256 tabDebt = engine.auction(auctionId).debt;
        assertGt(lot, 0);
        vm.expectRevert(IBallastErrors.NotShutdown.selector);
        vm.prank(address(settlement));
        engine.releaseAuction(auctionId);

        settlement.shutdown();
        _settleAll(3);
        vm.expectRevert(); // debt still in auction
        settlement.finalize(BUSD);
        uint256 before = weth.balanceOf(address(settlement));
        uint256 carolClaim = settlement.claimable(carol, address(weth));
        settlement.settleAuction(auctionId);
        assertEq(weth.balanceOf(address(settlement)), before + lot, "the lot moved to the settlement");
        assertEq(positionLens.synthetic(BUSD).auctionDebt, 0);
        // the pool took the debt's worth at 1,700, carol got the rest of the lot
        uint256 toPool = (tabDebt * 1e18 + 1_700e18 - 1) / 1_700e18;
        assertApproxEqAbs(settlement.claimable(carol, address(weth)) - carolClaim, lot - toPool, 1);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.AuctionNotFound.selector, auctionId));
        settlement.settleAuction(auctionId);
        settlement.finalize(BUSD);
        _redeemAll(alice, BUSD);
        _redeemAll(carol, BUSD);
        assertEq(settlement.pool(BUSD, address(weth)), 0);
    }

    /// @dev The settlement leaves the Treasury's balance out of the units that share the collateral. Keeper pay
    ///      earned before shutdown and claimed after finalize would move surplus into circulation between two
    ///      redemptions, so the later holder would get less for the same units: the Treasury refuses to pay after
    ///      shutdown, and both holders get the same share.
    function test_keeperPayAfterShutdown_isRefused_soRedemptionDoesNotDependOnOrder() public {
        (, , uint256 c) = _book();
        _fundBusd(address(treasuryC), 1_000e18); // surplus that could pay the keeper
        ethFeed.setAnswer(1_700e8);
        address keeper = makeAddr("keeper");
        vm.prank(keeper);
        engine.liquidate(c);
        uint256 owed = engine.keeperPayOwed(keeper, BUSD);
        assertGt(owed, 0, "the keeper is owed pay");

        settlement.shutdown();
        uint256 at = vm.getBlockTimestamp();
        _settleAll(4); // the three of the book and bob's that funded the Treasury
        settlement.settleAuction(1);
        settlement.finalize(BUSD);
        uint256 surplus = treasuryC.surplus(BUSD);
        vm.prank(alice);
        busd.transfer(holder, 10_000e18);
        _approve(holder);
        _approve(alice);

        vm.prank(holder);
        (, uint256[] memory first) = settlement.redeem(BUSD, 10_000e18, holder);
        vm.expectRevert(abi.encodeWithSelector(IBallastErrors.SystemShutdown.selector, at));
        vm.prank(keeper);
        engine.claimKeeperPay(BUSD, keeper);
        assertEq(engine.keeperPayOwed(keeper, BUSD), owed, "the credit is left as it was");
        assertEq(treasuryC.surplus(BUSD), surplus, "nothing left the Treasury");
        vm.prank(alice);
        (, uint256[] memory second) = settlement.redeem(BUSD, 10_000e18, alice);
        assertApproxEqAbs(second[0], first[0], 1, "the same units get the same share, within a wei");
        assertGe(second[0], first[0], "never less for redeeming later");
    }

    /// @dev A reset after shutdown still restarts the auction (the settlement ends it anyway), but the pay it credits
    ///      can never be drawn from the surplus the settlement gives up to holders.
    function test_resetAfterShutdown_creditsPayTheTreasuryWillNotPay() public {
        (, , uint256 c) = _book();
        _fundBusd(address(treasuryC), 1_000e18);
        ethFeed.setAnswer(1_700e8);
        address keeper = makeAddr("keeper");
        vm.prank(keeper);
        engine.liquidate(c);
        vm.prank(keeper);
        engine.claimKeeperPay(BUSD, keeper); // the pay earned before shutdown, drawn before shutdown
        settlement.shutdown();
        uint256 at = vm.getBlockTimestamp();
        uint256 surplus = treasuryC.surplus(BUSD);

        vm.warp(at + 3 hours); // past maxDuration: resettable
        _refreshFeeds();
        ethFeed.setAnswer(1_650e8); // lower than the auction ran at: the reset re-prices it and is paid
        vm.prank(keeper);
        engine.reset(1);
        assertGt(engine.keeperPayOwed(keeper, BUSD), 0);
        vm.expectRevert(abi.encodeWithSelector(IBallastErrors.SystemShutdown.selector, at));
        vm.prank(keeper);
        engine.claimKeeperPay(BUSD, keeper);
        assertEq(treasuryC.surplus(BUSD), surplus, "the surplus is the holders'");
    }

    /// @dev A recovery that does not last the trigger delay leaves the stretch's start where it was: the trigger
    ///      fires one delay after the first under-backed poke.
    function test_trigger_aBriefRecoveryDoesNotRestartTheClock() public {
        _book();
        ethFeed.setAnswer(600e8);
        btcFeed.setAnswer(20_000e8);
        settlement.poke();
        uint256 t0 = vm.getBlockTimestamp(); // not block.timestamp: the IR pipeline may re-read it after a warp
        vm.warp(t0 + 6 hours);
        ethFeed.setAnswer(2_000e8);
        btcFeed.setAnswer(60_000e8);
        usdcFeed.setAnswer(1e8);
        settlement.poke();
        assertEq(settlement.backedSince(), t0 + 6 hours);
        vm.warp(t0 + 12 hours);
        ethFeed.setAnswer(600e8);
        btcFeed.setAnswer(20_000e8);
        usdcFeed.setAnswer(1e8);
        settlement.poke();
        assertEq(settlement.underSince(), t0, "the stretch began at the first poke");
        assertEq(settlement.backedSince(), 0, "the dip cancelled the recovery");
        vm.warp(t0 + settlement.triggerDelay());
        ethFeed.setAnswer(600e8);
        btcFeed.setAnswer(20_000e8);
        usdcFeed.setAnswer(1e8);
        settlement.trigger();
        assertEq(vault.shutdownAt(), t0 + settlement.triggerDelay());
    }

    // ------------------------------------------------------------------ prices

    function test_failedPriceAtShutdown_isFrozenLater_orByGovernanceAfterTheDelay() public {
        _book();
        btcFeed.setAnswer(0); // WBTC's feed fails at shutdown
        settlement.shutdown();
        assertEq(settlement.frozenPrice(address(wbtc)), 0);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.PriceNotFrozen.selector, address(wbtc)));
        settlement.settlePosition(1);
        settlement.settlePosition(2); // bob's basket has no WBTC

        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleAdapter.PriceUnavailable.selector,
                address(wbtc),
                IOracleAdapter.PriceFailure.NonPositive
            )
        );
        settlement.freezePrice(address(wbtc));
        uint256 allowedAt = block.timestamp + settlement.PRICE_FALLBACK_DELAY();
        vm.expectRevert(abi.encodeWithSelector(ISettlement.FallbackTooEarly.selector, block.timestamp, allowedAt));
        settlement.setFallbackPrice(address(wbtc), 50_000e18);

        btcFeed.setAnswer(58_000e8);
        settlement.freezePrice(address(wbtc));
        assertEq(settlement.frozenPrice(address(wbtc)), 58_000e18);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.PriceAlreadyFrozen.selector, address(wbtc), 58_000e18));
        settlement.freezePrice(address(wbtc));
        settlement.settlePosition(1);
    }

    function test_fallbackPrice_afterTheDelay() public {
        _book();
        btcFeed.setAnswer(0);
        settlement.shutdown();
        vm.warp(block.timestamp + settlement.PRICE_FALLBACK_DELAY());
        vm.prank(bob);
        vm.expectRevert();
        settlement.setFallbackPrice(address(wbtc), 50_000e18);
        settlement.setFallbackPrice(address(wbtc), 50_000e18);
        assertEq(settlement.frozenPrice(address(wbtc)), 50_000e18);
    }

    // ------------------------------------------------------------------ the permissionless trigger

    function test_trigger_needsUnderBackingForTheWholeDelay() public {
        _book();
        vm.expectRevert(); // backed: nothing to trigger
        settlement.trigger();

        ethFeed.setAnswer(600e8); // WETH at 600: the system is under-backed
        btcFeed.setAnswer(20_000e8);
        IReserveLens.SystemReserve memory r = lens.systemReserve();
        assertLt(r.backingBps, 10_000);
        uint256 bps = settlement.poke();
        assertEq(bps, r.backingBps);
        assertEq(settlement.underSince(), block.timestamp);
        uint256 allowedAt = block.timestamp + settlement.triggerDelay();
        vm.expectRevert(abi.encodeWithSelector(ISettlement.TriggerTooEarly.selector, block.timestamp, allowedAt));
        settlement.trigger();

        // a recovery restarts the clock once pokes have seen it hold for the trigger delay
        uint256 t0 = vm.getBlockTimestamp(); // not block.timestamp: the IR pipeline may re-read it after a warp
        uint256 t1 = t0 + 12 hours;
        vm.warp(t1);
        ethFeed.setAnswer(2_000e8);
        btcFeed.setAnswer(60_000e8);
        usdcFeed.setAnswer(1e8);
        settlement.poke();
        assertEq(settlement.underSince(), t0, "one backed poke does not end the stretch");
        assertEq(settlement.backedSince(), t1);
        vm.warp(t1 + settlement.triggerDelay() - 1);
        ethFeed.setAnswer(2_000e8);
        btcFeed.setAnswer(60_000e8);
        usdcFeed.setAnswer(1e8);
        settlement.poke();
        assertEq(settlement.underSince(), t0, "not yet held for the delay");
        vm.warp(t1 + settlement.triggerDelay());
        ethFeed.setAnswer(2_000e8);
        btcFeed.setAnswer(60_000e8);
        usdcFeed.setAnswer(1e8);
        settlement.poke();
        assertEq(settlement.underSince(), 0, "a recovery held for the delay ends the stretch");
        assertEq(settlement.backedSince(), 0);

        ethFeed.setAnswer(600e8);
        btcFeed.setAnswer(20_000e8);
        settlement.poke();
        vm.warp(block.timestamp + settlement.triggerDelay());
        ethFeed.setAnswer(600e8);
        btcFeed.setAnswer(20_000e8);
        usdcFeed.setAnswer(1e8);
        vm.prank(holder); // anyone
        settlement.trigger();
        assertEq(vault.shutdownAt(), block.timestamp);
        assertEq(settlement.frozenPrice(address(weth)), 600e18);
    }

    function test_trigger_refusesAFailedPrice() public {
        _book();
        ethFeed.setAnswer(0);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.BackingIncomplete.selector, address(weth)));
        settlement.poke();
    }

    function test_triggerParams_areBounded() public {
        vm.expectRevert(abi.encodeWithSelector(ISettlement.InvalidTriggerParams.selector, 10_001, 1 days));
        settlement.setTriggerParams(10_001, 1 days);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.InvalidTriggerParams.selector, 9_000, 59 minutes));
        settlement.setTriggerParams(9_000, 59 minutes);
        settlement.setTriggerParams(9_000, 2 days);
        assertEq(settlement.triggerBackingBps(), 9_000);
        assertEq(settlement.triggerDelay(), 2 days);
    }

    // ------------------------------------------------------------------ conservation, fuzzed

    /// @dev Random books and a random crash: after every position is settled, every owner has claimed and every
    ///      holder has redeemed (in random pieces), what holders and owners received equals, per asset and to the
    ///      wei, what the Vault held; nothing stays in the settlement.
    function testFuzz_redemptionsPlusClaims_equalCollateralHeld(uint256 seed, uint16 ethDropBps, uint8 pieces) public {
        ethDropBps = uint16(_bound(ethDropBps, 0, 9_000));
        pieces = uint8(_bound(pieces, 1, 5));
        address[3] memory users = [alice, bob, carol];
        uint256 n;
        for (uint256 i; i < 3; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint256 eth = _bound(r % 1e20, 1e18, 50e18);
            uint256 debt = _bound((r >> 80) % 1e24, 100e18, ((eth * 2_000 * 7) / 10 / 1e18) * 1e18);
            vm.prank(users[i]);
            vault.openAndMint(BUSD, address(weth), eth, debt, users[i]);
            ++n;
        }
        vm.warp(block.timestamp + (seed % 365 days));
        ethFeed.setAnswer(int256(2_000e8 * uint256(10_000 - ethDropBps)) / 10_000);
        btcFeed.setAnswer(60_000e8);
        usdcFeed.setAnswer(1e8);
        uint256 held = weth.balanceOf(address(vault));
        uint256 before = weth.balanceOf(alice) + weth.balanceOf(bob) + weth.balanceOf(carol);
        settlement.shutdown();
        _settleAll(n);
        settlement.finalize(BUSD);
        for (uint256 i; i < 3; ++i) {
            _claimAll(users[i]);
            _approve(users[i]);
            uint256 bal = busd.balanceOf(users[i]);
            for (uint256 k = 1; k <= pieces; ++k) {
                uint256 part = k == pieces ? busd.balanceOf(users[i]) : bal / pieces;
                if (part == 0) continue;
                vm.prank(users[i]);
                settlement.redeem(BUSD, part, users[i]);
            }
        }
        uint256 afterAll = weth.balanceOf(alice) + weth.balanceOf(bob) + weth.balanceOf(carol);
        assertEq(afterAll - before, held, "holders and owners received exactly what the Vault held");
        assertEq(weth.balanceOf(address(settlement)), 0);
        assertEq(settlement.pool(BUSD, address(weth)), 0);
    }

    function _redeemAll(address who, uint256 synthId) internal {
        _approve(who);
        IVault.SyntheticState memory st = positionLens.synthetic(synthId);
        uint256 bal = st.token.balanceOf(who);
        vm.startPrank(who);
        settlement.redeem(synthId, bal / 3, who);
        settlement.redeem(synthId, bal - bal / 3, who);
        vm.stopPrank();
    }

    function _claimAll(address who) internal {
        address[] memory list = vault.assets();
        for (uint256 j; j < list.length; ++j) {
            if (settlement.claimable(who, list[j]) == 0) continue;
            vm.prank(who);
            settlement.claim(list[j], who);
        }
    }

    function _approve(address who) internal {
        vm.startPrank(who);
        busd.approve(address(settlement), type(uint256).max);
        beth.approve(address(settlement), type(uint256).max);
        vm.stopPrank();
    }
}
