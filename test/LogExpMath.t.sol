// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {LogExpMath} from "../contracts/libraries/LogExpMath.sol";

/// @dev The volatility observer's logarithm and exponential against identities that hold exactly for the true
///      functions: known values, ln(a b) = ln a + ln b, exp(-ln x) = x, monotonicity. (test/volatility.test.ts holds
///      the observer built on them to a floating-point reference.)
contract LogExpMathTest is Test {
    uint256 private constant WAD = 1e18;

    function lnOf(uint256 x) external pure returns (int256) {
        return LogExpMath.lnWad(x);
    }

    function test_lnWad_knownValues() public pure {
        assertEq(LogExpMath.lnWad(WAD), 0);
        assertApproxEqAbs(LogExpMath.lnWad(2 * WAD), int256(LogExpMath.LN2), 2);
        assertApproxEqAbs(LogExpMath.lnWad(WAD / 2), -int256(LogExpMath.LN2), 2);
        assertApproxEqAbs(LogExpMath.lnWad(2_718_281_828_459_045_235), int256(WAD), 32); // e
        assertApproxEqAbs(LogExpMath.lnWad(10 * WAD), 2_302_585_092_994_045_684, 32);
        assertApproxEqAbs(LogExpMath.lnWad(1), -41_446_531_673_892_822_312, 64); // ln 1e-18
    }

    function test_lnWad_revertsOnZero() public {
        vm.expectRevert(LogExpMath.LogOfZero.selector);
        this.lnOf(0);
    }

    function test_expNegWad_knownValues() public pure {
        assertEq(LogExpMath.expNegWad(0), WAD);
        assertApproxEqAbs(LogExpMath.expNegWad(WAD), 367_879_441_171_442_321, 4); // 1/e
        assertApproxEqAbs(LogExpMath.expNegWad(LogExpMath.LN2), WAD / 2, 4);
        assertEq(LogExpMath.expNegWad(LogExpMath.EXP_ZERO_FROM), 0);
        assertEq(LogExpMath.expNegWad(type(uint256).max), 0);
    }

    /// @dev ln(a b) = ln a + ln b for ratios of prices (1e-6 to 1e6 either side of 1), within a few units.
    function testFuzz_lnWad_productRule(uint256 a, uint256 b) public pure {
        a = bound(a, WAD / 1e6, WAD * 1e6);
        b = bound(b, WAD / 1e6, WAD * 1e6);
        uint256 ab = (a * b) / WAD;
        int256 sum = LogExpMath.lnWad(a) + LogExpMath.lnWad(b);
        // the product's own rounding (one wad unit of ab) moves ln by up to 1e18 / ab units
        uint256 slack = 64 + (WAD * 2) / ab;
        assertApproxEqAbs(LogExpMath.lnWad(ab), sum, slack);
    }

    /// @dev exp(-ln(1/x)) = x for x in (0, 1]: the two functions invert each other within a relative 1e-14 and a
    ///      few wad units.
    function testFuzz_expNeg_invertsLn(uint256 x) public pure {
        x = bound(x, WAD / 1e9, WAD);
        int256 l = LogExpMath.lnWad(x); // <= 0
        uint256 back = LogExpMath.expNegWad(uint256(-l));
        assertApproxEqAbs(back, x, x / 1e14 + 4);
    }

    function testFuzz_lnWad_monotonic(uint256 x, uint256 y) public pure {
        x = bound(x, 1, 1e36);
        y = bound(y, x, 1e36);
        assertLe(LogExpMath.lnWad(x), LogExpMath.lnWad(y));
    }

    function testFuzz_expNegWad_monotonicAndBounded(uint256 x, uint256 y) public pure {
        x = bound(x, 0, 50 * WAD);
        y = bound(y, x, 50 * WAD);
        uint256 ex = LogExpMath.expNegWad(x);
        assertLe(LogExpMath.expNegWad(y), ex);
        assertLe(ex, WAD);
    }
}
