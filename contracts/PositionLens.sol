// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPositionLens} from "./interfaces/IPositionLens.sol";
import {IVault} from "./interfaces/IVault.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {ILiquidationEngine} from "./interfaces/ILiquidationEngine.sol";
import {Valuation} from "./libraries/Valuation.sol";
import {Permissions} from "./libraries/Permissions.sol";
import {VaultReader} from "./libraries/VaultReader.sol";

/// @title PositionLens
/// @notice Views over one Vault and its liquidation engine (see `IPositionLens`).
/// @dev Every figure comes from `VaultReader` (the Vault's raw ledger through `extSload`, valued by `Valuation`) or
///      from the engine's own views: the same code the core contracts run; the lens adds no rule of its own.
contract PositionLens is IPositionLens {
    /// @dev The appointment key of a position's first word: its owner and its count of owner changes.
    uint256 private constant APPOINTMENT_MASK = type(uint160).max | (uint256(type(uint24).max) << 232);
    /// @dev Where an appointment's rights sit in the Vault's `_managers` word (bits 160-167).
    uint256 private constant PERMISSIONS_SHIFT = 160;

    /// @inheritdoc IPositionLens
    IVault public immutable vault;
    IOracleAdapter internal immutable _oracle; // the Vault's (immutable there too)

    constructor(IVault vault_) {
        vault = vault_;
        _oracle = vault_.oracle();
    }

    /// @inheritdoc IPositionLens
    function healthOf(uint256 id) external view returns (IVault.PositionHealth memory) {
        return VaultReader.healthOf(vault, _oracle, id);
    }

    /// @inheritdoc IPositionLens
    function basketOf(uint256 id) external view returns (address[] memory assets, uint256[] memory amounts) {
        return VaultReader.basketOf(vault, id);
    }

    /// @inheritdoc IPositionLens
    function debtOf(uint256 id) external view returns (uint256) {
        return VaultReader.debtOf(vault, id);
    }

    /// @inheritdoc IPositionLens
    function synthetic(uint256 synthId) external view returns (IVault.SyntheticState memory) {
        return VaultReader.synthetic(vault, synthId);
    }

    /// @inheritdoc IPositionLens
    function liquidationThreshold(address asset) external view returns (uint256) {
        IVault.AssetConfig memory c = VaultReader.configOf(vault, asset);
        if (!c.listed) revert IVault.AssetNotListed(asset);
        return VaultReader.thresholdNow(vault, asset, c);
    }

    /// @inheritdoc IPositionLens
    function lapseOf(address asset) external view returns (Lapse memory info) {
        IVault.AssetConfig memory c = VaultReader.configOf(vault, asset);
        if (!c.listed) revert IVault.AssetNotListed(asset);
        info.params = VaultReader.lapse(vault, asset);
        info.attested = c.flags & Valuation.FLAG_ATTESTED != 0;
        info.lapseRamp = c.flags & Valuation.FLAG_LAPSED != 0;
        (info.attestedAt, info.ttl, info.lapsedAt) = _oracle.attestation(asset);
        if (info.lapsedAt != 0 && info.attested) info.rampDueAt = info.lapsedAt + info.params.grace;
        (, IOracleAdapter.PriceFailure f, bool lapsed) = _oracle.tryGetAttestedPrice(asset);
        info.writtenDown = f == IOracleAdapter.PriceFailure.WrittenDown;
        if (!info.attested)
            info.ltvBps = c.maxLtvBps; // the Vault ignores lapses without terms
        else if (!info.writtenDown) info.ltvBps = Valuation.ltvInForce(c.maxLtvBps, c.flags, lapsed);
    }

    /// @inheritdoc IPositionLens
    function liquidationState(uint256 id) external view returns (IVault.LiquidationState memory) {
        return VaultReader.liquidationState(vault, _oracle, id);
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
            try this.liquidationState(ids[i]) returns (IVault.LiquidationState memory st) {
                health[i] = Valuation.healthDown(st.liquidationLimit, st.debtValue);
                available[i] = true;
            } catch {}
        }
    }

    /// @inheritdoc IPositionLens
    function permissionsOf(uint256 id, address manager) external view returns (uint256) {
        VaultReader.Position memory p = VaultReader.position(vault, id);
        if (p.owner == address(0)) return 0;
        if (manager == p.owner) return Permissions.ALL;
        uint256 a = VaultReader.load(
            vault,
            keccak256(abi.encode(manager, VaultReader.slotOf(id, VaultReader.MANAGERS_SLOT)))
        );
        // the rights hold only for the appointment key they were given under (this owner, this change count)
        return
            a & ~(Permissions.ALL << PERMISSIONS_SHIFT) == p.word & APPOINTMENT_MASK
                ? (a >> PERMISSIONS_SHIFT) & Permissions.ALL
                : 0;
    }

    /// @inheritdoc IPositionLens
    function grantNonce(address owner) external view returns (uint256) {
        return VaultReader.load(vault, keccak256(abi.encode(owner, VaultReader.GRANT_NONCES_SLOT)));
    }

    /// @inheritdoc IPositionLens
    function rampOf(address asset) external view returns (IVault.Ramp memory) {
        return VaultReader.ramp(vault, asset);
    }

    /// @inheritdoc IPositionLens
    function normDebtOf(uint256 id) external view returns (uint256) {
        return VaultReader.lane(vault, id, 0);
    }

    /// @inheritdoc IPositionLens
    function moduleLine(address module) external view returns (IVault.ModuleLine memory) {
        return VaultReader.moduleLine(vault, module);
    }

    /// @inheritdoc IPositionLens
    function modules() external view returns (address[] memory) {
        return VaultReader.modules(vault);
    }

    /// @inheritdoc IPositionLens
    function redeemer() external view returns (address) {
        return VaultReader.redeemer(vault);
    }
}
