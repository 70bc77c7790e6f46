// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {console2} from "forge-std/console2.sol";

import {LiquidationFixture} from "./utils/LiquidationFixture.sol";
import {IVault} from "../contracts/interfaces/IVault.sol";
import {IOracleAdapter} from "../contracts/interfaces/IOracleAdapter.sol";
import {ITreasury} from "../contracts/interfaces/ITreasury.sol";
import {Treasury} from "../contracts/Treasury.sol";
import {ILiquidationEngine} from "../contracts/interfaces/ILiquidationEngine.sol";
import {IPositionLens} from "../contracts/interfaces/IPositionLens.sol";
import {AuctionMath} from "../contracts/libraries/AuctionMath.sol";
import {FixedMath} from "../contracts/libraries/FixedMath.sol";
import {MockFeed} from "../contracts/mocks/MockFeed.sol";
import {MockFlashBorrower} from "../contracts/mocks/MockFlashBorrower.sol";
import {MockTakeCallback, MockVenue} from "../contracts/mocks/MockTakeCallback.sol";
import {BlocklistToken} from "../contracts/mocks/WeirdTokens.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IBallastErrors} from "../contracts/interfaces/IBallastErrors.sol";
import {Artifacts} from "./utils/Artifacts.sol";

contract LiquidationEngineTest is LiquidationFixture {
    function test_treasury_followsTheVaultsTreasury() public {
        Treasury next = Treasury(Artifacts.deploy("Treasury.sol:Treasury", abi.encode(vault, address(manager))));
        vault.setTreasury(address(next));
        assertEq(address(engine.treasury()), address(next));
        // keeper pay on the next liquidation comes from (here: is minted unbacked by) the new treasury
        _liquidate(_underwater());
        _claimPay(keeper, BUSD);
        assertGt(next.history(BUSD).keeperPay, 0);
        assertEq(treasuryC.history(BUSD).keeperPay, 0);
    }

    function setUp() public override {
        super.setUp();
        vm.startPrank(taker);
        busd.approve(address(engine), MAX);
        beth.approve(address(engine), MAX);
        vm.stopPrank();
    }

    // ================================================================ helpers

    function _setBtc(uint256 usd) internal {
        btcFeed.setAnswer(int256(usd * 1e8));
    }

    /// @dev Mints `amount` bETH to `to` out of a USDC-backed position of bob's.
    function _fundBeth(address to, uint256 amount) internal {
        vm.prank(bob);
        vault.openAndMint(BETH, address(usdc), (amount * 10_000) / 1e12 + 1e6, amount, to);
    }

    /// @dev A $20,000 basket: 5 WETH, 0.1 WBTC, 4,000 USDC, with `debt` bUSD.
    function _open3(address user, uint256 debt) internal returns (uint256 id) {
        IVault.Action[] memory a = new IVault.Action[](5);
        a[0] = IVault.Action(IVault.Op.Open, BUSD, address(0), 0, address(0));
        a[1] = IVault.Action(IVault.Op.Deposit, 0, address(weth), 5e18, address(0));
        a[2] = IVault.Action(IVault.Op.Deposit, 0, address(wbtc), 0.1e8, address(0));
        a[3] = IVault.Action(IVault.Op.Deposit, 0, address(usdc), 4_000e6, address(0));
        a[4] = IVault.Action(IVault.Op.Mint, 0, address(0), debt, user);
        id = vault.nextPositionId();
        vm.prank(user);
        vault.batch(a);
    }

    function _claimPay(address who, uint256 synthId) internal returns (uint256 amount) {
        vm.prank(who);
        amount = engine.claimKeeperPay(synthId, who);
    }

    // ================================================================ liquidate

    function test_liquidate_revertsWhenHealthy() public {
        uint256 id = _openEth(alice, 10e18, 15_000e18);
        uint256 h = positionLens.healthOf(id).health;
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.PositionHealthy.selector, id, h));
        _liquidate(id);
    }

    function test_liquidate_revertsWithoutDebt() public {
        vm.prank(alice);
        uint256 id = vault.openAndMint(BUSD, address(weth), 1e18, 0, alice);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.PositionHealthy.selector, id, MAX));
        _liquidate(id);
    }

    function test_liquidate_revertsForUnknownPosition() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.PositionNotFound.selector, 99));
        _liquidate(99);
    }

    function test_liquidate_partialRestoresTargetHealth() public {
        uint256 id = _underwater();
        uint256 hBefore = positionLens.healthOf(id).health;
        assertLt(hBefore, 1e18);
        assertGe(hBefore, 0.95e18);
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(id);
        assertFalse(plan.full);
        assertFalse(plan.capped);
        // closed form by hand, with the 5% penalty and the 5% seize margin:
        // D = (1.1*15000 - 14450) / (1.1 - 1.05*1.05*14450/17000) = 2050 / 0.162875 = 12586.339...
        assertApproxEqRel(plan.debt, 12_586.339e18, 1e14);
        assertApproxEqRel(plan.penalty, (plan.debt * 5) / 100, 1e12);

        (uint256 auctionId, uint256 debt) = _liquidate(id);
        assertEq(debt, plan.debt);
        assertEq(auctionId, 1);
        assertApproxEqRel(positionLens.healthOf(id).health, 1.1e18, 1e12);
        assertGe(positionLens.healthOf(id).health, 1.1e18 - 1e10);
        assertEq(positionLens.debtOf(id), 15_000e18 - debt);
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        assertEq(a.lot, 10e18 - vault.collateralOf(id, address(weth)));
        assertEq(a.tab, plan.debt + plan.penalty);
        assertEq(a.debt, plan.debt);
        assertEq(a.top, (1_700e18 * 12) / 10);
        // the floor: where the lot still covers its whole tab (about 1,700 / 1.05), above 70% of the oracle price
        assertEq(a.floor, (uint256(a.tab) * 1e18 + a.lot - 1) / a.lot);
        assertGt(a.floor, (1_700e18 * 7) / 10);
        assertEq(positionLens.synthetic(BUSD).auctionDebt, debt);
        assertEq(weth.balanceOf(address(engine)), a.lot);
        // the seized value covers debt + penalty plus the 5% margin at the oracle price (rounded against the position)
        assertGe(uint256(a.lot) * 1_700 * 100, uint256(a.tab) * 105);
    }

    function test_liquidate_fullBelowFullLiquidationHealth() public {
        uint256 id = _openEth(alice, 10e18, 15_000e18);
        _setEth(1_600); // health 0.906
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(id);
        assertTrue(plan.full);
        (, uint256 debt) = _liquidate(id);
        assertEq(debt, 15_000e18);
        assertEq(positionLens.debtOf(id), 0);
        // debt + 5% penalty + 5% margin (16,537.5 USD) is worth more than the basket (16,000): all of it is seized,
        // and what the auction does not need comes back to the owner as a claim
        assertEq(vault.collateralOf(id, address(weth)), 0);
        assertEq(engine.auction(1).lot, 10e18);
        assertEq(positionLens.synthetic(BUSD).auctionDebt, 15_000e18);
    }

    function test_liquidate_fullWhenRemainderBelowMinDebt() public {
        // 150 bUSD of debt: a partial liquidation would leave less than the 100 bUSD minimum
        uint256 id = _openEth(alice, 0.1e18, 150e18);
        _setEth(1_700); // 0.1 * 1700 * 0.85 = 144.5 < 150
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(id);
        assertTrue(plan.full);
        _liquidate(id);
        assertEq(positionLens.debtOf(id), 0);
    }

    function test_liquidate_takesAtLeastMinDebt() public {
        // health just below 1: the closed form asks for little, the engine takes one minimum debt (100 bUSD)
        uint256 id = _openEth(alice, 10e18, 15_000e18);
        _setEth(1_764); // health 0.9996
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(id);
        assertFalse(plan.full);
        assertGe(plan.debt, 100e18);
        _liquidate(id);
        assertGe(positionLens.debtOf(id), 100e18);
    }

    function test_liquidate_seizesSameFractionOfEveryAsset() public {
        uint256 id = _open3(alice, 15_000e18);
        _setEth(1_600);
        _setBtc(48_000);
        (, uint256[] memory before) = positionLens.basketOf(id);
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(id);
        assertFalse(plan.full);
        (uint256 first, uint256 debt) = _liquidate(id);
        (, uint256[] memory afterAmounts) = positionLens.basketOf(id);
        // [wad] the share of the first asset seized: every asset gives up the same share, each lot rounded up (one
        // smallest unit at most, since none of these assets lowers the health when a unit more is taken)
        uint256 share = (plan.lots[0] * 1e18) / before[0];
        for (uint256 i; i < 3; ++i) {
            uint256 seized = before[i] - afterAmounts[i];
            assertEq(seized, plan.lots[i], "the Vault seized the plan's lot");
            assertEq(engine.auction(first + i).lot, seized);
            assertApproxEqAbs(seized, (before[i] * share) / 1e18, 2, "the same share of every asset");
        }
        // value-weighted penalty: (8000*5% + 4800*7% + 4000*3%) / 16800
        uint256 penaltyValue = 400e18 + 336e18 + 120e18;
        assertApproxEqAbs(plan.penalty, (debt * penaltyValue) / 16_800e18, 1);
        // tabs and debts split exactly
        uint256 tabSum;
        uint256 debtSum;
        for (uint256 i; i < 3; ++i) {
            tabSum += engine.auction(first + i).tab;
            debtSum += engine.auction(first + i).debt;
        }
        assertEq(tabSum, plan.debt + plan.penalty);
        assertEq(debtSum, debt);
        assertEq(engine.auctionCount(), 3);
        assertApproxEqRel(positionLens.healthOf(id).health, 1.1e18, 1e12);
    }

    function test_liquidate_paysKeeperTipPlusChip() public {
        uint256 id = _underwater();
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(id);
        uint256 expected = 2e18 + (plan.debt * 10) / 10_000;
        assertEq(plan.keeperPay, expected);
        _liquidate(id);
        // credited, not paid: no token moved yet
        assertEq(engine.keeperPayOwed(keeper, BUSD), expected);
        assertEq(busd.balanceOf(keeper), 0);
        assertEq(treasuryC.history(BUSD).keeperPay, 0);
        vm.expectEmit(address(engine));
        emit ILiquidationEngine.KeeperPayClaimed(keeper, BUSD, keeper, expected);
        assertEq(_claimPay(keeper, BUSD), expected);
        assertEq(busd.balanceOf(keeper), expected);
        assertEq(engine.keeperPayOwed(keeper, BUSD), 0);
        // the treasury had no surplus: the pay was minted unbacked and is visible as deficit
        assertEq(treasuryC.deficit(BUSD), expected);
        assertEq(treasuryC.history(BUSD).keeperPay, expected);
    }

    function test_liquidate_keeperPayIsCappedForLargePositions() public {
        vm.prank(alice);
        uint256 id = vault.openAndMint(BUSD, address(weth), 1_000e18, 1_500_000e18, alice);
        _setEth(1_600); // full: 1.5M of debt, chip alone would be 1,500
        _liquidate(id);
        assertEq(engine.keeperPayOwed(keeper, BUSD), 500e18);
    }

    function test_liquidate_keeperPayForSmallPositionsIsTipPlusChip() public {
        uint256 id = _openEth(alice, 0.1e18, 150e18);
        _setEth(1_700);
        _liquidate(id);
        assertEq(engine.keeperPayOwed(keeper, BUSD), 2e18 + (150e18 * 10) / 10_000); // worth it however small
    }

    function test_liquidate_revertsWhenOracleFails_repayAndDepositStillWork() public {
        uint256 id = _underwater();
        ethFeed.setMode(MockFeed.Mode.Revert);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleAdapter.PriceUnavailable.selector,
                address(weth),
                IOracleAdapter.PriceFailure.FeedReverted
            )
        );
        _liquidate(id);
        // the owner can still repay and deposit
        vm.startPrank(alice);
        vault.repay(id, 5_000e18);
        vault.deposit(id, address(weth), 1e18);
        vm.stopPrank();
        // the batch view flags it
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        (uint256[] memory h, bool[] memory ok) = positionLens.liquidationHealthOf(ids);
        assertFalse(ok[0]);
        assertEq(h[0], 0);
        // back up: the position is healthy again after the repay
        ethFeed.setMode(MockFeed.Mode.Normal);
        (h, ok) = positionLens.liquidationHealthOf(ids);
        assertTrue(ok[0]);
        assertGt(h[0], 1e18);
    }

    function test_liquidate_oracleFailureOnOneAssetDoesNotBlockOthers() public {
        uint256 ethPos = _underwater();
        vm.prank(bob);
        uint256 btcPos = vault.openAndMint(BUSD, address(wbtc), 1e8, 45_000e18, bob);
        _setBtc(52_000); // 52000*0.8 = 41600 < 45000
        btcFeed.setMode(MockFeed.Mode.Revert);
        vm.expectRevert();
        _liquidate(btcPos);
        _liquidate(ethPos); // the ETH position is unaffected
    }

    /// @dev alice: 10 WETH + 0.0001 WBTC (about $6 of dust), 15,000 bUSD; ETH to 1,700 (health ~0.963).
    function _underwaterWithBtcDust() internal returns (uint256 id) {
        id = _openEth(alice, 10e18, 15_000e18);
        vm.prank(alice);
        vault.deposit(id, address(wbtc), 0.0001e8);
        _setEth(1_700);
    }

    function test_liquidate_failedDustAssetIsValuedAtZeroAndStaysInThePosition() public {
        uint256 id = _underwaterWithBtcDust();
        btcFeed.setMode(MockFeed.Mode.Revert); // the dust asset's feed fails
        // the Vault's own health check cannot price the basket, the liquidation view can
        vm.expectRevert();
        positionLens.healthOf(id);
        IVault.LiquidationState memory st = positionLens.liquidationState(id);
        assertEq(st.prices[1], 0, "failed asset priced");
        assertEq(st.values[1], 0, "failed asset valued");
        assertEq(st.pricedMask, 1, "only WETH (asset id 0) is priced");
        assertEq(st.liquidationLimit, (17_000e18 * 8_500) / 10_000);

        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(id);
        uint256 first = engine.nextAuctionId();
        (uint256 auctionId, uint256 debt) = _liquidate(id);
        assertEq(auctionId, first);
        assertEq(debt, plan.debt);
        assertEq(engine.nextAuctionId(), first + 1, "one auction: WETH only");
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        assertEq(a.asset, address(weth));
        assertEq(a.market, 1_700e18, "sold at the valid oracle price");
        assertEq(vault.collateralOf(id, address(wbtc)), 0.0001e8, "the unpriced dust stays in the position");
        assertEq(wbtc.balanceOf(address(engine)), 0, "nothing of the unpriced asset was seized");
        assertEq(vault.collateralOf(id, address(weth)), 10e18 - a.lot);
    }

    function test_liquidate_staleDustAssetDoesNotBlockTheLiquidation() public {
        uint256 id = _underwaterWithBtcDust();
        vm.warp(block.timestamp + 1 days + 1); // every feed stale ...
        _setEth(1_700); // ... but ETH's (and USDC's)
        usdcFeed.setAnswer(1e8);
        (uint256[] memory h, bool[] memory ok) = positionLens.liquidationHealthOf(_one(id));
        assertTrue(ok[0], "the keepers' batch view values the stale dust at 0");
        assertLt(h[0], 1e18);
        _liquidate(id);
        assertEq(vault.collateralOf(id, address(wbtc)), 0.0001e8);
        assertGt(positionLens.synthetic(BUSD).auctionDebt, 0);
    }

    function test_liquidate_positionWhoseOnlyCollateralFailedIsNotLiquidatable() public {
        uint256 id = _underwater();
        vm.warp(block.timestamp + 1 days + 1); // WETH's feed goes stale
        bytes memory stale = abi.encodeWithSelector(
            IOracleAdapter.PriceUnavailable.selector,
            address(weth),
            IOracleAdapter.PriceFailure.Stale
        );
        vm.expectRevert(stale);
        _liquidate(id);
        vm.expectRevert(stale);
        engine.previewLiquidation(id);
        // the same with two assets, both failed
        vm.prank(alice);
        vault.deposit(id, address(wbtc), 0.0001e8);
        btcFeed.setMode(MockFeed.Mode.Revert);
        vm.expectRevert(stale);
        _liquidate(id);
    }

    function test_liquidate_unpricedShareCapsTheDebtAtWhatThePricedLotCovers() public {
        // 1 WETH ($2,000) + 0.5 WBTC ($30,000), 24,000 bUSD (health ~1.07); then BTC's feed fails
        uint256 id = _openEthBtcThenBtcFails(1e18, 0.5e8, 24_000e18);
        // at 0 for BTC the health is 1,700 / 24,000: a full liquidation, but only 1 WETH can be sold
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(id);
        uint256 cover = _cover(2_000e18, 100e18); // penalty 5% of WETH
        assertTrue(plan.capped, "cut down to the priced lot");
        assertFalse(plan.full);
        assertLe(plan.debtValue, cover);
        assertGe(plan.debt, cover - 1e18);
        (uint256 auctionId, ) = _liquidate(id);
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        assertEq(a.lot, 1e18, "the whole priced asset");
        // the lot covers its tab down to 1/1.05 of the oracle price (the margin): no bad debt while the BTC stays
        assertLe(uint256(a.tab), uint256(2_000e18 * 10_000) / 10_500 + 1e6);
        assertEq(vault.collateralOf(id, address(wbtc)), 0.5e8);
        assertEq(positionLens.debtOf(id), 24_000e18 - plan.debt);
    }

    function test_liquidate_revertsWhenThePricedLotCannotCoverTheMinimumDebt() public {
        // 0.05 WETH ($100) + 0.5 WBTC; BTC's feed fails: the priced part covers less than one minDebt (100 bUSD)
        uint256 id = _openEthBtcThenBtcFails(0.05e18, 0.5e8, 22_000e18);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.PricedLotTooSmall.selector, id, _cover(100e18, 5e18), 100e18)
        );
        _liquidate(id);
    }

    /// @dev alice: `eth` WETH + `btc` WBTC with `debt` bUSD; then BTC's feed reverts.
    function _openEthBtcThenBtcFails(uint256 eth, uint256 btc, uint256 debt) internal returns (uint256 id) {
        id = _openEth(alice, eth, 0);
        vm.startPrank(alice);
        vault.deposit(id, address(wbtc), btc);
        vault.mint(id, debt, alice);
        vm.stopPrank();
        btcFeed.setMode(MockFeed.Mode.Revert);
    }

    /// @return [wad USD] The debt value a whole priced lot worth `cv` carries with penalty `penaltyValue` and the 5%
    ///         margin: cv * (cv / (cv + extra)), extra = (cv + penaltyValue) * 1.05 - cv (the engine's rule, rounded as
    ///         it is: the carry per unit of value rounded down, then the lot's debt value rounded down).
    function _cover(uint256 cv, uint256 penaltyValue) internal pure returns (uint256) {
        uint256 extra = FixedMath.mulDivUp(cv + penaltyValue, 10_500, 10_000) - cv;
        return FixedMath.mulDivDown(cv, FixedMath.mulDivDown(cv, 1e18, cv + extra), 1e18);
    }

    /// @dev Liquidating `id` reverts `AuctionCapReached` with less room than one minimum debt (a cap filled to within
    ///      the rounding of its last lot leaves a few wei of room).
    function _expectCapReached(uint256 id) internal {
        vm.prank(keeper);
        try engine.liquidate(id) {
            revert("liquidated past a full cap");
        } catch (bytes memory err) {
            assertEq(bytes4(err), ILiquidationEngine.AuctionCapReached.selector, "not AuctionCapReached");
            (uint256 pid, uint256 room, uint256 minRoom) = abi.decode(_args(err), (uint256, uint256, uint256));
            assertEq(pid, id);
            assertLt(room, minRoom, "room for a liquidation was left");
        }
    }

    /// @return a The arguments of a custom error's revert data (its selector cut off).
    function _args(bytes memory err) internal pure returns (bytes memory a) {
        a = new bytes(err.length - 4);
        for (uint256 i; i < a.length; ++i) a[i] = err[i + 4];
    }

    function _one(uint256 id) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](1);
        ids[0] = id;
    }

    function test_liquidate_revertsWhenNoCapRoom() public {
        engine.setGlobalCap(0);
        uint256 id = _underwater();
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.AuctionCapReached.selector, id, 0, 100e18));
        _liquidate(id);
    }

    function test_liquidate_partialUpToCapRoom() public {
        engine.setAssetCap(address(weth), 3_000e18);
        uint256 id = _underwater();
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(id);
        assertTrue(plan.capped);
        // the room, to within the rounding of the lot (a wei of WETH is worth 1,700 wei of bUSD)
        assertLe(plan.debtValue, 3_000e18);
        assertApproxEqAbs(plan.debtValue, 3_000e18, 1e6);
        _liquidate(id);
        assertEq(engine.assetDirt(address(weth)), plan.debtValue);
        assertEq(engine.globalDirt(), plan.debtValue);
        assertLt(positionLens.healthOf(id).health, 1e18); // still liquidatable, once room frees
        _expectCapReached(id);
    }

    function test_liquidate_bEthConvertsAtTheSyntheticPrice() public {
        // bETH debt against WBTC: 1 WBTC (60,000) backing 22 bETH (44,000)
        vm.prank(alice);
        uint256 id = vault.openAndMint(BETH, address(wbtc), 1e8, 22e18, alice);
        _setBtc(54_000); // LL 43,200 < 44,000
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(id);
        assertFalse(plan.full);
        (uint256 auctionId, ) = _liquidate(id);
        assertApproxEqRel(positionLens.healthOf(id).health, 1.1e18, 1e12);
        // price in bETH per WBTC: 54,000 / 2,000 = 27, plus 20%
        assertEq(engine.auction(auctionId).top, 32.4e18);
        assertEq(engine.keeperPayOwed(keeper, BUSD), 0);
        assertEq(engine.keeperPayOwed(keeper, BETH), 0.001e18 + (plan.debt * 10) / 10_000);
        _claimPay(keeper, BETH);
        assertEq(beth.balanceOf(keeper), 0.001e18 + (plan.debt * 10) / 10_000);
    }

    function test_liquidate_emitsLiquidationStarted() public {
        uint256 id = _underwater();
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(id);
        vm.expectEmit(address(engine));
        emit ILiquidationEngine.LiquidationStarted(
            id,
            BUSD,
            keeper,
            plan.debt,
            plan.penalty,
            plan.debtValue,
            false,
            plan.keeperPay,
            1
        );
        _liquidate(id);
    }

    // ================================================================ take

    function test_take_fullCoversTabAndCreditsLeftover() public {
        uint256 id = _underwater();
        (uint256 auctionId, uint256 debt) = _liquidate(id);
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        _fundBusd(taker, 20_000e18);
        uint256 price = _auctionPrice(auctionId);
        assertEq(price, a.top);
        (uint256 got, uint256 owe) = _take(auctionId, MAX);
        // the smallest amount that covers the tab, each unit at the price (never above it per whole token)
        assertEq(got, (uint256(a.tab) * 1e18 + price - 1) / price);
        assertEq(owe, (got * price + 1e18 - 1) / 1e18);
        assertGe(owe, a.tab);
        assertEq(weth.balanceOf(taker), got);
        // settled: leftover to alice as a claim, debt burned, penalty at the treasury
        assertEq(engine.claimable(alice, address(weth)), a.lot - got);
        assertEq(engine.auctionCount(), 0);
        assertEq(engine.auction(auctionId).tab, 0);
        assertEq(positionLens.synthetic(BUSD).auctionDebt, 0);
        assertEq(engine.globalDirt(), 0);
        assertEq(engine.assetDirt(address(weth)), 0);
        // the penalty, plus what the unit rounding fetched beyond the tab (under the dust: not worth a claim)
        assertEq(treasuryC.history(BUSD).penalties, owe - debt);
        assertLt(owe - a.tab, price / 1e18 + 1);
        assertEq(busd.balanceOf(address(engine)), 0);
        assertEq(weth.balanceOf(address(engine)), a.lot - got);
    }

    function test_take_partialBurnsDebtFirstThenPenalty() public {
        uint256 id = _underwater();
        (uint256 auctionId, uint256 debt) = _liquidate(id);
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        _fundBusd(taker, 20_000e18);
        uint256 supplyBefore = busd.totalSupply();
        (, uint256 owe) = _take(auctionId, 2e18); // 2 WETH at 2,040 = 4,080 < debt part
        assertEq(busd.totalSupply(), supplyBefore - owe);
        assertEq(positionLens.synthetic(BUSD).auctionDebt, debt - owe);
        assertEq(treasuryC.history(BUSD).penalties, 0);
        ILiquidationEngine.Auction memory b = engine.auction(auctionId);
        assertEq(b.tab, a.tab - owe);
        assertEq(b.lot, a.lot - 2e18);
        // dirt fell pro rata with the debt burned
        assertApproxEqAbs(engine.globalDirt(), (uint256(a.dirt) * (debt - owe)) / debt, 1);
        // the rest: pays the remaining debt part and the whole penalty
        uint256 price = _auctionPrice(auctionId);
        (, uint256 owe2) = _take(auctionId, MAX);
        assertGe(owe2, b.tab);
        assertLt(owe2 - b.tab, price / 1e18 + 2, "at most a unit's price beyond the tab");
        assertEq(treasuryC.history(BUSD).penalties, a.tab - debt + owe2 - b.tab);
        assertEq(positionLens.synthetic(BUSD).auctionDebt, 0);
        assertEq(engine.globalDirt(), 0);
    }

    function test_take_revertsAboveMaxPrice() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        uint256 price = _auctionPrice(auctionId);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.PriceAboveMax.selector, auctionId, price, price - 1));
        vm.prank(taker);
        engine.take(auctionId, MAX, price - 1, taker, "");
    }

    function test_take_revertsForUnknownAuction() public {
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.AuctionNotFound.selector, 7));
        _take(7, 1e18);
    }

    function test_take_revertsWhenNeedsReset() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        skip(2 hours + 1);
        uint256 price = _auctionPrice(auctionId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.AuctionNeedsReset.selector,
                auctionId,
                price,
                a.floor,
                2 hours + 1
            )
        );
        _take(auctionId, 1e18);
    }

    function test_take_revertsWhenLeavingDustTab() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        _fundBusd(taker, 20_000e18);
        uint256 price = _auctionPrice(auctionId);
        // buy all but 50 bUSD of the tab: the tab left would be below the 100 bUSD dust
        uint256 amount = ((uint256(a.tab) - 50e18) * 1e18) / price;
        uint256 owe = (amount * price + 1e18 - 1) / 1e18;
        uint256 lotLeftValue = ((a.lot - amount) * price) / 1e18;
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.TakeLeavesDust.selector,
                auctionId,
                a.tab - owe,
                lotLeftValue,
                100e18
            )
        );
        _take(auctionId, amount);
        assertEq(engine.auction(auctionId).tab, a.tab, "the refused take changed nothing");
        // taking it all works; so does leaving more
        _take(auctionId, amount / 2);
        _take(auctionId, MAX);
        assertEq(engine.auctionCount(), 0);
    }

    function test_take_revertsWhenLeavingDustLot() public {
        // underwater lot: the tab is more than the lot is worth, so it is the lot that must not become dust
        uint256 id = _openEth(alice, 10e18, 15_000e18);
        _setEth(1_400); // health 0.79: full liquidation, lot = the whole 10 WETH (needs 11.25)
        (uint256 auctionId, ) = _liquidate(id);
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        assertEq(a.lot, 10e18);
        _fundBusd(taker, 40_000e18);
        skip(7 * 90);
        uint256 price = _auctionPrice(auctionId);
        uint256 amount = a.lot - 0.01e18; // leaves 0.01 WETH = ~16.8 bUSD < 100
        uint256 owe = (amount * price + 1e18 - 1) / 1e18;
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.TakeLeavesDust.selector,
                auctionId,
                a.tab - owe,
                (0.01e18 * price) / 1e18,
                100e18
            )
        );
        _take(auctionId, amount);
    }

    function test_take_underwaterLotWritesOffBadDebt() public {
        uint256 id = _openEth(alice, 10e18, 15_000e18);
        _setEth(1_400);
        (uint256 auctionId, ) = _liquidate(id);
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        _fundBusd(taker, 40_000e18);
        uint256 deficitBefore = treasuryC.deficit(BUSD); // keeper pay, unbacked
        skip(7 * 90); // 1,680 * 0.99^7 = 1,566: the lot no longer covers the tab (15,750)
        (uint256 got, uint256 owe) = _take(auctionId, MAX); // the whole lot: 15,660 > 15,000 debt
        assertEq(got, 10e18);
        assertLt(owe, a.tab);
        assertGt(owe, a.debt);
        // the debt was covered, only part of the penalty: no bad debt
        assertEq(treasuryC.deficit(BUSD), deficitBefore > owe - a.debt ? deficitBefore - (owe - a.debt) : 0);
        assertEq(positionLens.synthetic(BUSD).auctionDebt, 0);
        assertEq(engine.claimable(alice, address(weth)), 0);
    }

    function test_take_throughCallbackSellsBeforePaying() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        MockVenue venue = new MockVenue(busd);
        _fundBusd(address(venue), 50_000e18);
        venue.setPrice(address(weth), 1_700e18); // the market buys at the oracle price
        MockTakeCallback bot = new MockTakeCallback(engine, venue);
        // wait until the auction price is under the market: 2,040 * 0.99^19 = 1,685
        skip(19 * 90);
        uint256 price = _auctionPrice(auctionId);
        assertLt(price, 1_700e18);
        assertEq(busd.balanceOf(address(bot)), 0);
        bot.run(auctionId, MAX, price, address(weth));
        assertEq(bot.lastTaker(), address(bot));
        // the 5% seize margin keeps the lot worth more than the tab just under the oracle price: the take buys only
        // what covers the tab (to the unit, at the price) and the rest is the owner's claim
        assertGe(bot.lastOwe(), a.tab);
        assertLt(bot.lastOwe() - a.tab, price / 1e18 + 1);
        assertLt(bot.lastCollateral(), a.lot);
        assertEq(engine.claimable(alice, address(weth)), a.lot - bot.lastCollateral());
        assertGt(busd.balanceOf(address(bot)), 0); // the keeper's profit, with no capital of its own
        assertEq(engine.auctionCount(), 0);
        assertEq(weth.balanceOf(address(bot)), 0);
    }

    function test_take_callbackMustPayOrTheTakeReverts() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        MockVenue venue = new MockVenue(busd);
        _fundBusd(address(venue), 50_000e18);
        venue.setPrice(address(weth), 1_000e18); // too cheap: the bot cannot raise what it owes
        MockTakeCallback bot = new MockTakeCallback(engine, venue);
        vm.expectRevert();
        bot.run(auctionId, MAX, MAX, address(weth));
        assertEq(engine.auction(auctionId).lot, engine.auction(auctionId).lot); // unchanged, still live
        assertEq(engine.auctionCount(), 1);
    }

    function test_take_callbackCannotReenter() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        Reenterer r = new Reenterer(engine, auctionId);
        vm.expectRevert(); // ReentrancyGuardReentrantCall inside the callback
        vm.prank(taker);
        engine.take(auctionId, 1e18, MAX, address(r), "x");
    }

    // ================================================================ reset

    function test_reset_revertsWhenFresh() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.AuctionNotResettable.selector,
                auctionId,
                _auctionPrice(auctionId),
                0
            )
        );
        engine.reset(auctionId);
    }

    function test_reset_revertsForUnknownAuction() public {
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.AuctionNotFound.selector, 3));
        engine.reset(3);
    }

    function test_reset_afterMaxDurationRestartsAndPaysKeeper() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        skip(2 hours + 1);
        _setEth(1_650);
        uint256 before = engine.keeperPayOwed(bob, BUSD);
        vm.prank(bob);
        engine.reset(auctionId);
        ILiquidationEngine.Auction memory b = engine.auction(auctionId);
        assertEq(b.startTime, block.timestamp);
        assertEq(b.top, (1_650e18 * 12) / 10);
        // the lot is still worth its debt at 1,650: the floor is where it covers its tab, above 70% of 1,650
        assertEq(b.floor, (uint256(b.tab) * 1e18 + b.lot - 1) / b.lot);
        assertGt(b.floor, (1_650e18 * 7) / 10);
        assertEq(b.lot, a.lot);
        assertEq(engine.keeperPayOwed(bob, BUSD) - before, 2e18 + (uint256(a.debt) * 10) / 10_000);
        assertEq(_auctionPrice(auctionId), b.top);
    }

    /// @dev An auction nobody takes at an unchanged oracle price (its lot is worth less than the oracle says) can be
    ///      reset each time its price reaches its floor, where the lot just covers its tab; such a reset restarts it
    ///      and pays nothing, so an unsold lot no longer drains the Treasury (docs/risks.md).
    function test_reset_unsoldLotAtAnUnchangedPriceRestartsWithoutPay() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        uint256 t = vm.getBlockTimestamp(); // [s] not block.timestamp: the IR pipeline may re-read it after a warp
        for (uint256 i; i < 3; ++i) {
            // the first step at which the price is under the floor
            uint256 k;
            while (AuctionMath.price(a.top, k * 90, false, 2 hours, 90, 9_900) >= a.floor) ++k;
            vm.warp(t + k * 90 - 1);
            _refreshFeeds();
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILiquidationEngine.AuctionNotResettable.selector,
                    auctionId,
                    _auctionPrice(auctionId),
                    k * 90 - 1
                )
            );
            engine.reset(auctionId);
            vm.warp(t += k * 90);
            vm.prank(bob);
            engine.reset(auctionId);
            assertEq(engine.auction(auctionId).startTime, t);
            assertEq(engine.keeperPayOwed(bob, BUSD), 0, "no pay at an unchanged price");
        }
        assertEq(engine.auction(auctionId).tab, a.tab, "the tab is unchanged");
    }

    function test_reset_whenPriceFellBelowShareOfOracle() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        skip(15 * 90); // price = 2040 * 0.99^15 = 1,756, above the floor (about 1,619)
        vm.expectRevert();
        engine.reset(auctionId);
        _setEth(2_600); // 70% of 2,600 = 1,820 > 1,756: too cheap against the market now
        (, bool needsReset) = engine.auctionStatus(auctionId);
        assertTrue(needsReset);
        engine.reset(auctionId);
        assertEq(engine.auction(auctionId).top, 3_120e18);
    }

    function test_reset_revertsWhenOracleFails() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        skip(2 hours + 1);
        ethFeed.setMode(MockFeed.Mode.Revert);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleAdapter.PriceUnavailable.selector,
                address(weth),
                IOracleAdapter.PriceFailure.FeedReverted
            )
        );
        engine.reset(auctionId);
    }

    // ================================================================ claim

    function test_flashMintFeesGoToTheTreasury() public {
        assertEq(busd.feeReceiver(), address(treasuryC));
        assertEq(beth.feeReceiver(), address(treasuryC));
        MockFlashBorrower borrower = new MockFlashBorrower();
        uint256 fee = busd.flashFee(address(busd), 100_000e18); // 9 bps, rounded up
        _fundBusd(address(this), 100e18);
        busd.transfer(address(borrower), fee);
        uint256 before = treasuryC.surplus(BUSD);
        busd.flashLoan(borrower, address(busd), 100_000e18, "");
        assertEq(treasuryC.surplus(BUSD), before + fee, "the fee is Treasury surplus");
    }

    function test_claimKeeperPay_revertsWhenNothingIsOwedOrToZero() public {
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NoKeeperPay.selector, keeper, BUSD));
        _claimPay(keeper, BUSD);
        _liquidate(_underwater());
        vm.expectRevert(IBallastErrors.ZeroAddress.selector);
        vm.prank(keeper);
        engine.claimKeeperPay(BUSD, address(0));
        _claimPay(keeper, BUSD);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NoKeeperPay.selector, keeper, BUSD));
        _claimPay(keeper, BUSD); // claimed once only
    }

    function test_claimKeeperPay_gathersSeveralLiquidationsAndPaysFromSurplusFirst() public {
        uint256 b = _openEth(bob, 10e18, 15_000e18);
        uint256 a = _underwater();
        address donor = makeAddr("donor");
        _fundBusd(donor, 100e18);
        vm.prank(donor);
        busd.transfer(address(treasuryC), 10e18); // a surplus of 10 bUSD
        _liquidate(a);
        _liquidate(b);
        uint256 owed = engine.keeperPayOwed(keeper, BUSD);
        assertEq(owed, 2 * (2e18 + (engine.auction(1).debt * 10) / 10_000));
        address to = makeAddr("payee");
        vm.prank(keeper);
        engine.claimKeeperPay(BUSD, to);
        assertEq(busd.balanceOf(to), owed);
        ITreasury.History memory h = treasuryC.history(BUSD);
        assertEq(h.keeperPay, owed);
        assertEq(h.keeperPayUnbacked, owed - 10e18, "the surplus paid first");
        assertEq(treasuryC.deficit(BUSD), owed - 10e18);
    }

    function test_claim_sendsLeftoverToOwner() public {
        uint256 id = _underwater();
        (uint256 auctionId, ) = _liquidate(id);
        _fundBusd(taker, 20_000e18);
        _take(auctionId, MAX);
        uint256 claim = engine.claimable(alice, address(weth));
        assertGt(claim, 0);
        uint256 before = weth.balanceOf(alice);
        vm.expectEmit(address(engine));
        emit ILiquidationEngine.LeftoverClaimed(alice, address(weth), alice, claim);
        vm.prank(alice);
        assertEq(engine.claim(address(weth)), claim);
        assertEq(weth.balanceOf(alice) - before, claim);
        assertEq(engine.claimable(alice, address(weth)), 0);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NothingToClaim.selector, alice, address(weth)));
        vm.prank(alice);
        engine.claim(address(weth));
    }

    function test_claim_goesToTheOwnerAtSettlement() public {
        uint256 id = _underwater();
        (uint256 auctionId, ) = _liquidate(id);
        vm.prank(alice);
        vault.transferPosition(id, bob);
        _fundBusd(taker, 20_000e18);
        _take(auctionId, MAX);
        assertEq(engine.claimable(alice, address(weth)), 0);
        assertGt(engine.claimable(bob, address(weth)), 0);
    }

    function test_claim_blocklistedOwnerClaimsToAnotherAddress() public {
        BlocklistToken blk = new BlocklistToken();
        _feed(address(blk), 8, 1e8);
        vault.listAsset(address(blk), IVault.AssetParams(9_000, 9_300, 300, 100_000_000, false));
        engine.setAssetCap(address(blk), 10_000_000e18);
        blk.mint(alice, 10_000e6);
        vm.startPrank(alice);
        blk.approve(address(vault), MAX);
        uint256 id = vault.openAndMint(BUSD, address(blk), 10_000e6, 9_000e18, alice);
        vm.stopPrank();
        usdcFeed.setAnswer(1e8);
        MockFeed(address(oracle.feedsOf(address(blk)).primary.aggregator)).setAnswer(0.95e8); // health 0.98
        (uint256 auctionId, ) = _liquidate(id);
        blk.setBlocked(alice, true); // alice is blocklisted before her auction settles
        _fundBusd(taker, 20_000e18);
        _take(auctionId, MAX); // settlement never pushes to alice: it cannot be blocked
        uint256 claim = engine.claimable(alice, address(blk));
        assertGt(claim, 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(BlocklistToken.Blocked.selector, alice));
        engine.claim(address(blk));
        address other = makeAddr("alice-cold");
        vm.prank(alice);
        engine.claim(address(blk), other);
        assertEq(blk.balanceOf(other), claim);
    }

    function test_claim_revertsToZeroAddress() public {
        vm.expectRevert(IBallastErrors.ZeroAddress.selector);
        engine.claim(address(weth), address(0));
    }

    // ================================================================ governance

    function test_setters_areRestricted() public {
        ILiquidationEngine.AuctionParams memory p = engine.auctionParams();
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        engine.setGlobalCap(1);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        engine.setAssetCap(address(weth), 1);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        engine.setLiquidationParams(ILiquidationEngine.LiquidationParams(1.1e18, 0.95e18));
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        engine.setAuctionParams(p);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        engine.setKeeperParams(BUSD, ILiquidationEngine.KeeperParams(1, 1, 1));
        vm.stopPrank();
    }

    function test_setters_enforceBoundsAndEmit() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.InvalidParam.selector,
                ILiquidationEngine.Param.TargetHealth,
                1e18
            )
        );
        engine.setLiquidationParams(ILiquidationEngine.LiquidationParams(1e18, 0.95e18));
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.InvalidParam.selector,
                ILiquidationEngine.Param.TargetHealth,
                2e18 + 1
            )
        );
        engine.setLiquidationParams(ILiquidationEngine.LiquidationParams(2e18 + 1, 0.95e18));
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.InvalidParam.selector,
                ILiquidationEngine.Param.FullLiquidationHealth,
                0.4e18
            )
        );
        engine.setLiquidationParams(ILiquidationEngine.LiquidationParams(1.2e18, 0.4e18));
        vm.expectEmit(address(engine));
        emit ILiquidationEngine.LiquidationParamsSet(ILiquidationEngine.LiquidationParams(1.2e18, 0.9e18));
        engine.setLiquidationParams(ILiquidationEngine.LiquidationParams(1.2e18, 0.9e18));

        ILiquidationEngine.AuctionParams memory p = engine.auctionParams();
        p.startBufferBps = 5_001;
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.InvalidParam.selector,
                ILiquidationEngine.Param.StartBufferBps,
                5_001
            )
        );
        engine.setAuctionParams(p);
        p = engine.auctionParams();
        p.resetBelowBps = 999;
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.InvalidParam.selector,
                ILiquidationEngine.Param.ResetBelowBps,
                999
            )
        );
        engine.setAuctionParams(p);
        p = engine.auctionParams();
        p.cutBps = 10_000;
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.InvalidParam.selector, ILiquidationEngine.Param.CutBps, 10_000)
        );
        engine.setAuctionParams(p);
        p = engine.auctionParams();
        p.step = 0;
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.InvalidParam.selector, ILiquidationEngine.Param.Step, 0)
        );
        engine.setAuctionParams(p);
        p = engine.auctionParams();
        p.maxDuration = 8 days;
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.InvalidParam.selector,
                ILiquidationEngine.Param.MaxDuration,
                8 days
            )
        );
        engine.setAuctionParams(p);
        p = engine.auctionParams();
        p.step = 1 hours; // one step of an hour and a 10-minute life: never offered below 120% of the market
        p.maxDuration = 10 minutes;
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.InvalidParam.selector,
                ILiquidationEngine.Param.MaxDuration,
                10 minutes
            )
        );
        engine.setAuctionParams(p);
        p = engine.auctionParams();
        p.duration = 1;
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.InvalidParam.selector, ILiquidationEngine.Param.Duration, 1)
        );
        engine.setAuctionParams(p);
        p = engine.auctionParams();
        p.curve = ILiquidationEngine.Curve.Linear;
        vm.expectEmit(address(engine));
        emit ILiquidationEngine.AuctionParamsSet(p);
        engine.setAuctionParams(p);

        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.InvalidParam.selector, ILiquidationEngine.Param.Tip, 1_001e18)
        );
        engine.setKeeperParams(BUSD, ILiquidationEngine.KeeperParams(1_001e18, 0, 2_000e18));
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.InvalidParam.selector, ILiquidationEngine.Param.ChipBps, 101)
        );
        engine.setKeeperParams(BUSD, ILiquidationEngine.KeeperParams(1e18, 101, 2e18));
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.InvalidParam.selector, ILiquidationEngine.Param.MaxPay, 1e18)
        );
        engine.setKeeperParams(BUSD, ILiquidationEngine.KeeperParams(2e18, 0, 1e18));
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.InvalidParam.selector, ILiquidationEngine.Param.SynthId, 5)
        );
        engine.setKeeperParams(5, ILiquidationEngine.KeeperParams(1e18, 0, 1e18));
        vm.expectEmit(address(engine));
        emit ILiquidationEngine.KeeperParamsSet(BUSD, ILiquidationEngine.KeeperParams(1e18, 5, 10e18));
        engine.setKeeperParams(BUSD, ILiquidationEngine.KeeperParams(1e18, 5, 10e18));

        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.InvalidParam.selector,
                ILiquidationEngine.Param.GlobalCap,
                1e30 + 1
            )
        );
        engine.setGlobalCap(1e30 + 1);
        vm.expectEmit(address(engine));
        emit ILiquidationEngine.GlobalCapSet(5e18);
        engine.setGlobalCap(5e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.InvalidParam.selector,
                ILiquidationEngine.Param.Asset,
                uint256(uint160(alice))
            )
        );
        engine.setAssetCap(alice, 1);
        vm.expectEmit(address(engine));
        emit ILiquidationEngine.AssetCapSet(address(weth), 7e18);
        engine.setAssetCap(address(weth), 7e18);
    }

    // ================================================================ views

    function test_getAuctions_listsLiveAuctionsWithPrices() public {
        uint256 id = _open3(alice, 15_000e18);
        _setEth(1_600);
        _setBtc(48_000);
        _liquidate(id);
        IPositionLens.AuctionView[] memory list = positionLens.getAuctions(0, 10);
        assertEq(list.length, 3);
        for (uint256 i; i < 3; ++i) {
            assertEq(list[i].id, i + 1);
            assertEq(list[i].positionId, id);
            assertEq(list[i].price, engine.auction(i + 1).top);
            assertFalse(list[i].needsReset);
        }
        assertEq(list[0].asset, address(weth));
        assertEq(list[1].asset, address(wbtc));
        assertEq(list[2].asset, address(usdc));
        list = positionLens.getAuctions(1, 1);
        assertEq(list.length, 1);
        assertEq(list[0].id, 2);
        assertEq(positionLens.getAuctions(3, 5).length, 0);
        skip(2 hours + 1);
        list = positionLens.getAuctions(0, 10);
        assertTrue(list[0].needsReset);
        assertEq(engine.auctionCount(), 3);
    }

    function test_healthOf_batch() public {
        uint256 a = _openEth(alice, 10e18, 15_000e18);
        uint256[] memory ids = new uint256[](3);
        ids[0] = a;
        ids[1] = 42; // no such position
        ids[2] = a;
        (uint256[] memory h, bool[] memory ok) = positionLens.liquidationHealthOf(ids);
        assertEq(h[0], positionLens.healthOf(a).health);
        assertTrue(ok[0]);
        assertFalse(ok[1]);
        assertEq(h[2], h[0]);
    }

    // ================================================================ scenarios

    /// @dev ETH crashes 25%: five positions go under at once; a 40,000 USD cap on WETH throttles the auctions, each
    ///      liquidation partial up to the room, and liquidations resume as takes burn debt.
    function test_scenario_crashCapsThrottleAuctions() public {
        engine.setAssetCap(address(weth), 40_000e18);
        uint256[] memory ids = new uint256[](5);
        for (uint256 i; i < 5; ++i) ids[i] = _openEth(i % 2 == 0 ? alice : bob, 10e18, 15_000e18);
        _setEth(1_450); // health 0.82, under water: full liquidations of 15,000 each would need 75,000 of room
        _liquidate(ids[0]);
        _liquidate(ids[1]);
        assertEq(engine.assetDirt(address(weth)), 30_000e18);
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(ids[2]);
        assertTrue(plan.capped);
        _liquidate(ids[2]); // partial: only 10,000 of room (filled to within the rounding of the lot)
        assertLe(engine.assetDirt(address(weth)), 40_000e18);
        assertApproxEqAbs(engine.assetDirt(address(weth)), 40_000e18, 1e6);
        assertApproxEqAbs(positionLens.debtOf(ids[2]), 5_000e18, 1e6);
        _expectCapReached(ids[3]);

        // takers clear the first auction: the room comes back
        _fundBusd(taker, 100_000e18);
        skip(20 * 90);
        _take(1, MAX);
        assertApproxEqAbs(engine.assetDirt(address(weth)), 25_000e18, 1e6);
        _liquidate(ids[3]); // interest made the debt exceed the room: partial, leaving exactly the minimum debt
        assertEq(positionLens.debtOf(ids[3]), 100e18);
        assertGe(engine.assetDirt(address(weth)), 39_900e18);
        assertLe(engine.assetDirt(address(weth)), 40_000e18);
        // a partial take frees room pro rata to the debt it burns
        _take(2, 3e18);
        uint256 room = 40_000e18 - engine.assetDirt(address(weth));
        assertGt(room, 0);
        plan = engine.previewLiquidation(ids[4]);
        assertTrue(plan.capped);
        assertLe(plan.debtValue, room);
        assertApproxEqAbs(plan.debtValue, room, 1e6);
        _liquidate(ids[4]);
        // the global dirt always equals the sum of the live auctions' dirt
        uint256 sum;
        IPositionLens.AuctionView[] memory live = positionLens.getAuctions(0, 100);
        for (uint256 i; i < live.length; ++i) sum += engine.auction(live[i].id).dirt;
        assertEq(engine.globalDirt(), sum);
        assertEq(engine.assetDirt(address(weth)), sum);
    }

    /// @dev Nobody bids for hours: the price decays to the floor, takes stop, a reset is needed; the price never
    ///      gets near zero (both curves).
    function test_scenario_noBidsResetRequiredNeverNearZero() public {
        _noBids(ILiquidationEngine.Curve.StepExponential);
    }

    function test_scenario_noBidsResetRequiredNeverNearZero_linear() public {
        ILiquidationEngine.AuctionParams memory p = engine.auctionParams();
        p.curve = ILiquidationEngine.Curve.Linear;
        p.duration = 1 hours;
        engine.setAuctionParams(p);
        _noBids(ILiquidationEngine.Curve.Linear);
    }

    function _noBids(ILiquidationEngine.Curve) internal {
        (uint256 auctionId, ) = _liquidate(_underwater());
        _fundBusd(taker, 20_000e18);
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        uint256 lowestTakeable = MAX;
        for (uint256 t; t <= 3 hours; t += 60) {
            vm.warp(a.startTime + t);
            (uint256 price, bool needsReset) = engine.auctionStatus(auctionId);
            if (!needsReset) {
                assertGe(price, a.floor);
                if (price < lowestTakeable) lowestTakeable = price;
            } else {
                // once a reset is needed, take refuses: the auction cannot be sold at this price
                uint256 snap = vm.snapshot();
                vm.expectRevert();
                _take(auctionId, 1e18);
                vm.revertTo(snap);
            }
        }
        assertGe(lowestTakeable, (1_700e18 * 7) / 10);
        // a reset at a fresh price, then it sells
        _refreshFeeds();
        engine.reset(auctionId);
        assertEq(_auctionPrice(auctionId), 2_040e18);
        _take(auctionId, MAX);
        assertEq(engine.auctionCount(), 0);
    }

    /// @dev Many small partial takes along the whole curve: no dust is ever left, the auction ends exactly.
    function test_scenario_partialTakesAcrossTheCurveLeaveNoDust() public {
        uint256 id = _open3(alice, 15_000e18);
        _setEth(1_600);
        _setBtc(48_000);
        (uint256 first, ) = _liquidate(id);
        _fundBusd(taker, 100_000e18);
        for (uint256 k; k < 3; ++k) {
            uint256 auctionId = first + k;
            uint256 start = engine.auction(auctionId).startTime;
            for (uint256 step; engine.auction(auctionId).tab != 0; ++step) {
                vm.warp(start + step * 300);
                (uint256 price, bool needsReset) = engine.auctionStatus(auctionId);
                if (needsReset) {
                    _refreshFeeds();
                    engine.reset(auctionId);
                    start = block.timestamp;
                    step = 0;
                    continue;
                }
                ILiquidationEngine.Auction memory a = engine.auction(auctionId);
                uint256 unit = 10 ** a.decimals;
                uint256 slice = a.lot / 5;
                // keep the take legal: if it would leave dust, take everything instead
                uint256 owe = (slice * price + unit - 1) / unit;
                if (owe < a.tab && (a.tab - owe < a.dust || ((a.lot - slice) * price) / unit < a.dust)) slice = MAX;
                _take(auctionId, slice);
                ILiquidationEngine.Auction memory b = engine.auction(auctionId);
                if (b.tab != 0) {
                    assertGe(b.tab, b.dust);
                    assertGe((uint256(b.lot) * price) / unit, b.dust);
                }
            }
        }
        assertEq(engine.auctionCount(), 0);
        assertEq(positionLens.synthetic(BUSD).auctionDebt, 0);
        assertEq(engine.globalDirt(), 0);
        // conservation: the engine holds exactly the owner's claims
        assertEq(weth.balanceOf(address(engine)), engine.claimable(alice, address(weth)));
        assertEq(wbtc.balanceOf(address(engine)), engine.claimable(alice, address(wbtc)));
        assertEq(usdc.balanceOf(address(engine)), engine.claimable(alice, address(usdc)));
    }

    /// @dev The owner liquidates their own position, earns the keeper pay, buys back their own collateral at the
    ///      oracle price: they end poorer by the penalty minus the pay, which the pay never exceeds.
    function test_scenario_selfLiquidationDoesNotPay() public {
        uint256 id = _openEth(alice, 1e18, 1_500e18);
        _setEth(1_700); // health 0.963
        uint256 before = _wealth(alice, id, 1_700e18);
        vm.prank(alice);
        (uint256 auctionId, ) = engine.liquidate(id);
        _claimPay(alice, BUSD);
        assertGt(busd.balanceOf(alice), 1_500e18); // she was paid
        skip(19 * 90); // the price is now just under the oracle price
        assertLe(_auctionPrice(auctionId), 1_700e18);
        vm.startPrank(alice);
        busd.approve(address(engine), MAX);
        engine.take(auctionId, MAX, MAX, alice, "");
        if (engine.claimable(alice, address(weth)) != 0) engine.claim(address(weth));
        vm.stopPrank();
        uint256 afterWealth = _wealth(alice, id, 1_700e18);
        assertLt(afterWealth, before);
        console2.log("self-liquidation loss [wad USD]", before - afterWealth);
    }

    /// @dev Same with the smallest possible position: debt = minDebt, health just below 1, full liquidation.
    function test_scenario_selfLiquidationOfMinimumPositionDoesNotPay() public {
        uint256 id = _openEth(alice, 0.071875e18, 100e18); // 143.75 USD
        _setEth(1_600); // 115 USD of collateral, LL 97.75 < 100: covers debt + penalty, health just under 1
        _fundBusd(alice, 100e18); // to pay for the take
        uint256 before = _wealth(alice, id, 1_600e18);
        vm.startPrank(alice);
        (uint256 auctionId, ) = engine.liquidate(id);
        engine.claimKeeperPay(BUSD, alice);
        skip(19 * 90);
        busd.approve(address(engine), MAX);
        engine.take(auctionId, MAX, MAX, alice, "");
        if (engine.claimable(alice, address(weth)) != 0) engine.claim(address(weth));
        vm.stopPrank();
        assertLt(_wealth(alice, id, 1_600e18), before);
    }

    /// @dev An underwater auction ends short: the bad debt is absorbed by the treasury's surplus first, then the rest
    ///      is booked as a visible deficit.
    function test_scenario_badDebtAbsorbedBySurplusThenDeficit() public {
        uint256 id = _openEth(alice, 10e18, 15_000e18);
        // surplus: interest fees minted to the treasury after a year
        skip(365 days);
        _refreshFeeds();
        vault.mintFees(BUSD);
        uint256 surplus = treasuryC.surplus(BUSD);
        assertGt(surplus, 500e18);
        _setEth(1_000); // 10,000 of collateral for ~15,800 of debt
        (uint256 auctionId, uint256 debt) = _liquidate(id);
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        assertEq(a.lot, 10e18);
        _fundBusd(taker, 40_000e18);
        skip(30 * 90); // 1,200 * 0.99^30 = 888 > 700 floor
        (, uint256 owe) = _take(auctionId, MAX);
        uint256 shortfall = debt - owe;
        ITreasury.History memory h = treasuryC.history(BUSD);
        assertEq(h.badDebt, shortfall);
        surplus -= h.keeperPay; // the keeper was paid out of the surplus first
        assertEq(h.absorbed, surplus); // all the surplus burned against the bad debt
        assertEq(treasuryC.surplus(BUSD), 0);
        assertEq(treasuryC.deficit(BUSD), shortfall - surplus); // the rest is a visible deficit
        assertEq(positionLens.synthetic(BUSD).auctionDebt, 0);
        assertEq(engine.globalDirt(), 0);
        // later fees cover the deficit
        skip(365 days);
        _refreshFeeds();
        vault.mintFees(BUSD);
        treasuryC.absorbBadDebt(BUSD);
    }

    function test_scenario_surplusByTransferAbsorbsBadDebtFully() public {
        _fundBusd(address(treasuryC), 10_000e18);
        uint256 id = _openEth(alice, 10e18, 15_000e18);
        _setEth(1_000);
        (uint256 auctionId, uint256 debt) = _liquidate(id);
        _fundBusd(taker, 40_000e18);
        skip(30 * 90);
        (, uint256 owe) = _take(auctionId, MAX);
        assertEq(treasuryC.deficit(BUSD), 0);
        assertEq(treasuryC.history(BUSD).absorbed, debt - owe);
    }

    // ================================================================ fuzz

    /// @dev Whenever the liquidation is partial (not capped, not raised to the minimum), health ends at the target.
    function testFuzz_partialLiquidationHitsTargetHealth(
        uint256 debtSeed,
        uint256 healthSeed,
        uint256 targetSeed
    ) public {
        uint256 debt = _bound(debtSeed, 2_000e18, 16_000e18);
        uint256 target = _bound(targetSeed, 1.01e18, 1.5e18);
        engine.setLiquidationParams(ILiquidationEngine.LiquidationParams(uint64(target), 0.95e18));
        uint256 id = _openEth(alice, 10e18, debt);
        uint256 h = _bound(healthSeed, 0.951e18, 0.999e18);
        // price [8 decimals] so that 10 * price * 0.85 = h * debt
        uint256 price8 = (h * debt) / (8.5e18 * 1e10);
        ethFeed.setAnswer(int256(price8));
        if (positionLens.healthOf(id).health >= 1e18 || positionLens.healthOf(id).health < 0.95e18) return;
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(id);
        _liquidate(id);
        if (plan.full || plan.capped || plan.debt == 100e18) return;
        assertApproxEqRel(positionLens.healthOf(id).health, target, 1e12);
        assertGe(positionLens.healthOf(id).health + 1e9, target); // rounded against the position: at or above the target
        assertTrue(positionLens.debtOf(id) >= 100e18);
    }

    /// @dev The band a partial liquidation lands in (documented in ILiquidationEngine and the README): the health
    ///      after is at least the target (less 1e9 wei of rounding) and at most target * (1 + 1e-6), unless the
    ///      partial amount was raised to one minimum debt, in which case it may only be higher. A three-asset basket
    ///      with three different penalties (5%, 7%, 3%) and a random mix, at a random health in [0.95, 1).
    function testFuzz_partialLiquidationLandsInTheTargetBand(
        uint256 mixSeed,
        uint256 healthSeed,
        uint256 targetSeed
    ) public {
        uint256 target = _bound(targetSeed, 1.02e18, 1.5e18);
        engine.setLiquidationParams(ILiquidationEngine.LiquidationParams(uint64(target), 0.95e18));
        uint256 id = _openMix(mixSeed);
        if (!_pushToHealth(id, _bound(healthSeed, 0.951e18, 0.995e18))) return;
        ILiquidationEngine.LiquidationPlan memory plan = engine.previewLiquidation(id);
        _liquidate(id);
        if (plan.full || plan.capped) return;
        IVault.PositionHealth memory ha = positionLens.healthOf(id);
        // each seized amount rounds up by at most one token unit: the most that rounding takes off the limit, per
        // unit of debt value (large only when the liquidation took nearly all the debt)
        uint256 unitsLimit =
            _unitValue(address(weth), 18) + _unitValue(address(wbtc), 8) + _unitValue(address(usdc), 6);
        uint256 after_ = ha.health;
        // lots round up only where a unit more raises the health, and the debt they carry rounds down by a few wei:
        // at or above the target, up to what one smallest unit of each asset adds per unit of debt value
        assertGe(after_ + 1e9, target, "below the target: the position would soon be liquidated again");
        uint256 slack = 1e9 + (target * unitsLimit) / ha.debtValue;
        if (plan.debt > 100e18) assertLe(after_, target + target / 1e6 + slack, "far beyond the target");
    }

    /// @return [wad USD] The value of one smallest unit of `asset` (rounded up, + 1).
    function _unitValue(address asset, uint256 decimals) internal view returns (uint256) {
        return oracle.getPrice(asset) / 10 ** decimals + 1;
    }

    /// @dev alice: 1-10 WETH, 0-0.2 WBTC, 0-8,000 USDC, minted to 99% of the minting limit.
    function _openMix(uint256 mixSeed) internal returns (uint256 id) {
        id = _openEth(alice, _bound(mixSeed, 1e18, 10e18), 0);
        uint256 btc = _bound(mixSeed >> 64, 0, 0.2e8);
        uint256 usd = _bound(mixSeed >> 128, 0, 8_000e6);
        vm.startPrank(alice);
        if (btc != 0) vault.deposit(id, address(wbtc), btc);
        if (usd != 0) vault.deposit(id, address(usdc), usd);
        vault.mint(id, (positionLens.healthOf(id).mintLimit * 99) / 100, alice);
        vm.stopPrank();
    }

    /// @dev Scales the ETH and BTC prices so that position `id` has health about `h`; false if it cannot (the
    ///      USDC part alone keeps it above) or the result is outside [0.95, 1).
    function _pushToHealth(uint256 id, uint256 h) internal returns (bool) {
        uint256 stable = (vault.collateralOf(id, address(usdc)) * 1e12 * 9_300) / 10_000; // [wad] USDC's limit
        uint256 ll = positionLens.healthOf(id).liquidationLimit;
        uint256 wantVolatile = (h * positionLens.debtOf(id)) / 1e18;
        if (wantVolatile <= stable) return false;
        uint256 scale = ((wantVolatile - stable) * 1e18) / (ll - stable); // [wad] factor on ETH and BTC prices
        ethFeed.setAnswer(int256((2_000e8 * scale) / 1e18));
        btcFeed.setAnswer(int256((60_000e8 * scale) / 1e18));
        uint256 before = positionLens.healthOf(id).health;
        return before < 1e18 && before >= 0.95e18;
    }

    /// @dev The margin seized beyond debt + penalty comes back to the owner as a claim, never into the position: the
    ///      position stays at the target once the auction settles, and the owner's loss is the penalty only (at a
    ///      take at the oracle price).
    function test_liquidate_marginReturnsAsAClaimAndThePositionStaysAtTheTarget() public {
        uint256 id = _underwater();
        (uint256 auctionId, uint256 debt) = _liquidate(id);
        uint256 h = positionLens.healthOf(id).health;
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        // the lot is debt + penalty + 5% at the oracle price
        assertApproxEqRel((uint256(a.lot) * 1_700e18) / 1e18, (uint256(a.tab) * 10_500) / 10_000, 1e12);
        _fundBusd(taker, 20_000e18);
        skip(18 * 90); // 1.2 * 0.99^18 = 1.00 of the oracle price
        assertApproxEqRel(_auctionPrice(auctionId), 1_700e18, 0.01e18);
        _take(auctionId, MAX);
        // (only the interest of the 27 minutes moves it)
        assertApproxEqRel(
            positionLens.healthOf(id).health,
            h,
            1e13,
            "the position's health does not move when its auction settles"
        );
        uint256 claim = engine.claimable(alice, address(weth));
        assertGt(claim, 0);
        // the claim is the lot left after the tab: about the margin, worth ~5% of the tab
        assertApproxEqRel((claim * 1_700e18) / 1e18, (uint256(a.tab) * 500) / 10_000, 0.03e18);
        assertEq(positionLens.synthetic(BUSD).auctionDebt, 0);
        debt;
    }

    /// @dev A take never gives collateral at a price below the auction's floor.
    function testFuzz_takeNeverBelowFloor(uint256 elapsedSeed, uint256 amountSeed, bool linear) public {
        if (linear) {
            ILiquidationEngine.AuctionParams memory p = engine.auctionParams();
            p.curve = ILiquidationEngine.Curve.Linear;
            p.duration = 1 hours;
            engine.setAuctionParams(p);
        }
        (uint256 auctionId, ) = _liquidate(_underwater());
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        _fundBusd(taker, 20_000e18);
        skip(_bound(elapsedSeed, 0, 3 hours));
        uint256 amount = _bound(amountSeed, 1, a.lot);
        vm.prank(taker);
        try engine.take(auctionId, amount, MAX, taker, "") returns (uint256 got, uint256 owe) {
            if (got != 0) assertGe((owe * 1e18) / got, a.floor);
            assertGe(AuctionMath.price(a.top, block.timestamp - a.startTime, linear, 1 hours, 90, 9_900), a.floor);
        } catch (bytes memory err) {
            bytes4 sel = bytes4(err);
            assertTrue(
                sel == ILiquidationEngine.AuctionNeedsReset.selector ||
                    sel == ILiquidationEngine.TakeLeavesDust.selector
            );
        }
    }

    /// @dev Conservation: what was seized = collateral in auctions + claims + sent to takers, at every step.
    function testFuzz_conservationOfSeizedCollateral(uint256[6] memory seeds) public {
        uint256 id = _open3(alice, 15_000e18);
        _setEth(1_500);
        _setBtc(45_000);
        address[3] memory assets = [address(weth), address(wbtc), address(usdc)];
        uint256[3] memory seized;
        for (uint256 i; i < 3; ++i) seized[i] = vault.collateralOf(id, assets[i]);
        (uint256 first, ) = _liquidate(id);
        for (uint256 i; i < 3; ++i) seized[i] -= vault.collateralOf(id, assets[i]);
        _fundBusd(taker, 100_000e18);
        for (uint256 s; s < 6; ++s) {
            uint256 auctionId = first + (seeds[s] % 3);
            skip((seeds[s] >> 8) % 1 hours);
            _refreshFeeds();
            if (engine.auction(auctionId).tab == 0) continue;
            (, bool needsReset) = engine.auctionStatus(auctionId);
            if (needsReset) engine.reset(auctionId);
            uint256 lot = engine.auction(auctionId).lot;
            uint256 amount = _bound(seeds[s] >> 64, 1, lot);
            vm.prank(taker);
            try engine.take(auctionId, amount, MAX, taker, "") {} catch {}
            for (uint256 i; i < 3; ++i) {
                uint256 inAuction = engine.auction(first + i).lot;
                uint256 claimed = engine.claimable(alice, assets[i]);
                uint256 sent = _balance(assets[i], taker);
                assertEq(inAuction + claimed + sent, seized[i]);
                assertEq(_balance(assets[i], address(engine)), inAuction + claimed);
            }
        }
    }

    function _balance(address token, address who) internal view returns (uint256) {
        return MockFeedlessERC20(token).balanceOf(who);
    }

    // ================================================================ gas (gasleft deltas, legacy or IR per profile)

    function test_gas_report() public {
        uint256 id1 = _underwater();
        _setEth(2_000);
        uint256 id3 = _open3(bob, 15_000e18);
        _setEth(1_600);
        _setBtc(48_000);
        _fundBusd(taker, 100_000e18);

        vm.prank(keeper);
        uint256 g = gasleft();
        (uint256 a1, ) = engine.liquidate(id1);
        console2.log("gas liquidate (1 asset)", g - gasleft());
        vm.prank(keeper);
        g = gasleft();
        (uint256 a3, ) = engine.liquidate(id3);
        console2.log("gas liquidate (3 assets)", g - gasleft());

        vm.prank(taker);
        g = gasleft();
        engine.take(a1, 1e18, MAX, taker, "");
        console2.log("gas take (partial)", g - gasleft());
        vm.prank(taker);
        g = gasleft();
        engine.take(a1, MAX, MAX, taker, "");
        console2.log("gas take (full, settles)", g - gasleft());

        skip(2 hours + 1);
        _refreshFeeds();
        g = gasleft();
        engine.reset(a3);
        console2.log("gas reset", g - gasleft());
    }
}

interface MockFeedlessERC20 {
    function balanceOf(address) external view returns (uint256);
}

/// @dev A take receiver whose callback tries to take again.
contract Reenterer {
    ILiquidationEngine internal immutable engine;
    uint256 internal immutable auctionId;

    constructor(ILiquidationEngine engine_, uint256 auctionId_) {
        engine = engine_;
        auctionId = auctionId_;
    }

    function onTake(address, uint256, uint256, bytes calldata) external {
        engine.take(auctionId, 1, type(uint256).max, address(this), "");
    }
}
