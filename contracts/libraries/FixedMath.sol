// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title FixedMath
/// @notice Fixed-point helpers with the rounding direction in every name.
/// @dev Units: `[wad]` = 1e18 fixed point, `[ray]` = 1e27 fixed point, `[bps]` = 1e4. Multiplications are checked
///      (they revert on overflow, never wrap); callers keep operands inside the bounds written at each call site.
library FixedMath {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant RAY = 1e27;
    uint256 internal constant BPS = 10_000;

    /// @notice floor(x * y / d).
    function mulDivDown(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        return (x * y) / d;
    }

    /// @notice ceil(x * y / d). `d` must be non-zero (a zero divisor reverts unless x * y == 0).
    function mulDivUp(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        uint256 p = x * y;
        // (p - 1) / d + 1 == ceil(p / d) for p > 0; a zero divisor still reverts (division by zero panics)
        return p == 0 ? 0 : (p - 1) / d + 1;
    }

    /// @notice x^n for a `[ray]` base, each intermediate product rounded up, so the result is never below the exact
    ///         power. Used for per-second compounding: `rpowUp(RAY + ratePerSecond, seconds)`.
    /// @dev Exponentiation by squaring: about log2(n) iterations (12 for one hour, 25 for one year).
    ///      Overflows (reverts) only when an intermediate exceeds 2^256 / x, far beyond any rate the Vault accepts.
    function rpowUp(uint256 x, uint256 n) internal pure returns (uint256 z) {
        // the loop of `mulDivUp(x, x, RAY)` and `mulDivUp(z, x, RAY)` written out: a product that overflows panics
        // (0x11) as checked arithmetic does; a zero product stays 0, any other rounds up
        assembly ("memory-safe") {
            z := RAY
            if and(n, 1) {
                z := x
            }
            for {
                n := shr(1, n)
            } n {
                n := shr(1, n)
            } {
                let xx := mul(x, x)
                if iszero(or(iszero(x), eq(div(xx, x), x))) {
                    mstore(0x00, shl(224, 0x4e487b71))
                    mstore(0x04, 0x11)
                    revert(0x00, 0x24)
                }
                x := mul(iszero(iszero(xx)), add(div(sub(xx, 1), RAY), 1))
                if and(n, 1) {
                    let zx := mul(z, x)
                    if iszero(or(iszero(x), eq(div(zx, x), z))) {
                        mstore(0x00, shl(224, 0x4e487b71))
                        mstore(0x04, 0x11)
                        revert(0x00, 0x24)
                    }
                    z := mul(iszero(iszero(zx)), add(div(sub(zx, 1), RAY), 1))
                }
            }
        }
    }
}
