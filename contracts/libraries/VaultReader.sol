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
///      _isSynthetic, 13 _ramps (asset => Ramp: fromBps bits 0-15, start 16-55, end 56-95), 14 _modules (module =>
///      ModuleLine: active bits 0-7, synthId 8-15, assetId 16-23, ceiling 24-119, debt 120-247), 15 _moduleList, 16 _redeemer, 17 _lapses, 18 _grantNonces
///      (owner => next grant nonce). A manager's word holds the appointment key with its rights in bits 160-167.
///      A whole position is read in three calls to `IVault.extSloads` whatever its basket, plus one `extSload` per
///      asset whose threshold is ramping. Units: `[token]`, `[wad]`, `[ray]`, `[bps]`, `[s]` as in `IVault`. Views called from inside a Vault operation
///      may see half-updated state: `IVault.reentrancyGuardEntered` tells; core callers never read it mid-operation.
library VaultReader {
    uint256 internal constant POSITIONS_SLOT = 5;
    uint256 internal constant BALANCES_SLOT = 6;
    uint256 internal constant MANAGERS_SLOT = 7;
    uint256 internal constant ASSETS_SLOT = 8;
    uint256 internal constant ASSET_BY_ID_SLOT = 9;
    uint256 internal constant SYNTHS_SLOT = 11;
    uint256 internal constant RAMPS_SLOT = 13;
    uint256 internal constant MODULES_SLOT = 14;
    uint256 internal constant MODULE_LIST_SLOT = 15;
    uint256 internal constant REDEEMER_SLOT = 16;
    uint256 internal constant LAPSES_SLOT = 17;
    uint256 internal constant GRANT_NONCES_SLOT = 18;
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

    /// @return words The words in `slots`, read in one `IVault.extSloads` call (encoded and decoded by hand: this is
    ///         the liquidation's hot path). Reverts with the Vault's revert data, or when the answer is malformed.
    function loadMany(IVault vault, bytes32[] memory slots) internal view returns (uint256[] memory words) {
        bytes4 selector = IVault.extSloads.selector;
        assembly ("memory-safe") {
            let n := mload(slots)
            let size := mul(n, 0x20)
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 4), 0x20)
            mcopy(add(ptr, 36), slots, add(size, 0x20)) // the length, then the slots
            if iszero(staticcall(gas(), vault, ptr, add(size, 68), 0, 0)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            // the answer: offset 0x20, the length n, then n words
            if iszero(eq(returndatasize(), add(size, 0x40))) {
                revert(0, 0)
            }
            words := ptr
            returndatacopy(words, 0x20, add(size, 0x20))
            if iszero(eq(mload(words), n)) {
                revert(0, 0)
            }
            mstore(0x40, add(words, add(size, 0x20)))
        }
    }

    /// @return s The slot of `key` in the Vault mapping at `slot`.
    function slotOf(uint256 key, uint256 slot) internal pure returns (bytes32 s) {
        assembly ("memory-safe") {
            mstore(0, key)
            mstore(0x20, slot)
            s := keccak256(0, 0x40)
        }
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

    function configOf(IVault vault, address asset) internal view returns (IVault.AssetConfig memory) {
        return decodeConfig(load(vault, slotOf(uint160(asset), ASSETS_SLOT)));
    }

    /// @return c An `_assets` word decoded.
    function decodeConfig(uint256 w) internal pure returns (IVault.AssetConfig memory c) {
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

    /// @return t The token of synthetic `synthId` (reverts SyntheticNotFound for an unknown one: every synthetic has
    ///         a token, and the words past the array's end are zero).
    function token(IVault vault, uint256 synthId) internal view returns (ISyntheticToken t) {
        t = ISyntheticToken(address(uint160(synthWord(vault, synthId, 0))));
        if (address(t) == address(0)) revert IVault.SyntheticNotFound(synthId);
    }

    /// @return [wad] Synthetic `synthId`'s bad debt: the Treasury's deficit (reverts SyntheticNotFound). One call.
    function badDebt(IVault vault, uint256 synthId) internal view returns (uint256) {
        bytes32[] memory slots = new bytes32[](2);
        (slots[0], slots[1]) = (bytes32(SYNTHS_SLOT), bytes32(uint256(SYNTHS_BASE) + synthId * SYNTH_WORDS + 5));
        uint256[] memory w = loadMany(vault, slots);
        if (synthId >= w[0]) revert IVault.SyntheticNotFound(synthId);
        return w[1] >> 128;
    }

    /// @return The oracle key of synthetic `synthId`'s price (0: a USD synthetic at exactly 1).
    function priceAsset(IVault vault, uint256 synthId) internal view returns (address) {
        return address(uint160(synthWord(vault, synthId, 4)));
    }

    /// @return line Stability module `module`'s debt line (all zero for an unknown module).
    function moduleLine(IVault vault, address module) internal view returns (IVault.ModuleLine memory line) {
        uint256 w = load(vault, slotOf(uint160(module), MODULES_SLOT));
        (line.active, line.synthId, line.assetId) = (uint8(w) != 0, uint8(w >> 8), uint8(w >> 16));
        (line.ceiling, line.debt) = (uint96(w >> 24), uint128(w >> 120));
    }

    /// @return The Vault's redeemer (0: redemptions off).
    function redeemer(IVault vault) internal view returns (address) {
        return address(uint160(load(vault, bytes32(REDEEMER_SLOT))));
    }

    /// @return list The stability modules, in the order added (at most `MAX_MODULES`), read in one call.
    function modules(IVault vault) internal view returns (address[] memory list) {
        uint256 n = load(vault, bytes32(MODULE_LIST_SLOT));
        bytes32[] memory slots = new bytes32[](n);
        uint256 base = uint256(keccak256(abi.encode(MODULE_LIST_SLOT)));
        for (uint256 i; i < n; ++i) {
            slots[i] = bytes32(base + i);
        }
        uint256[] memory words = n == 0 ? new uint256[](0) : loadMany(vault, slots);
        list = new address[](n);
        for (uint256 i; i < n; ++i) {
            list[i] = address(uint160(words[i]));
        }
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
        uint256 w4 = synthWord(vault, synthId, 4); // priceAsset 0-159 | moduleDebt 160-255
        uint256 w5 = synthWord(vault, synthId, 5);
        uint256 stored = uint128(w1);
        st.token = ISyntheticToken(address(uint160(w0)));
        st.params = IVault.SyntheticParams({
            priceAsset: address(uint160(w4)),
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
        st.moduleDebt = w4 >> 160;
    }

    /// @return [wad] Debt of position `id` now, rounded up (0 for an unknown position).
    function debtOf(IVault vault, uint256 id) internal view returns (uint256) {
        Position memory p = position(vault, id);
        if (p.owner == address(0)) return 0;
        return DebtMath.toDebtUp(lane(vault, id, 0), indexNow(vault, p.synthId));
    }

    /// @return list The assets of position `id`'s basket in asset-id order. @return amounts [token] held of each.
    function basketOf(
        IVault vault,
        uint256 id
    ) internal view returns (address[] memory list, uint256[] memory amounts) {
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

    /// @notice A position's ledger entry, read in three calls (`IVault.extSloads`) whatever its basket, and one more
    ///         per asset whose threshold is ramping.
    /// @param owner Its owner. @param synthId Its synthetic. @param assetMask Bit i set: asset id i in the basket.
    /// @param shutdownAt [s] The Vault's shutdown time (0 while it runs). @param token The synthetic's token.
    /// @param minDebt [wad] @param priceAsset The synthetic's oracle key (0: USD at exactly 1). @param debt [wad] Debt
    ///        at the index brought to now, rounded up. @param assets Basket in asset-id order; @param ids their asset
    ///        ids; @param amounts [token]; @param configs their `_assets` words as stored (`decodeConfig`);
    ///        @param thresholds [bps] in force now.
    struct Entry {
        address owner;
        uint256 synthId;
        uint256 assetMask;
        uint256 shutdownAt;
        address token;
        uint256 minDebt;
        address priceAsset;
        uint256 debt;
        address[] assets;
        uint256[] ids;
        uint256[] amounts;
        uint256[] configs;
        uint256[] thresholds;
    }

    /// @return e Position `id`'s entry (reverts PositionNotFound for an unknown one).
    function entryOf(IVault vault, uint256 id) internal view returns (Entry memory e) {
        bytes32[] memory slots = new bytes32[](2);
        (slots[0], slots[1]) = (slotOf(id, POSITIONS_SLOT), bytes32(uint256(2)));
        uint256[] memory w = loadMany(vault, slots);
        uint256 pw = w[0];
        (e.owner, e.synthId, e.assetMask) = (address(uint160(pw)), uint8(pw >> 160), uint64(pw >> 168));
        if (e.owner == address(0)) revert IVault.PositionNotFound(id);
        e.shutdownAt = uint40(w[1] >> 168); // liquidationEngine (160) | paused (8) | shutdownAt (40)

        uint256[] memory ids;
        (slots, ids) = basketSlots(e.synthId, e.assetMask, uint256(slotOf(id, BALANCES_SLOT)));
        uint256 n = ids.length;
        w = loadMany(vault, slots);
        uint256 s1 = w[1]; // rateIndex 0-127 | ratePerSecond 128-215 | lastAccrual 216-255
        (e.token, e.minDebt, e.priceAsset) = (address(uint160(w[0])), uint96(w[0] >> 160), address(uint160(w[2])));
        uint256 index = DebtMath.indexAt(uint128(s1), uint88(s1 >> 128), uint40(s1 >> 216), block.timestamp);
        e.debt = DebtMath.toDebtUp(w[3] & LANE_MASK, index);
        e.ids = ids;
        address[] memory assets = new address[](n);
        uint256[] memory amounts = new uint256[](n);
        (e.assets, e.amounts) = (assets, amounts);
        if (n == 0) return e;

        slots = new bytes32[](n); // the assets' configuration words
        unchecked {
            for (uint256 k; k < n; ++k) {
                address asset = address(uint160(w[4 + 2 * k]));
                uint256 word = w[5 + 2 * k];
                (assets[k], amounts[k]) = (asset, ids[k] & 1 == 1 ? word & LANE_MASK : word >> 128); // lane 1 + id
                slots[k] = slotOf(uint160(asset), ASSETS_SLOT);
            }
        }
        readConfigs(vault, e, slots);
    }

    /// @return slots The synthetic's words 0, 1 and 4, the debt lane's word, then each basket asset's address and
    ///         lane word, for a position of synthetic `synthId` holding `mask` whose `_balances` mapping is `balances`.
    /// @return ids The basket's asset ids, in order.
    function basketSlots(
        uint256 synthId,
        uint256 mask,
        uint256 balances
    ) internal pure returns (bytes32[] memory slots, uint256[] memory ids) {
        uint256 n = popcount(mask);
        ids = new uint256[](n);
        slots = new bytes32[](4 + 2 * n);
        unchecked {
            uint256 base = uint256(SYNTHS_BASE) + synthId * SYNTH_WORDS; // synthId < 256
            (slots[0], slots[1], slots[2], slots[3]) = (
                bytes32(base),
                bytes32(base + 1),
                bytes32(base + 4),
                slotOf(0, balances)
            );
            uint256 k;
            for (uint256 i; mask != 0; ++i) {
                if (mask & 1 != 0) {
                    ids[k] = i;
                    slots[4 + 2 * k] = slotOf(i, ASSET_BY_ID_SLOT);
                    slots[5 + 2 * k] = slotOf((1 + i) >> 1, balances);
                    ++k;
                }
                mask >>= 1;
            }
        }
    }

    /// @dev Fills `e.configs` and `e.thresholds` (in force now) from the configuration words at `slots` (those of
    ///      `e.assets`): one `extSloads` call, and one `extSload` per asset whose threshold is ramping (rare).
    function readConfigs(IVault vault, Entry memory e, bytes32[] memory slots) internal view {
        uint256 n = slots.length;
        uint256[] memory configs = loadMany(vault, slots);
        uint256[] memory thresholds = new uint256[](n);
        (e.configs, e.thresholds) = (configs, thresholds);
        for (uint256 k; k < n; ++k) {
            uint256 c = configs[k];
            thresholds[k] = uint16(c >> 56); // liqThresholdBps
            if (uint8(c >> 32) & Valuation.FLAG_RAMP != 0) {
                thresholds[k] = Valuation.rampedAt(thresholds[k], ramp(vault, e.assets[k]), block.timestamp);
            }
        }
    }

    /// @return The lapse terms of `asset` (`IVault.LapseParams`; zero when none).
    function lapse(IVault vault, address asset) internal view returns (IVault.LapseParams memory) {
        uint256 w = load(vault, slotOf(uint160(asset), LAPSES_SLOT));
        return IVault.LapseParams(uint16(w), uint32(w >> 16), uint16(w >> 48));
    }

    /// @return h Position `id`'s figures at current prices (`getPrice`: a failed price reverts; an attested asset as
    ///         the Vault's minting check values it, `Valuation.attestedPrice`) and the index now.
    function healthOf(
        IVault vault,
        IOracleAdapter oracle,
        uint256 id
    ) internal view returns (IVault.PositionHealth memory h) {
        Entry memory e = entryOf(vault, id);
        for (uint256 k; k < e.assets.length; ++k) {
            uint256 c = e.configs[k];
            uint256 flags = uint8(c >> 32);
            (uint256 price, uint256 ltv) = flags & Valuation.FLAG_ATTESTED == 0
                ? (oracle.getPrice(e.assets[k]), uint256(uint16(c >> 40))) // maxLtvBps
                : Valuation.attestedPrice(oracle, e.assets[k], uint16(c >> 40), flags);
            uint256 v = Valuation.valueDown(e.amounts[k], price, uint8(c >> 16)); // decimals
            h.collateralValue += v;
            h.mintLimit += Valuation.limitDown(v, ltv);
            h.liquidationLimit += Valuation.limitDown(v, e.thresholds[k]);
        }
        h.debt = e.debt;
        if (h.debt != 0) h.debtValue = Valuation.debtValueUp(h.debt, priceOf(oracle, e.priceAsset));
        h.health = Valuation.healthDown(h.liquidationLimit, h.debtValue);
    }

    /// @return [wad] USD per unit of a synthetic priced by oracle key `key` (exactly 1e18 for 0, a USD synthetic).
    function priceOf(IOracleAdapter oracle, address key) internal view returns (uint256) {
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
        return liquidationStateOf(oracle, entryOf(vault, id));
    }

    /// @return st The position read as `e`, valued for a liquidation (see `liquidationState`).
    function liquidationStateOf(
        IOracleAdapter oracle,
        Entry memory e
    ) internal view returns (IVault.LiquidationState memory st) {
        (st.owner, st.synthId, st.token, st.minDebt) = (e.owner, e.synthId, e.token, e.minDebt);
        st.synthPrice = priceOf(oracle, e.priceAsset);
        st.debt = e.debt;
        st.debtValue = Valuation.debtValueUp(st.debt, st.synthPrice);
        uint256 n = e.assets.length;
        (st.assets, st.amounts) = (e.assets, e.amounts);
        uint256[] memory prices = new uint256[](n);
        uint256[] memory values = new uint256[](n);
        uint256[] memory limits = new uint256[](n);
        uint8[] memory decimals = new uint8[](n);
        (st.prices, st.values, st.limits, st.decimals) = (prices, values, limits, decimals);
        address failedAsset;
        IOracleAdapter.PriceFailure failure;
        (uint256 mask, uint256 cv, uint256 ll, uint256 pv) = (0, 0, 0, 0);
        for (uint256 k; k < n; ++k) {
            uint256 c = e.configs[k];
            uint8 d = uint8(c >> 16);
            decimals[k] = d;
            (uint256 price, IOracleAdapter.PriceFailure f) = oracle.tryGetPrice(e.assets[k]);
            if (f != IOracleAdapter.PriceFailure.None) {
                if (failedAsset == address(0)) (failedAsset, failure) = (e.assets[k], f);
                continue;
            }
            uint256 v = Valuation.valueDown(e.amounts[k], price, d);
            uint256 limit = Valuation.limitDown(v, e.thresholds[k]);
            (prices[k], values[k], limits[k]) = (price, v, limit);
            mask |= uint256(1) << e.ids[k];
            cv += v;
            ll += limit;
            pv += Valuation.penaltyUp(v, uint16(c >> 72)); // liqPenaltyBps
        }
        (st.pricedMask, st.collateralValue, st.liquidationLimit, st.penaltyValue) = (mask, cv, ll, pv);
        if (n != 0 && st.pricedMask == 0) revert IOracleAdapter.PriceUnavailable(failedAsset, failure);
    }

    function popcount(uint256 x) internal pure returns (uint256 n) {
        for (; x != 0; ++n) {
            x &= x - 1;
        }
    }
}
