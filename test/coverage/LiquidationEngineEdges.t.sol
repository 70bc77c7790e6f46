// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LiquidationFixture} from "../utils/LiquidationFixture.sol";
import {LiquidationEngine} from "../../contracts/LiquidationEngine.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IOracleAdapter} from "../../contracts/interfaces/IOracleAdapter.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";

/// @notice Liquidation engine paths the flow tests do not reach: construction and cap bounds, the parameter views,
///         unknown auctions, and an auction of a synthetic that tracks a price (bETH) priced in that synthetic,
///         with and without the ETH price.
contract LiquidationEngineEdgesTest is LiquidationFixture {
    function test_constructor_revertsOnZeroVault() public {
        vm.expectRevert(ILiquidationEngine.ZeroAddress.selector);
        new LiquidationEngine(address(manager), IVault(address(0)));
    }

    function test_setAssetCap_revertsAboveMaxCap_andTheViewsReturnWhatWasSet() public {
        uint256 max = engine.MAX_CAP();
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.InvalidParam.selector, ILiquidationEngine.Param.AssetCap, max + 1)
        );
        engine.setAssetCap(address(weth), max + 1);

        engine.setAssetCap(address(weth), 123e18);
        assertEq(engine.assetCap(address(weth)), 123e18);
        ILiquidationEngine.KeeperParams memory k = engine.keeperParams(BETH);
        assertEq(k.tip, 0.001e18);
        assertEq(k.chipBps, 10);
        assertEq(k.maxPay, 0.25e18);
    }

    function test_auctionStatus_revertsForAnUnknownAuction() public {
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.AuctionNotFound.selector, 7));
        engine.auctionStatus(7);
    }

    /// @dev alice borrows 22 bETH on 1 WBTC; BTC falls to 50,000 USD (25 ETH), under her 80% threshold.
    function _bethAuction() internal returns (uint256 auctionId) {
        vm.prank(alice);
        uint256 id = vault.openAndMint(BETH, address(wbtc), 1e8, 22e18, alice);
        btcFeed.setAnswer(50_000e8);
        vm.prank(keeper);
        (auctionId, ) = engine.liquidate(id);
    }

    function test_bethAuction_isPricedInEth_fromTheEthFeed() public {
        uint256 auctionId = _bethAuction();
        (uint256 price, bool needsReset) = engine.auctionStatus(auctionId);
        assertFalse(needsReset, "a fresh auction needs no reset");
        // the market is 50,000 / 2,000 = 25 bETH per WBTC; the auction starts above it
        assertGt(price, 25e18, "start price not above the market in bETH");
        assertLt(price, 50e18, "start price in USD instead of bETH");
    }

    function test_bethAuction_withoutTheEthPrice_keepsRunningButCannotReset() public {
        uint256 auctionId = _bethAuction();
        (uint256 before, ) = engine.auctionStatus(auctionId);
        ethFeed.setAnswer(0); // the synthetic's price fails
        (uint256 price, bool needsReset) = engine.auctionStatus(auctionId);
        assertEq(price, before, "the curve does not depend on the live price");
        assertFalse(needsReset, "an unavailable market price never forces a reset");
        // a reset needs the market price: the ETH feed's failure (answer 0) is named
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleAdapter.PriceUnavailable.selector,
                address(weth),
                IOracleAdapter.PriceFailure.NonPositive
            )
        );
        engine.reset(auctionId);
    }
}
