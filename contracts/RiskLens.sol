// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRiskLens} from "./interfaces/IRiskLens.sol";
import {IVault} from "./interfaces/IVault.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {ILiquidationEngine} from "./interfaces/ILiquidationEngine.sol";
import {AuctionMath} from "./libraries/AuctionMath.sol";
import {FixedMath} from "./libraries/FixedMath.sol";

/// @dev The one engine constant the lens needs that `ILiquidationEngine` does not declare.
interface ISeizeMargin {
    function SEIZE_MARGIN_BPS() external view returns (uint256);
}

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
        uint256 seizeMarginBps;
        address[] assets;
        uint256[] multipliersBps;
        uint256[] price; // [wad] current oracle price by asset id, 0 until read
    }

    /// @dev [wad USD] Basket sums (see `_basket`).
    struct Sums {
        uint256 llNow;
        uint256 cv;
        uint256 ll;
        uint256 penaltyValue;
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
        summary.capRoom = _capRoom(vault);
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
        summary.capRoom = _capRoom(vault);
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
        c.lp = engine.liquidationParams();
        c.seizeMarginBps = ISeizeMargin(address(engine)).SEIZE_MARGIN_BPS();
        c.assets = assets;
        c.multipliersBps = multipliersBps;
        c.price = new uint256[](64); // the Vault lists at most 64 assets
    }

    /// @dev Figures of one position, added to `s`.
    function _stress(Ctx memory c, uint256 id, StressSummary memory s) internal view returns (PositionStress memory r) {
        r.id = id;
        address owner;
        (owner, r.synthId, ) = c.vault.positionOf(id);
        if (owner == address(0)) return r;
        r.exists = true;
        ++s.positions;

        IVault.SyntheticParams memory sp = c.vault.synthetic(r.synthId).params;
        uint256 debt = c.vault.debtOf(id); // [wad] rounded up, at the current index
        uint256 synthNow = WAD;
        uint256 synthShocked = WAD;
        if (sp.priceAsset != address(0)) (synthNow, synthShocked) = _prices(c, sp.priceAsset);

        Sums memory b = _basket(c, id);
        r.collateralValue = b.cv;
        uint256 dvNow = debt == 0 ? 0 : debt.mulDivUp(synthNow, WAD);
        r.debtValue = debt == 0 ? 0 : debt.mulDivUp(synthShocked, WAD);
        r.healthNow = dvNow == 0 ? type(uint256).max : b.llNow.mulDivDown(WAD, dvNow);
        r.healthShocked = r.debtValue == 0 ? type(uint256).max : b.ll.mulDivDown(WAD, r.debtValue);
        if (r.healthShocked >= WAD) return r;

        r.liquidatable = true;
        ++s.liquidatable;
        if (r.healthNow >= WAD) ++s.newlyLiquidatable;
        s.debtValue += r.debtValue;
        r.auctionDebt = _auctionDebt(c, r, debt, b, synthShocked, sp.minDebt);
        r.auctionDebtValue = r.auctionDebt.mulDivUp(synthShocked, WAD);
        s.auctionDebtValue += r.auctionDebtValue;
    }

    /// @dev [wad] The debt `liquidate` would take at shocked prices, before caps (LiquidationEngine._plan).
    function _auctionDebt(
        Ctx memory c,
        PositionStress memory r,
        uint256 debt,
        Sums memory b,
        uint256 synthPrice,
        uint256 minDebt
    ) internal pure returns (uint256) {
        if (r.healthShocked < c.lp.fullLiquidationHealth) return debt;
        uint256 cv = r.collateralValue;
        uint256 extra = cv == 0 ? 0 : (cv + b.penaltyValue).mulDivUp(BPS + c.seizeMarginBps, BPS) - cv;
        uint256 d = AuctionMath.partialDebtValue(cv, b.ll, r.debtValue, extra, c.lp.targetHealth);
        if (d == type(uint256).max) return debt;
        d = d.mulDivUp(WAD, synthPrice);
        if (d < minDebt) d = minDebt;
        return d < debt && debt - d >= minDebt ? d : debt;
    }

    /// @dev [wad USD] Sums over a basket: liquidation limit now; value, liquidation limit and penalty value (each
    ///      asset's penalty rounded up, as the engine) at shocked prices.
    function _basket(Ctx memory c, uint256 id) internal view returns (Sums memory b) {
        (address[] memory assets, uint256[] memory amounts) = c.vault.basketOf(id);
        for (uint256 i; i < assets.length; ++i) {
            IVault.AssetConfig memory cfg = c.vault.assetConfig(assets[i]);
            (uint256 pNow, uint256 pShock) = _prices(c, assets[i]);
            uint256 unit = 10 ** cfg.decimals;
            b.llNow += amounts[i].mulDivDown(pNow, unit).mulDivDown(cfg.liqThresholdBps, BPS);
            uint256 v = amounts[i].mulDivDown(pShock, unit);
            b.cv += v;
            b.ll += v.mulDivDown(cfg.liqThresholdBps, BPS);
            b.penaltyValue += v.mulDivUp(cfg.liqPenaltyBps, BPS);
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
