// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {AdversarialBase} from "./AdversarialBase.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {IOracleAdapter} from "../../contracts/interfaces/IOracleAdapter.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {OracleAdapter} from "../../contracts/OracleAdapter.sol";
import {MockFeed} from "../../contracts/mocks/MockFeed.sol";
import {Artifacts} from "../utils/Artifacts.sol";

/// @notice Bad prices: stale, zero, negative, pinned at the aggregator's bounds, a one-round 1000x spike, an L2
///         sequencer outage and its grace period. Every case: mint, withdraw with debt and liquidate are refused with
///         the oracle's `PriceUnavailable(asset, reason)`, while repay, deposit and close keep working.
contract OracleAttacksTest is AdversarialBase {
    uint32 internal constant GRACE = 1 hours; // [s]

    /// @dev Under a failed WETH price (`reason`), on alice's WETH position `id`: mint, withdraw and liquidate revert
    ///      with the price error; a repay of 1,000 bUSD and a deposit of 1 WETH go through exactly.
    function _assertRefusedButNotStuck(uint256 id, IOracleAdapter.PriceFailure reason) internal {
        bytes memory err = _priceError(address(weth), reason);
        vm.startPrank(alice);
        vm.expectRevert(err);
        vault.mint(id, 100e18, alice);
        vm.expectRevert(err);
        vault.withdraw(id, address(weth), 1, alice);
        vm.stopPrank();
        vm.expectRevert(err);
        vm.prank(keeper);
        engine.liquidate(id);
        assertEq(engine.auctionCount(), 0, "no auction at a bad price");
        assertEq(engine.keeperPayOwed(keeper, BUSD), 0, "no keeper pay at a bad price");

        uint256 debt = positionLens.debtOf(id);
        uint256 coll = vault.collateralOf(id, address(weth));
        uint256 held = busd.balanceOf(alice);
        vm.startPrank(alice);
        assertEq(vault.repay(id, 1_000e18), 1_000e18);
        vault.deposit(id, address(weth), 1e18);
        vm.stopPrank();
        assertEq(positionLens.debtOf(id), debt - 1_000e18, "repay works");
        assertEq(busd.balanceOf(alice), held - 1_000e18);
        assertEq(vault.collateralOf(id, address(weth)), coll + 1e18, "deposit works");
    }

    /// @dev The owner can always leave: close repays the whole debt from her bUSD and returns the whole basket,
    ///      whatever the oracle does.
    function _assertOwnerCanLeave(uint256 id) internal {
        uint256 debt = positionLens.debtOf(id);
        uint256 coll = vault.collateralOf(id, address(weth));
        uint256 wethBefore = weth.balanceOf(alice);
        uint256 busdBefore = busd.balanceOf(alice);
        vm.prank(alice);
        vault.close(id, alice);
        assertEq(positionLens.debtOf(id), 0);
        assertEq(weth.balanceOf(alice), wethBefore + coll, "the whole basket came back");
        assertEq(busd.balanceOf(alice), busdBefore - debt, "exactly the debt was burned");
        assertEq(vault.totalCollateral(address(weth)), 0);
    }

    function test_attack_staleAnswer_refusesMintWithdrawLiquidate_repayDepositCloseWork() public {
        uint256 id = _underwater();
        uint256 old = block.timestamp - 1 days - 1; // one second past the 1-day staleness limit
        ethFeed.setRound(7, 1_700e8, old, old);
        _assertRefusedButNotStuck(id, IOracleAdapter.PriceFailure.Stale);
        _assertOwnerCanLeave(id);
    }

    function test_attack_zeroAnswer_refusesMintWithdrawLiquidate_repayDepositCloseWork() public {
        uint256 id = _underwater();
        ethFeed.setAnswer(0); // the collateral would be worth nothing: every position liquidatable
        _assertRefusedButNotStuck(id, IOracleAdapter.PriceFailure.NonPositive);
        _assertOwnerCanLeave(id);
    }

    function test_attack_negativeAnswer_refusesMintWithdrawLiquidate_repayDepositCloseWork() public {
        uint256 id = _underwater();
        ethFeed.setAnswer(-1_700e8);
        _assertRefusedButNotStuck(id, IOracleAdapter.PriceFailure.NonPositive);
        _assertOwnerCanLeave(id);
    }

    /// @dev An aggregator clamps its answer at its minAnswer: during a crash below it the feed keeps reporting the
    ///      bound, a price higher than the market. The adapter refuses the bound itself; one unit above it is a price.
    function test_attack_answerPinnedAtMinAnswer_refused() public {
        _boundedFeed(address(weth), ethFeed, 1_000e8, 100_000e8);
        uint256 id = _underwater();
        ethFeed.setAnswer(1_000e8); // the clamp
        _assertRefusedButNotStuck(id, IOracleAdapter.PriceFailure.AtMinAnswer);
        ethFeed.setAnswer(1_000e8 + 1);
        assertEq(oracle.getPrice(address(weth)), 1_000.00000001e18, "one unit above the bound is a price");
        _assertOwnerCanLeave(id);
    }

    /// @dev The same at the maxAnswer clamp: collateral valued at the bound would let a position mint against a
    ///      price the market no longer pays.
    function test_attack_answerPinnedAtMaxAnswer_refused() public {
        _boundedFeed(address(weth), ethFeed, 1_000e8, 100_000e8);
        uint256 id = _underwater();
        ethFeed.setAnswer(100_000e8);
        _assertRefusedButNotStuck(id, IOracleAdapter.PriceFailure.AtMaxAnswer);
        ethFeed.setAnswer(100_000e8 - 1);
        assertEq(oracle.getPrice(address(weth)), 99_999.99999999e18, "one unit below the bound is a price");
        _assertOwnerCanLeave(id);
    }

    /// @dev A 1000x spike for one round on the primary feed, with a second feed and a 2% deviation bound: the adapter
    ///      refuses the price (`Deviation`) so nothing can be minted against it; the next honest round restores
    ///      every action at the true price.
    function test_attack_priceSpike1000x_refusedByDeviationGuard_noMintAgainstIt() public {
        MockFeed second = new MockFeed(8);
        second.setAnswer(2_000e8);
        IOracleAdapter.Feed memory f1 = IOracleAdapter.Feed(AggregatorV3Interface(address(ethFeed)), 1 days, 1, 1e30);
        IOracleAdapter.Feed memory f2 = IOracleAdapter.Feed(AggregatorV3Interface(address(second)), 1 days, 1, 1e30);
        oracle.setFeeds(address(weth), f1, f2, 200);
        uint256 id = _openEth(alice, 10e18, 10_000e18);

        ethFeed.setAnswer(2_000_000e8); // 1000x: 10 WETH would be "worth" 20M
        vm.expectRevert(_priceError(address(weth), IOracleAdapter.PriceFailure.Deviation));
        vm.prank(alice);
        vault.mint(id, 1_000_000e18, alice);
        _assertRefusedButNotStuck(id, IOracleAdapter.PriceFailure.Deviation);
        assertEq(positionLens.debtOf(id), 9_000e18, "only the repay moved the debt");

        // the spike ends: minting works again, within the limit at the true price (11 WETH * 2,000 * 80% = 17,600)
        ethFeed.setAnswer(2_000e8);
        vm.prank(alice);
        vault.mint(id, 8_600e18, alice);
        vm.expectRevert(abi.encodeWithSelector(IVault.MintLimitExceeded.selector, id, 17_600e18 + 1, 17_600e18));
        vm.prank(alice);
        vault.mint(id, 1, alice);
    }

    /// @dev Without a second feed, a realistic maxAnswer bound (here 100,000 USD) refuses the same 1000x spike.
    function test_attack_priceSpike1000x_refusedByMaxAnswerBound() public {
        _boundedFeed(address(weth), ethFeed, 1_000e8, 100_000e8);
        uint256 id = _openEth(alice, 10e18, 10_000e18);
        ethFeed.setAnswer(2_000_000e8);
        vm.expectRevert(_priceError(address(weth), IOracleAdapter.PriceFailure.AtMaxAnswer));
        vm.prank(alice);
        vault.mint(id, 1_000_000e18, alice);
        assertEq(positionLens.debtOf(id), 10_000e18);
        assertEq(busd.totalSupply(), 10_000e18, "nothing minted against the spike");
    }

    /// @dev Sequencer down, then back up: every price is refused while it is down and for the grace period after it
    ///      comes back (so positions that could not be topped up during the outage get time to react); repay and
    ///      deposit work throughout. The adapter's uptime feed is immutable, so the test swaps in the code of an
    ///      adapter built with one (its storage, the feeds, stays).
    function test_attack_sequencerOutageAndGracePeriod_refuseRiskAndLiquidation_repayDepositWork() public {
        MockFeed seq = new MockFeed(0);
        seq.setRound(1, 0, block.timestamp - 10 days, block.timestamp - 10 days); // up for long
        vm.etch(
            address(oracle),
            address(
                OracleAdapter(
                    Artifacts.deploy("OracleAdapter.sol:OracleAdapter", abi.encode(address(manager), seq, GRACE))
                )
            ).code
        );
        (AggregatorV3Interface feed, uint32 grace) = oracle.sequencer();
        assertEq(address(feed), address(seq));
        assertEq(grace, GRACE);

        uint256 id = _underwater();
        seq.setRound(2, 1, block.timestamp, block.timestamp); // down
        _assertRefusedButNotStuck(id, IOracleAdapter.PriceFailure.SequencerDown);

        seq.setRound(3, 0, block.timestamp, block.timestamp); // back up now
        _assertRefusedButNotStuck(id, IOracleAdapter.PriceFailure.GracePeriod);
        skip(GRACE - 1);
        vm.expectRevert(_priceError(address(weth), IOracleAdapter.PriceFailure.GracePeriod));
        vm.prank(keeper);
        engine.liquidate(id);

        // grace over: prices are back, and alice's deposits during the outage made her healthy again
        skip(1);
        uint256 h = positionLens.healthOf(id).health;
        assertGe(h, 1e18);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.PositionHealthy.selector, id, h));
        vm.prank(keeper);
        engine.liquidate(id);
        vm.prank(alice);
        vault.mint(id, 100e18, alice);
        deal(address(busd), alice, busd.balanceOf(alice) + 10e18, true); // the hour's interest
        _assertOwnerCanLeave(id);
    }
}
