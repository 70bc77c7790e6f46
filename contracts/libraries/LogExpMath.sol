// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title LogExpMath
/// @notice The natural logarithm and the negative exponential in `[wad]`, for the volatility observer's log returns and
///         time decay. Both are series evaluations to within a few dozen wad units of the exact value (the TypeScript
///         reference in test/volatility.test.ts checks them against floating point): enough for an estimate whose
///         own noise is many orders of magnitude larger.
library LogExpMath {
    uint256 internal constant WAD = 1e18;
    /// @notice [wad] ln 2.
    uint256 internal constant LN2 = 693_147_180_559_945_309;
    /// @notice [wad] exp(-x) is taken as 0 from here on (exp(-42) < 1e-18).
    uint256 internal constant EXP_ZERO_FROM = 42 * WAD;

    /// @notice The logarithm of 0 was asked for.
    error LogOfZero();

    /// @notice ln(x / 1e18) [wad] for `x` [wad] > 0 (reverts on 0).
    /// @dev x = m * 2^k with m in [1, 2) (in wad), then ln(m) = 2 atanh(z) with z = (m - 1) / (m + 1) in [0, 1/3):
    ///      2 (z + z^3/3 + z^5/5 + ...), summed until a term is 0 (at most 19 terms). The halving loop runs about
    ///      log2(x / 1e18) times: once or not at all for the ratio of two prices a minute apart.
    function lnWad(uint256 x) internal pure returns (int256) {
        if (x == 0) revert LogOfZero();
        int256 k;
        uint256 m = x;
        while (m >= 2 * WAD) {
            m >>= 1;
            ++k;
        }
        while (m < WAD) {
            m <<= 1;
            --k;
        }
        uint256 z = ((m - WAD) * WAD) / (m + WAD);
        uint256 z2 = (z * z) / WAD;
        uint256 sum = z;
        uint256 power = z;
        for (uint256 n = 3; ; n += 2) {
            power = (power * z2) / WAD;
            uint256 term = power / n;
            if (term == 0) break;
            sum += term;
        }
        return k * int256(LN2) + 2 * int256(sum);
    }

    /// @notice exp(-x / 1e18) [wad] for `x` [wad] >= 0, rounded down; 0 from EXP_ZERO_FROM on.
    /// @dev x = k ln2 + f with f in [0, ln2): exp(-x) = exp(-f) / 2^k, exp(-f) by its Taylor series (alternating,
    ///      terms fall below one wad unit within 20).
    function expNegWad(uint256 x) internal pure returns (uint256) {
        if (x >= EXP_ZERO_FROM) return 0;
        uint256 k = x / LN2;
        uint256 f = x - k * LN2;
        uint256 sum = WAD; // the series' positive and negative parts are summed apart, so nothing underflows
        uint256 neg;
        uint256 term = WAD;
        for (uint256 n = 1; ; ++n) {
            term = (term * f) / (n * WAD);
            if (term == 0) break;
            if (n & 1 == 1) neg += term;
            else sum += term;
        }
        return (sum - neg) >> k;
    }
}
