// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LiquidationFixture} from "./utils/LiquidationFixture.sol";
import {ILiquidationEngine} from "../contracts/interfaces/ILiquidationEngine.sol";
import {IVault} from "../contracts/interfaces/IVault.sol";
import {IReserveLens} from "../contracts/interfaces/IReserveLens.sol";
import {ReserveLens} from "../contracts/ReserveLens.sol";
import {MockFeed} from "../contracts/mocks/MockFeed.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Artifacts} from "./utils/Artifacts.sol";

/// @notice Proof of reserves: the lens's figures against the Vault's own ledger and hand-computed values.
contract ReserveLensTest is LiquidationFixture {
    ReserveLens internal lens;

    function setUp() public override {
        super.setUp();
        lens = ReserveLens(Artifacts.deploy("ReserveLens.sol:ReserveLens", abi.encode(vault)));
    }

    function _book() internal {
        vm.startPrank(alice);
        uint256 a = vault.openAndMint(BUSD, address(weth), 10e18, 8_000e18, alice); // 20,000 of WETH
        vault.deposit(a, address(wbtc), 0.5e8); // 30,000 of WBTC
        vm.stopPrank();
        vm.prank(bob);
        vault.openAndMint(BETH, address(usdc), 10_000e6, 2e18, bob); // 2 bETH = 4,000
    }

    function test_assetReserve_matchesTheLedger() public {
        _book();
        IReserveLens.AssetReserve memory r = lens.assetReserve(address(weth));
        assertEq(r.credited, 10e18);
        assertEq(r.held, 10e18);
        assertEq(r.inAuctions, 0);
        assertEq(r.price, 2_000e18);
        assertTrue(r.priced);
        assertEq(r.value, 20_000e18);
        assertFalse(r.hasProof);
        assertEq(r.tokenSupply, weth.totalSupply());
        assertEq(uint256(r.kind), uint256(IVault.AssetKind.Plain));
        vm.expectRevert(abi.encodeWithSelector(IVault.AssetNotListed.selector, address(0xBEEF)));
        lens.assetReserve(address(0xBEEF));
    }

    /// @dev A take that covers its tab leaves collateral owed to the liquidated owner. The engine still holds it
    ///      (`inAuctions`, `held`), but it backs no synthetic, so `value` leaves it out, before and after the claim.
    function test_assetReserve_leftoverOwedToTheOwnerIsHeldButBacksNothing() public {
        uint256 id = _underwater(); // alice: 10 WETH, 15,000 bUSD, ETH at 1,700
        (uint256 auctionId, ) = _liquidate(id);
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        _fundBusd(taker, 20_000e18);
        vm.prank(taker);
        busd.approve(address(engine), MAX);
        (uint256 got, uint256 owe) = _take(auctionId, MAX);
        assertGe(owe, a.tab, "the take covered the tab");
        uint256 leftover = a.lot - got;
        assertGt(leftover, 0);
        assertEq(engine.totalClaimable(address(weth)), leftover);

        IReserveLens.AssetReserve memory r = lens.assetReserve(address(weth));
        assertEq(r.inAuctions, leftover, "the engine holds only alice's leftover");
        assertEq(r.held, weth.balanceOf(address(vault)) + leftover);
        assertEq(r.credited, vault.collateralOf(id, address(weth)));
        assertEq(r.value, (r.credited * 1_700e18) / 1e18, "only the collateral of positions backs synthetics");

        vm.prank(alice);
        engine.claim(address(weth));
        assertEq(engine.totalClaimable(address(weth)), 0);
        IReserveLens.AssetReserve memory claimed = lens.assetReserve(address(weth));
        assertEq(claimed.inAuctions, 0);
        assertEq(claimed.value, r.value, "the claim moved nothing that backed a synthetic");
    }

    function test_syntheticReserve_andSystemBacking() public {
        _book();
        vm.warp(block.timestamp + 30 days);
        ethFeed.setAnswer(2_000e8);
        btcFeed.setAnswer(60_000e8);
        usdcFeed.setAnswer(1e8);
        IReserveLens.SyntheticReserve memory u = lens.syntheticReserve(BUSD);
        IVault.SyntheticState memory st = positionLens.synthetic(BUSD);
        assertEq(u.supply, 8_000e18);
        assertEq(u.positionDebt, st.totalDebt);
        assertEq(u.unmintedFees, st.unmintedFees);
        assertGt(u.unmintedFees, 0, "a month of interest");
        assertEq(u.liabilityValue, u.supply + u.unmintedFees, "USD synthetic at exactly 1");
        IReserveLens.SyntheticReserve memory e = lens.syntheticReserve(BETH);
        assertEq(e.price, 2_000e18);
        assertEq(e.liabilityValue, ((e.supply + e.unmintedFees) * 2_000e18 + 1e18 - 1) / 1e18, "rounded up");

        (IReserveLens.AssetReserve[] memory assets, , IReserveLens.SystemReserve memory sys) = lens.report();
        assertEq(assets.length, 6, "the three market assets and the three priced by sources (held by nobody)");
        assertEq(sys.collateralValue, 20_000e18 + 30_000e18 + 10_000e18);
        assertEq(sys.liabilityValue, u.liabilityValue + e.liabilityValue);
        assertEq(sys.backingBps, (sys.collateralValue * 10_000) / sys.liabilityValue);
        assertTrue(sys.complete);
        assertEq(lens.systemReserve().backingBps, sys.backingBps);
    }

    function test_failedPrice_marksTheReportIncomplete() public {
        _book();
        btcFeed.setAnswer(0);
        IReserveLens.SystemReserve memory sys = lens.systemReserve();
        assertFalse(sys.complete);
        assertEq(sys.collateralValue, 20_000e18 + 10_000e18, "the unpriced asset is left out, never guessed");
        assertFalse(lens.assetReserve(address(wbtc)).priced);
    }

    function test_provenReserve_isReportedInTokenUnits() public {
        MockFeed por = new MockFeed(8);
        por.setAnswer(123e8);
        oracle.setReserveFeed(address(wbtc), AggregatorV3Interface(address(por)), 1 days);
        vault.setAssetKind(address(wbtc), IVault.AssetKind.Wrapped);
        IReserveLens.AssetReserve memory r = lens.assetReserve(address(wbtc));
        assertTrue(r.hasProof);
        assertEq(r.proven, 123e8);
        assertEq(uint256(r.kind), uint256(IVault.AssetKind.Wrapped));
    }

    function test_syntheticBacking_pagesThroughPositions() public {
        _book();
        (uint256 cv, uint256 dv, uint256 n) = lens.syntheticBacking(BUSD, 0, type(uint256).max);
        assertEq(n, 1);
        assertEq(cv, 50_000e18);
        assertEq(dv, 8_000e18);
        (, , uint256 none) = lens.syntheticBacking(BUSD, 2, 3);
        assertEq(none, 0, "position 2 is a bETH position");
    }

    function test_noLiabilities_isInfiniteBacking() public view {
        assertEq(lens.systemReserve().backingBps, type(uint256).max);
    }
}
