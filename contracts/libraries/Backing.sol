// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IVault} from "../interfaces/IVault.sol";
import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {ISyntheticToken} from "../interfaces/ISyntheticToken.sol";
import {IStabilityModule} from "../interfaces/IStabilityModule.sol";
import {FixedMath} from "./FixedMath.sol";
import {VaultReader} from "./VaultReader.sol";

/// @title Backing
/// @notice The one implementation of Ballast's backing figures: what each collateral asset contributes, what each
///         synthetic owes, and whether the system is in the middle of an operation. `Settlement` (the shutdown
///         trigger) and `ReserveLens` (proof of reserves) both compute through it.
/// @dev Units: `[token]` the asset's own decimals, `[wad]` 18 decimals (USD values, prices, synthetic amounts).
///      Collateral values round down, liability values round up: the backing never flatters the system.
library Backing {
    using FixedMath for uint256;

    /// @notice A reading taken while a Ballast contract is in the middle of an operation (a take's callback or a
    ///         token hook inside the engine, a token hook inside a Vault call or a stability module's swap, a flash
    ///         loan of a synthetic):
    ///         collateral or liabilities are half-moved, so no backing figure is given.
    error SystemBusy();

    /// @notice One collateral asset's part in the backing.
    /// @param credited [token] Credited to positions in the Vault.
    /// @param inAuctions [token] Held by the liquidation engine (lots in auction and leftovers not yet claimed).
    /// @param inModules [token] Held by the stability modules whose reserve it is (all of it joins the settlement's
    ///        pools at shutdown).
    /// @param owed [token] Leftovers the engine owes liquidated owners: theirs, not backing.
    /// @param price [wad] USD per whole token, 0 when unavailable. @param priced Whether the oracle gave it.
    /// @param value [wad] (credited + inAuctions + inModules - owed) * price, rounded down; 0 when unpriced.
    struct AssetFigures {
        uint256 credited;
        uint256 inAuctions;
        uint256 inModules;
        uint256 owed;
        uint256 price;
        bool priced;
        uint256 value;
    }

    /// @notice One synthetic's liability.
    /// @param supply [wad] Token supply without flash-minted units not yet paid back.
    /// @param price [wad] USD per unit (1e18 for a USD synthetic), 0 when unavailable. @param priced Whether known.
    /// @param liabilityValue [wad] (supply + unminted fees) * price, rounded up; 0 when unpriced.
    struct SyntheticFigures {
        uint256 supply;
        uint256 price;
        bool priced;
        uint256 liabilityValue;
    }

    /// @notice Reverts `SystemBusy` while the Vault, the engine or a stability module holds its reentrancy lock or a
    ///         flash loan of any synthetic is outstanding. `synthetics` are the synthetics' tokens.
    function checkIdle(IVault vault, address engine, ISyntheticToken[] memory synthetics) internal view {
        if (vault.reentrancyGuardEntered()) revert SystemBusy();
        if (engine != address(0) && ILiquidationEngine(engine).reentrancyGuardEntered()) revert SystemBusy();
        for (uint256 i; i < synthetics.length; ++i) {
            if (synthetics[i].flashMinted() != 0) revert SystemBusy();
        }
        address[] memory modules = VaultReader.modules(vault);
        for (uint256 i; i < modules.length; ++i) {
            if (IStabilityModule(modules[i]).reentrancyGuardEntered()) revert SystemBusy();
        }
    }

    /// @notice The backing figures of listed asset `asset` (configuration `c`).
    function asset(
        IOracleAdapter oracle,
        IVault vault,
        address engine,
        address asset_,
        IVault.AssetConfig memory c
    ) internal view returns (AssetFigures memory f) {
        f.credited = c.total;
        f.inModules = inModules(vault, asset_, c.id);
        if (engine != address(0)) {
            f.inAuctions = IERC20(asset_).balanceOf(engine);
            f.owed = ILiquidationEngine(engine).totalClaimable(asset_);
            if (f.owed > f.inAuctions) f.owed = f.inAuctions;
        }
        IOracleAdapter.PriceFailure failure;
        (f.price, failure) = oracle.tryGetPrice(asset_);
        // a written-down asset is known to be worth nothing: priced at 0, so the backing never waits on it; a lapsed
        // attestation keeps its last attested price (the one liquidations use)
        f.priced = failure == IOracleAdapter.PriceFailure.None || failure == IOracleAdapter.PriceFailure.WrittenDown;
        if (failure == IOracleAdapter.PriceFailure.None) f.value = exposure(f).mulDivDown(f.price, 10 ** c.decimals);
        else f.price = 0;
    }

    /// @return [token] The asset's exposure: credited to positions plus in auctions plus in stability modules, less
    ///         leftovers owed to owners.
    function exposure(AssetFigures memory f) internal pure returns (uint256) {
        return f.credited + f.inAuctions + f.inModules - f.owed;
    }

    /// @return held [token] `asset` (asset id `assetId`) held by the stability modules whose reserve it is.
    function inModules(IVault vault, address asset_, uint256 assetId) internal view returns (uint256 held) {
        address[] memory modules = VaultReader.modules(vault);
        for (uint256 i; i < modules.length; ++i) {
            IVault.ModuleLine memory line = VaultReader.moduleLine(vault, modules[i]);
            if (line.assetId == assetId) held += IERC20(asset_).balanceOf(modules[i]);
        }
    }

    /// @notice The liability figures of a synthetic in state `st`.
    function synthetic(
        IOracleAdapter oracle,
        IVault.SyntheticState memory st
    ) internal view returns (SyntheticFigures memory f) {
        f.supply = st.token.totalSupply() - st.token.flashMinted(); // a flash loan in progress is no liability
        address priceAsset = st.params.priceAsset;
        f.price = FixedMath.WAD;
        f.priced = true;
        if (priceAsset != address(0)) {
            IOracleAdapter.PriceFailure failure;
            (f.price, failure) = oracle.tryGetPrice(priceAsset);
            f.priced = failure == IOracleAdapter.PriceFailure.None;
            if (!f.priced) f.price = 0;
        }
        if (f.priced) f.liabilityValue = (f.supply + st.unmintedFees).mulDivUp(f.price, FixedMath.WAD);
    }

    /// @return [bps] collateralValue / liabilityValue rounded down; type(uint256).max without liabilities.
    function ratioBps(uint256 collateralValue, uint256 liabilityValue) internal pure returns (uint256) {
        return liabilityValue == 0 ? type(uint256).max : collateralValue.mulDivDown(FixedMath.BPS, liabilityValue);
    }
}
