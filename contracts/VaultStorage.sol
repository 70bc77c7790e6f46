// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IVault} from "./interfaces/IVault.sol";
import {IRateModel} from "./interfaces/IRateModel.sol";
import {ISyntheticToken} from "./interfaces/ISyntheticToken.sol";
import {FixedMath} from "./libraries/FixedMath.sol";
import {DebtMath} from "./libraries/DebtMath.sol";
import {Valuation} from "./libraries/Valuation.sol";
import {Permissions} from "./libraries/Permissions.sol";
import {IBallastErrors} from "./interfaces/IBallastErrors.sol";

/// @title VaultStorage
/// @notice The Vault's bounds, storage layout and the few rules both of its code halves use: the Vault and its admin
///         module (`VaultAdmin`, run by `delegatecall` in the Vault's storage) inherit this one declaration, so their
///         layouts cannot differ. Slot 0 is `AccessManaged`'s; the reentrancy lock is transient.
/// @dev Storage layout, chosen so that a one-asset position costs two fresh slots to open (the slot numbers are
///      `VaultReader`'s, checked by test/VaultReader.t.sol):
///      - `_positions[id]`: owner (160 bits) | synthetic id (8) | asset mask (64) | owner changes (24): one slot.
///      - `_balances[id][k]`: two 128-bit lanes per slot. Lane 0 holds the normalized debt [wad]; lane 1 + i holds
///        the collateral [token] of the asset with id i. So slot 0 = (normalized debt, asset 0), slot 1 = (asset 1,
///        asset 2), and so on.
///      Bounds: at most MAX_ASSETS (64) listed assets, MAX_BASKET (8) assets per position, 256 synthetics; a lane
///      holds at most 2^128 - 1; debt ceilings and minimum debts at most 2^96 - 1 [wad]. Units as in `IVault`.
abstract contract VaultStorage is AccessManaged, ReentrancyGuardTransient {
    using FixedMath for uint256;
    using DebtMath for uint256;

    // ------------------------------------------------------------------------------------------------------------
    // Constants
    // ------------------------------------------------------------------------------------------------------------

    /// @notice Most listed collateral assets (one bit each in a position's mask).
    uint256 public constant MAX_ASSETS = 64;
    /// @notice Most assets in one position's basket; bounds the gas of every health check and liquidation.
    uint256 public constant MAX_BASKET = 8;
    /// @notice Most synthetics (ids fit in 8 bits).
    uint256 public constant MAX_SYNTHETICS = 256;
    /// @dev Most stability modules; bounds the loops of the backing readers over them (internal: every public
    ///      constant is one more selector the dispatch compares before `repay`).
    uint256 internal constant MAX_MODULES = 16;
    /// @notice [ray] Highest per-second rate the Vault applies, whatever the model says: 100% a year simple
    ///         (about 172% compounded). The rate index reaches 2^128 - 1 after 26.5 years at this rate and stays there.
    uint256 public constant MAX_RATE_PER_SECOND = 31_709_791_983_764_586_504;
    /// @notice [bps] Highest liquidation threshold an asset may have.
    uint256 public constant MAX_LIQ_THRESHOLD_BPS = 9_800;
    /// @notice [bps] Highest liquidation penalty an asset may have.
    uint256 public constant MAX_LIQ_PENALTY_BPS = 2_500;
    /// @notice Most decimals a collateral token may have.
    uint8 public constant MAX_DECIMALS = 36;
    /// @notice [s] Bounds of the time a lowered liquidation threshold takes to ramp in.
    uint256 public constant MIN_RAMP_DURATION = 1 days;
    uint256 public constant MAX_RAMP_DURATION = 30 days;

    /// @dev [s] Bounds of an attested asset's grace after a lapse (`IVault.setLapseParams`): 1 to 90 days (internal:
    ///      a public constant is one more selector the dispatch compares before `repay`).
    uint256 internal constant MIN_LAPSE_GRACE = 1 days;
    uint256 internal constant MAX_LAPSE_GRACE = 90 days;

    /// @notice `AssetConfig.flags` bits: guardian pause, threshold ramp running; bits 2-3 hold the AssetKind; bit 4
    ///         attested (`Valuation.FLAG_ATTESTED`), bit 5 lapse ramp started (`Valuation.FLAG_LAPSED`).
    uint8 public constant FLAG_PAUSED = 1;
    uint8 public constant FLAG_RAMP = Valuation.FLAG_RAMP;
    uint8 internal constant KIND_SHIFT = 2;
    uint8 internal constant KIND_MASK = 12; // 3 << KIND_SHIFT

    /// @notice Gas forwarded to the rate model: ample for any rate formula, bounded so a broken model cannot eat a
    ///         repay's gas.
    uint256 public constant RATE_MODEL_GAS = 100_000;

    uint256 internal constant LANE_MASK = 0xffffffffffffffffffffffffffffffff; // type(uint128).max, for assembly
    /// @dev [token] Largest total of one asset (the 120-bit field in AssetConfig).
    uint256 internal constant TOTAL_MAX = type(uint120).max;

    // ------------------------------------------------------------------------------------------------------------
    // Storage
    // ------------------------------------------------------------------------------------------------------------

    struct Position {
        address owner;
        uint8 synthId;
        uint64 assetMask; // bit i set: asset id i is in the basket (its lane is non-zero)
        uint24 owners; // changes of owner so far (wrapping): an appointment holds only for the owner who made it
    }

    struct Synth {
        // slot 0
        ISyntheticToken token;
        uint96 minDebt; // [wad]
        // slot 1
        uint128 rateIndex; // [ray]
        uint88 ratePerSecond; // [ray] per second, <= MAX_RATE_PER_SECOND
        uint40 lastAccrual; // [s]
        // slot 2
        uint128 totalNormDebt; // [wad] sum of the positions' lane 0; exact
        uint128 unmintedFees; // [wad] interest owed to the treasury, not yet minted
        // slot 3
        IRateModel rateModel;
        uint96 debtCeiling; // [wad]
        // slot 4
        address priceAsset; // oracle key; 0 = USD at exactly 1
        uint96 moduleDebt; // [wad] sum of the stability modules' debt in this synthetic
        // slot 5
        uint128 auctionDebt; // [wad] debt moved into auctions, not yet burned or written off
        uint128 badDebt; // [wad] treasury-held debt: written-off auction debt and unbacked mints, not yet covered
    }

    address internal _treasury; // see IVault.treasury
    address internal _liquidationEngine;
    bool internal _paused; // packed beside the engine: one read covers the pause and the shutdown checks
    uint40 internal _shutdownAt; // [s] 0 while the system runs
    uint256 internal _nextPositionId = 1;
    uint256 internal _rampDuration = 3 days; // [s]

    mapping(uint256 id => Position) internal _positions;
    mapping(uint256 id => mapping(uint256 slot => uint256)) internal _balances;
    /// @dev The position's `_appointment` key when the manager was appointed (its owner and change count); 0 for none.
    ///      A transfer bumps `owners`, so an appointment lapses with it and stays lapsed if the position comes back
    ///      to the owner who made it.
    mapping(uint256 id => mapping(address manager => uint256 appointment)) internal _managers;
    mapping(address asset => IVault.AssetConfig) internal _assets;
    mapping(uint256 assetId => address) internal _assetById; // a mapping, not an array: no length read per lookup
    uint256 internal _assetCount;
    Synth[] internal _synths;
    mapping(address token => bool) internal _isSynthetic;
    mapping(address asset => IVault.Ramp) internal _ramps;
    mapping(address module => IVault.ModuleLine) internal _modules;
    address[] internal _moduleList; // in the order added; never shrinks
    address internal _redeemer; // see IVault.redeemFrom; 0 until governance sets one
    mapping(address asset => IVault.LapseParams) internal _lapses;
    /// @dev The nonce the owner's next signed grant must carry (`IVault.setManagerWithPermit`).
    mapping(address owner => uint256) internal _grantNonces;

    // ------------------------------------------------------------------------------------------------------------
    // Rules both halves use
    // ------------------------------------------------------------------------------------------------------------

    /// @dev [bps] Most a `repayAndWithdraw` may take out above the repaid debt's value: 10%, above any pre-liquidation
    ///      incentive and any swap slippage a one-transaction flow accepts (internal: see `MAX_MODULES`).
    uint256 internal constant MAX_REPAY_BONUS_BPS = 1_000;
    /// @dev Where an appointment's rights (`Permissions`) sit in `_managers`' word: bits 160-167, which the
    ///      appointment key leaves free.
    uint256 internal constant PERMISSIONS_SHIFT = 160;

    /// @dev Mask of a position's first word that keeps `owner` (bits 0-159) and `owners` (bits 232-255) and drops
    ///      `synthId` and `assetMask` (bits 160-231), which change while appointments hold.
    uint256 private constant _APPOINTMENT_MASK = type(uint160).max | (uint256(type(uint24).max) << 232);

    /// @return key The owner and its change count, as one word: what an appointment is made for. Non-zero for a
    ///         position that exists (its owner is non-zero).
    function _appointment(Position storage p) internal view returns (uint256 key) {
        assembly ("memory-safe") {
            key := sload(p.slot)
        }
        key &= _APPOINTMENT_MASK;
    }

    /// @dev Sets `manager`'s rights on position `id` (`p`, owned by `owner`) to `permissions` (0 removes it).
    function _setManager(uint256 id, Position storage p, address owner, address manager, uint256 permissions) internal {
        if (manager == address(0)) revert IBallastErrors.ZeroAddress();
        if (permissions > Permissions.ALL) revert IVault.InvalidPermissions(permissions);
        _managers[id][manager] = permissions == 0 ? 0 : _appointment(p) | (permissions << PERMISSIONS_SHIFT);
        emit IVault.ManagerSet(id, owner, manager, permissions);
    }

    /// @return [bps] The liquidation threshold of `asset` in force now (`Valuation.thresholdAt`; the ramp is read
    ///         only while one runs).
    function _threshold(address asset, IVault.AssetConfig memory c) internal view returns (uint256) {
        IVault.Ramp memory r;
        if (c.flags & FLAG_RAMP != 0) r = _ramps[asset];
        return Valuation.thresholdAt(c, r, block.timestamp);
    }

    /// @dev Synthetic `synthId`'s record, or SyntheticNotFound. Every synthetic has a token, and the records past
    ///      the array's end are zero (it never shrinks), so the token word tells, and it is a word the callers read
    ///      anyway: cheaper than the array's length.
    function _synth(uint256 synthId) internal view returns (Synth storage s) {
        if (synthId >= MAX_SYNTHETICS) revert IVault.SyntheticNotFound(synthId);
        s = _synthAt(synthId);
        if (address(s.token) == address(0)) revert IVault.SyntheticNotFound(synthId);
    }

    /// @dev Synthetic `synthId`'s record without the array's bounds check (a cold read of its length): for the id a
    ///      position holds (checked when it was opened) or one below MAX_SYNTHETICS (past the end: a zero record).
    function _synthAt(uint256 synthId) internal pure returns (Synth storage s) {
        assembly ("memory-safe") {
            mstore(0x00, _synths.slot)
            s.slot := add(keccak256(0x00, 0x20), mul(synthId, 6)) // 6: the words of a Synth (test/VaultReader.t.sol)
        }
    }

    /// @dev Brings the index to now at the stored rate, books the interest as unminted fees (the growth of the
    ///      rounded-up total debt, so fees + supply never exceed the total debt), then asks the model for the next
    ///      period's rate. Never reverts on a failing model (keeps the previous rate), so repay always works.
    /// @return index [ray] the current rate index.
    function _accrue(Synth storage s, uint256 synthId) internal returns (uint256 index) {
        index = s.rateIndex;
        uint256 last = s.lastAccrual;
        if (last >= block.timestamp) return index; // accrued this second, or stopped at shutdown (see `shutdown`)
        uint256 rate = s.ratePerSecond;
        uint256 totalNorm = s.totalNormDebt;
        uint256 oldTotal = totalNorm.toDebtUp(index);
        if (rate != 0) index = DebtMath.growUp(index, rate, block.timestamp - last);
        uint256 newTotal = totalNorm.toDebtUp(index);
        uint256 fees = newTotal - oldTotal;
        uint256 newRate = _queryRate(s, newTotal);
        s.rateIndex = uint128(index); // < 2^128: `DebtMath.growUp` saturates
        s.ratePerSecond = uint88(newRate);
        s.lastAccrual = uint40(block.timestamp);
        if (fees != 0) s.unmintedFees += uint128(fees);
        emit IVault.InterestAccrued(synthId, index, newRate, fees);
    }

    /// @return [ray] the rate index at the current time, without writing it.
    function _indexNow(Synth storage s) internal view returns (uint256) {
        return DebtMath.indexAt(s.rateIndex, s.ratePerSecond, s.lastAccrual, block.timestamp);
    }

    /// @dev Asks the rate model with a low-level call of at most RATE_MODEL_GAS that copies at most one word back. A
    ///      reverting, gas-burning or malformed model keeps the current rate; a call the caller starved of gas reverts
    ///      instead (so nobody can freeze the rate by sending too little gas). The answer is clamped to
    ///      MAX_RATE_PER_SECOND.
    function _queryRate(Synth storage s, uint256 totalDebt) internal view returns (uint256 rate) {
        address model = address(s.rateModel);
        bytes memory data = abi.encodeCall(IRateModel.ratePerSecond, (address(s.token), totalDebt, s.debtCeiling));
        bool ok;
        uint256 size;
        assembly ("memory-safe") {
            ok := staticcall(RATE_MODEL_GAS, model, add(data, 0x20), mload(data), 0, 0x20)
            size := returndatasize()
            rate := mload(0)
        }
        if (!ok || size < 0x20) {
            // had the caller sent enough gas, the model got RATE_MODEL_GAS and at least 1/63 of it is left here
            if (gasleft() < RATE_MODEL_GAS / 63) revert IVault.RateModelStarved(gasleft());
            return s.ratePerSecond;
        }
        if (rate > MAX_RATE_PER_SECOND) rate = MAX_RATE_PER_SECOND;
    }

    /// @dev The slot of the word that holds lane `lane` of position `id`: `_balances[id][lane >> 1]`. Hot paths
    ///      compute it once for a read and the write that follows.
    function _laneSlot(uint256 id, uint256 lane) internal pure returns (uint256 slot) {
        assembly ("memory-safe") {
            mstore(0x00, id)
            mstore(0x20, _balances.slot)
            mstore(0x20, keccak256(0x00, 0x40))
            mstore(0x00, shr(1, lane))
            slot := keccak256(0x00, 0x40)
        }
    }

    function _lane(uint256 id, uint256 lane) internal view returns (uint256) {
        return _laneAt(_laneSlot(id, lane), lane);
    }

    /// @return value Lane `lane` of the word at `slot` (`_laneSlot`): the low half for an even lane, else the high.
    function _laneAt(uint256 slot, uint256 lane) internal view returns (uint256 value) {
        assembly ("memory-safe") {
            value := sload(slot)
            value := and(shr(shl(7, and(lane, 1)), value), LANE_MASK)
        }
    }

    /// @dev Writes `value` [token or wad] into lane `lane` of the word at `slot`; reverts AmountTooLarge past 128 bits.
    function _setLaneAt(uint256 slot, uint256 lane, uint256 value) internal {
        if (value > LANE_MASK) revert IVault.AmountTooLarge(value, LANE_MASK);
        assembly ("memory-safe") {
            let shift := shl(7, and(lane, 1))
            let word := sload(slot)
            sstore(slot, or(and(word, not(shl(shift, LANE_MASK))), shl(shift, value)))
        }
    }
}
