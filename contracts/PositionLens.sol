// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPositionLens} from "./interfaces/IPositionLens.sol";
import {IVault} from "./interfaces/IVault.sol";
import {ILiquidationEngine} from "./interfaces/ILiquidationEngine.sol";
import {FixedMath} from "./libraries/FixedMath.sol";

/// @title PositionLens
/// @notice Views over one Vault and its liquidation engine (see `IPositionLens`).
/// @dev Reads the Vault's storage through `extSload`. The Vault's slots (checked by test/PositionLens.t.sol against
///      the Vault's own answers): 0 AccessManaged, 1 treasury, 2 engine | paused | shutdownAt, 3 nextPositionId,
///      4 rampDuration, 5 _positions (id => Position: owner bits 0-159, synthId 160-167, assetMask 168-231, owner
///      changes 232-255), 6 _balances (id => word => two 128-bit lanes; lane 0 the normalized debt), 7 _managers
///      (id => manager => appointment key), 8 _assets, 9 _assetById, 10 _assetCount, 11 _synths, 12 _isSynthetic,
///      13 _ramps (asset => Ramp: fromBps bits 0-15, start 16-55, end 56-95).
contract PositionLens is IPositionLens {
    using FixedMath for uint256;

    uint256 private constant POSITIONS_SLOT = 5;
    uint256 private constant BALANCES_SLOT = 6;
    uint256 private constant MANAGERS_SLOT = 7;
    uint256 private constant RAMPS_SLOT = 13;
    /// @dev The appointment key of a position's first word: its owner and its count of owner changes.
    uint256 private constant APPOINTMENT_MASK = type(uint160).max | (uint256(type(uint24).max) << 232);

    /// @inheritdoc IPositionLens
    IVault public immutable vault;

    constructor(IVault vault_) {
        vault = vault_;
    }

    /// @inheritdoc IPositionLens
    function getAuctions(uint256 offset, uint256 limit) external view returns (AuctionView[] memory list) {
        ILiquidationEngine engine = ILiquidationEngine(vault.liquidationEngine());
        uint256 total = engine.auctionCount();
        uint256 end = offset >= total ? offset : (limit > total - offset ? total : offset + limit);
        list = new AuctionView[](end - offset);
        uint256 next = engine.nextAuctionId();
        uint256 seen; // live auctions passed so far, in id order
        for (uint256 id = 1; id < next && seen < end; ++id) {
            ILiquidationEngine.Auction memory a = engine.auction(id);
            if (a.tab == 0) continue;
            if (seen++ < offset) continue;
            (uint256 price, bool needsReset) = engine.auctionStatus(id);
            list[seen - 1 - offset] = AuctionView({
                id: id,
                positionId: a.positionId,
                asset: a.asset,
                synthId: a.synthId,
                lot: a.lot,
                tab: a.tab,
                debt: a.debt,
                price: price,
                floor: a.floor,
                startTime: a.startTime,
                needsReset: needsReset
            });
        }
    }

    /// @inheritdoc IPositionLens
    function liquidationHealthOf(
        uint256[] calldata ids
    ) external view returns (uint256[] memory health, bool[] memory available) {
        uint256 n = ids.length;
        health = new uint256[](n);
        available = new bool[](n);
        for (uint256 i; i < n; ++i) {
            try vault.liquidationState(ids[i]) returns (IVault.LiquidationState memory st) {
                health[i] =
                    st.debtValue == 0 ? type(uint256).max : st.liquidationLimit.mulDivDown(FixedMath.WAD, st.debtValue);
                available[i] = true;
            } catch {}
        }
    }

    /// @inheritdoc IPositionLens
    function isAuthorized(uint256 id, address manager) external view returns (bool) {
        uint256 word = _load(_slot(id, POSITIONS_SLOT));
        address owner = address(uint160(word));
        if (owner == address(0)) return false;
        if (manager == owner) return true;
        uint256 appointment = _load(keccak256(abi.encode(manager, _slot(id, MANAGERS_SLOT))));
        return appointment == word & APPOINTMENT_MASK;
    }

    /// @inheritdoc IPositionLens
    function rampOf(address asset) external view returns (IVault.Ramp memory r) {
        uint256 word = _load(keccak256(abi.encode(asset, RAMPS_SLOT)));
        (r.fromBps, r.start, r.end) = (uint16(word), uint40(word >> 16), uint40(word >> 56));
    }

    /// @inheritdoc IPositionLens
    function normDebtOf(uint256 id) external view returns (uint256) {
        // _balances[id][0]: lane 0 is the low 128 bits of word 0
        return uint128(_load(keccak256(abi.encode(uint256(0), _slot(id, BALANCES_SLOT)))));
    }

    /// @return The slot of `key` in the Vault mapping at `slot`.
    function _slot(uint256 key, uint256 slot) internal pure returns (bytes32) {
        return keccak256(abi.encode(key, slot));
    }

    function _load(bytes32 slot) internal view returns (uint256) {
        return uint256(vault.extSload(slot));
    }
}
