// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {AdversarialBase} from "./AdversarialBase.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IBallastTakeCallback} from "../../contracts/interfaces/IBallastTakeCallback.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {IRiskLens} from "../../contracts/interfaces/IRiskLens.sol";
import {IRateModel} from "../../contracts/interfaces/IRateModel.sol";
import {IOracleAdapter} from "../../contracts/interfaces/IOracleAdapter.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Settlement} from "../../contracts/Settlement.sol";
import {ReserveLens} from "../../contracts/ReserveLens.sol";
import {RiskLens} from "../../contracts/RiskLens.sol";
import {SyntheticToken} from "../../contracts/SyntheticToken.sol";
import {Backing} from "../../contracts/libraries/Backing.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {MockFeed} from "../../contracts/mocks/MockFeed.sol";
import {ReentrantToken} from "../../contracts/mocks/WeirdTokens.sol";
import {Artifacts} from "../utils/Artifacts.sol";

/// @notice Regression tests for the defects an outside review of the liquidation and settlement paths found (issue
///         14), one group per finding, each named for it. Every test here ended in the bad outcome on d24699e.
contract ReviewFindingsTest is AdversarialBase {
    uint256 internal constant TARGET = 1.1e18; // the engine's default target health

    // ================================================================ 1. coarse collateral

    /// @dev A 0-decimal bar at 2,000 (thresholds as WETH's), `units` of it for alice; returns the bar and its feed.
    function _bar(uint256 units) internal returns (MockERC20 bar, MockFeed feed) {
        bar = new MockERC20("Gold bar", "BAR", 0);
        feed = _listToken(address(bar), 2_000e8, 8_000, 8_500, 500, units);
    }

    /// @dev Alice's position of one bar backing 1,600 bUSD, after the bar falls to 1,880 (health 0.99875).
    function _barPositionAfterTheFall() internal returns (uint256 id, MockERC20 bar, MockFeed feed) {
        (bar, feed) = _bar(1);
        vm.startPrank(alice);
        id = vault.open(BUSD);
        vault.deposit(id, address(bar), 1);
        vault.mint(id, 1_600e18, alice);
        vm.stopPrank();
        feed.setAnswer(1_880e8);
    }

    /// @dev One bar at 2,000 backing 1,600 bUSD; the bar falls to 1,880 (health 0.99875). The bar is the whole lot,
    ///      so the liquidation moves the whole debt with it: nothing is left owing in an empty position.
    function test_finding1_coarseBar_liquidationMovesTheDebtTheBarCarries() public {
        (uint256 id, MockERC20 bar, ) = _barPositionAfterTheFall();
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(id);
        assertEq(plan.lots[0], 1, "the bar");
        assertEq(plan.debt, 1_600e18, "and all the debt it carries");
        assertTrue(plan.full);
        (uint256 auctionId, ) = _liquidate(id);
        assertEq(positionLens.debtOf(id), 0, "no debt left in the emptied position");
        assertEq(vault.collateralOf(id, address(bar)), 0);
        // the tab is the debt plus a penalty no larger than what the bar is worth beyond it
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        assertLe(a.tab, 1_880e18, "the bar covers its tab at the oracle price");
        // the bar sells; nothing is written off
        _fundBusd(taker, 5_000e18);
        uint256 price = _auctionPrice(auctionId);
        _take(auctionId, 1);
        assertEq(engine.auction(auctionId).tab, 0, "ended");
        assertEq(positionLens.synthetic(BUSD).badDebt, 0, "no bad debt");
        assertEq(engine.claimable(alice, address(busd)), price - a.tab, "what the bar fetched beyond the tab");
    }

    /// @dev The owner of that bar liquidates herself and buys it back at the lowest price the auction allows: she
    ///      ends no richer at the oracle price (on d24699e she gained 542 bUSD and left 605 of bad debt).
    function test_finding1_coarseBar_selfLiquidationGainsNothing() public {
        (uint256 id, MockERC20 bar, MockFeed feed) = _barPositionAfterTheFall();
        uint256 before = busd.balanceOf(alice) + 1_880e18 - positionLens.debtOf(id); // [wad USD] bUSD + bar - debt
        _fundBusd(alice, 2_000e18);
        before += 2_000e18;

        vm.startPrank(alice);
        (uint256 auctionId, ) = engine.liquidate(id);
        engine.claimKeeperPay(BUSD, alice);
        uint256 floor = engine.auction(auctionId).floor;
        _waitUntilPriceAtMost(auctionId, floor, feed, 1_880e8);
        busd.approve(address(engine), MAX);
        engine.take(auctionId, 1, MAX, alice, "");
        if (engine.claimable(alice, address(busd)) != 0) engine.claim(address(busd));
        vm.stopPrank();
        uint256 afterwards = busd.balanceOf(alice) + bar.balanceOf(alice) * 1_880e18 - positionLens.debtOf(id);
        assertLe(afterwards, before, "liquidating oneself and buying the bar back pays nothing");
        assertEq(positionLens.synthetic(BUSD).badDebt, 0, "and writes nothing off");
    }

    /// @dev 10 WETH + one bar, 17,000 bUSD; ETH to 1,790 (health 0.995). The bar's lot rounds up to the whole bar;
    ///      the debt moved grows with it, so the partial liquidation lands at or above the target health instead of
    ///      below 1 (liquidatable again at once, a second penalty).
    function test_finding1_mixedBasket_partialLiquidationLandsAtTheTarget() public {
        (MockERC20 bar, ) = _bar(1);
        vm.startPrank(alice);
        uint256 id = vault.open(BUSD);
        vault.deposit(id, address(weth), 10e18);
        vault.deposit(id, address(bar), 1);
        vault.mint(id, 17_000e18, alice);
        vm.stopPrank();
        _setEth(1_790);
        assertLt(positionLens.healthOf(id).health, 1e18);
        _liquidate(id);
        uint256 h = positionLens.healthOf(id).health;
        assertGe(h, TARGET, "at or above the target health");
        assertGe(positionLens.debtOf(id), 100e18, "a partial liquidation");
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.PositionHealthy.selector, id, h));
        _liquidate(id);
    }

    /// @dev Five bars, 8,000 bUSD, the bar at 1,880: the lot is three bars whose tab does not divide into whole bars
    ///      at the auction price. A take of the whole lot buys the bars that cover the tab, each at the price; the
    ///      excess is the owner's. (On d24699e it charged the whole tab for one bar fewer: up to 1.65 times the
    ///      taker's limit per bar.)
    function test_finding1_coarseTake_neverPaysMoreThanTheMaxPricePerBar() public {
        (MockERC20 bar, MockFeed feed) = _bar(5);
        vm.startPrank(alice);
        uint256 id = vault.open(BUSD);
        vault.deposit(id, address(bar), 5);
        vault.mint(id, 8_000e18, alice);
        vm.stopPrank();
        feed.setAnswer(1_880e8);
        (uint256 auctionId, ) = _liquidate(id);
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        assertGt(a.lot, 1, "a lot of several bars");
        _fundBusd(taker, 20_000e18);
        for (uint256 k; k < 12; ++k) {
            uint256 snap = vm.snapshot();
            _wait(k * 3 * 90);
            feed.setAnswer(1_880e8);
            (uint256 price, bool needsReset) = engine.auctionStatus(auctionId);
            if (needsReset) break;
            vm.prank(taker);
            (uint256 got, uint256 owe) = engine.take(auctionId, a.lot, price, taker, "");
            assertLe(owe, got * price, "paid more per bar than the limit");
            assertGe(owe, a.tab, "the tab is covered");
            assertEq(got, (uint256(a.tab) + price - 1) / price, "the bars that cover the tab");
            assertEq(engine.claimable(alice, address(busd)), owe - a.tab, "the excess is the owner's");
            vm.revertTo(snap);
        }
    }

    /// @dev Over decimals 0, 1, 2, 6, 8, 18 and 24 and over prices where one unit is worth more than the whole
    ///      debt: a liquidation never leaves debt in an emptied position, a partial one lands at or above the target,
    ///      every lot worth its debt at the oracle price covers its tab there, and a take pays at most its maxPrice
    ///      per unit and never gets more than it asked for.
    function testFuzz_finding1_coarseCollateral_everyDecimals(
        uint256 decSeed,
        uint256 units,
        uint256 priceSeed,
        uint256 dropBps,
        uint256 steps,
        uint256 ask
    ) public {
        uint8[7] memory decs = [0, 1, 2, 6, 8, 18, 24];
        uint8 decimals = decs[decSeed % 7];
        uint256 unit = 10 ** decimals;
        MockERC20 token = new MockERC20("Coarse", "CRS", decimals);
        // a price per whole token from 1 cent to 1M USD, and a holding worth 500 USD to 50M USD
        uint256 price = _bound(priceSeed, 1e6, 1e14); // [8 decimals]
        units = _bound(units, 1, 1_000_000 * unit);
        uint256 value = (units * price * 1e10) / unit; // [wad USD]
        if (value < 500e18 || value > 50_000_000e18) return; // outside the minimum debt and the caps
        MockFeed feed = _listToken(address(token), int256(price), 8_000, 8_500, 500, units);
        uint256 debt = (value * 8_000) / 10_000;
        vm.startPrank(alice);
        uint256 id = vault.open(BUSD);
        vault.deposit(id, address(token), units);
        vault.mint(id, debt, alice);
        vm.stopPrank();
        feed.setAnswer(int256((price * _bound(dropBps, 7_000, 9_990)) / 10_000));
        if (positionLens.healthOf(id).health >= 1e18) return; // rounding kept it healthy
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(id);
        (uint256 auctionId, ) = _liquidate(id);

        uint256 left = positionLens.debtOf(id);
        if (left != 0) {
            assertGe(vault.collateralOf(id, address(token)), 1, "debt left in an emptied position");
            if (!plan.capped) assertGe(positionLens.healthOf(id).health, TARGET - 1e6, "below the target health");
        }
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        uint256 worth = (uint256(a.lot) * a.market) / unit;
        if (worth >= a.debt) assertGe(worth + 1, a.tab, "a lot worth its debt owes more than it is worth");

        uint256 funds = uint256(a.tab) * 2 + 1_000e18;
        usdc.mint(bob, (funds * 2) / 1e12 + 1e6); // bob's USDC backs the taker's bUSD
        _fundBusd(taker, funds);
        _wait(_bound(steps, 0, 60) * 90);
        (, int256 answer, , , ) = feed.latestRoundData();
        feed.setAnswer(answer);
        (uint256 p, bool needsReset) = engine.auctionStatus(auctionId);
        if (needsReset) return;
        ask = _bound(ask, 1, a.lot);
        vm.prank(taker);
        try engine.take(auctionId, ask, p, taker, "") returns (uint256 got, uint256 owe) {
            assertLe(got, ask, "more than asked");
            assertLe(owe, (got * p + unit - 1) / unit, "above the max price per unit");
        } catch (bytes memory err) {
            assertEq(bytes4(err), ILiquidationEngine.TakeLeavesDust.selector, "unexplained take revert");
        }
    }

    // ================================================================ 2. reads of the backing mid-operation

    /// @dev The reviewer's scenario: backing about 113% after a 15% ETH drop; a take whose callback pokes (the lot
    ///      is out, the payment not in) would record about 72% and start the clock; one whose callback triggers a
    ///      day later would shut the system down at 141%. Both are refused inside the callback; the take goes on.
    function test_finding2_takeCallbackCannotStartTheClockOrFireTheTrigger() public {
        Settlement settlement = _wireSettlement();
        uint256 id = _openEth(alice, 100e18, 160_000e18);
        _setEth(1_700);
        (uint256 auctionId, ) = _liquidate(id);
        BackingReader reader = new BackingReader(engine, busd, settlement);
        _fundBusd(address(reader), 100_000e18);

        uint256 price = _auctionPrice(auctionId);
        reader.take(auctionId, 10e18, price, false);
        assertEq(reader.refusal(), abi.encodeWithSelector(Backing.SystemBusy.selector), "poke refused mid-take");
        assertEq(settlement.underSince(), 0, "the clock did not start");
        assertGt(reader.bought(), 0, "the take itself went through");

        _wait(1 days);
        _refreshFeeds();
        engine.reset(auctionId); // stale after a day
        reader.take(auctionId, 10e18, MAX, true);
        assertEq(reader.refusal(), abi.encodeWithSelector(Backing.SystemBusy.selector), "trigger refused mid-take");
        assertEq(vault.shutdownAt(), 0, "still running");
        // an honest poke between operations measures the system as it is
        assertGt(settlement.poke(), 10_000);
    }

    /// @dev A collateral token's transfer hook fires inside a Vault call (a withdrawal): a poke from it is refused.
    function test_finding2_tokenHookInsideAVaultCallCannotPoke() public {
        (Settlement settlement, ReentrantToken ret, uint256 id) = _hookedPosition(1_000e18, 0);
        ret.arm(address(settlement), abi.encodeCall(ISettlement.poke, ()));
        vm.prank(alice);
        vault.withdraw(id, address(ret), 500e18, alice);
        assertFalse(ret.lastCallOk(), "the hook's poke failed");
        assertEq(ret.lastRevert(), abi.encodeWithSelector(Backing.SystemBusy.selector));
        assertEq(settlement.underSince(), 0);
    }

    /// @dev The same hook inside an engine call (an owner's claim of leftover collateral).
    function test_finding2_tokenHookInsideAnEngineCallCannotPoke() public {
        (Settlement settlement, ReentrantToken ret, uint256 id) = _hookedPosition(10_000e18, 8_000e18);
        MockFeed(address(oracle.feedsOf(address(ret)).primary.aggregator)).setAnswer(0.93e8);
        (uint256 auctionId, ) = _liquidate(id);
        _fundBusd(taker, 20_000e18);
        _take(auctionId, MAX); // covers the tab: the rest of the lot is alice's claim
        assertGt(engine.claimable(alice, address(ret)), 0);
        ret.arm(address(settlement), abi.encodeCall(ISettlement.poke, ()));
        vm.prank(alice);
        engine.claim(address(ret));
        assertEq(ret.lastRevert(), abi.encodeWithSelector(Backing.SystemBusy.selector));
    }

    /// @dev A settlement wired to the system and alice's position holding `amount` of a listed token whose transfer
    ///      hook calls out (armed later), with `debt` bUSD minted against it.
    function _hookedPosition(
        uint256 amount,
        uint256 debt
    ) private returns (Settlement settlement, ReentrantToken ret, uint256 id) {
        settlement = _wireSettlement();
        ret = new ReentrantToken();
        _listToken(address(ret), 1e8, 8_000, 8_500, 500, amount);
        vm.startPrank(alice);
        id = vault.open(BUSD);
        vault.deposit(id, address(ret), amount);
        if (debt != 0) vault.mint(id, debt, alice);
        vm.stopPrank();
    }

    /// @dev The rate model and the price feeds are called with STATICCALL: a model or a feed that pokes cannot
    ///      write, so the poke fails and the Vault keeps its rate and its prices work as before.
    function test_finding2_rateModelAndFeedCannotPoke() public {
        Settlement settlement = _wireSettlement();
        PokingFeed feed = new PokingFeed(settlement);
        IOracleAdapter.Feed memory none;
        oracle.setFeeds(
            address(weth),
            IOracleAdapter.Feed(AggregatorV3Interface(address(feed)), 1 days, 1, 1e30),
            none,
            0
        );
        assertEq(oracle.getPrice(address(weth)), 2_000e18, "the feed's answer, from a call that could not poke");
        PokingModel model = new PokingModel(settlement);
        vault.setSyntheticParams(
            BUSD,
            IVault.SyntheticParams(address(0), IRateModel(address(model)), 100_000_000e18, 100e18)
        );
        _openEth(alice, 10e18, 10_000e18);
        _wait(1 hours);
        _refreshFeeds();
        vault.accrue(BUSD);
        assertEq(settlement.underSince(), 0);
        assertEq(
            positionLens.synthetic(BUSD).ratePerSecond,
            model.RATE(),
            "the model's answer, from a call that could not poke"
        );
    }

    /// @dev The guard is on the readers, not on the Vault: ordinary Vault operations inside a flash-mint callback
    ///      (a leverage flow: borrow bUSD, deposit, mint, repay the loan) still work.
    function test_finding2_vaultOperationsInsideAFlashMintStillWork() public {
        Leverager lev = new Leverager(vault, busd, weth);
        weth.mint(address(lev), 10e18);
        _fundBusd(address(lev), 100e18); // the flash fee
        lev.run(5_000e18);
        assertEq(positionLens.debtOf(lev.id()), 5_000e18, "minted inside the loan");
        assertEq(busd.flashMinted(), 0);
    }

    // ================================================================ 3. self-liquidation

    /// @dev alice liquidates her own position (health 0.963: partial; and 0.907: full) and is the only bidder. At
    ///      every step of the default curve while the oracle price stays where it is, buying her lot back leaves
    ///      her no richer: the auction never sells a lot that covers its debt for less than its tab.
    function test_finding3_selfLiquidationNeverPays_atAnyStepOfTheCurve() public {
        uint256[2] memory eth = [uint256(1_700), 1_600];
        for (uint256 c; c < 2; ++c) {
            uint256 snap0 = vm.snapshot();
            uint256 id = _openEth(alice, 10e18, 15_000e18);
            _setEth(eth[c]);
            _fundBusd(alice, 30_000e18);
            uint256 ethPrice = eth[c] * 1e18;
            uint256 before = _wealth(alice, id, ethPrice);
            vm.startPrank(alice);
            busd.approve(address(engine), MAX);
            (uint256 auctionId, ) = engine.liquidate(id);
            engine.claimKeeperPay(BUSD, alice);
            vm.stopPrank();
            uint256 t = vm.getBlockTimestamp();
            for (uint256 k; ; ++k) {
                uint256 snap = vm.snapshot();
                vm.warp(t + k * 90);
                _setEth(eth[c]);
                (uint256 price, bool needsReset) = engine.auctionStatus(auctionId);
                if (needsReset) {
                    vm.revertTo(snap);
                    assertGt(k, 0);
                    break;
                }
                vm.startPrank(alice);
                engine.take(auctionId, MAX, price, alice, "");
                if (engine.claimable(alice, address(weth)) != 0) engine.claim(address(weth));
                vm.stopPrank();
                assertLe(_wealth(alice, id, ethPrice), before, "self-liquidation paid at this step");
                vm.revertTo(snap);
            }
            vm.revertTo(snap0);
        }
    }

    /// @dev Under any parameters the governance bounds allow (threshold, penalty, auction curve and floor, keeper
    ///      pay), a position worth at least its debt pays its owner nothing when she liquidates it and buys the lot
    ///      back at any price the auction offers while the oracle price stays where it is.
    function testFuzz_finding3_selfLiquidationNeverPays_underAnyAllowedParameters(
        uint256 thresholdBps,
        uint256 penaltyBps,
        uint256 dropBps,
        uint256 bufferBps,
        uint256 resetBelowBps,
        uint256 cutBps,
        uint256 steps,
        uint256 tip
    ) public {
        thresholdBps = _bound(thresholdBps, 5_000, 9_800);
        uint256 maxPenalty = (10_000 * 10_000) / thresholdBps - 10_000;
        penaltyBps = _bound(penaltyBps, 0, maxPenalty < 2_500 ? maxPenalty : 2_500);
        vault.setAssetParams(
            address(weth),
            IVault.AssetParams(uint16(thresholdBps), uint16(thresholdBps), uint16(penaltyBps), 1_000_000, false)
        );
        ILiquidationEngine.AuctionParams memory p = engine.auctionParams();
        p.startBufferBps = uint16(_bound(bufferBps, 0, 5_000));
        p.resetBelowBps = uint16(_bound(resetBelowBps, 1_000, 9_500));
        p.cutBps = uint16(_bound(cutBps, 9_000, 9_999));
        p.maxDuration = 7 days;
        try engine.setAuctionParams(p) {} catch {
            return; // a curve that cannot reach the oracle price within maxDuration is refused
        }
        engine.setKeeperParams(
            BUSD,
            ILiquidationEngine.KeeperParams(uint96(_bound(tip, 0, 1_000e18)), 100, 100_000e18)
        );

        uint256 id = _openEth(alice, 10e18, (20_000e18 * thresholdBps) / 10_000);
        uint256 ethUsd = (2_000 * _bound(dropBps, 5_000, 9_990)) / 10_000;
        _setEth(ethUsd);
        uint256 ethPrice = ethUsd * 1e18;
        if (positionLens.healthOf(id).health >= 1e18) return;
        if (10e18 * ethUsd < positionLens.debtOf(id)) return; // under water: bounded, not zero (the next test)
        _fundBusd(alice, 50_000e18);
        uint256 before = _wealth(alice, id, ethPrice);
        vm.startPrank(alice);
        busd.approve(address(engine), MAX);
        (uint256 auctionId, ) = engine.liquidate(id);
        if (engine.keeperPayOwed(alice, BUSD) != 0) engine.claimKeeperPay(BUSD, alice);
        vm.stopPrank();
        _wait(_bound(steps, 0, 2_000) * p.step);
        _setEth(ethUsd);
        (uint256 price, bool needsReset) = engine.auctionStatus(auctionId);
        if (needsReset) return;
        vm.startPrank(alice);
        engine.take(auctionId, MAX, price, alice, "");
        if (engine.claimable(alice, address(weth)) != 0) engine.claim(address(weth));
        vm.stopPrank();
        assertLe(_wealth(alice, id, ethPrice), before, "self-liquidation paid");
    }

    /// @dev An under-water position (collateral worth less than its debt) still clears at the default floor; its
    ///      owner can gain by liquidating it herself, but never more than the keeper pay plus the discount of the
    ///      floor on her lot (docs/risks.md).
    function test_finding3_underwaterPosition_selfLiquidationGainIsBounded() public {
        uint256 id = _openEth(alice, 10e18, 16_000e18);
        _setEth(1_500); // 15,000 of collateral for 16,000 of debt
        _fundBusd(alice, 30_000e18);
        uint256 before = _wealth(alice, id, 1_500e18) + 16_000e18 - 15_000e18; // her stake is worth 0, not -1,000
        vm.startPrank(alice);
        busd.approve(address(engine), MAX);
        (uint256 auctionId, ) = engine.liquidate(id);
        uint256 pay = engine.claimKeeperPay(BUSD, alice);
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        vm.stopPrank();
        _waitUntilPriceAtMost(auctionId, a.floor, ethFeed, 1_500e8);
        (uint256 price, ) = engine.auctionStatus(auctionId);
        vm.startPrank(alice);
        engine.take(auctionId, MAX, MAX, alice, "");
        vm.stopPrank();
        uint256 gain = _wealth(alice, id, 1_500e18) - before; // against walking away from the position
        uint256 bound = pay + ((1_500e18 - price) * 10e18) / 1e18;
        assertLe(gain, bound, "the gain stays within pay plus the floor's discount");
    }

    /// @dev A reset at an unchanged (or higher) oracle price pays nothing; one that re-prices the lot lower pays.
    function test_finding3_resetPaysOnlyWhenItRepricesLower() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        (, bool needsReset) = engine.auctionStatus(auctionId);
        for (uint256 k = 1; !needsReset; ++k) {
            _wait(90);
            _setEth(1_700);
            (, needsReset) = engine.auctionStatus(auctionId);
        }
        uint256 owed = engine.keeperPayOwed(bob, BUSD);
        vm.prank(bob);
        engine.reset(auctionId);
        assertEq(engine.keeperPayOwed(bob, BUSD), owed, "no pay at an unchanged price");

        _setEth(1_200); // the market fell: a reset re-prices the lot lower, and is paid
        _wait(engine.auctionParams().maxDuration + 1);
        _setEth(1_200);
        vm.prank(bob);
        engine.reset(auctionId);
        assertGt(engine.keeperPayOwed(bob, BUSD), owed, "paid for re-pricing lower");
        // in a real crash the auction can clear below its old floor
        assertLt(engine.auction(auctionId).floor, 1_200e18, "the floor follows the new oracle price");
    }

    // ================================================================ 4. a dust shield of a cap-full asset

    /// @dev The WBTC cap is full; alice adds one satoshi of WBTC to her unhealthy WETH position. The WETH is still
    ///      liquidated (on d24699e the whole position waited for the WBTC cap); the satoshi stays.
    function test_finding4_dustOfACapFullAssetCannotShieldThePosition() public {
        engine.setAssetCap(address(wbtc), 5_000e18);
        vm.prank(bob);
        uint256 bobs = vault.openAndMint(BUSD, address(wbtc), 1e8, 40_000e18, bob);
        btcFeed.setAnswer(49_000e8);
        _liquidate(bobs);
        uint256 dirt = engine.assetDirt(address(wbtc));
        // full: the room left is less than one satoshi carries (49,000 / 1e8 USD)
        assertLt(engine.assetCap(address(wbtc)) - dirt, uint256(49_000e18) / 1e8, "the WBTC cap is full");

        uint256 id = _openEth(alice, 10e18, 15_000e18);
        _setEth(1_700);
        vm.prank(alice);
        vault.deposit(id, address(wbtc), 1); // one satoshi
        (uint256 auctionId, uint256 debt) = _liquidate(id);
        assertGt(debt, 0);
        assertEq(engine.auction(auctionId).asset, address(weth));
        assertEq(vault.collateralOf(id, address(wbtc)), 1, "the satoshi stays");
        assertEq(engine.assetDirt(address(wbtc)), dirt, "its cap untouched");
    }

    /// @dev A cap limits only its own asset's part: with little room under the WBTC cap, the WBTC lot shrinks to fit
    ///      it while the WETH lot is what it would be without that cap.
    function test_finding4_aCapCutsOnlyItsOwnAssetsPart() public {
        vm.startPrank(alice);
        uint256 id = vault.open(BUSD);
        vault.deposit(id, address(weth), 10e18);
        vault.deposit(id, address(wbtc), 0.5e8);
        vault.mint(id, 38_000e18, alice);
        vm.stopPrank();
        _setEth(1_800);
        btcFeed.setAnswer(54_000e8);
        ILiquidationEngine.LiquidationPlan memory free = engine.previewLiquidation(id);
        assertFalse(free.capped);
        engine.setAssetCap(address(wbtc), 1_000e18);
        ILiquidationEngine.LiquidationPlan memory cut = engine.previewLiquidation(id);
        assertTrue(cut.capped);
        assertEq(cut.lots[0], free.lots[0], "the WETH lot is untouched by the WBTC cap");
        assertLt(cut.lots[1], free.lots[1], "the WBTC lot fits its room");
        assertLe(cut.covers[1], 1_000e18);
        _liquidate(id);
        assertLe(engine.assetDirt(address(wbtc)), 1_000e18, "the WBTC cap holds");
    }

    // ================================================================ 5. settlement liveness and fairness

    /// @dev A listed asset nobody holds, whose feed has stopped, does not stop `poke` (on d24699e it reverted
    ///      `BackingIncomplete` forever and the permissionless trigger was dead).
    function test_finding5_deadFeedOfAnAssetNobodyHoldsDoesNotBlockTheTrigger() public {
        Settlement settlement = _wireSettlement();
        MockERC20 dead = new MockERC20("Dead", "DED", 18);
        MockFeed feed = _listToken(address(dead), 1e8, 5_000, 6_000, 500, 0);
        _openEth(alice, 10e18, 15_000e18);
        feed.setAnswer(0); // its feed stops
        _setEth(1_400);
        assertLt(settlement.poke(), 10_000, "measured under-backed");
        assertGt(settlement.underSince(), 0);
    }

    /// @dev Once somebody holds a dust amount of that asset, its dead price blocks the measure again, until
    ///      governance retires it: bounded to a frozen asset (no new deposits) that nobody holds or whose price is
    ///      gone; from then on it counts at 0 while unpriced.
    function test_finding5_retireAsset_unblocksTheTrigger_withinItsBounds() public {
        Settlement settlement = _wireSettlement();
        MockERC20 dead = new MockERC20("Dead", "DED", 18);
        MockFeed feed = _listToken(address(dead), 1e8, 5_000, 6_000, 500, 1);
        vm.startPrank(alice);
        uint256 dust = vault.open(BUSD);
        vault.deposit(dust, address(dead), 1);
        vm.stopPrank();
        _openEth(bob, 10e18, 15_000e18);
        _setEth(1_400);
        // priced and held: it counts as it is, and cannot be retired
        vm.expectRevert(abi.encodeWithSelector(ISettlement.AssetNotFrozen.selector, address(dead)));
        settlement.retireAsset(address(dead));
        vault.setAssetParams(address(dead), IVault.AssetParams(5_000, 6_000, 500, type(uint48).max, true));
        vm.expectRevert(abi.encodeWithSelector(ISettlement.AssetStillHeld.selector, address(dead), 1));
        settlement.retireAsset(address(dead));
        // its feed dies: the measure stops...
        feed.setAnswer(0);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.BackingIncomplete.selector, address(dead)));
        settlement.poke();
        // ...until governance retires it
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, bob));
        settlement.retireAsset(address(dead));
        vm.expectEmit(address(settlement));
        emit ISettlement.AssetRetired(address(dead), 1);
        settlement.retireAsset(address(dead));
        assertTrue(settlement.retired(address(dead)));
        assertLt(settlement.poke(), 10_000, "measured, the dead dust at 0");
        // retiring changes no position and moves nothing
        assertEq(vault.collateralOf(dust, address(dead)), 1);
    }

    /// @dev Interest stops at the shutdown: a year later the debt is what it was, settling the position moves the
    ///      same collateral to the pool, and no fee is booked (on d24699e: 0.38 WETH more from the owner and 750 bUSD
    ///      of fees after shutdown).
    function test_finding5_interestStopsAtShutdown() public {
        Settlement settlement = _wireSettlement();
        uint256 id = _openEth(alice, 10e18, 15_000e18);
        _wait(30 days);
        _refreshFeeds();
        settlement.shutdown();
        uint256 debt = positionLens.debtOf(id);
        uint256 fees = positionLens.synthetic(BUSD).unmintedFees;
        uint256 snap = vm.snapshot();
        settlement.settlePosition(id);
        uint256 pooledNow = settlement.pool(BUSD, address(weth));
        vm.revertTo(snap);

        _wait(365 days);
        assertEq(positionLens.debtOf(id), debt, "no interest after shutdown");
        vault.accrue(BUSD);
        assertEq(positionLens.synthetic(BUSD).unmintedFees, fees, "no fee booked after shutdown");
        settlement.settlePosition(id);
        assertEq(settlement.pool(BUSD, address(weth)), pooledNow, "the same collateral to the pool, a year later");
    }

    // ================================================================ 6. drift

    /// @dev During a threshold ramp, RiskLens (no shock) and the engine's own preview agree on which positions are
    ///      liquidatable and on the debt a liquidation takes (RiskLens used the ramp's target on d24699e).
    function test_finding6_riskLensMatchesTheEngineDuringARamp() public {
        RiskLens riskLens = RiskLens(Artifacts.deploy("RiskLens.sol:RiskLens", ""));
        // at ETH 1,750 halfway through an 85% -> 75% ramp (80% in force): the first is liquidatable either way, the
        // second only at the ramp's target, the third at neither
        uint256[] memory ids = new uint256[](3);
        ids[0] = _openEth(alice, 10e18, 15_000e18);
        ids[1] = _openEth(bob, 10e18, 13_500e18);
        ids[2] = _openEth(alice, 10e18, 12_000e18);
        _setEth(1_750);
        vault.setAssetParams(address(weth), IVault.AssetParams(7_000, 7_500, 500, 1_000_000, false)); // 85% -> 75%
        _wait(vault.rampDuration() / 2);
        _refreshFeeds();
        (IRiskLens.PositionStress[] memory ps, ) = riskLens.stress(vault, ids, new address[](0), new uint256[](0));
        uint256 liquidatable;
        for (uint256 i; i < 3; ++i) {
            try engine.previewLiquidation(ids[i]) returns (ILiquidationEngine.LiquidationPlan memory plan) {
                assertTrue(ps[i].liquidatable, "the engine liquidates what RiskLens calls safe");
                assertEq(ps[i].auctionDebt, plan.debt, "RiskLens's debt to auction differs from the engine's");
                ++liquidatable;
            } catch {
                assertFalse(ps[i].liquidatable, "RiskLens calls liquidatable what the engine refuses");
            }
            assertEq(ps[i].healthNow, positionLens.healthOf(ids[i]).health, "health during the ramp");
        }
        assertEq(liquidatable, 1, "only the first is liquidatable during the ramp");
    }

    // ================================================================ helpers

    /// @dev Moves time forward by `dt` [s] from the chain's clock (not `block.timestamp`, which the IR pipeline may
    ///      read once per call, so a loop of `skip`s would stand still).
    function _wait(uint256 dt) internal {
        vm.warp(vm.getBlockTimestamp() + dt);
    }

    /// @dev Waits (in steps of the curve, the oracle held at `answer`) until auction `auctionId`'s price is at most
    ///      `target` [wad], stopping at the last step before it needs a reset.
    function _waitUntilPriceAtMost(uint256 auctionId, uint256 target, MockFeed feed, int256 answer) internal {
        uint256 step = engine.auctionParams().step;
        for (uint256 k; k < 10_000; ++k) {
            (uint256 price, ) = engine.auctionStatus(auctionId);
            if (price <= target) return;
            uint256 snap = vm.snapshot();
            _wait(step);
            feed.setAnswer(answer);
            (, bool needsReset) = engine.auctionStatus(auctionId);
            if (needsReset) {
                vm.revertTo(snap);
                return;
            }
        }
    }
}

