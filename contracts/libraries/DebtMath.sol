// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FixedMath} from "./FixedMath.sol";

/// @title DebtMath
/// @notice Conversions between debt [wad] and normalized debt [wad] at a rate index [ray], and the growth of the
///         index, with the rounding direction in every name. The Vault, its readers and the lenses all use these.
/// @dev debt = norm * index / RAY. Debt a position owes rounds up (`toDebtUp`); normalized debt added for a mint
///      rounds up (`toNormUp`), normalized debt removed for a repayment or a seizure rounds down (`toNormDown`): every
///      rounding goes against the position.
library DebtMath {
    using FixedMath for uint256;

    /// @return [wad] `norm` [wad] normalized debt at `index` [ray], rounded up.
    function toDebtUp(uint256 norm, uint256 index) internal pure returns (uint256) {
        return norm.mulDivUp(index, FixedMath.RAY);
    }

    /// @return [wad] The normalized debt that `debt` [wad] adds at `index` [ray], rounded up.
    function toNormUp(uint256 debt, uint256 index) internal pure returns (uint256) {
        return debt.mulDivUp(FixedMath.RAY, index);
    }

    /// @return [wad] The normalized debt that `debt` [wad] removes at `index` [ray], rounded down.
    function toNormDown(uint256 debt, uint256 index) internal pure returns (uint256) {
        return debt.mulDivDown(FixedMath.RAY, index);
    }

    /// @return grown [ray] index * (1 + rate)^dt for `rate` [ray per s] and `dt` [s], rounded up, saturating at
    ///         2^128 - 1 (the stored width): past it debts stop growing instead of wrapping, and repay keeps working.
    ///         `index` is at least RAY (an index starts there and only grows).
    function growUp(uint256 index, uint256 rate, uint256 dt) internal pure returns (uint256 grown) {
        grown = index.mulDivUp(growthUp(rate, dt), FixedMath.RAY); // both factors < 2^128: the product fits
        if (grown > type(uint128).max) grown = type(uint128).max;
    }

    /// @return sum [ray] (1 + rate / RAY)^dt, the growth over `dt` [s] at `rate` [ray per s], rounded up, at most
    ///         2^128 - 1 (past that, `growUp` saturates anyway). Panics (0x11) for `rate` >= 2^65 or `dt` >= 2^40,
    ///         which the Vault never passes (it clamps rates to MAX_RATE_PER_SECOND < 2^65; timestamps fit 40 bits).
    /// @dev The binomial expansion, term by term: sum over k of C(dt, k) * rate^k / RAY^(k-1), with t_0 = RAY and
    ///      t_(k+1) = t_k * (dt - k) * rate / ((k + 1) * RAY). Each computed term is rounded up from the one before,
    ///      so it is at least the exact term. The ratio of consecutive terms, q_k = (dt - k) * rate / ((k + 1) * RAY),
    ///      only falls as k grows. The sum stops at the first term T that rounds up to at most 1 ray-wei and adds 2 T
    ///      for the rest of the series: the term before T was at least 2, so q <= 1/2 from there on and the exact
    ///      tail (T's own term and every later one) is at most 2 T. So the sum never falls below the exact power;
    ///      it exceeds it by a few ray-wei (each rounding adds under 1 wei, later multiplied by ratios under 1 near
    ///      the end). The series ends by itself at k = dt (a zero term), and the sum stops at 2^128 - 1.
    ///      Cost: about 135 gas a term; an hour at 5% a year takes 5 terms, a year at 100% 27, 26 years at 100% (the
    ///      index's width) about 120. Every product stays under 2^256: a term is below 2^128 (the sum stops there),
    ///      times dt < 2^40, times rate < 2^65.
    function growthUp(uint256 rate, uint256 dt) internal pure returns (uint256 sum) {
        uint256 ray = FixedMath.RAY;
        assembly ("memory-safe") {
            if or(shr(65, rate), shr(40, dt)) {
                mstore(0x00, shl(224, 0x4e487b71))
                mstore(0x04, 0x11)
                revert(0x00, 0x24)
            }
            sum := ray
            let term := ray
            for {
                let k := 0
            } 1 {} {
                let p := mul(mul(term, sub(dt, k)), rate)
                k := add(k, 1)
                let d := mul(k, ray)
                term := div(add(p, sub(d, 1)), d) // rounded up; 0 once k passes dt or when rate is 0
                if lt(term, 2) {
                    sum := add(sum, add(term, term))
                    break
                }
                sum := add(sum, term)
                if gt(sum, 0xffffffffffffffffffffffffffffffff) {
                    sum := 0xffffffffffffffffffffffffffffffff
                    break
                }
            }
        }
    }

    /// @return [ray] The index `index` stored at `last` [s] with `rate`, brought to `now_` [s] (unchanged when no time
    ///         passed, the rate is 0, or `last` is in the future: interest stopped at shutdown).
    function indexAt(uint256 index, uint256 rate, uint256 last, uint256 now_) internal pure returns (uint256) {
        return rate == 0 || last >= now_ ? index : growUp(index, rate, now_ - last);
    }
}
