// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "./IVault.sol";
import {IBallastErrors} from "./IBallastErrors.sol";

/// @title IRedemptions
/// @notice Face-value redemptions: any holder hands in a synthetic and receives collateral worth it at guarded oracle
///         prices, less a fee, taken from positions the redeemer names. A position can be redeemed against only while
///         its health is below the synthetic's `redeemableHealth` (so owners control their exposure by staying
///         healthier than that) and at least 1 (a liquidatable position goes to auction instead). From each position
///         the same share of every basket asset is taken (pro rata by value), worth the debt redeemed less the fee:
///         the owner loses no value at the oracle price (the fee stays with the position), the position's health never
///         falls, and no position is left with debt below the minimum. There is no sorted list: the redeemer names the
///         positions (`exposureOf` and the tasks find them), and one it may not touch is skipped, not fatal.
/// @dev Units: `[wad]` synthetic amounts, prices and health, `[token]` collateral, `[bps]` fees, `[s]` time.
///      The fee: `min(maxFee, minFee + base)`, where `base` [wad, a fraction] rises by `redeemed / supply / 2` with
///      every redemption (the supply without flash-minted units) and decays by half every `halfLife`, piecewise
///      linearly between halvings (never faster than the exponential: against the redeemer). A redemption is priced
///      with the fee its own amount would bring (the base after it), and `base` is raised by what was redeemed.
interface IRedemptions is IBallastErrors {
    /// @notice A synthetic's redemption parameters (GOVERNOR, bounded).
    /// @param redeemableHealth [wad] Positions below this health may be redeemed against; 0: redemptions off.
    /// @param minFeeBps [bps] The floor of the fee. @param maxFeeBps [bps] Its ceiling.
    /// @param halfLife [s] How long the volume part of the fee takes to halve.
    struct Params {
        uint64 redeemableHealth;
        uint16 minFeeBps;
        uint16 maxFeeBps;
        uint32 halfLife;
    }

    /// @notice How exposed a position is to redemptions now.
    /// @param redeemable Whether a redemption may take from it now. @param health [wad] Its health (0: unpriced).
    /// @param redeemableHealth [wad] The synthetic's bound. @param debt [wad] Its debt now.
    /// @param maxRedeemable [wad] The most debt a redemption could take now (the minimum debt kept).
    /// @param feeBps [bps] The fee a redemption of `maxRedeemable` would pay now.
    struct Exposure {
        bool redeemable;
        uint256 health;
        uint256 redeemableHealth;
        uint256 debt;
        uint256 maxRedeemable;
        uint256 feeBps;
    }

    /// @notice Why a named position was skipped.
    enum Skip {
        OtherSynthetic,
        NoDebt,
        Unpriced,
        Liquidatable,
        HealthyEnough,
        MinimumDebt
    }

    error RedemptionsOff(uint256 synthId);
    error InvalidParams(Params params);
    /// @notice The fee now, `feeBps`, is above the caller's `maxFeeBps`.
    error FeeAboveMax(uint256 feeBps, uint256 maxFeeBps);
    /// @notice None of the named positions could be redeemed against.
    error NothingRedeemed();

    /// @notice `redeemer` handed in `redeemed` [wad] of synthetic `synthId` at a fee of `feeBps`; the collateral went
    ///         to `to` (each position's `IVault.PositionRedeemed` says what).
    event Redemption(
        uint256 indexed synthId,
        address indexed redeemer,
        address indexed to,
        uint256 redeemed,
        uint256 feeBps
    );
    /// @notice Position `id` was named but not redeemed against, for `reason`.
    event RedemptionSkipped(uint256 indexed id, Skip reason);
    event ParamsSet(uint256 indexed synthId, Params params);

    /// @notice Hands in up to `amount` [wad] of synthetic `synthId` (pulled from the caller; what is not redeemed is
    ///         returned) and receives collateral from positions `ids`, in that order, at oracle prices less the fee,
    ///         sent to `to`. Reverts FeeAboveMax above `maxFeeBps`, NothingRedeemed when no position qualifies.
    /// @return redeemed [wad] Units burned.
    /// @return feeBps [bps] The fee paid.
    function redeem(
        uint256 synthId,
        uint256 amount,
        uint256[] calldata ids,
        uint256 maxFeeBps,
        address to
    ) external returns (uint256 redeemed, uint256 feeBps);

    /// @notice Sets synthetic `synthId`'s parameters: redeemableHealth 0 or in [1, 3], minFee ≤ maxFee ≤ 10%,
    ///         halfLife in [1 hour, 30 days]. GOVERNOR.
    function setParams(uint256 synthId, Params calldata params) external;

    /// @notice The Vault (immutable).
    function vault() external view returns (IVault);

    /// @notice Synthetic `synthId`'s parameters.
    function params(uint256 synthId) external view returns (Params memory);

    /// @notice [bps] The fee a redemption of `amount` [wad] of synthetic `synthId` would pay now.
    function feeFor(uint256 synthId, uint256 amount) external view returns (uint256);

    /// @notice [wad] The volume part of the fee now (decayed), a fraction of 1e18.
    function baseRate(uint256 synthId) external view returns (uint256);

    /// @notice How exposed position `id` is to redemptions now.
    function exposureOf(uint256 id) external view returns (Exposure memory);
}
