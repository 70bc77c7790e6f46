// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {Fixture} from "./utils/Fixture.sol";
import {IVault} from "../contracts/interfaces/IVault.sol";
import {IOracleAdapter} from "../contracts/interfaces/IOracleAdapter.sol";
import {ITreasury} from "../contracts/interfaces/ITreasury.sol";
import {Treasury} from "../contracts/Treasury.sol";
import {IBallastErrors} from "../contracts/interfaces/IBallastErrors.sol";
import {Artifacts} from "./utils/Artifacts.sol";

/// @notice The Vault's liquidation and treasury hooks, driven by this test as the liquidation hooksEngine, and the
///         Treasury's waterfall on top of them.
contract VaultHooksTest is Fixture {
    Treasury internal tre;
    address internal hooksEngine = makeAddr("hooksEngine");

    function setUp() public override {
        super.setUp();
        tre = Treasury(Artifacts.deploy("Treasury.sol:Treasury", abi.encode(vault, address(manager))));
        vault.setTreasury(address(tre));
        vault.setLiquidationEngine(hooksEngine);
    }

    /// @dev alice's 10 WETH / 15,000 bUSD position, pushed under water by ETH falling to 1,700 (limit 14,450).
    function _underwater() internal returns (uint256 id) {
        id = _openEth(alice, 10e18, 15_000e18);
        ethFeed.setAnswer(1_700e8);
    }

    // ---------------------------------------------------------------- seize

    /// @return lots One lot per basket asset: `a` [token].
    function _one(uint256 a) internal pure returns (uint256[] memory lots) {
        lots = new uint256[](1);
        lots[0] = a;
    }

    function test_seize_revertsForAnyoneButTheEngine() public {
        uint256 id = _underwater();
        vm.expectRevert(abi.encodeWithSelector(IBallastErrors.CallerNotLiquidationEngine.selector, bob));
        vm.prank(bob);
        vault.seize(id, 1_000e18, _one(1e18));
    }

    /// @dev The Vault trusts its ward engine on liquidatability, as a ledger should (the engine's valuation decides,
    ///      see LiquidationEngine.t.sol `test_liquidate_revertsWhenHealthy`); it checks only what it can honour.
    function test_seize_trustsTheEngineOnWhetherAPositionIsLiquidatable() public {
        uint256 id = _openEth(alice, 10e18, 15_000e18); // healthy: limit 17,000 at 2,000
        vm.prank(hooksEngine);
        vault.seize(id, 1_000e18, _one(1e18));
        assertEq(positionLens.debtOf(id), 14_000e18);
        assertEq(vault.collateralOf(id, address(weth)), 9e18);
    }

    /// @dev `seize` reads no price: an oracle outage cannot block a liquidation the engine already planned.
    function test_seize_readsNoPrice() public {
        uint256 id = _underwater();
        ethFeed.setAnswer(0);
        vm.prank(hooksEngine);
        vault.seize(id, 1_000e18, _one(1e18));
        assertEq(weth.balanceOf(hooksEngine), 1e18);
        assertEq(positionLens.synthetic(BUSD).auctionDebt, 1_000e18);
    }

    /// @dev The engine decides the lots; the Vault refuses any it could not honour, naming the asset and amount.
    function test_seize_revertsOnInvalidAmounts() public {
        uint256 id = _underwater();
        vm.startPrank(hooksEngine);
        // no debt, or more than the position owes
        vm.expectRevert(abi.encodeWithSelector(IVault.InvalidSeize.selector, id, address(0), 0));
        vault.seize(id, 0, _one(1e18));
        vm.expectRevert(abi.encodeWithSelector(IVault.InvalidSeize.selector, id, address(0), 15_000e18 + 1));
        vault.seize(id, 15_000e18 + 1, _one(1e18));
        // more than the position holds
        vm.expectRevert(abi.encodeWithSelector(IVault.InvalidSeize.selector, id, address(weth), 10e18 + 1));
        vault.seize(id, 1_000e18, _one(10e18 + 1));
        // not one lot per basket asset
        vm.expectRevert(abi.encodeWithSelector(IVault.InvalidSeize.selector, id, address(weth), 0));
        vault.seize(id, 1_000e18, new uint256[](0));
        vm.expectRevert(abi.encodeWithSelector(IVault.InvalidSeize.selector, id, address(0), 2));
        vault.seize(id, 1_000e18, new uint256[](2));
        // the whole basket while debt stays behind
        vm.expectRevert(abi.encodeWithSelector(IVault.InvalidSeize.selector, id, address(0), 5_000e18));
        vault.seize(id, 5_000e18, _one(10e18));
        vm.stopPrank();
    }

    function test_seize_revertsWhenLeavingDust() public {
        uint256 id = _underwater();
        vm.expectRevert(abi.encodeWithSelector(IVault.DebtBelowMinimum.selector, id, 50e18, 100e18));
        vm.prank(hooksEngine);
        vault.seize(id, 14_950e18, _one(9.9e18));
    }

    function test_seize_movesDebtIntoAuctionAndCollateralToTheEngine() public {
        uint256 id = _underwater();
        vm.expectEmit(address(vault));
        address[] memory assets = new address[](1);
        assets[0] = address(weth);
        emit IVault.Seized(id, 5_000e18, assets, _one(3e18));
        vm.prank(hooksEngine);
        vault.seize(id, 5_000e18, _one(3e18));
        assertEq(weth.balanceOf(hooksEngine), 3e18);
        assertEq(vault.collateralOf(id, address(weth)), 7e18);
        assertEq(vault.totalCollateral(address(weth)), 7e18);
        assertEq(positionLens.debtOf(id), 10_000e18);
        IVault.SyntheticState memory st = positionLens.synthetic(BUSD);
        assertEq(st.auctionDebt, 5_000e18);
        assertEq(st.totalDebt, 10_000e18);
        // the synthetic in circulation is still fully claimed: position debt + auction debt
        assertEq(busd.totalSupply(), st.totalDebt + st.auctionDebt);
    }

    function test_seize_wholePositionEmptiesTheBasket() public {
        vm.startPrank(alice);
        uint256 id = vault.openAndMint(BUSD, address(weth), 10e18, 15_000e18, alice);
        vault.deposit(id, address(usdc), 100e6);
        vm.stopPrank();
        ethFeed.setAnswer(1_500e8);
        vm.warp(block.timestamp + 1 hours);
        ethFeed.setAnswer(1_500e8);
        uint256 debt = positionLens.debtOf(id);
        uint256[] memory lots = new uint256[](2);
        (lots[0], lots[1]) = (10e18, 100e6);
        vm.prank(hooksEngine);
        vault.seize(id, debt, lots);
        assertEq(weth.balanceOf(hooksEngine), 10e18);
        assertEq(usdc.balanceOf(hooksEngine), 100e6);
        assertEq(positionLens.normDebtOf(id), 0);
        (, , uint256 mask) = vault.positionOf(id);
        assertEq(mask, 0);
        assertEq(positionLens.synthetic(BUSD).auctionDebt, debt);
    }

    /// @dev Any debt and lot the Vault accepts moves exactly: the lot leaves, the position keeps the debt's rounding,
    ///      and a position is never left with debt and no collateral.
    function testFuzz_seize_movesTheLotAndRoundsDebtAgainstThePosition(uint256 coll, uint256 debt, uint256 lot) public {
        coll = _bound(coll, 0.1e18, 100e18);
        uint256 id = _openEth(alice, coll, (coll * 1_600e18) / 1e18); // at the minting limit
        ethFeed.setAnswer(100e8); // deep under water
        vm.warp(block.timestamp + 7 days);
        ethFeed.setAnswer(100e8);
        uint256 whole = positionLens.debtOf(id);
        debt = _bound(debt, 1, whole);
        if (whole - debt != 0 && whole - debt < 100e18) debt = whole;
        lot = _bound(lot, 0, coll);
        if (lot == coll && debt != whole) {
            vm.expectRevert(abi.encodeWithSelector(IVault.InvalidSeize.selector, id, address(0), debt));
            vm.prank(hooksEngine);
            vault.seize(id, debt, _one(lot));
            return;
        }
        vm.prank(hooksEngine);
        vault.seize(id, debt, _one(lot));
        assertEq(weth.balanceOf(hooksEngine), lot);
        assertEq(vault.collateralOf(id, address(weth)), coll - lot);
        assertGe(positionLens.debtOf(id), whole - debt, "position debt fell by more than what went to auction");
        assertLe(positionLens.debtOf(id), whole - debt + 2);
        IVault.SyntheticState memory st = positionLens.synthetic(BUSD);
        assertLe(busd.totalSupply() + st.unmintedFees, st.totalDebt + st.auctionDebt + st.badDebt);
    }

    // ---------------------------------------------------------------- settleAuctionDebt

    function test_settleAuctionDebt_burnsProceedsAndBooksBadDebt() public {
        uint256 id = _underwater();
        vm.prank(hooksEngine);
        vault.seize(id, 5_000e18, _one(4e18));
        vm.prank(alice);
        busd.transfer(hooksEngine, 4_000e18); // proceeds a taker paid
        vm.expectEmit(address(vault));
        emit IVault.AuctionDebtSettled(BUSD, 4_000e18, 1_000e18);
        vm.prank(hooksEngine);
        vault.settleAuctionDebt(BUSD, 4_000e18, 1_000e18);
        IVault.SyntheticState memory st = positionLens.synthetic(BUSD);
        assertEq(st.auctionDebt, 0);
        assertEq(st.badDebt, 1_000e18);
        assertEq(busd.balanceOf(hooksEngine), 0);
        assertEq(busd.totalSupply(), st.totalDebt + st.badDebt);
    }

    function test_settleAuctionDebt_revertsBeyondAuctionDebtOrForOthers() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.ExceedsAuctionDebt.selector, BUSD, 1, 0));
        vm.prank(hooksEngine);
        vault.settleAuctionDebt(BUSD, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IBallastErrors.CallerNotLiquidationEngine.selector, bob));
        vm.prank(bob);
        vault.settleAuctionDebt(BUSD, 0, 0);
    }

    // ---------------------------------------------------------------- treasury hooks

    function test_coverBadDebtAndMintUnbacked_areTreasuryOnly() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.CallerNotTreasury.selector, bob));
        vm.prank(bob);
        vault.coverBadDebt(BUSD, 1);
        vm.expectRevert(abi.encodeWithSelector(IVault.CallerNotTreasury.selector, bob));
        vm.prank(bob);
        vault.mintUnbacked(BUSD, bob, 1);
        vm.expectRevert(abi.encodeWithSelector(IVault.ExceedsBadDebt.selector, BUSD, 1, 0));
        vm.prank(address(tre));
        vault.coverBadDebt(BUSD, 1);
    }

    function test_setLiquidationEngine_isRestrictedAndNonZero() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, bob));
        vm.prank(bob);
        vault.setLiquidationEngine(bob);
        vm.expectRevert(IBallastErrors.ZeroAddress.selector);
        vault.setLiquidationEngine(address(0));
        vm.expectEmit(address(vault));
        emit IVault.LiquidationEngineSet(bob);
        vault.setLiquidationEngine(bob);
        assertEq(vault.liquidationEngine(), bob);
    }

    // ---------------------------------------------------------------- Treasury waterfall

    function test_treasury_paysKeepersFromSurplusThenUnbacked() public {
        _openEth(bob, 10e18, 10_000e18);
        vm.warp(block.timestamp + 365 days);
        vault.mintFees(BUSD);
        uint256 surplus = tre.surplus(BUSD);
        assertGt(surplus, 400e18); // ~5% of 10,000
        vm.expectEmit(address(tre));
        emit ITreasury.KeeperPaid(BUSD, alice, surplus + 100e18, surplus, 100e18);
        vm.prank(hooksEngine);
        tre.payKeeper(BUSD, alice, surplus + 100e18);
        assertEq(busd.balanceOf(alice), surplus + 100e18);
        assertEq(tre.surplus(BUSD), 0);
        assertEq(tre.deficit(BUSD), 100e18);
        ITreasury.History memory h = tre.history(BUSD);
        assertEq(h.keeperPay, surplus + 100e18);
        assertEq(h.keeperPayUnbacked, 100e18);
    }

    function test_treasury_absorbsBadDebtFromSurplusThenLeavesADeficit() public {
        uint256 id = _underwater();
        vm.prank(alice);
        busd.transfer(address(tre), 300e18); // surplus of 300
        vm.prank(hooksEngine);
        vault.seize(id, 15_000e18, _one(10e18));
        vm.prank(alice);
        busd.transfer(hooksEngine, 14_000e18);
        vm.startPrank(hooksEngine);
        vault.settleAuctionDebt(BUSD, 14_000e18, 1_000e18);
        vm.expectEmit(address(tre));
        emit ITreasury.BadDebtAbsorbed(BUSD, 300e18, 700e18);
        tre.recordAuction(BUSD, 0, 1_000e18);
        vm.stopPrank();
        assertEq(tre.surplus(BUSD), 0);
        assertEq(tre.deficit(BUSD), 700e18);
        // later income covers the rest: anyone may trigger the absorption
        vm.prank(alice);
        busd.transfer(address(tre), 500e18);
        assertEq(tre.absorbBadDebt(BUSD), 500e18);
        assertEq(tre.deficit(BUSD), 200e18);
        ITreasury.History memory h = tre.history(BUSD);
        assertEq(h.badDebt, 1_000e18);
        assertEq(h.absorbed, 800e18);
        IVault.SyntheticState memory st = positionLens.synthetic(BUSD);
        assertEq(busd.totalSupply(), st.totalDebt + st.auctionDebt + st.badDebt);
    }

    function test_treasury_penaltyIsRecordedAndCoversDeficit() public {
        vm.prank(address(tre));
        vault.mintUnbacked(BUSD, bob, 50e18); // a deficit of 50
        _openEth(alice, 10e18, 1_000e18);
        vm.prank(alice);
        busd.transfer(address(tre), 80e18);
        vm.expectEmit(address(tre));
        emit ITreasury.PenaltyReceived(BUSD, 80e18);
        vm.prank(hooksEngine);
        tre.recordAuction(BUSD, 80e18, 0);
        assertEq(tre.deficit(BUSD), 0);
        assertEq(tre.surplus(BUSD), 30e18);
        assertEq(tre.history(BUSD).penalties, 80e18);
    }

    function test_treasury_penaltyAndBadDebtInOneRecord() public {
        _openEth(alice, 10e18, 1_000e18);
        vm.prank(alice);
        busd.transfer(address(tre), 80e18);
        vm.prank(address(tre));
        vault.mintUnbacked(BUSD, bob, 50e18); // stands for the auction's write-off: a deficit of 50
        vm.expectEmit(address(tre));
        emit ITreasury.PenaltyReceived(BUSD, 80e18);
        vm.expectEmit(address(tre));
        emit ITreasury.BadDebtRecorded(BUSD, 50e18);
        vm.expectEmit(address(tre));
        emit ITreasury.BadDebtAbsorbed(BUSD, 50e18, 0);
        vm.prank(hooksEngine);
        tre.recordAuction(BUSD, 80e18, 50e18);
        ITreasury.History memory h = tre.history(BUSD);
        assertEq(h.penalties, 80e18);
        assertEq(h.badDebt, 50e18);
        assertEq(h.absorbed, 50e18);
        assertEq(tre.surplus(BUSD), 30e18);
    }

    function test_treasury_engineOnly() public {
        bytes memory err = abi.encodeWithSelector(IBallastErrors.CallerNotLiquidationEngine.selector, bob);
        vm.startPrank(bob);
        vm.expectRevert(err);
        tre.payKeeper(BUSD, bob, 1);
        vm.expectRevert(err);
        tre.recordAuction(BUSD, 1, 1);
        vm.stopPrank();
        assertEq(tre.absorbBadDebt(BUSD), 0);
    }
}
