// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LiquidationFixture} from "../utils/LiquidationFixture.sol";
import {LiquidationEngine} from "../../contracts/LiquidationEngine.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IOracleAdapter} from "../../contracts/interfaces/IOracleAdapter.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";

/// @notice Liquidation engine paths the flow tests do not reach: construction and cap bounds, the parameter views,
///         unknown auctions, an auction of a synthetic that tracks a price (bETH) priced in that synthetic,
///         with and without the ETH price, and a take of a token worth less than one synthetic unit per whole token.
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

    /// @dev An 18-decimal token at $0.70 sells at 0.84 bUSD per whole token at the start of its auction, so one wei
    ///      of it is worth less than one wei of bUSD. alice's whole basket (17,500 + 24 wei) is the lot of a full
    ///      liquidation of 14,000 bUSD + 19 wei (tab 14,700 + 21 wei with the 5% penalty, rounded up): the lot is
    ///      worth 14,700 + 20.16 wei at the start price, under the tab by less than one wei, so `owe` for the whole
    ///      lot rounds up to the tab, and the collateral the tab buys, (14,700 + 21 wei) / 0.84 = 17,500 + 25 wei
    ///      exactly, is one wei more than the lot.
    function test_take_coveringTheTabNeverHandsOutMoreThanTheLotOrMaxCollateral() public {
        MockERC20 cheap = new MockERC20("Cheap", "CHP", 18);
        _feed(address(cheap), 8, 1e8);
        vault.listAsset(address(cheap), IVault.AssetParams(9_000, 9_300, 500, 1_000_000, false));
        engine.setAssetCap(address(cheap), 10_000_000e18);
        uint256 basket = 17_500e18 + 24;
        cheap.mint(alice, basket);
        vm.startPrank(alice);
        cheap.approve(address(vault), basket);
        uint256 id = vault.openAndMint(BUSD, address(cheap), basket, 14_000e18 + 19, alice);
        vm.stopPrank();
        _feed(address(cheap), 8, 0.7e8);
        (uint256 auctionId, ) = _liquidate(id);

        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        uint256 price = _auctionPrice(auctionId);
        assertEq(price, 0.84e18, "start price 20% above 0.70");
        assertEq(a.lot, basket, "a full liquidation takes the whole basket");
        assertEq(a.tab, 14_700e18 + 21, "tab = debt + 5%, rounded up");
        // the precondition: the lot's value rounds up to the tab, and the tab buys one wei more than the lot
        assertEq((uint256(a.lot) * price + 1e18 - 1) / 1e18, a.tab);
        assertEq((uint256(a.tab) * 1e18) / price, uint256(a.lot) + 1);

        _fundBusd(taker, 20_000e18);
        vm.startPrank(taker);
        busd.approve(address(engine), MAX);
        (uint256 got, uint256 owe) = engine.take(auctionId, a.lot, price, taker, "");
        vm.stopPrank();
        assertEq(got, a.lot, "the whole lot, not one wei more");
        assertEq(owe, a.tab, "the tab");
        assertEq(cheap.balanceOf(taker), a.lot);
        assertEq(cheap.balanceOf(address(engine)), 0, "nothing left behind");
        assertEq(engine.auction(auctionId).tab, 0, "the auction ended");
        assertEq(engine.claimable(alice, address(cheap)), 0, "no leftover");
        assertEq(vault.synthetic(BUSD).auctionDebt, 0);
        assertEq(engine.globalDirt(), 0);
    }
}
