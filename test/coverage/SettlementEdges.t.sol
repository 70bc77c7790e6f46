// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Fixture} from "../utils/Fixture.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {IReserveLens} from "../../contracts/interfaces/IReserveLens.sol";
import {Settlement} from "../../contracts/Settlement.sol";
import {ReserveLens} from "../../contracts/ReserveLens.sol";
import {IBallastErrors} from "../../contracts/interfaces/IBallastErrors.sol";
import {Artifacts} from "../utils/Artifacts.sol";

/// @notice Settlement's argument checks and edge paths the end-to-end tests do not reach: construction without a
///         lens, a fallback price for an asset already frozen or at 0, claims and redemptions to the zero address
///         or of nothing, and the `finalized` view.
contract SettlementEdgesTest is Fixture {
    ReserveLens internal lens;
    Settlement internal settlement;

    function setUp() public override {
        super.setUp();
        _wireLiquidation();
        settlement = _wireSettlement();
        lens = ReserveLens(Artifacts.deploy("ReserveLens.sol:ReserveLens", abi.encode(vault)));
    }

    /// @dev alice owes 10,000 bUSD on 10 WETH; USDC's feed is down at shutdown, so its price stays unfrozen.
    function _shutdownWithUsdcUnpriced() internal returns (uint256 id) {
        id = _openEth(alice, 10e18, 10_000e18);
        usdcFeed.setAnswer(0);
        settlement.shutdown();
    }

    function test_constructor_revertsWithoutAVault() public {
        vm.expectRevert(IBallastErrors.ZeroAddress.selector);
        Settlement(Artifacts.deploy("Settlement.sol:Settlement", abi.encode(address(manager), IVault(address(0)))));
    }

    function test_setFallbackPrice_refusesAFrozenAsset_andAZeroPrice() public {
        _shutdownWithUsdcUnpriced();
        vm.warp(block.timestamp + settlement.PRICE_FALLBACK_DELAY());
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.PriceAlreadyFrozen.selector, address(weth), uint256(2_000e18))
        );
        settlement.setFallbackPrice(address(weth), 1_000e18);
        vm.expectRevert(IBallastErrors.ZeroAmount.selector);
        settlement.setFallbackPrice(address(usdc), 0);
        settlement.setFallbackPrice(address(usdc), 1e18);
        assertEq(settlement.frozenPrice(address(usdc)), 1e18);
    }

    function test_claim_refusesTheZeroAddress_andNothingToClaim() public {
        uint256 id = _shutdownWithUsdcUnpriced();
        settlement.settlePosition(id);
        vm.startPrank(alice);
        vm.expectRevert(IBallastErrors.ZeroAddress.selector);
        settlement.claim(address(weth), address(0));
        vm.expectRevert(IBallastErrors.ZeroAmount.selector);
        settlement.claim(address(usdc), alice); // nothing of USDC kept for her
        uint256 due = settlement.claimable(alice, address(weth));
        assertGt(due, 0, "nothing kept beyond her debt");
        assertEq(settlement.claim(address(weth), alice), due);
        vm.stopPrank();
    }

    function test_redeem_refusesZeroAmount_andTheZeroAddress_onceFinalized() public {
        uint256 id = _shutdownWithUsdcUnpriced();
        assertFalse(settlement.finalized(BUSD));
        settlement.settlePosition(id);
        settlement.finalize(BUSD);
        assertTrue(settlement.finalized(BUSD));
        vm.startPrank(alice);
        busd.approve(address(settlement), type(uint256).max);
        vm.expectRevert(IBallastErrors.ZeroAmount.selector);
        settlement.redeem(BUSD, 0, alice);
        vm.expectRevert(IBallastErrors.ZeroAddress.selector);
        settlement.redeem(BUSD, 1e18, address(0));
        uint256 before = weth.balanceOf(alice);
        settlement.redeem(BUSD, 10_000e18, alice); // every outstanding unit: the whole pool
        vm.stopPrank();
        assertEq(settlement.pool(BUSD, address(weth)), 0, "the last unit did not empty the pool");
        assertEq(weth.balanceOf(alice) - before, 5e18, "10,000 bUSD at 2,000 USD per WETH");
    }
}
