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
    function growUp(uint256 index, uint256 rate, uint256 dt) internal pure returns (uint256 grown) {
        grown = index.mulDivUp(FixedMath.rpowUp(FixedMath.RAY + rate, dt), FixedMath.RAY);
        if (grown > type(uint128).max) grown = type(uint128).max;
    }

    /// @return [ray] The index `index` stored at `last` [s] with `rate`, brought to `now_` [s] (unchanged when no time
    ///         passed, the rate is 0, or `last` is in the future: interest stopped at shutdown).
    function indexAt(uint256 index, uint256 rate, uint256 last, uint256 now_) internal pure returns (uint256) {
        return rate == 0 || last >= now_ ? index : growUp(index, rate, now_ - last);
    }
}
