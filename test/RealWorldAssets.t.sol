// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {Fixture} from "./utils/Fixture.sol";
import {IVault} from "../contracts/interfaces/IVault.sol";
import {IOracleAdapter} from "../contracts/interfaces/IOracleAdapter.sol";
import {ILiquidationEngine} from "../contracts/interfaces/ILiquidationEngine.sol";
import {IPositionLens} from "../contracts/interfaces/IPositionLens.sol";
import {ITreasury} from "../contracts/interfaces/ITreasury.sol";
import {NavSource} from "../contracts/sources/NavSource.sol";
import {Settlement} from "../contracts/Settlement.sol";
import {MockERC20} from "../contracts/mocks/MockERC20.sol";
import {MockFeed} from "../contracts/mocks/MockFeed.sol";
import {Artifacts} from "./utils/Artifacts.sol";

/// @notice The lifecycle of a tokenized real-world asset priced by an attested NAV (tokens of 0, 2, 6 and 18
///         decimals): a lapse refuses new risk while deposit, repay and close keep working and nobody is liquidated by
///         the lapse alone; after the grace anyone starts the threshold ramp; governance cures it or writes the asset
///         down, and the write-down's bad debt reaches the Treasury through the ordinary liquidation. The backing the
///         shutdown trigger reads and settlement value a written-down asset at 0 and never revert on it.
contract RealWorldAssetsTest is Fixture {
    uint256 internal constant TTL = 7 days;
    uint32 internal constant GRACE = 3 days;
    uint16 internal constant FLOOR = 5_000; // [bps] lapse floor of the threshold
    address internal keeper = makeAddr("keeper");

    MockERC20 internal rwa;
    MockFeed internal nav;
    /// @dev [s] The test's clock: via-IR may reuse one `block.timestamp` read across `vm.warp` in a function.
    uint256 internal now_;

    function setUp() public override {
        super.setUp();
        now_ = block.timestamp;
        _wireLiquidation();
        (rwa, nav) = _listRwa(6);
    }

    /// @dev Lists a tokenized treasury-bill fund of `decimals` at a NAV of $100 (8-decimal feed), LTV 70%, threshold
    ///      80%, with lapse terms (floor 50%, grace 3 days), and gives alice 10,000 tokens.
    function _listRwa(uint8 decimals) internal returns (MockERC20 token, MockFeed feed) {
        token = new MockERC20("T-Bill Fund", "TBILL", decimals);
        feed = new MockFeed(8);
        feed.setAnswer(100e8);
        oracle.setSource(
            address(token),
            NavSource(
                Artifacts.deploy(
                    "NavSource.sol:NavSource",
                    abi.encode(IOracleAdapter.Feed(feed, 0, 0, type(int128).max), TTL)
                )
            )
        );
        vault.listAsset(address(token), IVault.AssetParams(7_000, 8_000, 500, 1_000_000_000, false));
        vault.setLapseParams(address(token), FLOOR, GRACE);
        engine.setAssetCap(address(token), 10_000_000e18);
        token.mint(alice, 10_000 * 10 ** decimals);
        vm.prank(alice);
        token.approve(address(vault), type(uint256).max);
    }

    /// @dev Alice's position: `amount` whole tokens of `token` and `debt` bUSD.
    function _open(MockERC20 token, uint256 amount, uint256 debt) internal returns (uint256 id) {
        uint256 units = amount * 10 ** token.decimals(); // before the prank: it applies to the next call
        vm.prank(alice);
        id = vault.openAndMint(BUSD, address(token), units, debt, alice);
    }

    /// @dev Warps `dt` and republishes the market feeds (not the NAV: attestations are the issuer's).
    function _warp(uint256 dt) internal {
        _warpTo(now_ + dt);
    }

    function _warpTo(uint256 t) internal {
        now_ = t;
        vm.warp(t);
        _refreshFeeds();
    }

    /// @dev A mint of `amount` by alice reverts MintLimitExceeded. @return ml [wad] the limit it names.
    function _expectMintLimit(uint256 id, uint256 amount) internal returns (uint256 ml) {
        vm.prank(alice);
        try vault.mint(id, amount, alice) {
            assertTrue(false, "the mint went through");
        } catch (bytes memory err) {
            assertEq(bytes4(err), IVault.MintLimitExceeded.selector, "not MintLimitExceeded");
            assembly ("memory-safe") {
                ml := mload(add(err, 100)) // selector, id, debt value, limit
            }
        }
    }

    function _health(uint256 id) internal view returns (uint256) {
        return positionLens.healthOf(id).health;
    }

    // ------------------------------------------------------------------ lapse

    /// @dev Lapse at every token decimals: new risk is refused as if the LTV were 0; deposit, repay and close work;
    ///      the position is not liquidatable by the lapse alone.
    function test_lapse_refusesNewRiskOnly_everyDecimals() public {
        uint8[4] memory list = [0, 2, 6, 18];
        for (uint256 k; k < list.length; ++k) {
            (MockERC20 token, ) = _listRwa(list[k]);
            uint256 id = _open(token, 100, 5_000e18); // $10,000 at 70%: room for 7,000
            uint256 unit = 10 ** list[k];
            _warp(TTL + 1);
            assertEq(positionLens.lapseOf(address(token)).ltvBps, 0, "lapsed: no LTV");
            assertEq(_expectMintLimit(id, 1), 0, "the lapsed asset counts for nothing");
            vm.prank(alice);
            vm.expectRevert(); // MintLimitExceeded: any withdrawal with debt is new risk
            vault.withdraw(id, address(token), unit, alice);
            vm.prank(alice);
            vault.deposit(id, address(token), unit); // deposits work
            vm.prank(alice);
            vault.repay(id, 1_000e18); // repays work
            assertGt(_health(id), 1e18, "the lapse alone leaves the health as it was");
            vm.expectRevert(); // PositionHealthy: the lapse alone liquidates nobody
            engine.liquidate(id);
            _fundBusd(alice, 100e18); // the week's interest
            vm.prank(alice);
            vault.close(id, alice); // close works
            assertEq(token.balanceOf(alice), 10_000 * unit, "every token back");
        }
    }

    /// @dev In a mixed basket only the lapsed asset stops counting for new risk: WETH still backs a mint.
    function test_lapse_otherCollateralStillCounts() public {
        uint256 id = _open(rwa, 100, 5_000e18);
        vm.prank(alice);
        vault.deposit(id, address(weth), 5e18); // $10,000 at 80%
        _warp(TTL + 1);
        vm.prank(alice);
        vault.mint(id, 2_000e18, alice); // 7,000 of 8,000 from WETH alone
        IVault.PositionHealth memory h = positionLens.healthOf(id);
        assertEq(h.mintLimit, 8_000e18, "only WETH counts for new risk");
        assertEq(_expectMintLimit(id, 1_001e18), 8_000e18);
    }

    // ------------------------------------------------------------------ grace and ramp

    function test_lapseRamp_onlyAfterGrace_thenRampsToFloor() public {
        uint256 id = _open(rwa, 100, 6_500e18); // health 8,000 / 6,500 = 1.23
        vm.expectRevert(abi.encodeWithSelector(IVault.LapseRampNotDue.selector, address(rwa), 0));
        vault.startLapsedRamp(address(rwa)); // attestation in force
        uint256 t0 = now_;
        _warp(TTL + 1);
        uint256 due = t0 + TTL + GRACE;
        vm.expectRevert(abi.encodeWithSelector(IVault.LapseRampNotDue.selector, address(rwa), due));
        vault.startLapsedRamp(address(rwa));
        assertEq(positionLens.lapseOf(address(rwa)).rampDueAt, due);
        _warpTo(due);
        vm.expectRevert(); // PositionHealthy: a whole grace of lapse, still nobody liquidated
        engine.liquidate(id);
        vm.expectEmit(address(vault));
        emit IVault.LapsedRampStarted(address(rwa), t0 + TTL, 8_000, FLOOR, due + 3 days);
        vm.prank(keeper); // anyone
        vault.startLapsedRamp(address(rwa));
        vm.expectRevert(abi.encodeWithSelector(IVault.LapseRampNotDue.selector, address(rwa), type(uint256).max));
        vault.startLapsedRamp(address(rwa));
        assertEq(positionLens.liquidationThreshold(address(rwa)), 8_000, "no jump at the start");
        assertTrue(positionLens.lapseOf(address(rwa)).lapseRamp);
        // during the ramp too, deposit and repay work, and new risk stays refused
        vm.prank(alice);
        vault.deposit(id, address(rwa), 1e6);
        vm.prank(alice);
        vault.repay(id, 1e18);
        assertEq(_expectMintLimit(id, 1), 0, "no new risk while the lapse ramp runs");
        _warp(1.5 days);
        assertEq(positionLens.liquidationThreshold(address(rwa)), 6_500, "halfway");
        _warp(1.5 days);
        assertEq(positionLens.liquidationThreshold(address(rwa)), FLOOR, "at the floor");
        assertLt(_health(id), 1e18);
        uint256 debt = positionLens.debtOf(id);
        vm.prank(keeper);
        (, uint256 moved) = engine.liquidate(id);
        assertGt(moved, 0);
        assertEq(positionLens.debtOf(id), debt - moved, "the ramp, not the lapse, liquidated it");
    }

    // ------------------------------------------------------------------ cure

    function test_cure_needsFreshAttestation_thenRestores() public {
        uint256 id = _open(rwa, 100, 5_000e18);
        _warp(TTL + GRACE + 1);
        vault.startLapsedRamp(address(rwa));
        _warp(1 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                IVault.NotCurable.selector,
                address(rwa),
                true,
                IOracleAdapter.PriceFailure.None,
                true
            )
        );
        vault.cure(address(rwa));
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, keeper));
        vault.cure(address(rwa));
        nav.setAnswer(101e8); // the issuer attests again
        vm.expectEmit(address(vault));
        emit IVault.AssetCured(address(rwa), 8_000);
        vault.cure(address(rwa));
        assertEq(positionLens.liquidationThreshold(address(rwa)), 8_000, "restored at once");
        IPositionLens.Lapse memory l = positionLens.lapseOf(address(rwa));
        assertFalse(l.lapseRamp);
        assertEq(l.ltvBps, 7_000);
        vm.prank(alice);
        vault.mint(id, 1_000e18, alice); // new risk again
        vm.expectRevert(
            abi.encodeWithSelector(
                IVault.NotCurable.selector,
                address(rwa),
                false,
                IOracleAdapter.PriceFailure.None,
                false
            )
        );
        vault.cure(address(rwa));
    }

    /// @dev A fresh attestation alone gives the LTV back only before a lapse ramp; after one, only a cure does.
    function test_freshAttestation_beforeRamp_endsTheLapse() public {
        uint256 id = _open(rwa, 100, 5_000e18);
        _warp(TTL + 1);
        assertEq(positionLens.lapseOf(address(rwa)).ltvBps, 0);
        nav.setAnswer(100e8);
        assertEq(positionLens.lapseOf(address(rwa)).ltvBps, 7_000);
        vm.prank(alice);
        vault.mint(id, 1_000e18, alice);
    }

    function test_setLapseParams_bounds() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.InvalidLapseParams.selector, address(weth), FLOOR, GRACE));
        vault.setLapseParams(address(weth), FLOOR, GRACE); // not attested: a market feed
        vm.expectRevert(abi.encodeWithSelector(IVault.InvalidLapseParams.selector, address(rwa), 8_000, GRACE));
        vault.setLapseParams(address(rwa), 8_000, GRACE); // the floor must sit under the threshold
        vm.expectRevert(abi.encodeWithSelector(IVault.InvalidLapseParams.selector, address(rwa), FLOOR, 1 days - 1));
        vault.setLapseParams(address(rwa), FLOOR, 1 days - 1);
        vm.expectRevert(abi.encodeWithSelector(IVault.InvalidLapseParams.selector, address(rwa), FLOOR, 90 days + 1));
        vault.setLapseParams(address(rwa), FLOOR, 90 days + 1);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, keeper));
        vault.setLapseParams(address(rwa), FLOOR, GRACE);
        vault.setLapseParams(address(rwa), 0, 0); // removed: no longer attested
        _warp(TTL + 1);
        assertEq(positionLens.lapseOf(address(rwa)).ltvBps, 7_000, "without terms the LTV ignores the lapse");
    }

    // ------------------------------------------------------------------ write-down

    /// @dev A position backed by the written-down asset alone: nothing can liquidate it until its worthless basket
    ///      is written off to the Treasury; then the liquidation books the whole debt as bad debt, visible in the
    ///      Treasury, which can move the tokens it holds.
    function test_writeDown_soloPosition_becomesBadDebtInTheTreasury() public {
        uint256 id = _open(rwa, 100, 5_000e18);
        vm.expectRevert(abi.encodeWithSelector(IVault.NotWrittenOff.selector, id, address(rwa)));
        vault.writeOffPosition(id);
        oracle.writeDown(address(rwa));
        IVault.PositionHealth memory h = positionLens.healthOf(id);
        assertEq(h.mintLimit, 0);
        // deposit and repay still work on a written-down basket
        vm.prank(alice);
        vault.deposit(id, address(rwa), 1e6);
        vm.prank(alice);
        vault.repay(id, 100e18);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IVault.MintLimitExceeded.selector, id, 4_900e18 + 1, 0));
        vault.mint(id, 1, alice);
        vm.expectRevert(); // PriceUnavailable(rwa, WrittenDown): nothing priced to sell
        engine.liquidate(id);

        uint256 debt = positionLens.debtOf(id);
        vm.expectEmit(address(vault));
        emit IVault.CollateralWrittenOff(id, address(rwa), address(treasuryC), 101e6);
        vm.prank(keeper);
        vault.writeOffPosition(id);
        assertEq(rwa.balanceOf(address(treasuryC)), 101e6);
        assertEq(vault.totalCollateral(address(rwa)), 0);
        (, , uint256 mask) = vault.positionOf(id);
        assertEq(mask, 0, "empty basket");

        vm.prank(keeper);
        engine.liquidate(id);
        assertEq(positionLens.debtOf(id), 0);
        assertEq(treasuryC.deficit(BUSD), debt, "the whole debt is the Treasury's bad debt");

        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, keeper));
        treasuryC.recover(address(rwa), keeper, 1);
        treasuryC.recover(address(rwa), bob, 101e6);
        assertEq(rwa.balanceOf(bob), 101e6);
        vm.expectRevert(abi.encodeWithSelector(ITreasury.NotRecoverable.selector, address(busd)));
        treasuryC.recover(address(busd), bob, 0);
    }

    /// @dev A mixed position: the written-down asset counts for nothing, the rest of the basket is liquidated first
    ///      (the write-off waits while anything priced is left), then the worthless remainder goes to the Treasury
    ///      and only the debt nothing backs becomes bad debt.
    function test_writeDown_mixedPosition_liquidatesTheRestFirst() public {
        uint256 id = _open(rwa, 100, 7_000e18); // $10,000 of RWA
        vm.prank(alice);
        vault.deposit(id, address(weth), 2e18); // and $4,000 of WETH
        vm.prank(alice);
        vault.mint(id, 2_000e18, alice);
        oracle.writeDown(address(rwa));
        vm.expectRevert(abi.encodeWithSelector(IVault.NotWrittenOff.selector, id, address(weth)));
        vault.writeOffPosition(id);
        assertLt(_health(id), 1e18);

        vm.prank(keeper);
        (uint256 auctionId, ) = engine.liquidate(id);
        (address[] memory left, uint256[] memory amounts) = positionLens.basketOf(id);
        assertEq(left.length, 1);
        assertEq(left[0], address(rwa), "only the written-down asset stays");
        assertEq(amounts[0], 100e6);
        uint256 rest = positionLens.debtOf(id);
        assertGt(rest, 0, "the WETH could not carry the whole debt");

        // the WETH lot sells
        _fundBusd(keeper, 10_000e18);
        vm.startPrank(keeper);
        busd.approve(address(engine), type(uint256).max);
        engine.take(auctionId, type(uint256).max, type(uint256).max, keeper, "");
        vm.stopPrank();
        assertEq(treasuryC.deficit(BUSD), 0, "no bad debt while a lot covered its share");

        vault.writeOffPosition(id);
        uint256 surplus = treasuryC.surplus(BUSD); // the WETH lot's penalty
        vm.prank(keeper);
        engine.liquidate(id);
        assertEq(positionLens.debtOf(id), 0);
        // what nothing backs is bad debt: the surplus absorbs what it can, the rest is the Treasury's deficit
        assertEq(surplus - treasuryC.surplus(BUSD) + treasuryC.deficit(BUSD), rest, "bad debt");
        assertGt(treasuryC.deficit(BUSD), 0);
    }

    /// @dev A healthy owner keeps a written-down token: no write-off while the rest of the basket carries the debt,
    ///      and it can be withdrawn even with debt (it carried no limit).
    function test_writeDown_healthyOwnerKeepsTheTokens() public {
        uint256 id = _open(rwa, 100, 1_000e18);
        vm.prank(alice);
        vault.deposit(id, address(weth), 5e18);
        oracle.writeDown(address(rwa));
        vm.expectRevert(abi.encodeWithSelector(IVault.NotWrittenOff.selector, id, address(weth)));
        vault.writeOffPosition(id);
        vm.prank(alice);
        vault.withdraw(id, address(rwa), 100e6, alice);
        assertEq(rwa.balanceOf(alice), 10_000e6);
    }

    // ------------------------------------------------------------------ backing and settlement

    /// @dev The backing the trigger reads never reverts because of a lapsed or written-down asset: a lapsed one
    ///      counts at its last NAV, a written-down one at 0. Settlement freezes the written-down price at 0 and
    ///      settles a position holding it.
    function test_backingAndSettlement_valueWrittenDownAtZero() public {
        Settlement settlement = _wireSettlement();
        _open(rwa, 100, 5_000e18);
        uint256 wethId = _openEth(bob, 10e18, 5_000e18);
        assertEq(settlement.poke(), 30_000, "(10,000 + 20,000) / 10,000");
        _warp(TTL + 1);
        assertApproxEqAbs(settlement.poke(), 30_000, 50, "lapsed: at its last NAV (a week of interest aside)");
        oracle.writeDown(address(rwa));
        assertApproxEqAbs(settlement.poke(), 20_000, 50, "written down: at 0, and no revert");

        settlement.shutdown();
        assertTrue(settlement.frozenAtZero(address(rwa)));
        assertEq(settlement.frozenPrice(address(rwa)), 0);
        vm.expectRevert();
        settlement.freezePrice(address(rwa)); // already frozen, at 0
        settlement.settlePosition(1);
        settlement.settlePosition(wethId);
        (uint256 debt, uint256 shortfall) = settlement.settledDebt(BUSD);
        assertGe(debt, 10_000e18, "both positions' debt settled");
        assertGe(shortfall, 5_000e18, "the written-down position's debt is a shortfall");
        assertLt(shortfall, 5_100e18, "and only that position's");
    }
}
