// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "../interfaces/IVault.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {IRateModel} from "../interfaces/IRateModel.sol";
import {ISyntheticToken} from "../interfaces/ISyntheticToken.sol";
import {DebtMath} from "./DebtMath.sol";
import {Valuation} from "./Valuation.sol";

/// @title VaultReader
/// @notice Reads a Vault's ledger through `IVault.extSload` and values positions with `Valuation` and `DebtMath`:
///         the one implementation of a position's health, its liquidation valuation and a synthetic's state at the
///         current time. The liquidation engine, the Treasury, Settlement and the lenses call it; the Vault itself
///         carries only raw getters, so the rules live here once and the ledger stays small.
/// @dev The Vault's storage layout (checked slot by slot against the Vault's own bookkeeping by
///      test/VaultReader.t.sol): 0 AccessManaged, 1 treasury, 2 engine | paused | shutdownAt, 3 nextPositionId,
///      4 rampDuration, 5 _positions (id => owner bits 0-159, synthId 160-167, assetMask 168-231, owner changes
///      232-255), 6 _balances (id => word => two 128-bit lanes: lane 0 the normalized debt [wad], lane 1 + i asset i
///      [token]), 7 _managers (id => manager => appointment key), 8 _assets (asset => AssetConfig, one word in
///      declaration order), 9 _assetById, 10 _assetCount, 11 _synths (six words each, see `Vault.Synth`), 12
///      _isSynthetic, 13 _ramps (asset => Ramp: fromBps bits 0-15, start 16-55, end 56-95).
///      Units: `[token]`, `[wad]`, `[ray]`, `[bps]`, `[s]` as in `IVault`. Views called from inside a Vault operation
///      may see half-updated state: `IVault.reentrancyGuardEntered` tells; core callers never read it mid-operation.
library VaultReader {
    uint256 internal constant POSITIONS_SLOT = 5;
    uint256 internal constant BALANCES_SLOT = 6;
    uint256 internal constant MANAGERS_SLOT = 7;
    uint256 internal constant ASSETS_SLOT = 8;
    uint256 internal constant ASSET_BY_ID_SLOT = 9;
    uint256 internal constant SYNTHS_SLOT = 11;
    uint256 internal constant RAMPS_SLOT = 13;
    /// @dev Words per `Vault.Synth`.
    uint256 internal constant SYNTH_WORDS = 6;
    /// @dev keccak256(abi.encode(SYNTHS_SLOT)): the first word of the synthetics array.
    bytes32 internal constant SYNTHS_BASE = keccak256(abi.encode(SYNTHS_SLOT));
    uint256 private constant LANE_MASK = type(uint128).max;

    /// @notice A position's first word decoded. @param word The raw word (owner and owner changes make an appointment).
    struct Position {
        address owner;
        uint256 synthId;
        uint256 assetMask;
        uint256 word;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Raw words
    // ------------------------------------------------------------------------------------------------------------

    function load(IVault vault, bytes32 slot) internal view returns (uint256) {
        return uint256(vault.extSload(slot));
    }

    /// @return The slot of `key` in the Vault mapping at `slot`.
    function slotOf(uint256 key, uint256 slot) internal pure returns (bytes32) {
        return keccak256(abi.encode(key, slot));
    }

    function position(IVault vault, uint256 id) internal view returns (Position memory p) {
        uint256 w = load(vault, slotOf(id, POSITIONS_SLOT));
        (p.owner, p.synthId, p.assetMask, p.word) = (address(uint160(w)), uint8(w >> 160), uint64(w >> 168), w);
    }

    /// @return [wad] lane 0 or [token] lane 1 + i of position `id`.
    function lane(IVault vault, uint256 id, uint256 k) internal view returns (uint256) {
        uint256 w = load(vault, keccak256(abi.encode(k >> 1, slotOf(id, BALANCES_SLOT))));
        return k & 1 == 0 ? w & LANE_MASK : w >> 128;
    }

    function assetAt(IVault vault, uint256 i) internal view returns (address) {
        return address(uint160(load(vault, slotOf(i, ASSET_BY_ID_SLOT))));
    }

    function configOf(IVault vault, address asset) internal view returns (IVault.AssetConfig memory c) {
        uint256 w = load(vault, slotOf(uint160(asset), ASSETS_SLOT));
        c.listed = uint8(w) != 0;
        c.id = uint8(w >> 8);
        c.decimals = uint8(w >> 16);
        c.frozen = uint8(w >> 24) != 0;
        c.flags = uint8(w >> 32);
        c.maxLtvBps = uint16(w >> 40);
        c.liqThresholdBps = uint16(w >> 56);
        c.liqPenaltyBps = uint16(w >> 72);
        c.supplyCap = uint48(w >> 88);
        c.total = uint120(w >> 136);
    }

    function ramp(IVault vault, address asset) internal view returns (IVault.Ramp memory r) {
        uint256 w = load(vault, slotOf(uint160(asset), RAMPS_SLOT));
        (r.fromBps, r.start, r.end) = (uint16(w), uint40(w >> 16), uint40(w >> 56));
    }

    /// @return [bps] The liquidation threshold of `asset` (configured as `c`) in force now (`Valuation.thresholdAt`).
    function thresholdNow(IVault vault, address asset, IVault.AssetConfig memory c) internal view returns (uint256) {
        IVault.Ramp memory r;
        if (c.flags & Valuation.FLAG_RAMP != 0) r = ramp(vault, asset);
        return Valuation.thresholdAt(c, r, block.timestamp);
    }

    /// @return Word `k` (0-5) of synthetic `synthId`'s record, unchecked (0 past the end).
    function synthWord(IVault vault, uint256 synthId, uint256 k) internal view returns (uint256) {
        return load(vault, bytes32(uint256(SYNTHS_BASE) + synthId * SYNTH_WORDS + k));
    }

    /// @dev Reverts SyntheticNotFound unless synthetic `synthId` exists.
    function checkSynthetic(IVault vault, uint256 synthId) internal view {
        if (synthId >= load(vault, bytes32(SYNTHS_SLOT))) revert IVault.SyntheticNotFound(synthId);
    }

    /// @return The token of synthetic `synthId` (reverts SyntheticNotFound for an unknown one).
    function token(IVault vault, uint256 synthId) internal view returns (ISyntheticToken) {
        checkSynthetic(vault, synthId);
        return ISyntheticToken(address(uint160(synthWord(vault, synthId, 0))));
    }

    /// @return [wad] Synthetic `synthId`'s bad debt: the Treasury's deficit (reverts SyntheticNotFound).
    function badDebt(IVault vault, uint256 synthId) internal view returns (uint256) {
        checkSynthetic(vault, synthId);
        return synthWord(vault, synthId, 5) >> 128;
    }

    /// @return The oracle key of synthetic `synthId`'s price (0: a USD synthetic at exactly 1).
    function priceAsset(IVault vault, uint256 synthId) internal view returns (address) {
        return address(uint160(synthWord(vault, synthId, 4)));
    }

    /// @return [ray] Synthetic `synthId`'s rate index brought to now (what the next accrual will store).
    function indexNow(IVault vault, uint256 synthId) internal view returns (uint256) {
        uint256 w = synthWord(vault, synthId, 1); // rateIndex 0-127 | ratePerSecond 128-215 | lastAccrual 216-255
        return DebtMath.indexAt(uint128(w), uint88(w >> 128), uint40(w >> 216), block.timestamp);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Synthetics and positions
    // ------------------------------------------------------------------------------------------------------------

    /// @return st Synthetic `synthId` at the current time: the index brought to now, the total debt at it, and the
    ///         fees accrued since the last accrual counted exactly as the next accrual books them.
    function synthetic(IVault vault, uint256 synthId) internal view returns (IVault.SyntheticState memory st) {
        checkSynthetic(vault, synthId);
        uint256 w0 = synthWord(vault, synthId, 0);
        uint256 w1 = synthWord(vault, synthId, 1);
        uint256 w2 = synthWord(vault, synthId, 2);
        uint256 w3 = synthWord(vault, synthId, 3);
        uint256 w5 = synthWord(vault, synthId, 5);
        uint256 stored = uint128(w1);
        st.token = ISyntheticToken(address(uint160(w0)));
        st.params = IVault.SyntheticParams({
            priceAsset: priceAsset(vault, synthId),
            rateModel: IRateModel(address(uint160(w3))),
            debtCeiling: uint96(w3 >> 160),
            minDebt: uint96(w0 >> 160)
        });
        st.ratePerSecond = uint88(w1 >> 128);
        st.lastAccrual = uint40(w1 >> 216);
        st.rateIndex = DebtMath.indexAt(stored, st.ratePerSecond, st.lastAccrual, block.timestamp);
        st.totalNormDebt = uint128(w2);
        st.totalDebt = DebtMath.toDebtUp(st.totalNormDebt, st.rateIndex);
        st.unmintedFees = (w2 >> 128) + st.totalDebt - DebtMath.toDebtUp(st.totalNormDebt, stored);
        (st.auctionDebt, st.badDebt) = (uint128(w5), w5 >> 128);
    }

    /// @return [wad] Debt of position `id` now, rounded up (0 for an unknown position).
    function debtOf(IVault vault, uint256 id) internal view returns (uint256) {
        Position memory p = position(vault, id);
        if (p.owner == address(0)) return 0;
        return DebtMath.toDebtUp(lane(vault, id, 0), indexNow(vault, p.synthId));
    }

    /// @return list The assets of position `id`'s basket in asset-id order. @return amounts [token] held of each.
    function basketOf(IVault vault, uint256 id) internal view returns (address[] memory list, uint256[] memory amounts) {
        uint256 mask = position(vault, id).assetMask;
        uint256 n = popcount(mask);
        list = new address[](n);
        amounts = new uint256[](n);
        uint256 k;
        for (uint256 i; mask != 0; ++i) {
            if (mask & 1 != 0) {
                list[k] = assetAt(vault, i);
                amounts[k++] = lane(vault, id, 1 + i);
            }
            mask >>= 1;
        }
    }

    /// @return h Position `id`'s figures at current prices (`getPrice`: a failed price reverts) and the index now.
    function healthOf(
        IVault vault,
        IOracleAdapter oracle,
        uint256 id
    ) internal view returns (IVault.PositionHealth memory h) {
        Position memory p = position(vault, id);
        if (p.owner == address(0)) revert IVault.PositionNotFound(id);
        uint256 mask = p.assetMask;
        for (uint256 i; mask != 0; ++i) {
            if (mask & 1 != 0) {
                address asset = assetAt(vault, i);
                IVault.AssetConfig memory c = configOf(vault, asset);
                uint256 v = Valuation.valueDown(lane(vault, id, 1 + i), oracle.getPrice(asset), c.decimals);
                h.collateralValue += v;
                h.mintLimit += Valuation.limitDown(v, c.maxLtvBps);
                h.liquidationLimit += Valuation.limitDown(v, thresholdNow(vault, asset, c));
            }
            mask >>= 1;
        }
        h.debt = DebtMath.toDebtUp(lane(vault, id, 0), indexNow(vault, p.synthId));
        if (h.debt != 0) h.debtValue = Valuation.debtValueUp(h.debt, synthPrice(vault, oracle, p.synthId));
        h.health = Valuation.healthDown(h.liquidationLimit, h.debtValue);
    }

    /// @return [wad] USD per unit of synthetic `synthId` (exactly 1e18 for a USD synthetic); a failed price reverts.
    function synthPrice(IVault vault, IOracleAdapter oracle, uint256 synthId) internal view returns (uint256) {
        address key = priceAsset(vault, synthId);
        return key == address(0) ? 1e18 : oracle.getPrice(key);
    }

    /// @return st Position `id` valued for a liquidation (see `IVault.LiquidationState`): each basket asset through
    ///         `tryGetPrice`, a failed one at 0 and left out of `pricedMask`; the synthetic's own price must be
    ///         valid, and so must at least one basket price when the basket is not empty (nothing could be sold).
    function liquidationState(
        IVault vault,
        IOracleAdapter oracle,
        uint256 id
    ) internal view returns (IVault.LiquidationState memory st) {
        Position memory p = position(vault, id);
        if (p.owner == address(0)) revert IVault.PositionNotFound(id);
        uint256 w0 = synthWord(vault, p.synthId, 0);
        (st.owner, st.synthId, st.token, st.minDebt) = (p.owner, p.synthId, address(uint160(w0)), uint96(w0 >> 160));
        st.synthPrice = synthPrice(vault, oracle, p.synthId);
        st.debt = DebtMath.toDebtUp(lane(vault, id, 0), indexNow(vault, p.synthId));
        st.debtValue = Valuation.debtValueUp(st.debt, st.synthPrice);

        uint256 mask = p.assetMask;
        uint256 n = popcount(mask);
        (st.assets, st.amounts, st.prices, st.values, st.limits) = (
            new address[](n),
            new uint256[](n),
            new uint256[](n),
            new uint256[](n),
            new uint256[](n)
        );
        st.decimals = new uint8[](n);
        address failedAsset;
        IOracleAdapter.PriceFailure failure;
        uint256 k;
        for (uint256 i; mask != 0; ++i) {
            if (mask & 1 != 0) {
                IOracleAdapter.PriceFailure f = _valueAsset(vault, oracle, st, id, i, k++);
                if (f != IOracleAdapter.PriceFailure.None && failedAsset == address(0)) {
                    (failedAsset, failure) = (st.assets[k - 1], f);
                }
            }
            mask >>= 1;
        }
        if (n != 0 && st.pricedMask == 0) revert IOracleAdapter.PriceUnavailable(failedAsset, failure);
    }

    /// @dev Fills entry `k` of `st` with asset id `i` of position `id`.
    function _valueAsset(
        IVault vault,
        IOracleAdapter oracle,
        IVault.LiquidationState memory st,
        uint256 id,
        uint256 i,
        uint256 k
    ) private view returns (IOracleAdapter.PriceFailure f) {
        address asset = assetAt(vault, i);
        IVault.AssetConfig memory c = configOf(vault, asset);
        uint256 amount = lane(vault, id, 1 + i);
        uint256 price;
        (price, f) = oracle.tryGetPrice(asset);
        (st.assets[k], st.amounts[k], st.decimals[k]) = (asset, amount, c.decimals);
        if (f != IOracleAdapter.PriceFailure.None) return f;
        uint256 v = Valuation.valueDown(amount, price, c.decimals);
        uint256 limit = Valuation.limitDown(v, thresholdNow(vault, asset, c));
        (st.prices[k], st.values[k], st.limits[k]) = (price, v, limit);
        st.pricedMask |= uint256(1) << i;
        st.collateralValue += v;
        st.liquidationLimit += limit;
        st.penaltyValue += Valuation.penaltyUp(v, c.liqPenaltyBps);
    }

    function popcount(uint256 x) internal pure returns (uint256 n) {
        for (; x != 0; ++n) {
            x &= x - 1;
        }
    }
}
