// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LiquidationFixture} from "./utils/LiquidationFixture.sol";
import {IVault} from "../contracts/interfaces/IVault.sol";
import {IRiskLens} from "../contracts/interfaces/IRiskLens.sol";
import {ILiquidationEngine} from "../contracts/interfaces/ILiquidationEngine.sol";
import {RiskLens} from "../contracts/RiskLens.sol";
import {Artifacts} from "./utils/Artifacts.sol";

contract RiskLensTest is LiquidationFixture {
    RiskLens internal lens;

    function setUp() public override {
        super.setUp();
        lens = RiskLens(Artifacts.deploy("RiskLens.sol:RiskLens", ""));
    }

    // ================================================================ helpers

    /// @dev A WETH + WBTC bUSD position for alice minted at `ltvBps` of its value, and a USDC bETH position for bob.
    function _open(uint256 eth, uint256 btc, uint256 ltvBps) internal returns (uint256 a, uint256 b) {
        IVault.Action[] memory acts = new IVault.Action[](4);
        acts[0] = IVault.Action(IVault.Op.Open, BUSD, address(0), 0, address(0));
        acts[1] = IVault.Action(IVault.Op.Deposit, 0, address(weth), eth, address(0));
        acts[2] = IVault.Action(IVault.Op.Deposit, 0, address(wbtc), btc, address(0));
        uint256 value = (eth * 2_000e18) / 1e18 + (btc * 60_000e18) / 1e8;
        acts[3] = IVault.Action(IVault.Op.Mint, 0, address(0), (value * ltvBps) / 1e4, alice);
        a = vault.nextPositionId();
        vm.prank(alice);
        vault.batch(acts);
        vm.prank(bob);
        b = vault.openAndMint(BETH, address(usdc), 100_000e6, 30e18, bob); // $60,000 of bETH on $100,000 USDC
    }

    function _shock(
        uint256 ethBps,
        uint256 btcBps,
        uint256 usdcBps
    ) internal view returns (address[] memory assets, uint256[] memory bps) {
        assets = new address[](3);
        bps = new uint256[](3);
        (assets[0], assets[1], assets[2]) = (address(weth), address(wbtc), address(usdc));
        (bps[0], bps[1], bps[2]) = (ethBps, btcBps, usdcBps);
    }

    function _ids(uint256 a, uint256 b) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](2);
        (ids[0], ids[1]) = (a, b);
    }

    /// @dev Moves the feeds to the shocked prices (8-decimal answers divisible by 1e4: the same numbers exactly).
    function _applyShock(uint256 ethBps, uint256 btcBps, uint256 usdcBps) internal {
        ethFeed.setAnswer(int256((2_000e8 * ethBps) / 1e4));
        btcFeed.setAnswer(int256((60_000e8 * btcBps) / 1e4));
        usdcFeed.setAnswer(int256((1e8 * usdcBps) / 1e4));
    }

    function _assertMatchesVault(IRiskLens.PositionStress memory r) internal view {
        IVault.PositionHealth memory h = positionLens.healthOf(r.id);
        assertEq(r.healthShocked, h.health, "health");
        assertEq(r.collateralValue, h.collateralValue, "collateral value");
        assertEq(r.debtValue, h.debtValue, "debt value");
        assertEq(r.liquidatable, h.health < 1e18, "liquidatable");
        if (r.liquidatable) {
            ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(r.id);
            assertFalse(plan.capped, "the fixture's caps never bind here");
            assertEq(r.auctionDebt, plan.debt, "auction debt");
            assertEq(r.auctionDebtValue, plan.debtValue, "auction debt value");
            assertEq(r.cappedAuctionDebtValue, plan.debtValue, "under caps that do not bind: the same");
        } else {
            assertEq(r.auctionDebt, 0, "no auction when healthy");
            assertEq(r.cappedAuctionDebtValue, 0, "no auction when healthy (capped)");
        }
    }

    /// Under caps that bind, the capped figure is the engine's own preview once the feeds move to the shocked prices
    /// (its plan under the rooms left), below the uncapped one; with less than one minimum debt of room it is 0.
    function testFuzz_stress_cappedMatchesPreviewUnderBindingCaps(uint256 capUsd, uint256 ethBps) public {
        capUsd = bound(capUsd, 200e18, 4_000e18);
        ethBps = bound(ethBps, 3_000, 6_000);
        (uint256 a, uint256 b) = _open(10e18, 1e5, 7_000); // 10 WETH and 0.001 WBTC
        engine.setAssetCap(address(weth), capUsd);
        (address[] memory assets, uint256[] memory bps) = _shock(ethBps, 10_000, 10_000);
        (IRiskLens.PositionStress[] memory rs, IRiskLens.StressSummary memory s) = lens.stress(
            vault,
            _ids(a, b),
            assets,
            bps
        );
        _applyShock(ethBps, 10_000, 10_000);
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(a);
        assertTrue(plan.capped, "the WETH cap binds");
        assertEq(rs[0].cappedAuctionDebtValue, plan.debtValue, "capped = the engine's preview");
        assertLt(rs[0].cappedAuctionDebtValue, rs[0].auctionDebtValue, "below the uncapped figure");
        assertEq(s.cappedAuctionDebtValue, rs[0].cappedAuctionDebtValue + rs[1].cappedAuctionDebtValue);
        // no room at all: nothing goes to auction now, and the report still comes back
        engine.setGlobalCap(0);
        _applyShock(10_000, 10_000, 10_000);
        (rs, s) = lens.stress(vault, _ids(a, b), assets, bps);
        assertEq(rs[0].cappedAuctionDebtValue, 0, "no room");
        assertGt(rs[0].auctionDebtValue, 0, "the uncapped figure stands");
    }

    // ================================================================ stress

    /// Lens figures at shocked prices equal the Vault's and the engine's own views once the feeds move there.
    function testFuzz_stress_matchesVaultViewsAtScaledPrices(
        uint256 eth,
        uint256 btc,
        uint256 ltvBps,
        uint256 ethBps,
        uint256 btcBps,
        uint256 usdcBps
    ) public {
        eth = bound(eth, 1e17, 100e18);
        btc = bound(btc, 1e6, 5e8);
        ltvBps = bound(ltvBps, 3_000, 7_400);
        ethBps = bound(ethBps, 1_000, 30_000);
        btcBps = bound(btcBps, 1_000, 30_000);
        usdcBps = bound(usdcBps, 5_000, 15_000);
        (uint256 a, uint256 b) = _open(eth, btc, ltvBps);
        vm.warp(block.timestamp + 7 days); // interest accrues: the lens reads the index now, as the Vault
        _applyShock(10_000, 10_000, 10_000); // fresh answers, unchanged

        (address[] memory assets, uint256[] memory bps) = _shock(ethBps, btcBps, usdcBps);
        (IRiskLens.PositionStress[] memory rs, IRiskLens.StressSummary memory s) = lens.stress(
            vault,
            _ids(a, b),
            assets,
            bps
        );
        assertEq(rs[0].healthNow, positionLens.healthOf(a).health, "health now");
        assertEq(rs[1].healthNow, positionLens.healthOf(b).health, "health now (bETH)");

        _applyShock(ethBps, btcBps, usdcBps);
        _assertMatchesVault(rs[0]);
        _assertMatchesVault(rs[1]);
        uint256 n = (rs[0].liquidatable ? 1 : 0) + (rs[1].liquidatable ? 1 : 0);
        assertEq(s.liquidatable, n, "summary count");
        assertEq(s.auctionDebtValue, rs[0].auctionDebtValue + rs[1].auctionDebtValue, "summary auction debt");
        assertEq(s.cappedAuctionDebtValue, s.auctionDebtValue, "the fixture's caps never bind");
        assertEq(s.positions, 2);
        assertEq(s.capRoom, engine.globalCap() - engine.globalDirt());
    }

    /// A 60% WETH fall makes a 70%-LTV WETH position liquidatable; a bETH position on USDC gains instead.
    function test_stress_crashMakesWethPositionLiquidatable() public {
        (uint256 a, uint256 b) = _open(10e18, 0.1e8, 7_000);
        (address[] memory assets, uint256[] memory bps) = _shock(4_000, 10_000, 10_000);
        (IRiskLens.PositionStress[] memory rs, IRiskLens.StressSummary memory s) = lens.stress(
            vault,
            _ids(a, b),
            assets,
            bps
        );
        assertTrue(rs[0].liquidatable);
        assertGt(rs[0].healthNow, 1e18);
        assertEq(rs[0].auctionDebt, positionLens.debtOf(a), "far under: full liquidation");
        assertFalse(rs[1].liquidatable);
        assertGt(rs[1].healthShocked, rs[1].healthNow, "bETH debt falls with WETH");
        assertEq(s.newlyLiquidatable, 1);
    }

    /// bETH backed by WETH is hedged: its health does not move with WETH (up to rounding).
    function test_stress_bethOnWethIsHedged() public {
        vm.prank(alice);
        uint256 id = vault.openAndMint(BETH, address(weth), 10e18, 5e18, alice);
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        (address[] memory assets, uint256[] memory bps) = _shock(3_000, 10_000, 10_000);
        (IRiskLens.PositionStress[] memory rs, ) = lens.stress(vault, ids, assets, bps);
        assertApproxEqAbs(rs[0].healthShocked, rs[0].healthNow, 1e9);
        assertFalse(rs[0].liquidatable);
    }

    function test_stressRange_reportsUnknownIds() public {
        (uint256 a, ) = _open(1e18, 1e6, 5_000);
        (address[] memory assets, uint256[] memory bps) = _shock(10_000, 10_000, 10_000);
        (IRiskLens.PositionStress[] memory rs, IRiskLens.StressSummary memory s) = lens.stressRange(
            vault,
            a,
            a + 3,
            assets,
            bps
        );
        assertEq(rs.length, 4);
        assertTrue(rs[0].exists && rs[1].exists);
        assertFalse(rs[2].exists || rs[3].exists);
        assertEq(s.positions, 2);
        assertEq(s.liquidatable, 0);
    }

    // ================================================================ reverts

    function test_stress_revertsOnLengthMismatch() public {
        address[] memory assets = new address[](2);
        uint256[] memory bps = new uint256[](1);
        vm.expectRevert(abi.encodeWithSelector(IRiskLens.ShockLengthMismatch.selector, 2, 1));
        lens.stress(vault, new uint256[](0), assets, bps);
    }

    function test_stress_revertsOnTooLargeShock() public {
        (address[] memory assets, uint256[] memory bps) = _shock(1_000_001, 10_000, 10_000);
        vm.expectRevert(abi.encodeWithSelector(IRiskLens.ShockTooLarge.selector, address(weth), 1_000_001, 1_000_000));
        lens.stress(vault, new uint256[](0), assets, bps);
    }

    function test_stress_revertsOnDuplicateShock() public {
        (address[] memory assets, uint256[] memory bps) = _shock(10_000, 10_000, 10_000);
        assets[2] = address(weth);
        vm.expectRevert(abi.encodeWithSelector(IRiskLens.DuplicateShock.selector, address(weth)));
        lens.stress(vault, new uint256[](0), assets, bps);
    }

    function test_stress_revertsOnUnlistedAsset() public {
        (address[] memory assets, uint256[] memory bps) = _shock(10_000, 10_000, 10_000);
        assets[1] = address(0xBEEF);
        vm.expectRevert(abi.encodeWithSelector(IRiskLens.ShockedAssetNotListed.selector, address(0xBEEF)));
        lens.stress(vault, new uint256[](0), assets, bps);
    }

    function test_stressRange_revertsOnBadRange() public {
        (address[] memory assets, uint256[] memory bps) = _shock(10_000, 10_000, 10_000);
        vm.expectRevert(abi.encodeWithSelector(IRiskLens.InvalidRange.selector, 5, 4, 1_000));
        lens.stressRange(vault, 5, 4, assets, bps);
        vm.expectRevert(abi.encodeWithSelector(IRiskLens.InvalidRange.selector, 1, 1_001, 1_000));
        lens.stressRange(vault, 1, 1_001, assets, bps);
        (IRiskLens.PositionStress[] memory rs, ) = lens.stressRange(vault, 1, 1_000, assets, bps); // 1,000 ids: fine
        assertEq(rs.length, 1_000);
    }
}