/// @dev A taker whose callback reads the backing through the Settlement (poke, or trigger) while the lot is out and
///      its payment not yet in; it records the refusal and pays.
contract BackingReader is IBallastTakeCallback {
    ILiquidationEngine internal immutable engine;
    IERC20 internal immutable synth;
    Settlement internal immutable settlement;
    bool internal triggerMode;
    bytes public refusal;
    uint256 public bought;

    constructor(ILiquidationEngine engine_, IERC20 synth_, Settlement settlement_) {
        (engine, synth, settlement) = (engine_, synth_, settlement_);
        synth_.approve(address(engine_), type(uint256).max);
    }

    function take(uint256 auctionId, uint256 amount, uint256 maxPrice, bool trigger_) external {
        triggerMode = trigger_;
        (bought, ) = engine.take(auctionId, amount, maxPrice, address(this), "read");
    }

    function onTake(address, uint256, uint256, bytes calldata) external {
        if (triggerMode) {
            try settlement.trigger() {} catch (bytes memory err) {
                refusal = err;
            }
        } else {
            try settlement.poke() returns (uint256) {} catch (bytes memory err) {
                refusal = err;
            }
        }
    }
}

/// @dev A rate model that pokes the Settlement from inside `ratePerSecond` (a plain call, as a hostile model would
///      make). The Vault calls it with STATICCALL, so the poke cannot write and fails; a model whose poke went
///      through would answer 0 instead of RATE.
contract PokingModel {
    uint256 public constant RATE = 1e9; // [ray] per second
    Settlement internal immutable settlement;

    constructor(Settlement settlement_) {
        settlement = settlement_;
    }

    function ratePerSecond(address, uint256, uint256) external returns (uint256) {
        try settlement.poke() returns (uint256) {
            return 0;
        } catch {
            return RATE;
        }
    }
}

