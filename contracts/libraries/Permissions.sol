// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Permissions
/// @notice The rights an owner may grant a manager of one position (`IVault.setManager`,
///         `IVault.setManagerWithPermit`), one bit each. Repaying needs no right: anyone may repay any position.
///         Every right lapses for good at the position's next change of owner.
library Permissions {
    /// @notice Add collateral to the position (`deposit`, the batch's deposit step), pulled from the manager.
    uint256 internal constant DEPOSIT = 1;
    /// @notice Take collateral out to any address (`withdraw`), within the minting limit while debt is owed.
    uint256 internal constant WITHDRAW = 2;
    /// @notice Mint the synthetic against the position to any address (`mint`), within the minting limit.
    uint256 internal constant MINT = 4;
    /// @notice Repay everything (from the manager) and take all the collateral out to any address (`close`).
    uint256 internal constant CLOSE = 8;
    /// @notice The narrow right for protection and one-transaction flows (`repayAndWithdraw`): repay debt from the
    ///         manager and take out collateral worth at most the repaid debt's value plus `IVault`'s
    ///         `MAX_REPAY_BONUS_BPS`, never lowering the position's health. It cannot mint or withdraw otherwise.
    uint256 internal constant REPAY_WITH_COLLATERAL = 16;
    /// @notice Every right above.
    uint256 internal constant ALL = 31;
}
