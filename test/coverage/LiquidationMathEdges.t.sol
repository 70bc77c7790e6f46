// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {LiquidationMath} from "../../contracts/libraries/LiquidationMath.sol";

/// @notice `LiquidationMath.partialDebtValueUp` at its edges: a basket with nothing seizable, a position already at the
///         target, one whose penalty leaves no partial liquidation that reaches the target, an ordinary case, and one
///         where only part of the basket can be seized.
contract LiquidationMathEdgesTest is Test {
    uint256 internal constant WAD = 1e18;

    function test_partialDebtValueUp_nothingSeizable_liquidatesEverything() public pure {
        assertEq(LiquidationMath.partialDebtValueUp(0, 100e18, 0, 0, 0, 0, 1.2e18), type(uint256).max);
    }

    function test_partialDebtValueUp_atOrAboveTarget_takesNothing() public pure {
        // target health 1.2 x debt 100 = 120 <= the liquidation limit 120
        assertEq(LiquidationMath.partialDebtValueUp(120e18, 100e18, 150e18, 0, 150e18, 120e18, 1.2e18), 0);
    }

    function test_partialDebtValueUp_penaltyTooHighForTheTarget_liquidatesEverything() public pure {
        // (1 + extra / CV) * LL / CV = 1.5 * 100 / 100 = 1.5 >= target 1.2: selling collateral only lowers health
        assertEq(
            LiquidationMath.partialDebtValueUp(100e18, 100e18, 100e18, 50e18, 100e18, 100e18, 1.2e18),
            type(uint256).max
        );
    }

    function test_partialDebtValueUp_ordinaryCase_restoresTheTarget() public pure {
        // the whole basket can be seized: its value and limit are the position's
        _assertRestoresTheTarget({ll: 85e18, dv: 80e18, cv: 100e18, extra: 5e18, cvS: 100e18, llS: 85e18});
    }

    /// @dev Only half the basket can be seized (the rest has no price or no cap room, and counts in the liquidation
    ///      limit at 0): the debt that restores the target is what the seizable half's limit allows.
    function test_partialDebtValueUp_onlyPartSeizable_restoresTheTargetFromThatPart() public pure {
        // a seizable part worth 60 with a limit of 48 (80%); the held-back part counts 0 in the limit
        _assertRestoresTheTarget({ll: 48e18, dv: 50e18, cv: 60e18, extra: 6e18, cvS: 60e18, llS: 48e18});
    }

    /// @dev After moving the planned debt value d and selling d * (1 + extra / cv) of the seizable collateral, the
    ///      health LL' / (DV - d) is at the target 1.1 (within rounding), neither short of it nor far beyond it.
    function _assertRestoresTheTarget(
        uint256 ll,
        uint256 dv,
        uint256 cv,
        uint256 extra,
        uint256 cvS,
        uint256 llS
    ) private pure {
        uint256 target = 1.1e18;
        uint256 d = LiquidationMath.partialDebtValueUp(ll, dv, cv, extra, cvS, llS, target);
        assertGt(d, 0);
        assertLt(d, dv);
        uint256 sold = (d * (cv + extra)) / cv;
        uint256 llAfter = ll - (sold * llS) / cvS;
        assertGe(llAfter * WAD, target * (dv - d) - WAD * 1e3, "short of the target");
        assertLe(llAfter * WAD, target * (dv - d) + WAD * 1e6, "far beyond the target");
    }
}
