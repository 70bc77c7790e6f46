// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AdversarialBase} from "./AdversarialBase.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {AuctionMath} from "../../contracts/libraries/AuctionMath.sol";

/// @notice A keeper's and an owner's attacks on liquidation: liquidating oneself or a healthy position for the pay,
///         front-running a take, griefing with dust positions and dust auctions, and waiting for a near-zero price.
contract LiquidationAttacksTest is AdversarialBase {
    // ---------------------------------------------------------------- pay for nothing

    /// @dev The owner liquidates her own slightly unhealthy position, collects the keeper pay and buys her
    ///      collateral back just under the oracle price: the penalty she pays exceeds the pay she collects.
    function test_attack_selfLiquidation_ownerEndsPoorer() public {
        uint256 id = _openEth(alice, 1e18, 1_500e18);
        _setEth(1_700); // health 0.963
        uint256 before = _wealth(alice, id, 1_700e18);
        vm.startPrank(alice);
        (uint256 auctionId, ) = engine.liquidate(id);
        uint256 pay = engine.claimKeeperPay(BUSD, alice);
        assertGt(pay, 0);
        skip(19 * 90); // the auction price is now just under the oracle price
        busd.approve(address(engine), MAX);
        engine.take(auctionId, MAX, MAX, alice, "");
        if (engine.claimable(alice, address(weth)) != 0) engine.claim(address(weth));
        vm.stopPrank();
        assertLt(_wealth(alice, id, 1_700e18), before, "no profit from liquidating oneself");
    }

    /// @dev A keeper cannot liquidate a healthy position, not even one minted right up to its limit, and earns
    ///      nothing trying.
    function test_attack_liquidateHealthyPosition_refusedWithHealth_noPay() public {
        uint256 id = _openEth(alice, 10e18, 16_000e18); // at the minting limit: 80% of 20,000
        uint256 health = (uint256(17_000e18) * 1e18) / 16_000e18; // liquidation limit / debt = 1.0625
        assertEq(positionLens.healthOf(id).health, health);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.PositionHealthy.selector, id, health));
        _liquidate(id);
        assertEq(engine.keeperPayOwed(keeper, BUSD), 0);
        assertEq(engine.auctionCount(), 0);
        assertEq(vault.collateralOf(id, address(weth)), 10e18);
        assertEq(positionLens.debtOf(id), 16_000e18);
    }

    // ---------------------------------------------------------------- front-running

    /// @dev A keeper reads the auction price, then a front-runner resets the auction (the oracle moved up), which
    ///      lifts the price to 120% of the new oracle price: the keeper's maxPrice makes its take revert instead
    ///      of buying at the new price. Nothing of the keeper's moves.
    function test_attack_frontRunTake_priceRaisedByReset_maxPriceProtectsTaker() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        _fundBusd(taker, 20_000e18);
        skip(30 * 90);
        uint256 seen = _auctionPrice(auctionId); // 2,040 * 0.99^30 = 1,511
        _setEth(2_200); // 70% of 2,200 = 1,540 > 1,511: resettable

        vm.prank(bob);
        engine.reset(auctionId); // the front-runner
        uint256 lot = engine.auction(auctionId).lot;
        assertEq(_auctionPrice(auctionId), 2_640e18);

        uint256 busdBefore = busd.balanceOf(taker);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.PriceAboveMax.selector, auctionId, 2_640e18, seen));
        vm.prank(taker);
        engine.take(auctionId, MAX, seen, taker, "");
        assertEq(busd.balanceOf(taker), busdBefore);
        assertEq(weth.balanceOf(taker), 0);
        assertEq(engine.auction(auctionId).lot, lot);
    }

    /// @dev A front-runner buys most of the lot first: the keeper's take gets at most what it asked for, at the
    ///      same price, and never pays above its maxPrice.
    function test_attack_frontRunTake_lotBoughtFirst_takerGetsTheRestAtItsPrice() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        _fundBusd(taker, 20_000e18);
        _fundBusd(bob, 20_000e18);
        uint256 price = _auctionPrice(auctionId);
        vm.startPrank(bob);
        busd.approve(address(engine), MAX);
        engine.take(auctionId, 4e18, MAX, bob, ""); // bob first
        vm.stopPrank();
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        (uint256 got, uint256 owe) = _take(auctionId, 2e18);
        assertEq(got, 2e18);
        assertEq(owe, (2e18 * price + 1e18 - 1) / 1e18, "same price, rounded up");
        assertEq(engine.auction(auctionId).lot, a.lot - 2e18);
    }

    // ---------------------------------------------------------------- dust

    /// @dev Dust positions: a mint below the minimum debt, and a repay that would leave less than it, are refused
    ///      with the figures; a debt-free position cannot be liquidated at all.
    function test_attack_dustPositions_minimumDebtEnforced() public {
        uint256 next = vault.nextPositionId();
        vm.expectRevert(abi.encodeWithSelector(IVault.DebtBelowMinimum.selector, next, 99e18, 100e18));
        _openEth(alice, 1e18, 99e18);

        uint256 id = _openEth(alice, 1e18, 150e18);
        vm.expectRevert(abi.encodeWithSelector(IVault.DebtBelowMinimum.selector, id, 90e18, 100e18));
        vm.prank(alice);
        vault.repay(id, 60e18);
        vm.prank(alice);
        vault.repay(id, 150e18); // all of it is fine
        assertEq(positionLens.debtOf(id), 0);

        uint256 dust = _openEth(bob, 1, 0); // one wei of collateral, no debt
        _setEth(1);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.PositionHealthy.selector, dust, MAX));
        _liquidate(dust);
    }

    /// @dev Dust auctions cannot be created: a liquidation whose remainder would be under the minimum debt takes the
    ///      whole debt, and a position at the minimum debt is liquidated whole.
    function test_attack_dustAuctions_liquidationNeverLeavesOrTakesLessThanMinDebt() public {
        uint256 id = _openEth(alice, 0.1e18, 150e18); // 200 USD of WETH
        _setEth(1_700); // health 0.963: a partial liquidation would take less than 50, leaving more than 100...
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(id);
        // ...but it takes at least the minimum debt (100), and 150 - 100 < 100 would be dust: so it takes all
        assertEq(plan.debt, 150e18);
        assertTrue(plan.full);
        (uint256 auctionId, uint256 debt) = _liquidate(id);
        assertEq(debt, 150e18);
        assertEq(positionLens.debtOf(id), 0);
        assertGe(engine.auction(auctionId).tab, 100e18);

        uint256 minimal = _openEth(bob, 0.1e18, 100e18);
        _setEth(1_150); // 115 of collateral, limit 97.75 < 100
        (, uint256 taken) = _liquidate(minimal);
        assertEq(taken, 100e18, "the minimum debt, whole");
        assertEq(positionLens.debtOf(minimal), 0);
    }

    // ---------------------------------------------------------------- near-zero prices

    /// @dev Waiting for the Dutch auction to decay towards zero does not work: the first step below the floor (70%
    ///      of the oracle price at the start) refuses every take until a reset, which restarts at 120% of the
    ///      oracle price.
    function test_attack_nearZeroTakePrice_refusedBelowFloor_resetRestartsAtOracle() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        // the floor: where the lot still covers its tab (about 1,700 / 1.05), above 70% of 1,700
        assertEq(a.floor, (uint256(a.tab) * 1e18 + a.lot - 1) / a.lot);
        assertGt(a.floor, 1_190e18);
        _fundBusd(taker, 20_000e18);

        uint256 k; // the first step under the floor
        while (AuctionMath.price(a.top, k * 90, false, 2 hours, 90, 9_900) >= a.floor) ++k;
        uint256 t = vm.getBlockTimestamp();
        vm.warp(t + (k - 1) * 90); // the last step at or above the floor
        assertGe(_auctionPrice(auctionId), a.floor);
        vm.warp(t + k * 90);
        uint256 price = _auctionPrice(auctionId);
        assertLt(price, a.floor);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.AuctionNeedsReset.selector, auctionId, price, a.floor, k * 90)
        );
        _take(auctionId, 1e18);

        engine.reset(auctionId);
        assertEq(_auctionPrice(auctionId), 2_040e18, "120% of the oracle again");
    }

    /// @dev At any time after the start, a take either pays at least the floor or is refused with the figures.
    function testFuzz_attack_nearZeroTakePrice_neverBelowFloor(uint256 elapsed) public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        _fundBusd(taker, 20_000e18);
        elapsed = _bound(elapsed, 0, 4 hours);
        skip(elapsed);
        uint256 price = _auctionPrice(auctionId);
        if (price < a.floor || elapsed > 2 hours) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILiquidationEngine.AuctionNeedsReset.selector,
                    auctionId,
                    price,
                    a.floor,
                    elapsed
                )
            );
            _take(auctionId, 1e18);
        } else {
            (uint256 got, uint256 owe) = _take(auctionId, 1e18);
            assertEq(got, 1e18);
            assertGe(owe, a.floor, "paid at least the floor per WETH");
        }
    }
}
