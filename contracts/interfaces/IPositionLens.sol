// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "./IVault.sol";

/// @title IPositionLens
/// @notice Read-only views over one Ballast Vault and its liquidation engine for keepers, front ends and
///         integrators: the figures the core contracts do not carry a view for (they would take room the core needs),
///         computed by `VaultReader` from the Vault's storage (`IVault.extSload`), and the engine's own views. It
///         writes nothing and holds nothing; no Ballast contract reads it.
/// @dev Units: `[wad]` 18-decimal fixed point, `[token]` a collateral token's own decimals, `[bps]` 1e4 = 100%, `[s]`
///      seconds. Views called back from inside a Ballast operation (a token hook, a take callback) may see
///      half-updated state; `IVault.reentrancyGuardEntered` and `ILiquidationEngine.reentrancyGuardEntered` tell.
interface IPositionLens {
    /// @notice A live auction as a keeper sees it.
    /// @param price [wad] Current price (0 if the auction needs a reset and the curve reached zero).
    /// @param floor [wad] Lowest price a take may use now (`ILiquidationEngine.Auction.floor`).
    /// @param needsReset `take` refuses until `reset` is called.
    struct AuctionView {
        uint256 id;
        uint256 positionId;
        address asset;
        uint256 synthId;
        uint256 lot; // [token]
        uint256 tab; // [wad]
        uint256 debt; // [wad]
        uint256 price; // [wad]
        uint256 floor; // [wad]
        uint256 startTime; // [s]
        bool needsReset;
    }

    /// @notice The Vault read (immutable).
    function vault() external view returns (IVault);

    /// @notice Where an asset stands in the attested-asset lifecycle (docs/governance.md, "Real-world assets").
    /// @param params The lapse terms (`IVault.LapseParams`).
    /// @param attested Whether the Vault treats it as attested (lapse terms set).
    /// @param lapseRamp Whether a lapse ramp started and waits for a cure.
    /// @param writtenDown Whether the oracle wrote it down.
    /// @param attestedAt [s] The last attestation (0 when unknown). @param ttl [s] Its time-to-live (0: not attested).
    /// @param lapsedAt [s] When the attestation lapsed (0 while in force).
    /// @param rampDueAt [s] From when anyone may start the lapse ramp (0 while in force).
    /// @param ltvBps [bps] The loan-to-value in force for new risk.
    struct Lapse {
        IVault.LapseParams params;
        bool attested;
        bool lapseRamp;
        bool writtenDown;
        uint256 attestedAt;
        uint256 ttl;
        uint256 lapsedAt;
        uint256 rampDueAt;
        uint256 ltvBps;
    }

    /// @notice The lifecycle of `asset` (`Lapse`). Reverts AssetNotListed.
    function lapseOf(address asset) external view returns (Lapse memory);

    /// @notice Collateral value, limits, debt and health of position `id` at current prices and the current rate index
    ///         (`VaultReader.healthOf`). Reverts PositionNotFound, or the oracle's `PriceUnavailable` when a price of
    ///         the basket or the synthetic's own price is unavailable.
    function healthOf(uint256 id) external view returns (IVault.PositionHealth memory);

    /// @notice The assets in position `id`'s basket (asset-id order) and their amounts [token].
    function basketOf(uint256 id) external view returns (address[] memory assets, uint256[] memory amounts);

    /// @notice [wad] Debt of position `id` at the current time, rounded up (what closing it costs now); 0 for an
    ///         unknown position.
    function debtOf(uint256 id) external view returns (uint256);

    /// @notice The state of synthetic `synthId` with the rate index, the total debt and the unminted fees brought up
    ///         to now. Reverts SyntheticNotFound.
    function synthetic(uint256 synthId) external view returns (IVault.SyntheticState memory);

    /// @notice [bps] The liquidation threshold of `asset` in force now (the ramp's value while one runs). Reverts
    ///         AssetNotListed.
    function liquidationThreshold(address asset) external view returns (uint256);

    /// @notice Position `id` as a liquidation values it (`VaultReader.liquidationState`, the code the engine runs).
    function liquidationState(uint256 id) external view returns (IVault.LiquidationState memory);

    /// @notice Live auctions `offset` to `offset + limit` (fewer at the end), in id order, with their prices. Scans
    ///         the ids from 1 (a view for keepers, not for on-chain callers: its gas grows with every auction ever).
    function getAuctions(uint256 offset, uint256 limit) external view returns (AuctionView[] memory);

    /// @notice Health [wad] of each position in `ids` as a liquidation values it (`liquidationState`: an asset
    ///         whose price is unavailable counts at 0, rounded down); `available[i]` is false (and `health[i]` 0) when
    ///         it cannot be computed (the synthetic's price or every basket price unavailable, or no such position).
    function liquidationHealthOf(
        uint256[] calldata ids
    ) external view returns (uint256[] memory health, bool[] memory available);

    /// @notice The rights (`Permissions` bits) `manager` holds on position `id` now: every right for its owner, 0 for
    ///         an unknown position, a stranger or an appointment that lapsed with a change of owner.
    function permissionsOf(uint256 id, address manager) external view returns (uint256);

    /// @notice The nonce `owner`'s next signed grant must carry (`IVault.setManagerWithPermit`).
    function grantNonce(address owner) external view returns (uint256);

    /// @notice The ramp of `asset`'s liquidation threshold (all zero when none was started).
    function rampOf(address asset) external view returns (IVault.Ramp memory);

    /// @notice [wad] Normalized debt of position `id` (debt / rateIndex, as stored).
    function normDebtOf(uint256 id) external view returns (uint256);

    /// @notice Stability module `module`'s debt line in the Vault (all zero for an unknown module).
    function moduleLine(address module) external view returns (IVault.ModuleLine memory);

    /// @notice The Vault's stability modules, in the order added.
    function modules() external view returns (address[] memory);

    /// @notice The Vault's redeemer (0: redemptions off).
    function redeemer() external view returns (address);
}
