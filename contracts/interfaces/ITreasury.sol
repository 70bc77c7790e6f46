// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "./IVault.sol";
import {IBallastErrors} from "./IBallastErrors.sol";

/// @title ITreasury
/// @notice The protocol's surplus buffer, per synthetic: it receives interest fees (`Vault.mintFees`), liquidation
///         penalties and flash-mint fees as synthetic tokens; it pays keepers; and it absorbs bad debt, first by
///         burning surplus, then by leaving a visible deficit (the Vault's `badDebt`). Every step emits an event.
/// @dev Units: every amount is `[wad]` of the synthetic `synthId`. Surplus = this contract's balance of the
///      synthetic; deficit = `vault.synthetic(synthId).badDebt`. The liquidation engine is the Vault's
///      (`vault.liquidationEngine()`), so there is one source of truth for who may call.
interface ITreasury is IBallastErrors {
    /// @notice Cumulative figures per synthetic since deployment [wad].
    struct History {
        uint256 penalties; // liquidation penalties received
        uint256 keeperPay; // paid to keepers in all
        uint256 keeperPayUnbacked; // part of keeperPay minted unbacked because the surplus ran short
        uint256 badDebt; // written off by auctions
        uint256 absorbed; // bad debt covered by burning surplus
    }

    /// @notice A liquidation penalty of `amount` arrived.
    event PenaltyReceived(uint256 indexed synthId, uint256 amount);
    /// @notice A keeper was paid `amount`: `fromSurplus` out of the balance, `unbacked` newly minted as deficit.
    event KeeperPaid(
        uint256 indexed synthId,
        address indexed keeper,
        uint256 amount,
        uint256 fromSurplus,
        uint256 unbacked
    );
    /// @notice An auction ended short by `amount`: bad debt booked in the Vault.
    event BadDebtRecorded(uint256 indexed synthId, uint256 amount);
    /// @notice `amount` of bad debt was covered by burning surplus; `deficitLeft` remains.
    event BadDebtAbsorbed(uint256 indexed synthId, uint256 amount, uint256 deficitLeft);

    /// @notice The Vault (immutable).
    function vault() external view returns (IVault);

    /// @notice [wad] Synthetic `synthId` the treasury holds.
    function surplus(uint256 synthId) external view returns (uint256);

    /// @notice [wad] Bad debt of synthetic `synthId` not yet covered.
    function deficit(uint256 synthId) external view returns (uint256);

    /// @notice Cumulative figures of synthetic `synthId`.
    function history(uint256 synthId) external view returns (History memory);

    /// @notice Pays `amount` to `keeper` from the surplus; what the surplus cannot cover is minted unbacked and
    ///         becomes deficit. Liquidation engine only. Refused (`SystemShutdown`) once the Vault has shut down: the
    ///         settlement leaves the treasury's balance out of the units that share the collateral, so a payment out
    ///         of it after shutdown would dilute holders who redeem later against those who redeemed before.
    function payKeeper(uint256 synthId, address keeper, uint256 amount) external;

    /// @notice Records a penalty of `amount` the engine has transferred here. Liquidation engine only.
    function recordPenalty(uint256 synthId, uint256 amount) external;

    /// @notice Records `amount` of bad debt the engine has written off in the Vault, then absorbs what it can from
    ///         the surplus. Liquidation engine only.
    function recordBadDebt(uint256 synthId, uint256 amount) external;

    /// @notice Burns surplus against the deficit of synthetic `synthId` (anyone; fees minted later cover older
    ///         deficits). @return covered [wad] burned.
    function absorbBadDebt(uint256 synthId) external returns (uint256 covered);
}
