// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRiskLens} from "./interfaces/IRiskLens.sol";
import {IVault} from "./interfaces/IVault.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {ILiquidationEngine} from "./interfaces/ILiquidationEngine.sol";
import {LiquidationMath} from "./libraries/LiquidationMath.sol";
import {FixedMath} from "./libraries/FixedMath.sol";
import {Valuation} from "./libraries/Valuation.sol";
import {VaultReader} from "./libraries/VaultReader.sol";

/// @title RiskLens
/// @notice Stateless stress view over any Ballast Vault (see `IRiskLens`).
contract RiskLens is IRiskLens {
    using FixedMath for uint256;

    /// @inheritdoc IRiskLens
    uint256 public constant MAX_MULTIPLIER_BPS = 1_000_000;
    /// @inheritdoc IRiskLens
    uint256 public constant MAX_RANGE = 1_000;
    uint256 private constant WAD = 1e18;
    uint256 private constant BPS = 1e4;

    /// @dev What one call reads once: the Vault's oracle and engine, the shock, and prices cached per asset id.
    struct Ctx {
        IVault vault;
        IOracleAdapter oracle;
        ILiquidationEngine.LiquidationParams lp;
        address[] assets;
        uint256[] multipliersBps;
        uint256[] price; // [wad] current oracle price by asset id, 0 until read
        ILiquidationEngine engine;
        uint256 globalRoom; // [wad USD] room left under the global cap now
    }

    /// @inheritdoc IRiskLens
    function stress(
        IVault vault,
        uint256[] calldata ids,
        address[] calldata assets,
        uint256[] calldata multipliersBps
    ) external view returns (PositionStress[] memory positions, StressSummary memory summary) {
        Ctx memory c = _context(vault, assets, multipliersBps);
        positions = new PositionStress[](ids.length);
        for (uint256 i; i < ids.length; ++i) positions[i] = _stress(c, ids[i], summary);
        summary.capRoom = c.globalRoom;
    }

    /// @inheritdoc IRiskLens
    function stressRange(
        IVault vault,
        uint256 fromId,
        uint256 toId,
        address[] calldata assets,
        uint256[] calldata multipliersBps
    ) external view returns (PositionStress[] memory positions, StressSummary memory summary) {
        if (fromId > toId || toId - fromId >= MAX_RANGE) revert InvalidRange(fromId, toId, MAX_RANGE);
        Ctx memory c = _context(vault, assets, multipliersBps);
        positions = new PositionStress[](toId - fromId + 1);
        for (uint256 id = fromId; id <= toId; ++id) positions[id - fromId] = _stress(c, id, summary);
        summary.capRoom = c.globalRoom;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internal
    // ------------------------------------------------------------------------------------------------------------

    function _context(
        IVault vault,
        address[] calldata assets,
        uint256[] calldata multipliersBps
    ) internal view returns (Ctx memory c) {
        if (assets.length != multipliersBps.length) revert ShockLengthMismatch(assets.length, multipliersBps.length);
        for (uint256 i; i < assets.length; ++i) {
            if (multipliersBps[i] > MAX_MULTIPLIER_BPS) {
                revert ShockTooLarge(assets[i], multipliersBps[i], MAX_MULTIPLIER_BPS);
            }
            if (!vault.assetConfig(assets[i]).listed) revert ShockedAssetNotListed(assets[i]);
            for (uint256 j; j < i; ++j) if (assets[j] == assets[i]) revert DuplicateShock(assets[i]);
        }
        c.vault = vault;
        c.oracle = vault.oracle();
        ILiquidationEngine engine = ILiquidationEngine(vault.liquidationEngine());
        c.engine = engine;
        c.globalRoom = _capRoom(vault);
        c.lp = engine.liquidationParams();
        c.assets = assets;
        c.multipliersBps = multipliersBps;
        c.price = new uint256[](64); // the Vault lists at most MAX_ASSETS (64) assets
    }

    /// @dev Figures of one position, added to `s`.
    function _stress(Ctx memory c, uint256 id, StressSummary memory s) internal view returns (PositionStress memory r) {
        r.id = id;
        address owner;
        (owner, r.synthId, ) = c.vault.positionOf(id);
        if (owner == address(0)) return r;
        r.exists = true;
        ++s.positions;

        address priceAsset = VaultReader.priceAsset(c.vault, r.synthId);
        uint256 minDebt = uint96(VaultReader.synthWord(c.vault, r.synthId, 0) >> 160);
        uint256 synthNow = WAD;
        uint256 synthShocked = WAD;
        if (priceAsset != address(0)) (synthNow, synthShocked) = _prices(c, priceAsset);

        (IVault.LiquidationState memory st, uint256 llNow) = _state(c, id, synthShocked, minDebt);
        r.collateralValue = st.collateralValue;
        r.debtValue = st.debtValue;
        r.healthNow = Valuation.healthDown(llNow, st.debt == 0 ? 0 : Valuation.debtValueUp(st.debt, synthNow));
        r.healthShocked = Valuation.healthDown(st.liquidationLimit, st.debtValue);
        if (r.healthShocked >= WAD) return r;

        r.liquidatable = true;
        ++s.liquidatable;
        if (r.healthNow >= WAD) ++s.newlyLiquidatable;
        s.debtValue += r.debtValue;
        // the engine's own rule (`LiquidationMath.plan`) on the shocked valuation, with no cap in the way
        uint256 n = st.assets.length;
        uint256[] memory rooms = new uint256[](n);
        for (uint256 i; i < n; ++i) rooms[i] = type(uint256).max;
        r.auctionDebt = LiquidationMath.plan(st, rooms, type(uint256).max, c.lp, id).debt;
        r.auctionDebtValue = r.auctionDebt.mulDivUp(synthShocked, WAD);
        s.auctionDebtValue += r.auctionDebtValue;
        // the same rule under the caps as they stand (the engine's rooms), as if this were the next liquidation
        for (uint256 i; i < n; ++i) {
            (uint256 cap, uint256 dirt) = (c.engine.assetCap(st.assets[i]), c.engine.assetDirt(st.assets[i]));
            rooms[i] = cap > dirt ? cap - dirt : 0;
        }
        try this.plannedDebt(st, rooms, c.globalRoom, c.lp, id) returns (uint256 capped) {
            r.cappedAuctionDebtValue = capped.mulDivUp(synthShocked, WAD);
            s.cappedAuctionDebtValue += r.cappedAuctionDebtValue;
        } catch {
            // less than one minimum debt of room (or an unpriced basket): nothing goes to auction now
        }
    }

    /// @inheritdoc IRiskLens
    function plannedDebt(
        IVault.LiquidationState calldata st,
        uint256[] calldata rooms,
        uint256 globalRoom,
        ILiquidationEngine.LiquidationParams calldata lp,
        uint256 id
    ) external pure returns (uint256) {
        return LiquidationMath.plan(st, rooms, globalRoom, lp, id).debt;
    }

    /// @dev Values position `id` as `VaultReader.liquidationState` does (the same `Valuation` rules and rounding), at
    ///      shocked prices and with each asset's liquidation threshold in force now (a ramp's current value). @return st The shocked valuation. @return llNow [wad USD] The liquidation limit at current prices.
    function _state(
        Ctx memory c,
        uint256 id,
        uint256 synthPrice,
        uint256 minDebt
    ) internal view returns (IVault.LiquidationState memory st, uint256 llNow) {
        (address[] memory assets, uint256[] memory amounts) = VaultReader.basketOf(c.vault, id);
        uint256 n = assets.length;
        (st.assets, st.amounts, st.prices, st.values, st.limits) = (
            assets,
            amounts,
            new uint256[](n),
            new uint256[](n),
            new uint256[](n)
        );
        st.decimals = new uint8[](n);
        (st.synthPrice, st.minDebt) = (synthPrice, minDebt);
        st.debt = VaultReader.debtOf(c.vault, id); // [wad] rounded up, at the current index
        st.debtValue = st.debt == 0 ? 0 : Valuation.debtValueUp(st.debt, synthPrice);
        for (uint256 i; i < n; ++i) {
            IVault.AssetConfig memory cfg = VaultReader.configOf(c.vault, assets[i]);
            uint256 threshold = VaultReader.thresholdNow(c.vault, assets[i], cfg); // [bps] in force now
            (uint256 pNow, uint256 pShock) = _prices(c, assets[i]);
            llNow += Valuation.limitDown(Valuation.valueDown(amounts[i], pNow, cfg.decimals), threshold);
            uint256 v = Valuation.valueDown(amounts[i], pShock, cfg.decimals);
            (st.prices[i], st.values[i], st.limits[i], st.decimals[i]) = (
                pShock,
                v,
                Valuation.limitDown(v, threshold),
                cfg.decimals
            );
            st.collateralValue += v;
            st.liquidationLimit += st.limits[i];
            st.penaltyValue += Valuation.penaltyUp(v, cfg.liqPenaltyBps);
        }
    }

    /// @dev [wad] Current and shocked price of `asset`, the current one read once per call.
    function _prices(Ctx memory c, address asset) internal view returns (uint256 now_, uint256 shocked) {
        uint256 assetId = c.vault.assetConfig(asset).id;
        now_ = c.price[assetId];
        if (now_ == 0) {
            now_ = c.oracle.getPrice(asset);
            c.price[assetId] = now_;
        }
        shocked = now_;
        for (uint256 i; i < c.assets.length; ++i) {
            if (c.assets[i] == asset) return (now_, now_.mulDivDown(c.multipliersBps[i], BPS));
        }
    }

    function _capRoom(IVault vault) internal view returns (uint256) {
        ILiquidationEngine engine = ILiquidationEngine(vault.liquidationEngine());
        uint256 cap = engine.globalCap();
        uint256 dirt = engine.globalDirt();
        return cap > dirt ? cap - dirt : 0;
    }
}
