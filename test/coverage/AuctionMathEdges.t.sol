// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {AuctionMath} from "../../contracts/libraries/AuctionMath.sol";

/// @notice `AuctionMath.partialDebtValue` at its edges: a basket worth nothing, a position already at the target,
///         and one whose penalty leaves no partial liquidation that reaches the target.
contract AuctionMathEdgesTest is Test {
    uint256 internal constant WAD = 1e18;

    function test_partialDebtValue_worthlessBasket_liquidatesEverything() public pure {
        assertEq(AuctionMath.partialDebtValue(0, 0, 100e18, 0, 1.2e18), type(uint256).max);
    }

    function test_partialDebtValue_atOrAboveTarget_takesNothing() public pure {
        // target health 1.2 x debt 100 = 120 <= the liquidation limit 120
        assertEq(AuctionMath.partialDebtValue(150e18, 120e18, 100e18, 0, 1.2e18), 0);
    }

    function test_partialDebtValue_penaltyTooHighForTheTarget_liquidatesEverything() public pure {
        // (1 + p) * LL / CV = 1.5 * 100 / 100 = 1.5 >= target 1.2: selling collateral only lowers health
        assertEq(AuctionMath.partialDebtValue(100e18, 100e18, 100e18, 50e18, 1.2e18), type(uint256).max);
    }

    function test_partialDebtValue_ordinaryCase_restoresTheTarget() public pure {
        uint256 cv = 100e18;
        uint256 ll = 85e18;
        uint256 dv = 80e18;
        uint256 pv = 5e18;
        uint256 target = 1.1e18;
        uint256 d = AuctionMath.partialDebtValue(cv, ll, dv, pv, target);
        assertGt(d, 0);
        assertLt(d, dv);
        // after repaying d and selling d * (1 + p) of collateral: health (LL') / (DV - d) >= target
        uint256 sold = (d * (cv + pv)) / cv;
        uint256 llAfter = ll - (sold * ll) / cv;
        assertGe(llAfter * WAD, target * (dv - d) - WAD * 1e3, "a partial liquidation falls short of the target");
    }
}
