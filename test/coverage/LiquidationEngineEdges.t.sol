// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LiquidationFixture} from "../utils/LiquidationFixture.sol";
import {LiquidationEngineAdmin} from "../../contracts/LiquidationEngineAdmin.sol";
import {LiquidationEngine} from "../../contracts/LiquidationEngine.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IOracleAdapter} from "../../contracts/interfaces/IOracleAdapter.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {IVault} from "../../contracts/interfaces/IVault.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {MockFeed} from "../../contracts/mocks/MockFeed.sol";
import {IBallastErrors} from "../../contracts/interfaces/IBallastErrors.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {Artifacts} from "../utils/Artifacts.sol";

/// @notice Liquidation engine paths the flow tests do not reach: construction and cap bounds, the parameter views,
///         unknown auctions, an auction of a synthetic that tracks a price (bETH) priced in that synthetic,
///         with and without the ETH price, and a take of a token worth less than one synthetic unit per whole token.
contract LiquidationEngineEdgesTest is LiquidationFixture {
    function test_constructor_revertsOnZeroVault() public {
        vm.expectRevert(IBallastErrors.ZeroAddress.selector);
        LiquidationEngine(Artifacts.deploy("LiquidationEngine.sol:LiquidationEngine", abi.encode(address(manager), IVault(address(0)))));
    }

    function test_setAssetCap_revertsAboveMaxCap_andTheViewsReturnWhatWasSet() public {
        uint256 max = LiquidationEngineAdmin(engine.admin()).MAX_CAP();
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

    /// @dev The admin module runs only as the engine's code: called directly, every entry point refuses.
    function test_adminModule_refusesDirectCalls() public {
        LiquidationEngineAdmin m = LiquidationEngineAdmin(engine.admin());
        assertGt(address(m).code.length, 0, "the constructor deployed the module");
        vm.expectRevert(IBallastErrors.NotDelegated.selector);
        m.setGlobalCap(1);
        vm.expectRevert(IBallastErrors.NotDelegated.selector);
        m.setAssetCap(address(weth), 1);
        vm.expectRevert(IBallastErrors.NotDelegated.selector);
        m.setLiquidationParams(ILiquidationEngine.LiquidationParams({targetHealth: 1.2e18, fullLiquidationHealth: 0.9e18}));
        vm.expectRevert(IBallastErrors.NotDelegated.selector);
        m.setKeeperParams(BETH, ILiquidationEngine.KeeperParams({tip: 0, chipBps: 0, maxPay: 0}));
        ILiquidationEngine.AuctionParams memory ap = engine.auctionParams();
        vm.expectRevert(IBallastErrors.NotDelegated.selector);
        m.setAuctionParams(ap);
        vm.expectRevert(IBallastErrors.NotDelegated.selector);
        m.releaseAuction(1);
    }

    /// @dev The engine checks the caller before it runs the module's code, and that code writes the engine's storage
    ///      (read back through the engine's views), never the module's.
    function test_adminModule_writesTheEngineStorage_afterTheEngineChecksTheCaller() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        engine.setGlobalCap(5e24);

        engine.setGlobalCap(5e24);
        engine.setLiquidationParams(ILiquidationEngine.LiquidationParams({targetHealth: 1.3e18, fullLiquidationHealth: 0.8e18}));
        assertEq(engine.globalCap(), 5e24);
        ILiquidationEngine.LiquidationParams memory lp = engine.liquidationParams();
        assertEq(lp.targetHealth, 1.3e18);
        assertEq(lp.fullLiquidationHealth, 0.8e18);
        assertEq(engine.globalCap(), 5e24, "the cap shares the slot with the parameters and survives their change");
        address m = engine.admin();
        for (uint256 slot; slot < 16; ++slot) assertEq(vm.load(m, bytes32(slot)), bytes32(0), "module storage unused");
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
        assertEq(positionLens.synthetic(BUSD).auctionDebt, 0);
        assertEq(engine.globalDirt(), 0);
    }

    // ------------------------------------------------------------------ coarse tokens, tiny prices, big debts

    /// @dev alice: 10 WETH + one bar of a 0-decimal token worth 2,000 (GLD), 17,000 bUSD; ETH to 1,790: health
    ///      0.995, a partial liquidation whose GLD lot rounds up to the whole bar; the bar carries the debt it is
    ///      worth with penalty and margin (2,000 / 1.05^2), so its tab is about 1,905.
    function _goldAuction() internal returns (MockERC20 gold, uint256 id, uint256 goldAuction) {
        gold = new MockERC20("Gold bar", "GLD", 0);
        _feed(address(gold), 8, 2_000e8);
        vault.listAsset(address(gold), IVault.AssetParams(8_000, 8_500, 500, 1_000_000, false));
        engine.setAssetCap(address(gold), 10_000_000e18);
        gold.mint(alice, 1);
        vm.startPrank(alice);
        gold.approve(address(vault), 1);
        id = vault.open(BUSD);
        vault.deposit(id, address(weth), 10e18);
        vault.deposit(id, address(gold), 1);
        vault.mint(id, 17_000e18, alice);
        vm.stopPrank();
        _setEth(1_790);
        (uint256 first, ) = _liquidate(id);
        goldAuction = first + 1;
        assertEq(engine.auction(goldAuction).asset, address(gold));
    }

    /// @dev One bar is worth more than its tab at every price the auction allows (its floor is the tab): a take
    ///      buys the bar at the auction price, the tab is covered and what the bar fetched beyond it is alice's, in
    ///      bUSD, as a claim.
    function test_take_coarseTokenSellsOneUnitAtThePrice_theExcessIsTheOwners() public {
        (MockERC20 gold, , uint256 auctionId) = _goldAuction();
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        assertEq(a.lot, 1, "the whole bar is the lot");
        assertLe(a.tab, 2_000e18, "the bar covers its tab at the oracle price");
        assertEq(a.floor, a.tab, "and down to its floor, the tab itself");
        uint256 price = _auctionPrice(auctionId);
        assertEq(price, 2_400e18, "20% above 2,000");
        uint256 penaltiesBefore = treasuryC.history(BUSD).penalties;

        _fundBusd(taker, 5_000e18);
        vm.startPrank(taker);
        busd.approve(address(engine), MAX);
        (uint256 got, uint256 owe) = engine.take(auctionId, 1, price, taker, "");
        vm.stopPrank();
        assertEq(got, 1, "the bar");
        assertEq(owe, price, "at the auction price");
        assertEq(gold.balanceOf(taker), 1);
        assertEq(engine.auction(auctionId).tab, 0, "the tab is covered: the auction ended");
        assertEq(treasuryC.history(BUSD).penalties - penaltiesBefore, a.tab - a.debt, "the penalty, no more");
        uint256 excess = price - a.tab;
        assertEq(engine.claimable(alice, address(busd)), excess, "the rest of the sale is alice's");
        assertEq(engine.totalClaimable(address(busd)), excess);
        assertEq(busd.balanceOf(address(engine)), excess, "held for her");
        assertEq(engine.claimable(alice, address(gold)), 0, "no bar left to return");
        vm.prank(alice);
        assertEq(engine.claim(address(busd)), excess);
        assertEq(busd.balanceOf(address(engine)), 0);
    }

    /// @dev Without the one-unit sale, the owner could liquidate herself and farm the reset pay of an auction nobody
    ///      else would take. Now a third party buys the bar at the first price below what it is worth to them, and
    ///      a reset is never needed.
    function test_take_coarseToken_aThirdPartyBuysBeforeAnyReset() public {
        (, , uint256 auctionId) = _goldAuction();
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        _fundBusd(taker, 5_000e18);
        vm.prank(taker);
        busd.approve(address(engine), MAX);
        uint256 t = vm.getBlockTimestamp();
        // the taker waits until the bar is offered at the market (2,000): 19 steps, 2,400 * 0.99^19 = 1,985
        vm.warp(t + 19 * 90);
        _refreshFeeds();
        (uint256 price, bool needsReset) = engine.auctionStatus(auctionId);
        assertFalse(needsReset);
        assertLt(price, 2_000e18);
        vm.prank(taker);
        (uint256 got, uint256 owe) = engine.take(auctionId, 1, price, taker, "");
        assertEq(got, 1);
        assertEq(owe, price);
        assertEq(engine.claimable(alice, address(busd)), price - a.tab);
    }

    /// @dev The deep profile's "unexplained take revert" (`ERC20InsufficientBalance` in `invariant_capsHold`): the
    ///      handler funded a taker with the tab alone, and a take that covers the tab with a coarse unit costs up to one
    ///      unit's price more (units are whole, and each sells at the price). The engine was right and sends nothing it
    ///      does not hold; the handler now funds what a take can cost.
    function test_take_coarseCoveringTakeCostsUpToOneUnitBeyondTheTab() public {
        (MockERC20 gold, , uint256 auctionId) = _goldAuction();
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        uint256 price = _auctionPrice(auctionId);
        assertGt(price, a.tab);
        _fundBusd(taker, a.tab);
        vm.startPrank(taker);
        busd.approve(address(engine), MAX);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, taker, a.tab, price));
        engine.take(auctionId, 1, price, taker, "");
        vm.stopPrank();
        assertEq(gold.balanceOf(address(engine)), 1, "the bar stays with the engine");
        _fundBusd(taker, price - a.tab);
        vm.prank(taker);
        engine.take(auctionId, 1, price, taker, "");
        assertEq(gold.balanceOf(taker), 1);
        assertEq(gold.balanceOf(address(engine)), 0);
        assertEq(busd.balanceOf(taker), 0);
    }

    /// @dev A feed with more than 18 decimals answering under one wad unit gave a price of 0 with no failure: the
    ///      Vault counted the asset as priced and seized it while the engine skipped it, so one wei of such a token
    ///      made a position unliquidatable (`SeizeMismatch`). The oracle now reports it as a failure: the wei stays in
    ///      the position and the rest is liquidated.
    function test_liquidate_dustOfAnAssetPricedUnderOneWadUnitIsUnpricedAndStays() public {
        MockERC20 meme = new MockERC20("Meme", "MEME", 18);
        _feed(address(meme), 24, 500_000); // 5e-19 USD per token
        vault.listAsset(address(meme), IVault.AssetParams(5_000, 6_000, 500, type(uint48).max, false));
        engine.setAssetCap(address(meme), 10_000_000e18);
        (uint256 p, IOracleAdapter.PriceFailure f) = oracle.tryGetPrice(address(meme));
        assertEq(p, 0);
        assertEq(uint8(f), uint8(IOracleAdapter.PriceFailure.NonPositive), "no usable price");

        uint256 id = _openEth(alice, 10e18, 15_000e18);
        meme.mint(alice, 1);
        vm.startPrank(alice);
        meme.approve(address(vault), 1);
        vault.deposit(id, address(meme), 1);
        vm.stopPrank();
        _setEth(1_700);
        (uint256 auctionId, uint256 debt) = _liquidate(id);
        assertGt(debt, 0);
        assertEq(engine.auction(auctionId).asset, address(weth));
        assertEq(engine.auction(auctionId + 1).tab, 0, "no auction of the unpriced wei");
        assertEq(vault.collateralOf(id, address(meme)), 1, "it stays in the position");
    }

    /// @dev The ceiling (< 2^96) is checked at mint only; interest grows a debt past it. A full liquidation of such a
    ///      position must still start: an auction's debt is 120 bits wide.
    function test_liquidate_positionDebtGrownPast2pow96() public {
        MockERC20 big = new MockERC20("Big dollar", "BIG", 18);
        _listForAlice(address(big), 9_000, 9_300, 1e29);
        vault.setSyntheticParams(BUSD, IVault.SyntheticParams(address(0), rateModel, type(uint96).max, 100e18));
        engine.setGlobalCap(1e30);
        engine.setAssetCap(address(big), 1e30);
        vm.startPrank(alice);
        uint256 id = vault.open(BUSD);
        vault.deposit(id, address(big), 1e29);
        vault.mint(id, 7.9e28, alice);
        vm.stopPrank();
        vm.warp(vm.getBlockTimestamp() + 365 days);
        _refreshFeeds();
        MockFeed(address(oracle.feedsOf(address(big)).primary.aggregator)).setAnswer(0.8e8); // health ~0.90: full
        uint256 owed = positionLens.debtOf(id);
        assertGt(owed, type(uint96).max, "the debt grew past 2^96");
        (uint256 auctionId, uint256 debt) = _liquidate(id);
        assertEq(debt, owed, "all of it");
        assertEq(engine.auction(auctionId).debt, owed);
        assertEq(positionLens.debtOf(id), 0);
    }

    /// @dev 180 bUSD of debt (minimum 100) with 150 of global room: all 180 does not fit and any amount the room
    ///      allows would leave under one minimum debt, so no amount fits and the liquidation waits. The error
    ///      carries what the room allows (150, less the rounding of the lot to whole wei of WETH).
    function test_liquidate_roomAboveMinDebtThatFitsNoAmount_revertsAuctionCapReached() public {
        engine.setGlobalCap(150e18);
        uint256 id = _openEth(alice, 0.15e18, 180e18);
        _setEth(1_400); // liquidation limit 178.5 < 180
        vm.prank(keeper);
        try engine.liquidate(id) {
            revert("liquidated with no amount that fits");
        } catch (bytes memory err) {
            assertEq(bytes4(err), ILiquidationEngine.AuctionCapReached.selector);
            bytes memory args = new bytes(err.length - 4);
            for (uint256 i; i < args.length; ++i) args[i] = err[i + 4];
            (uint256 pid, uint256 room, uint256 minRoom) = abi.decode(args, (uint256, uint256, uint256));
            assertEq(pid, id);
            assertLe(room, 150e18);
            assertApproxEqAbs(room, 150e18, 1e6);
            assertEq(minRoom, 100e18);
        }
    }
}
