// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";

import {Fixture} from "./utils/Fixture.sol";
import {IVault} from "../contracts/interfaces/IVault.sol";
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
