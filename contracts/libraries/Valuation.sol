// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "../interfaces/IVault.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {FixedMath} from "./FixedMath.sol";

/// @title Valuation
/// @notice The one statement of how Ballast values collateral and debt: an asset's value, its share counted towards
///         the minting and liquidation limits, the liquidation threshold in force while a lowering ramps in, a debt's
///         value and a position's health. The Vault's minting check, the liquidation engine, Settlement and every
///         lens call these; `VaultReader` assembles them into whole positions.
/// @dev Units: `[token]` the collateral's own decimals, `[wad]` 1e18 fixed point (USD values, prices, health),
///      `[bps]` 1e4, `[s]` seconds. Collateral rounds down, debt rounds up: against the position.
library Valuation {
    using FixedMath for uint256;

    /// @notice `AssetConfig.flags` bit set while a lowered liquidation threshold ramps in.
    uint8 internal constant FLAG_RAMP = 2;
    /// @notice `AssetConfig.flags` bit set on an asset with lapse terms (`IVault.setLapseParams`): its price source is
    ///         attested, and its loan-to-value holds only while the attestation does.
    uint8 internal constant FLAG_ATTESTED = 16;
    /// @notice `AssetConfig.flags` bit set once an attestation lapse has started the asset's threshold ramp
    ///         (`IVault.startLapsedRamp`), until governance cures it (`IVault.cure`).
    uint8 internal constant FLAG_LAPSED = 32;

    /// @return [wad] USD value of `amount` [token] of a token with `decimals` at `price` [wad USD per whole token],
    ///         rounded down. Operands below 2^128 each: cannot overflow.
    function valueDown(uint256 amount, uint256 price, uint256 decimals) internal pure returns (uint256) {
        return amount.mulDivDown(price, 10 ** decimals);
    }

    /// @return price [wad] of attested `asset` for the minting limit: the oracle's, or 0 once written down (it counts for
    ///         nothing); reverts the oracle's PriceUnavailable on any other failure.
    /// @return ltv [bps] in force (`ltvInForce`: 0 while the attestation has lapsed or a lapse ramp waits for a cure).
    function attestedPrice(
        IOracleAdapter oracle,
        address asset,
        uint256 maxLtvBps,
        uint256 flags
    ) internal view returns (uint256 price, uint256 ltv) {
        (uint256 p, IOracleAdapter.PriceFailure f, bool lapsed) = oracle.tryGetAttestedPrice(asset);
        if (f == IOracleAdapter.PriceFailure.WrittenDown) return (0, 0);
        if (f != IOracleAdapter.PriceFailure.None) revert IOracleAdapter.PriceUnavailable(asset, f);
        return (p, ltvInForce(maxLtvBps, flags, lapsed));
    }

    /// @return [bps] The loan-to-value in force for new risk (a mint, a withdrawal with debt): the configured `maxLtvBps`,
    ///         or 0 while the asset's attestation has lapsed (`lapsed`, from `IOracleAdapter.tryGetAttestedPrice`) or
    ///         a lapse ramp waits for a cure (`FLAG_LAPSED` in `flags`).
    function ltvInForce(uint256 maxLtvBps, uint256 flags, bool lapsed) internal pure returns (uint256) {
        return lapsed || flags & FLAG_LAPSED != 0 ? 0 : maxLtvBps;
    }

    /// @return [wad] `bps` of `value` [wad], rounded down: an asset's share of a minting or liquidation limit.
    function limitDown(uint256 value, uint256 bps) internal pure returns (uint256) {
        return value.mulDivDown(bps, FixedMath.BPS);
    }

    /// @return [wad] The penalty `bps` of `value` [wad] counts for, rounded up (against the position).
    function penaltyUp(uint256 value, uint256 bps) internal pure returns (uint256) {
        return value.mulDivUp(bps, FixedMath.BPS);
    }

    /// @return [wad] USD value of `debt` [wad] synthetic units at `synthPrice` [wad USD per unit], rounded up.
    function debtValueUp(uint256 debt, uint256 synthPrice) internal pure returns (uint256) {
        return debt.mulDivUp(synthPrice, FixedMath.WAD);
    }

    /// @return [wad] liquidation limit / debt value, rounded down; type(uint256).max without debt. Below 1e18 the
    ///         position is liquidatable.
    function healthDown(uint256 liquidationLimit, uint256 debtValue) internal pure returns (uint256) {
        return debtValue == 0 ? type(uint256).max : liquidationLimit.mulDivDown(FixedMath.WAD, debtValue);
    }

    /// @return [bps] The liquidation threshold of an asset configured as `c` in force at `now_` [s]: the configured
    ///         one, or while a lowering ramps in (`r`, read only when `FLAG_RAMP` is set), the linear value between
    ///         the ramp's start and its target, rounded up (towards the old value, the safer one for the owner).
    function thresholdAt(
        IVault.AssetConfig memory c,
        IVault.Ramp memory r,
        uint256 now_
    ) internal pure returns (uint256) {
        if (c.flags & FLAG_RAMP == 0) return c.liqThresholdBps;
        return rampedAt(c.liqThresholdBps, r, now_);
    }

    /// @return [bps] The threshold in force at `now_` [s] while ramp `r` lowers it to `target` [bps]: `target` from
    ///         the ramp's end, before it the linear value from `r.fromBps`, rounded up (see `thresholdAt`).
    function rampedAt(uint256 target, IVault.Ramp memory r, uint256 now_) internal pure returns (uint256) {
        if (now_ >= r.end) return target;
        uint256 drop = uint256(r.fromBps - target) * (r.end - now_); // [bps * s] still to go
        return target + drop.mulDivUp(1, r.end - r.start);
    }
}
