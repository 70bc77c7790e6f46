// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "./IVault.sol";
import {IStabilityModule} from "./IStabilityModule.sol";

/// @title IReserveLens
/// @notice Proof of reserves: public, read-only figures for every collateral asset, every synthetic and the whole
///         system, computed from the Vault, the liquidation engine and the oracle at the current block.
/// @dev Units: `[token]` the asset's own decimals, `[wad]` 18 decimals (USD values, prices, synthetic amounts),
///      `[bps]` 1e4 = 100%. Collateral values round down, liability values round up (the backing figure never
///      flatters the system); the figures are computed by the `Backing` library, the same code the settlement's
///      trigger uses. A price the oracle cannot give is reported as `priced = false` with value 0, and makes the
///      system figure `complete = false` unless nothing of that asset is held (its exposure is 0). `report` and
///      `systemReserve` revert with `Backing.SystemBusy` when called from inside a Ballast operation (a take's
///      callback, a token hook during a Vault or engine call, a flash loan of a synthetic), whose half-moved state
///      would give a wrong figure.
interface IReserveLens {
    /// @notice One collateral asset.
    /// @param held [token] Balance of the Vault plus the liquidation engine plus the stability modules holding it.
    /// @param credited [token] Credited to positions in the Vault.
    /// @param inAuctions [token] Held by the liquidation engine (lots in auction and leftovers not yet claimed).
    /// @param inModules [token] Held by the stability modules whose reserve it is.
    /// @param exposure [token] credited + inAuctions + inModules - the leftovers owners may claim from the engine:
    ///        what backs.
    /// @param price [wad] USD per whole token, 0 when unavailable.
    /// @param value [wad] exposure * price, rounded down: the collateral that backs synthetics.
    /// @param proven [token] The proof-of-reserve answer (0 without a feed or when it fails).
    /// @param tokenSupply [token] The token's total supply.
    struct AssetReserve {
        address asset;
        IVault.AssetKind kind;
        uint256 held;
        uint256 credited;
        uint256 inAuctions;
        uint256 inModules;
        uint256 exposure;
        uint256 price;
        bool priced;
        uint256 value;
        uint256 proven;
        bool hasProof;
        uint256 tokenSupply;
    }

    /// @notice One synthetic.
    /// @param supply [wad] Token supply, without flash-minted tokens not yet paid back (`ISyntheticToken.flashMinted`):
    ///        a flash loan is no claim on the reserves and must not move the settlement trigger.
    /// @param unmintedFees [wad] Interest owed to the treasury, not yet minted.
    /// @param positionDebt [wad] Debt of all positions now.
    /// @param auctionDebt [wad] Debt in auctions.
    /// @param badDebt [wad] Treasury-held debt not yet covered.
    /// @param moduleDebt [wad] Units the stability modules minted against their reserves.
    /// @param treasurySurplus [wad] Held by the treasury.
    /// @param price [wad] USD per unit (1e18 for a USD synthetic), 0 when unavailable.
    /// @param liabilityValue [wad] (supply + unmintedFees) * price, rounded up.
    struct SyntheticReserve {
        uint256 synthId;
        address token;
        uint256 supply;
        uint256 unmintedFees;
        uint256 positionDebt;
        uint256 auctionDebt;
        uint256 badDebt;
        uint256 moduleDebt;
        uint256 treasurySurplus;
        uint256 price;
        bool priced;
        uint256 liabilityValue;
    }

    /// @notice One stability module.
    /// @param reserve Its reserve token. @param reserves [token] Held. @param debt [wad] Its debt in the Vault.
    /// @param ceiling [wad] Its exposure cap. @param pegRatio [wad] The reserve's price over the synthetic's (0 when
    ///        unpriced). @param priced Whether both prices are available. @param config Fees, band, freezes.
    struct ModuleReserve {
        address module;
        uint256 synthId;
        address reserve;
        uint256 reserves;
        uint256 debt;
        uint256 ceiling;
        uint256 pegRatio;
        bool priced;
        IStabilityModule.Config config;
    }

    /// @notice One savings token (the Treasury's savings sink of a synthetic).
    /// @param totalAssets [wad] The synthetic its shares are worth now (vested distributions included).
    /// @param totalSupply Its shares (the asset's decimals + 9).
    /// @param unvested [wad] Distributed and still vesting. @param vestingEnd [s] When the stream ends.
    /// @param apr [wad] The stream's rate over the assets, a year, simple (1e18 = 100%).
    struct SavingsReserve {
        uint256 synthId;
        address token;
        uint256 totalAssets;
        uint256 totalSupply;
        uint256 unvested;
        uint256 vestingEnd;
        uint256 apr;
    }

    /// @notice The whole system.
    /// @param collateralValue [wad]
    /// @param liabilityValue [wad]
    /// @param backingBps [bps] collateralValue / liabilityValue rounded down; type(uint256).max without liabilities.
    /// @param complete False when a price was unavailable for a synthetic or for an asset somebody holds (the figures
    ///        then leave it out).
    struct SystemReserve {
        uint256 collateralValue;
        uint256 liabilityValue;
        uint256 backingBps;
        bool complete;
    }

    /// @notice The Vault read (immutable).
    function vault() external view returns (IVault);

    /// @notice Figures for one listed asset.
    function assetReserve(address asset) external view returns (AssetReserve memory);

    /// @notice Figures for one synthetic.
    function syntheticReserve(uint256 synthId) external view returns (SyntheticReserve memory);

    /// @notice Every stability module, in the order added.
    function moduleReserves() external view returns (ModuleReserve[] memory);

    /// @notice The savings token of every synthetic that has one (read from the treasury's sinks; none when the
    ///         treasury keeps no sinks).
    function savingsReserves() external view returns (SavingsReserve[] memory);

    /// @notice Every listed asset, every synthetic and the system figure in one call.
    function report()
        external
        view
        returns (AssetReserve[] memory assets, SyntheticReserve[] memory synthetics, SystemReserve memory system);

    /// @notice The system figure alone (the settlement's trigger computes the same through `Backing`, and counts a
    ///         retired asset without a price at 0).
    function systemReserve() external view returns (SystemReserve memory);

    /// @notice Backing of one synthetic over positions `[fromId, toId)`: the collateral value of its positions in the
    ///         range and their debt value. Page through `1 .. vault.nextPositionId()` off-chain for the whole figure.
    /// @return collateralValue [wad] rounded down.
    /// @return debtValue [wad] rounded up.
    /// @return positions How many positions of `synthId` the range held.
    function syntheticBacking(
        uint256 synthId,
        uint256 fromId,
        uint256 toId
    ) external view returns (uint256 collateralValue, uint256 debtValue, uint256 positions);
}
