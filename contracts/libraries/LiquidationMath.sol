// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "../interfaces/IVault.sol";
import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {FixedMath} from "./FixedMath.sol";

/// @title LiquidationMath
/// @notice The one implementation of Ballast's liquidation rule: how much debt a liquidation moves into auction and
///         which amount of each basket asset it seizes. The LiquidationEngine runs it on the valuation
///         (`VaultReader.liquidationState`) in `liquidate` and `previewLiquidation`; `RiskLens` runs it on a shocked
///         valuation. The rule is written out in `ILiquidationEngine`.
/// @dev Units: `[token]` an asset in its own decimals, `[wad]` 1e18 fixed point (synthetic amounts, USD values,
///      health, fractions), `[bps]` 1e4. Rounding: the debt value wanted and the seized fraction round up (against
///      the position); each lot rounds up, except where a whole extra unit would lower the health after the
///      liquidation or break a cap (then down); the debt a lot carries rounds down, so every lot covers its tab.
library LiquidationMath {
    using FixedMath for uint256;

    /// @notice [bps] Collateral seized beyond debt + penalty at oracle prices, so a lot still covers its tab when
    ///         takers buy at a discount (down to 1/1.05 of the oracle price). What is left once the tab is covered
    ///         goes back to the owner as a claim.
    uint256 internal constant SEIZE_MARGIN_BPS = 500;

    uint256 private constant WAD = 1e18;

    /// @dev Figures of one plan, kept in memory to spare the stack.
    struct Work {
        uint256 positionId;
        uint256 cv; // [wad USD] value of the priced basket
        uint256 extra; // [wad USD] collateral value seized beyond the debt value, per `cv` of debt value
        uint256 seizableValue; // [wad USD] value of the assets that can be seized now (priced, with cap room)
        uint256 seizableLimit; // [wad USD] their liquidation limit
        bool heldBack; // some collateral cannot be seized now (no price, no cap room): it stays in the position
        bool roomLimited; // a cap cut the plan down
        uint256 minValue; // [wad USD] one minimum debt
        uint256 fraction; // [wad] share of every seizable asset the rule wants
        uint256 carry; // [wad] debt value carried per unit of seized value
        uint256 seizedValue; // [wad USD] value of the lots
        uint256 covered; // [wad USD] debt value the lots carry
    }

    /// @notice Plans the liquidation of position `positionId`, valued as `st` (`VaultReader.liquidationState`).
    /// @param rooms [wad USD] Room left under each basket asset's auction cap (`st.assets` order).
    /// @param globalRoom [wad USD] Room left under the global cap.
    /// @return p The plan without keeper pay: debt, penalty, debt value, full/capped, per-asset lots and the debt
    ///         value each lot carries.
    /// @dev Reverts PositionHealthy at or above the liquidation limit; AuctionCapReached (a cap) or
    ///      PricedLotTooSmall (collateral without a price) when less than one minimum debt can be moved.
    function plan(
        IVault.LiquidationState memory st,
        uint256[] memory rooms,
        uint256 globalRoom,
        ILiquidationEngine.LiquidationParams memory lp,
        uint256 positionId
    ) internal pure returns (ILiquidationEngine.LiquidationPlan memory p) {
        uint256 dv = st.debtValue;
        uint256 health = dv == 0 ? type(uint256).max : st.liquidationLimit.mulDivDown(WAD, dv);
        if (health >= WAD) revert ILiquidationEngine.PositionHealthy(positionId, health);
        uint256 n = st.assets.length;
        p.lots = new uint256[](n);
        p.covers = new uint256[](n);
        if (n == 0) {
            // nothing to sell: the whole debt goes, as bad debt
            (p.debt, p.debtValue, p.full) = (st.debt, dv, true);
            return p;
        }

        Work memory w;
        w.positionId = positionId;
        w.cv = st.collateralValue;
        w.extra = seizeExtraUp(w.cv, st.penaltyValue);
        w.minValue = st.minDebt.mulDivUp(st.synthPrice, WAD);
        bool noRoom = globalRoom == 0;
        for (uint256 i; i < n; ++i) {
            if (st.prices[i] != 0 && rooms[i] != 0 && !noRoom) {
                w.seizableValue += st.values[i];
                w.seizableLimit += st.limits[i];
            } else {
                w.heldBack = true;
                if (st.prices[i] != 0) w.roomLimited = true; // priced, but its cap (or the global one) is full
            }
        }

        // partial to the target health, or all; a partial plan that rounding or the minimum debt defeats goes full
        bool full = health < lp.fullLiquidationHealth;
        while (!_size(st, rooms, globalRoom, lp.targetHealth, w, p, full)) full = true;

        p.penalty = w.cv == 0 ? 0 : p.debt.mulDivUp(st.penaltyValue, w.cv);
        // a lot worth at least its debt at oracle prices owes no more than its worth: a penalty beyond the lot's
        // value could only be collected from a buyer paying above the oracle price
        uint256 lotValue = w.seizedValue.mulDivDown(WAD, st.synthPrice); // [wad] synthetic
        if (lotValue >= p.debt && p.penalty > lotValue - p.debt) p.penalty = lotValue - p.debt;
    }

    /// @notice [wad USD] The debt value to liquidate so that the position ends at `target` health when the seizable
    ///         part of its basket gives up the same fraction of every asset, or type(uint256).max when no partial
    ///         liquidation reaches it.
    /// @dev Moving debt value D takes D * m of collateral value, m = (cv + extra) / cv, out of the seizable value S
    ///      (liquidation limit L_S): the fraction f = D * m / S leaves the liquidation limit LL - D * m * L_S / S.
    ///      Solving (LL - D * m * L_S / S) = H * (DV - D) for D gives
    ///          D = (H * DV - LL) / (H - m * L_S / S),   when the denominator is positive.
    ///      The numerator rounds up and the denominator down, so D rounds up (against the position).
    /// @param ll [wad USD] Liquidation limit. @param dv [wad USD] Debt value. @param cv [wad USD] Priced value.
    /// @param extra [wad USD] `seizeExtraUp(cv, penaltyValue)`. @param seizable [wad USD] S. @param seizableLimit
    ///        [wad USD] L_S. @param target [wad] Target health, > 1e18.
    function partialDebtValueUp(
        uint256 ll,
        uint256 dv,
        uint256 cv,
        uint256 extra,
        uint256 seizable,
        uint256 seizableLimit,
        uint256 target
    ) internal pure returns (uint256) {
        if (seizable == 0) return type(uint256).max;
        uint256 wanted = target.mulDivUp(dv, WAD); // [wad] H * DV, rounded up
        if (wanted <= ll) return 0; // already at the target (callers only ask below 1e18)
        // [wad] m * L_S / S, rounded up (so the denominator rounds down)
        uint256 k = (cv + extra).mulDivUp(seizableLimit, cv).mulDivUp(WAD, seizable);
        if (k >= target) return type(uint256).max;
        return (wanted - ll).mulDivUp(WAD, target - k);
    }

    /// @return [wad USD] Collateral value seized per `cv` of debt value beyond the debt itself:
    ///         (cv + penaltyValue) * (1 + SEIZE_MARGIN_BPS / 1e4) - cv, rounded up (against the position).
    function seizeExtraUp(uint256 cv, uint256 penaltyValue) internal pure returns (uint256) {
        return (cv + penaltyValue).mulDivUp(FixedMath.BPS + SEIZE_MARGIN_BPS, FixedMath.BPS) - cv;
    }

    /// @dev One attempt at a plan, partial (`full` false) or full. Fills `p`'s lots, covers, debt, debt value and
    ///      flags and `w`'s seized and covered values. @return done false when a partial plan must become full.
    function _size(
        IVault.LiquidationState memory st,
        uint256[] memory rooms,
        uint256 globalRoom,
        uint256 target,
        Work memory w,
        ILiquidationEngine.LiquidationPlan memory p,
        bool full
    ) private pure returns (bool done) {
        uint256 dv = st.debtValue;
        uint256 want = dv; // [wad USD] debt value to move
        if (!full) {
            want = partialDebtValueUp(st.liquidationLimit, dv, w.cv, w.extra, w.seizableValue, w.seizableLimit, target);
            if (want == type(uint256).max) return false;
            if (want < w.minValue) want = w.minValue; // a liquidation takes at least one minimum debt
            if (want >= dv) return false;
        }
        // the share of each seizable asset that covers `want` with penalty and margin, at most all of it; while it
        // is not all, each unit of seized value carries 1/m of debt value (the lot keeps its margin); when it is all
        // and nothing is held back, the lot carries the whole debt
        w.carry = w.cv == 0 ? 0 : w.cv.mulDivDown(WAD, w.cv + w.extra); // a basket worth 0 carries nothing
        w.fraction = WAD;
        if (w.seizableValue != 0) {
            uint256 fraction = (want + (w.cv == 0 ? 0 : want.mulDivUp(w.extra, w.cv))).mulDivUp(WAD, w.seizableValue);
            if (fraction < WAD) w.fraction = fraction;
            else if (!w.heldBack) {
                uint256 spread = want.mulDivUp(WAD, w.seizableValue);
                if (spread > w.carry) w.carry = spread;
            }
        }
        uint256[] memory fractions = _capFractions(st, rooms, globalRoom, w);

        // lots: round each up unless an extra unit would lower the health after a partial liquidation (an asset
        // whose threshold times the seize multiple exceeds the target) or break its cap; all down if the global cap
        // breaks, or if rounding up would empty the position without carrying its whole debt
        _lots(st, rooms, target, w, p, fractions, true);
        if (w.covered > globalRoom || (w.fraction < WAD && w.covered < dv && _emptied(st, p, w))) {
            _lots(st, rooms, target, w, p, fractions, false);
        }

        return _debt(st, w, p, full);
    }

    /// @dev The debt the lots of `p` move: all of it when the lots take the whole basket or carry the whole debt, or
    ///      when a full liquidation was neither cut by a cap nor held back by collateral it cannot seize; else what
    ///      they carry, rounded down, never leaving less than one minimum debt. @return done as `_size`.
    function _debt(
        IVault.LiquidationState memory st,
        Work memory w,
        ILiquidationEngine.LiquidationPlan memory p,
        bool full
    ) private pure returns (bool done) {
        uint256 dv = st.debtValue;
        bool limited = w.roomLimited || (w.heldBack && w.fraction == WAD);
        if ((full && !limited) || w.covered >= dv || _emptied(st, p, w)) {
            (p.debt, p.debtValue, p.full, p.capped) = (st.debt, dv, true, false);
            return true;
        }
        uint256 debt = w.covered.mulDivDown(WAD, st.synthPrice); // [wad] synthetic, rounded down: the lots cover it
        if (st.debt - debt < st.minDebt) {
            if (!limited && !full) return false; // what is left would be dust: take all
            debt = st.debt > st.minDebt ? st.debt - st.minDebt : 0;
        }
        if (debt < st.minDebt) {
            if (!limited && !full) return false;
            if (w.roomLimited) revert ILiquidationEngine.AuctionCapReached(w.positionId, w.covered, w.minValue);
            revert ILiquidationEngine.PricedLotTooSmall(w.positionId, w.covered, w.minValue);
        }
        (p.debt, p.debtValue, p.full, p.capped) = (debt, debt.mulDivUp(st.synthPrice, WAD), false, limited);
        return true;
    }

    /// @dev [wad] Each seizable asset's fraction: `w.fraction`, cut where the debt value it would carry exceeds the
    ///      room under its cap, then all cut pro rata where the total exceeds the global room (rounded down). Sets
    ///      `w.roomLimited` when a cap cuts. Assets that cannot be seized get 0.
    function _capFractions(
        IVault.LiquidationState memory st,
        uint256[] memory rooms,
        uint256 globalRoom,
        Work memory w
    ) private pure returns (uint256[] memory fractions) {
        uint256 n = st.assets.length;
        fractions = new uint256[](n);
        uint256 total; // [wad USD] debt value carried at these fractions
        for (uint256 i; i < n; ++i) {
            if (st.prices[i] == 0 || rooms[i] == 0 || globalRoom == 0) continue;
            uint256 v = st.values[i];
            uint256 f = w.fraction;
            uint256 carried = v.mulDivUp(f, WAD).mulDivUp(w.carry, WAD);
            if (carried > rooms[i]) {
                // the most of asset i whose debt value fits its room
                f = rooms[i].mulDivDown(WAD, w.carry).mulDivDown(WAD, v);
                carried = rooms[i];
                w.roomLimited = true;
            }
            fractions[i] = f;
            total += carried;
        }
        if (total > globalRoom) {
            for (uint256 i; i < n; ++i) fractions[i] = fractions[i].mulDivDown(globalRoom, total);
            w.roomLimited = true;
        }
    }

    /// @dev Fills `p.lots` and `p.covers` from `fractions` (rounded up where allowed when `up`), and `w.seizedValue`
    ///      and `w.covered`.
    function _lots(
        IVault.LiquidationState memory st,
        uint256[] memory rooms,
        uint256 target,
        Work memory w,
        ILiquidationEngine.LiquidationPlan memory p,
        uint256[] memory fractions,
        bool up
    ) private pure {
        (w.seizedValue, w.covered) = (0, 0);
        // an extra unit of asset i lowers the health after a partial liquidation when its threshold times the
        // seize multiple is above the target: limit_i * (cv + extra) / cv > target * value_i
        for (uint256 i; i < st.assets.length; ++i) {
            uint256 f = fractions[i];
            (uint256 lot, uint256 value, uint256 cover) = (0, 0, 0);
            if (f != 0) {
                uint256 amount = st.amounts[i];
                bool ceil =
                    up &&
                        (w.fraction == WAD ||
                            w.cv == 0 ||
                            st.limits[i].mulDivUp(w.cv + w.extra, w.cv) <= target.mulDivDown(st.values[i], WAD));
                (lot, value, cover) = _lot(st, i, amount, f, ceil, w.carry);
                if (ceil && cover > rooms[i]) (lot, value, cover) = _lot(st, i, amount, f, false, w.carry);
            }
            (p.lots[i], p.covers[i]) = (lot, cover);
            w.seizedValue += value;
            w.covered += cover;
        }
    }

    /// @return lot [token] `amount * f`, rounded up or down, at most `amount`.
    /// @return value [wad USD] Its value, rounded down.
    /// @return cover [wad USD] The debt value it carries, rounded down.
    function _lot(
        IVault.LiquidationState memory st,
        uint256 i,
        uint256 amount,
        uint256 f,
        bool up,
        uint256 carry
    ) private pure returns (uint256 lot, uint256 value, uint256 cover) {
        lot = up ? amount.mulDivUp(f, WAD) : amount.mulDivDown(f, WAD);
        if (lot > amount) lot = amount;
        value = lot.mulDivDown(st.prices[i], 10 ** st.decimals[i]);
        cover = value.mulDivDown(carry, WAD);
    }

    /// @return Whether the lots take the whole basket (nothing held back, every amount seized).
    function _emptied(
        IVault.LiquidationState memory st,
        ILiquidationEngine.LiquidationPlan memory p,
        Work memory w
    ) private pure returns (bool) {
        if (w.heldBack) return false;
        for (uint256 i; i < st.assets.length; ++i) {
            if (p.lots[i] != st.amounts[i]) return false;
        }
        return true;
    }
}
