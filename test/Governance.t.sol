// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";

import {Fixture} from "./utils/Fixture.sol";
import {IVault} from "../contracts/interfaces/IVault.sol";
import {IBallastErrors} from "../contracts/interfaces/IBallastErrors.sol";
import {VaultAdmin} from "../contracts/VaultAdmin.sol";
import {IOracleAdapter} from "../contracts/interfaces/IOracleAdapter.sol";
import {MockFeed} from "../contracts/mocks/MockFeed.sol";
import {MockERC20} from "../contracts/mocks/MockERC20.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @notice Governance around the Vault: time-locked parameter changes through the AccessManager, bounded parameters,
///         liquidation-threshold ramps, the guardian's pauses (and what they can never stop), and proof-of-reserve
///         checks on deposits.
contract GovernanceTest is Fixture {
    uint64 internal constant GOVERNOR = 1;
    uint64 internal constant GUARDIAN = 2;
    uint32 internal constant GOV_DELAY = 2 days;
    address internal gov = makeAddr("governor");
    address internal guardian = makeAddr("guardian");

    function setUp() public override {
        super.setUp();
        bytes4[] memory govSelectors = new bytes4[](3);
        govSelectors[0] = IVault.setAssetParams.selector;
        govSelectors[1] = IVault.setRampDuration.selector;
        govSelectors[2] = IVault.setAssetKind.selector;
        bytes4[] memory guardSelectors = new bytes4[](2);
        guardSelectors[0] = IVault.setPaused.selector;
        guardSelectors[1] = IVault.setAssetPaused.selector;
        manager.setTargetFunctionRole(address(vault), govSelectors, GOVERNOR);
        manager.setTargetFunctionRole(address(vault), guardSelectors, GUARDIAN);
        manager.grantRole(GOVERNOR, gov, GOV_DELAY);
        manager.grantRole(GUARDIAN, guardian, 0);
        manager.grantRole(GOVERNOR, address(this), 0); // the fixture's own calls, undelayed
    }

    // ------------------------------------------------------------------ timelock

    function test_governor_mustScheduleAndWaitTheDelay() public {
        bytes memory call = abi.encodeCall(IVault.setRampDuration, (7 days));
        bytes32 expected = manager.hashOperation(gov, address(vault), call);
        vm.prank(gov);
        vm.expectRevert(abi.encodeWithSelector(IAccessManager.AccessManagerNotScheduled.selector, expected));
        vault.setRampDuration(7 days);

        vm.prank(gov);
        (bytes32 opId, ) = manager.schedule(address(vault), call, 0);
        vm.warp(block.timestamp + GOV_DELAY - 1);
        vm.prank(gov);
        vm.expectRevert(abi.encodeWithSelector(IAccessManager.AccessManagerNotReady.selector, opId));
        manager.execute(address(vault), call);

        vm.warp(block.timestamp + 1);
        vm.prank(gov);
        manager.execute(address(vault), call);
        assertEq(vault.rampDuration(), 7 days);
    }

    function test_guardian_actsWithoutDelay_butCannotChangeParameters() public {
        vm.prank(guardian);
        vault.setPaused(true);
        assertTrue(vault.paused());
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, guardian));
        vault.setRampDuration(7 days);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, bob));
        vault.setPaused(false);
    }

    // ------------------------------------------------------------------ the admin module

    /// @dev The Vault's governance code runs only as the Vault's: called directly, every module entry point refuses.
    function test_adminModule_refusesDirectCalls() public {
        VaultAdmin m = VaultAdmin(vault.admin());
        assertGt(address(m).code.length, 0, "the constructor deployed the module");
        IVault.AssetParams memory ap = IVault.AssetParams(7_000, 8_000, 500, 1e9, false);
        IVault.SyntheticParams memory sp = IVault.SyntheticParams(address(0), rateModel, 1e24, 100e18);
        bytes[] memory calls = new bytes[](12);
        calls[0] = abi.encodeCall(IVault.listAsset, (address(weth), ap));
        calls[1] = abi.encodeCall(IVault.setAssetParams, (address(weth), ap));
        calls[2] = abi.encodeCall(IVault.addSynthetic, (busd, sp));
        calls[3] = abi.encodeCall(IVault.setSyntheticParams, (BUSD, sp));
        calls[4] = abi.encodeCall(IVault.setLiquidationEngine, (alice));
        calls[5] = abi.encodeCall(IVault.setPaused, (true));
        calls[6] = abi.encodeCall(IVault.setAssetPaused, (address(weth), true));
        calls[7] = abi.encodeCall(IVault.setAssetKind, (address(weth), IVault.AssetKind.Plain));
        calls[8] = abi.encodeCall(IVault.setRampDuration, (2 days));
        calls[9] = abi.encodeCall(IVault.shutdown, ());
        calls[10] = abi.encodeCall(IVault.releasePosition, (1));
        calls[11] = abi.encodeCall(IVault.setTreasury, (alice));
        for (uint256 i; i < calls.length; ++i) {
            (bool ok, bytes memory ret) = address(m).call(calls[i]);
            assertFalse(ok, "a direct call refuses");
            assertEq(ret, abi.encodeWithSelector(IBallastErrors.NotDelegated.selector));
        }
    }

    /// @dev The Vault checks the caller before it runs the module's code, and that code writes the Vault's storage
    ///      (read back through the Vault's views) and emits from the Vault's address, never the module's.
    function test_adminModule_writesTheVaultStorage_afterTheVaultChecksTheCaller() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, bob));
        vault.setTreasury(bob);

        vm.expectEmit(address(vault));
        emit IVault.RampDurationSet(5 days);
        vault.setRampDuration(5 days);
        assertEq(vault.rampDuration(), 5 days);
        assertEq(VaultAdmin(vault.admin()).MAX_RAMP_DURATION(), vault.MAX_RAMP_DURATION(), "one set of bounds");
        // the module's own storage stays empty: slot 4 is the ramp duration in the shared layout
        assertEq(uint256(vm.load(vault.admin(), bytes32(uint256(4)))), 3 days, "the module's initializer only");
        assertEq(uint256(vm.load(address(vault), bytes32(uint256(4)))), 5 days);
        // a module revert comes back unchanged through the Vault
        vm.expectRevert(abi.encodeWithSelector(IVault.InvalidRampDuration.selector, 1, 1 days, 30 days));
        vault.setRampDuration(1);
        // the return value comes back too
        (address owner, , uint256 debt) = _releaseAfterShutdown();
        assertEq(owner, alice);
        assertGt(debt, 0);
    }

    /// @dev The module's own checks come back through the Vault by name: an unlisted asset, an unknown position.
    function test_adminModule_refusesUnknownAssetsAndPositions() public {
        address unlisted = makeAddr("unlisted");
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(IVault.AssetNotListed.selector, unlisted));
        vault.setAssetPaused(unlisted, true);
        vm.expectRevert(abi.encodeWithSelector(IVault.AssetNotListed.selector, unlisted));
        vault.setAssetKind(unlisted, IVault.AssetKind.Plain);
        vault.shutdown();
        vm.expectRevert(abi.encodeWithSelector(IVault.PositionNotFound.selector, 999));
        vault.releasePosition(999);
    }

    function _releaseAfterShutdown() internal returns (address owner, uint256 synthId, uint256 debt) {
        uint256 id = _openEth(alice, 10e18, 1_000e18);
        vault.shutdown();
        return vault.releasePosition(id);
    }

    // ------------------------------------------------------------------ bounds

    function test_rampDuration_isBounded() public {
        uint256 min = vault.MIN_RAMP_DURATION();
        uint256 max = vault.MAX_RAMP_DURATION();
        vm.expectRevert(abi.encodeWithSelector(IVault.InvalidRampDuration.selector, min - 1, min, max));
        vault.setRampDuration(min - 1);
        vm.expectRevert(abi.encodeWithSelector(IVault.InvalidRampDuration.selector, max + 1, min, max));
        vault.setRampDuration(max + 1);
        vault.setRampDuration(max);
        assertEq(vault.rampDuration(), max);
    }

    function testFuzz_assetParams_outOfBoundsAlwaysRevert(uint16 ltv, uint16 thr, uint16 pen) public {
        bool valid =
            thr != 0 &&
                thr <= vault.MAX_LIQ_THRESHOLD_BPS() &&
                ltv <= thr &&
                pen <= vault.MAX_LIQ_PENALTY_BPS() &&
                uint256(thr) * (10_000 + pen) <= 1e8;
        IVault.AssetParams memory p = IVault.AssetParams(ltv, thr, pen, 1_000_000, false);
        if (!valid) vm.expectRevert();
        vault.setAssetParams(address(weth), p);
        if (valid) assertEq(vault.assetConfig(address(weth)).liqThresholdBps, thr);
    }

    // ------------------------------------------------------------------ ceilings and caps

    function test_loweringCeilingOrCapBelowUse_forcesNobodyOut() public {
        uint256 id = _openEth(alice, 10e18, 10_000e18);
        vault.setSyntheticParams(BUSD, IVault.SyntheticParams(address(0), rateModel, 5_000e18, 100e18));
        vault.setAssetParams(address(weth), IVault.AssetParams(8_000, 8_500, 500, 5, false)); // 5 WETH cap < 10 held
        // new risk is refused with the figures
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IVault.DebtCeilingExceeded.selector, BUSD, 10_001e18, 5_000e18));
        vault.mint(id, 1e18, alice);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IVault.SupplyCapExceeded.selector, address(weth), 11e18, 5e18));
        vault.deposit(id, address(weth), 1e18);
        // everything that reduces risk still works, and the position stays as healthy as before
        uint256 healthBefore = positionLens.healthOf(id).health;
        vm.startPrank(alice);
        vault.repay(id, 1_000e18);
        vault.withdraw(id, address(weth), 1e18, alice);
        vault.deposit(id, address(usdc), 1_000e6);
        vm.stopPrank();
        assertGe(positionLens.healthOf(id).health, healthBefore - 1e16);
        vm.prank(alice);
        vault.close(id, alice);
        assertEq(positionLens.debtOf(id), 0);
    }

    // ------------------------------------------------------------------ threshold ramps

    function test_loweringThreshold_rampsLinearly_andLiquidatesNobodyAtOnce() public {
        // alice at health just above 1 under the 85% threshold: 10 ETH at 2000 = 20,000; limit 17,000
        uint256 id = _openEth(alice, 10e18, 16_000e18);
        assertGt(positionLens.healthOf(id).health, 1e18);
        vault.setAssetParams(address(weth), IVault.AssetParams(7_000, 7_500, 500, 1_000_000, false));

        // the change alone moves nothing
        assertEq(positionLens.liquidationThreshold(address(weth)), 8_500);
        assertGt(positionLens.healthOf(id).health, 1e18, "not liquidatable the moment the threshold is lowered");
        IVault.Ramp memory r = positionLens.rampOf(address(weth));
        assertEq(r.fromBps, 8_500);
        assertEq(r.end - r.start, vault.rampDuration());

        // half way: 80%, rounded up
        vm.warp(block.timestamp + vault.rampDuration() / 2);
        ethFeed.setAnswer(2_000e8); // keep the price fresh
        assertEq(positionLens.liquidationThreshold(address(weth)), 8_000);
        assertEq(positionLens.healthOf(id).liquidationLimit, 16_000e18);
        // a third of the way more: still rounded towards the old value
        vm.warp(block.timestamp + vault.rampDuration() / 3);
        uint256 mid = positionLens.liquidationThreshold(address(weth));
        assertGt(mid, 7_500);
        assertLt(mid, 8_000);
        vm.warp(r.end);
        ethFeed.setAnswer(2_000e8);
        assertEq(positionLens.liquidationThreshold(address(weth)), 7_500);
        assertLt(positionLens.healthOf(id).health, 1e18, "liquidatable only once the ramp has run");
    }

    function test_raisingThreshold_appliesAtOnce_andEndsARamp() public {
        vault.setAssetParams(address(weth), IVault.AssetParams(7_000, 7_500, 500, 1_000_000, false));
        vm.warp(block.timestamp + 1 days);
        assertGt(positionLens.liquidationThreshold(address(weth)), 7_500);
        vault.setAssetParams(address(weth), IVault.AssetParams(8_000, 8_800, 500, 1_000_000, false));
        assertEq(positionLens.liquidationThreshold(address(weth)), 8_800);
        assertEq(vault.assetConfig(address(weth)).flags & vault.FLAG_RAMP(), 0);
    }

    function test_loweringAgainDuringARamp_startsFromTheValueInForce() public {
        vault.setAssetParams(address(weth), IVault.AssetParams(7_000, 7_500, 500, 1_000_000, false));
        vm.warp(block.timestamp + vault.rampDuration() / 2); // 8,000 in force
        vault.setAssetParams(address(weth), IVault.AssetParams(6_500, 7_000, 500, 1_000_000, false));
        assertEq(positionLens.rampOf(address(weth)).fromBps, 8_000);
        assertEq(positionLens.liquidationThreshold(address(weth)), 8_000);
    }

    // ------------------------------------------------------------------ guardian pauses

    function test_globalPause_stopsRiskIncreasing_neverRepayDepositCloseOrFreeWithdraw() public {
        uint256 id = _openEth(alice, 10e18, 5_000e18);
        vm.prank(alice);
        uint256 free = vault.openAndMint(BUSD, address(weth), 1e18, 0, alice);
        vm.prank(guardian);
        vault.setPaused(true);

        vm.startPrank(alice);
        vm.expectRevert(IVault.Paused.selector);
        vault.open(BUSD);
        vm.expectRevert(IVault.Paused.selector);
        vault.mint(id, 1e18, alice);
        vm.expectRevert(IVault.Paused.selector);
        vault.withdraw(id, address(weth), 1e18, alice);

        vault.deposit(id, address(weth), 1e18);
        vault.repay(id, 1_000e18);
        vault.withdraw(free, address(weth), 1e18, alice); // no debt: not risk-increasing
        vault.close(id, alice);
        vm.stopPrank();
        assertEq(positionLens.debtOf(id), 0);
        assertEq(weth.balanceOf(alice), 1_000e18);

        vm.prank(guardian);
        vault.setPaused(false);
        _openEth(alice, 10e18, 5_000e18);
    }

    function test_assetPause_stopsMintAndWithdrawForBasketsHoldingIt() public {
        uint256 withEth = _openEth(alice, 10e18, 5_000e18);
        vm.startPrank(alice);
        uint256 withBtc = vault.openAndMint(BUSD, address(wbtc), 1e8, 5_000e18, alice);
        vm.stopPrank();
        vm.prank(guardian);
        vault.setAssetPaused(address(weth), true);

        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(IVault.AssetPaused.selector, address(weth)));
        vault.mint(withEth, 1e18, alice);
        vault.deposit(withBtc, address(weth), 1e18); // deposits of the paused asset stay open
        vm.expectRevert(abi.encodeWithSelector(IVault.AssetPaused.selector, address(weth)));
        vault.withdraw(withBtc, address(wbtc), 1e6, alice);
        vault.repay(withEth, 1_000e18);
        vm.stopPrank();

        vm.prank(guardian);
        vault.setAssetPaused(address(weth), false);
        vm.prank(alice);
        vault.mint(withEth, 1e18, alice);
    }

    function test_guardianPause_neverBlocksLiquidation() public {
        _wireLiquidation();
        uint256 id = _openEth(alice, 10e18, 16_000e18);
        vm.prank(guardian);
        vault.setPaused(true);
        vm.prank(guardian);
        vault.setAssetPaused(address(weth), true);
        ethFeed.setAnswer(1_500e8);
        engine.liquidate(id);
        assertLt(positionLens.debtOf(id), 16_000e18);
    }

    // ------------------------------------------------------------------ proof of reserves

    function test_reserveFeed_capsDepositsOfWrappedAssets() public {
        MockERC20 wbx = new MockERC20("Wrapped BX", "WBX", 8);
        _listForAlice(address(wbx), 5_000, 6_000, 0);
        MockFeed por = new MockFeed(8);
        por.setAnswer(1_000e8); // 1,000 whole tokens proven
        // a Wrapped kind needs a working reserve feed
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleAdapter.ReserveUnavailable.selector,
                address(wbx),
                IOracleAdapter.PriceFailure.NoFeed
            )
        );
        vault.setAssetKind(address(wbx), IVault.AssetKind.Wrapped);
        oracle.setReserveFeed(address(wbx), AggregatorV3Interface(address(por)), 1 days);
        vault.setAssetKind(address(wbx), IVault.AssetKind.Wrapped);
        assertEq((vault.assetConfig(address(wbx)).flags >> 2) & 3, uint256(IVault.AssetKind.Wrapped));

        wbx.mint(alice, 900e8);
        vm.startPrank(alice);
        uint256 id = vault.open(BUSD);
        vault.deposit(id, address(wbx), 900e8);
        vm.stopPrank();

        // the token's supply outgrows its proven reserve: deposits are refused, withdrawals are not
        wbx.mint(alice, 200e8);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IVault.ReserveExceeded.selector, address(wbx), 1_100e8, 1_000e8));
        vault.deposit(id, address(wbx), 1e8);
        vm.prank(alice);
        vault.withdraw(id, address(wbx), 100e8, alice);

        // a stale reserve refuses deposits of that asset only; repay and other deposits keep working
        por.setAnswer(2_000e8);
        vm.warp(block.timestamp + 2 days);
        ethFeed.setAnswer(2_000e8);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleAdapter.ReserveUnavailable.selector,
                address(wbx),
                IOracleAdapter.PriceFailure.Stale
            )
        );
        vault.deposit(id, address(wbx), 1e8);
        vm.prank(alice);
        vault.deposit(id, address(weth), 1e18);

        // back to Plain: no check
        vault.setAssetKind(address(wbx), IVault.AssetKind.Plain);
        vm.prank(alice);
        vault.deposit(id, address(wbx), 1e8);
    }

    function testFuzz_reserveCheck_refusesExactlyPastTheReserve(uint64 reserveWhole, uint64 supplyWhole) public {
        reserveWhole = uint64(_bound(reserveWhole, 1, 1e12));
        supplyWhole = uint64(_bound(supplyWhole, 1, 1e12));
        MockERC20 rwa = new MockERC20("Tokenized Bill", "TBILL", 6);
        _listForAlice(address(rwa), 5_000, 6_000, uint256(supplyWhole) * 1e6);
        MockFeed por = new MockFeed(18);
        por.setAnswer(int256(uint256(reserveWhole) * 1e18));
        oracle.setReserveFeed(address(rwa), AggregatorV3Interface(address(por)), 1 days);
        vault.setAssetKind(address(rwa), IVault.AssetKind.RealWorld);
        vm.startPrank(alice);
        uint256 id = vault.open(BUSD);
        if (supplyWhole > reserveWhole) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IVault.ReserveExceeded.selector,
                    address(rwa),
                    uint256(supplyWhole) * 1e6,
                    uint256(reserveWhole) * 1e6
                )
            );
        }
        vault.deposit(id, address(rwa), uint256(supplyWhole) * 1e6);
        vm.stopPrank();
    }
}