/// @dev A price feed that pokes the Settlement from inside `latestRoundData` (a plain call, as a hostile feed would
///      make). The oracle reads it with STATICCALL, so the poke fails; a feed whose poke went through would answer 0.
contract PokingFeed {
    Settlement internal immutable settlement;

    constructor(Settlement settlement_) {
        settlement = settlement_;
    }

    function decimals() external pure returns (uint8) {
        return 8;
    }

    function latestRoundData() external returns (uint80, int256, uint256, uint256, uint80) {
        int256 answer = 2_000e8;
        try settlement.poke() returns (uint256) {
            answer = 0;
        } catch {}
        return (1, answer, block.timestamp, block.timestamp, 1);
    }
}

/// @dev Borrows bUSD in a flash mint, deposits WETH, mints the loan back against it and repays: Vault operations
///      inside the loan.
contract Leverager is IERC3156FlashBorrower {
    IVault internal immutable vault;
    SyntheticToken internal immutable busd;
    IERC20 internal immutable weth;
    uint256 public id;

    constructor(IVault vault_, SyntheticToken busd_, IERC20 weth_) {
        (vault, busd, weth) = (vault_, busd_, weth_);
    }

    function run(uint256 amount) external {
        busd.flashLoan(this, address(busd), amount, "");
    }

    function onFlashLoan(address, address, uint256 amount, uint256 fee, bytes calldata) external returns (bytes32) {
        weth.approve(address(vault), 10e18);
        id = vault.open(0);
        vault.deposit(id, address(weth), 10e18);
        vault.mint(id, amount, address(this));
        busd.approve(address(busd), amount + fee);
        return keccak256("ERC3156FlashBorrower.onFlashLoan");
    }
}
