// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Fixture} from "../utils/Fixture.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {IPreLiquidation} from "../../contracts/interfaces/IPreLiquidation.sol";
import {PreLiquidation} from "../../contracts/periphery/PreLiquidation.sol";
import {Permissions} from "../../contracts/libraries/Permissions.sol";
import {Valuation} from "../../contracts/libraries/Valuation.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {MockFeed} from "../../contracts/mocks/MockFeed.sol";
import {Artifacts} from "../utils/Artifacts.sol";

/// @notice Pre-liquidation fuzzed over the collateral's decimals (0 to 36), the position's health (inside and outside
///         the band) and the amount asked: the close factor and the incentive stay within their bounds and match the
///         interpolation, the caller never gets more than the rule gives (rounding against it), health never falls,
///         and nothing happens outside the band.
contract PreLiquidationTest is Fixture {
    PreLiquidation internal pre;
    address internal keeper = makeAddr("keeper");

    function setUp() public override {
        super.setUp();
        _wireLiquidation();
        pre = PreLiquidation(
            Artifacts.deploy(
                "PreLiquidation.sol:PreLiquidation",
                abi.encode(vault, 1.1e18, [uint256(1_000), 5_000], [uint256(100), 250])
            )
        );
    }

    function test_constructor_refusesUnboundedPolicies() public {
        uint256[2] memory cf = [uint256(1_000), 5_000];
        uint256[2] memory inc = [uint256(100), 250];
        vm.expectRevert(IPreLiquidation.InvalidParams.selector);
        PreLiquidation(Artifacts.deploy("PreLiquidation.sol:PreLiquidation", abi.encode(vault, 1e18, cf, inc))); // an empty band
        vm.expectRevert(IPreLiquidation.InvalidParams.selector);
        PreLiquidation(Artifacts.deploy("PreLiquidation.sol:PreLiquidation", abi.encode(vault, 1.6e18, cf, inc))); // above MAX_PRE_HEALTH
        vm.expectRevert(IPreLiquidation.InvalidParams.selector);
        PreLiquidation(
            Artifacts.deploy("PreLiquidation.sol:PreLiquidation", abi.encode(vault, 1.1e18, [uint256(0), 5_000], inc))
        ); // no close factor at the top
        vm.expectRevert(IPreLiquidation.InvalidParams.selector);
        PreLiquidation(
            Artifacts.deploy(
                "PreLiquidation.sol:PreLiquidation",
                abi.encode(vault, 1.1e18, [uint256(6_000), 5_000], inc)
            )
        ); // firmer at the top than at 1
        vm.expectRevert(IPreLiquidation.InvalidParams.selector);
        PreLiquidation(
            Artifacts.deploy(
                "PreLiquidation.sol:PreLiquidation",
                abi.encode(vault, 1.1e18, [uint256(1_000), 5_001], inc)
            )
        ); // above half the debt
        vm.expectRevert(IPreLiquidation.InvalidParams.selector);
        PreLiquidation(
            Artifacts.deploy("PreLiquidation.sol:PreLiquidation", abi.encode(vault, 1.1e18, cf, [uint256(300), 250]))
        ); // incentive falling towards 1
        vm.expectRevert(IPreLiquidation.InvalidParams.selector);
        PreLiquidation(
            Artifacts.deploy("PreLiquidation.sol:PreLiquidation", abi.encode(vault, 1.1e18, cf, [uint256(100), 1_001]))
        ); // above the Vault's bonus cap
    }

    /// @dev Lists a token of `decimals` (max LTV 80%, threshold 85%), opens a position of $100,000 of it (10 whole
    ///      units at $10,000; one unit at $100,000 above 34 decimals, where the Vault's 120-bit total holds at most
    ///      1.3 whole units) with 60,000 bUSD of debt, opts it in, then prices the token so that the position's
    ///      health is about `health` [wad].
    function _position(uint8 decimals, uint256 health) internal returns (uint256 id, MockERC20 token, MockFeed feed) {
        token = new MockERC20("Fuzz", "FZ", decimals);
        uint256 units = decimals > 34 ? 1 : 10;
        feed = _feed(address(token), 8, int256(100_000e8 / units));
        vault.listAsset(address(token), IVault.AssetParams(8_000, 8_500, 500, type(uint48).max, false));
        engine.setAssetCap(address(token), 10_000_000e18);
        uint256 amount = units * 10 ** decimals;
        token.mint(alice, amount);
        vm.startPrank(alice);
        token.approve(address(vault), amount);
        id = vault.openAndMint(BUSD, address(token), amount, 60_000e18, alice);
        vault.setManager(id, address(pre), Permissions.REPAY_WITH_COLLATERAL);
        vm.stopPrank();
        // health = 0.85 × units × price / 60,000  =>  price = health × 60,000 / (0.85 × units) [8 decimals]
        feed.setAnswer(int256((health * 60_000e8) / (0.85e18 * units)));
        _fundBusd(keeper, 100_000e18);
        vm.prank(keeper);
        busd.approve(address(pre), type(uint256).max);
    }

    function testFuzz_preLiquidation_withinBoundsAtAnyDecimals(uint8 decimals, uint256 health, uint256 ask) public {
        decimals = uint8(bound(decimals, 0, 36));
        health = bound(health, 0.9e18, 1.2e18);
        (uint256 id, MockERC20 token, ) = _position(decimals, health);
        IVault.LiquidationState memory st = positionLens.liquidationState(id);
        uint256 h0 = Valuation.healthDown(st.liquidationLimit, st.debtValue);
        ask = bound(ask, 1, st.debt);
        uint256 coll0 = vault.collateralOf(id, address(token));
        uint256 busd0 = busd.balanceOf(keeper);
        bool inBand = h0 >= 1e18 && h0 < 1.1e18;
        IPreLiquidation.Quote memory q;
        if (inBand) q = pre.quote(id, ask, address(token));

        vm.prank(keeper);
        try pre.preLiquidate(id, ask, address(token), 0) returns (uint256 repaid, uint256 seized) {
            // inside the band only
            assertGe(h0, 1e18, "below the threshold");
            assertLt(h0, 1.1e18, "above the band");
            // the interpolation, each term rounded down, within its bounds
            uint256 t = ((1.1e18 - h0) * 1e18) / 0.1e18;
            uint256 cf = 1_000 + (4_000 * t) / 1e18;
            uint256 inc = 100 + (150 * t) / 1e18;
            assertGe(cf, 1_000);
            assertLe(cf, 5_000);
            assertGe(inc, 100);
            assertLe(inc, 250);
            assertEq(
                repaid,
                ask < (st.debt * cf) / 10_000 ? ask : (st.debt * cf) / 10_000,
                "repay is not capped at the close factor"
            );
            // the collateral: the repaid value plus the incentive at the oracle price, rounded down twice
            uint256 price = st.prices[0];
            uint256 expected = (((repaid * (10_000 + inc)) / 10_000) * 10 ** decimals) / price;
            assertEq(seized, expected, "collateral is not the rule's (rounded against the caller)");
            assertEq(busd.balanceOf(keeper), busd0 - repaid);
            assertEq(token.balanceOf(keeper), seized);
            assertEq(vault.collateralOf(id, address(token)), coll0 - seized);
            // health never falls
            IVault.LiquidationState memory st2 = positionLens.liquidationState(id);
            assertGe(Valuation.healthDown(st2.liquidationLimit, st2.debtValue), h0, "health fell");
        } catch (bytes memory err) {
            bytes4 sel = bytes4(err);
            if (sel == IPreLiquidation.OutsideBand.selector) {
                assertTrue(h0 < 1e18 || h0 >= 1.1e18, "refused inside the band");
            } else {
                // one unit of a token with few decimals may be worth more than the repay allowed: nothing to take
                assertEq(sel, bytes4(keccak256("ZeroAmount()")), "unexpected refusal");
                assertTrue(inBand, "ZeroAmount outside the band");
                assertEq(q.seized, 0, "refused a repay that buys a unit");
            }
            assertEq(vault.collateralOf(id, address(token)), coll0, "a refusal moved collateral");
        }
    }

    /// @notice Within one block, however the repay is split, the position gives up at most the close factor of the
    ///         debt the block's first pre-liquidation saw.
    function testFuzz_preLiquidation_splittingGainsNothing(uint256 health, uint256 parts) public {
        health = bound(health, 1.001e18, 1.099e18);
        parts = bound(parts, 1, 12);
        (uint256 id, MockERC20 token, ) = _position(18, health);
        IPreLiquidation.Quote memory q = pre.quote(id, type(uint256).max, address(token));
        uint256 total;
        for (uint256 i; i < parts; ++i) {
            vm.prank(keeper);
            try pre.preLiquidate(id, q.maxRepay / parts + 1, address(token), 0) returns (uint256 repaid, uint256) {
                total += repaid;
            } catch (bytes memory err) {
                // the window is used up, or the repaid part lifted health out of the band
                bytes4 sel = bytes4(err);
                assertTrue(
                    sel == IPreLiquidation.NothingToRepay.selector || sel == IPreLiquidation.OutsideBand.selector,
                    "unexpected refusal"
                );
            }
        }
        assertLe(total, q.maxRepay, "split pre-liquidations repaid more than the close factor");
    }

    /// @notice A pre-liquidation acts on its position only: another position's lanes and health do not move.
    function test_preLiquidation_touchesNoOtherPosition() public {
        (uint256 id, MockERC20 token, ) = _position(18, 1.05e18);
        uint256 other = _openEth(bob, 10e18, 5_000e18);
        IVault.PositionHealth memory before = positionLens.healthOf(other);
        vm.prank(keeper);
        pre.preLiquidate(id, type(uint256).max, address(token), 0);
        IVault.PositionHealth memory after_ = positionLens.healthOf(other);
        assertEq(after_.health, before.health);
        assertEq(after_.debt, before.debt);
        assertEq(vault.collateralOf(other, address(weth)), 10e18);
    }
}
