// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

import {IVault} from "./interfaces/IVault.sol";
import {IBallastErrors} from "./interfaces/IBallastErrors.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {ISyntheticToken} from "./interfaces/ISyntheticToken.sol";
import {IStabilityModule} from "./interfaces/IStabilityModule.sol";
import {FixedMath} from "./libraries/FixedMath.sol";
import {DebtMath} from "./libraries/DebtMath.sol";
import {Valuation} from "./libraries/Valuation.sol";
import {VaultStorage} from "./VaultStorage.sol";
import {AdminModule} from "./AdminModule.sol";
import {Permissions} from "./libraries/Permissions.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title VaultAdmin
/// @notice The Vault's governance code: its bounded setters, the stability modules' lines, the shutdown and the
///         settlement's releases. Created by the
///         Vault's constructor and run only by `delegatecall` from the Vault, after the Vault's own `restricted`
///         check, in the Vault's storage (the layout of `VaultStorage`, which both inherit). It keeps the ledger's
///         hot paths in one contract with room to grow. Immutable: no upgrade path, no proxy; the Vault knows one
///         module, the one it created.
/// @dev Called directly (not by `delegatecall`) every entry point reverts `NotDelegated`; its own storage is never
///      used. The entry points are documented in `IVault`.
contract VaultAdmin is VaultStorage, AdminModule {
    using FixedMath for uint256;
    using DebtMath for uint256;
    using SafeERC20 for IERC20;

    IOracleAdapter internal immutable _oracle;

    /// @dev EIP-712: the domain's and the grant's type hashes (`IVault.Grant`).
    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 internal constant GRANT_TYPEHASH = keccak256(
        "Grant(address owner,uint256 id,address manager,uint256 permissions,uint256 nonce,uint256 deadline)"
    );

    /// @param oracle_ The Vault's oracle.
    constructor(IOracleAdapter oracle_) AccessManaged(address(0)) {
        _oracle = oracle_;
    }

    /// @dev See `IVault.listAsset`.
    function listAsset(address asset, IVault.AssetParams calldata params) external onlyDelegated {
        if (asset == address(0)) revert IBallastErrors.ZeroAddress();
        if (_assets[asset].listed || _isSynthetic[asset]) revert IVault.AssetAlreadyListed(asset);
        uint256 count = _assetCount;
        if (count >= MAX_ASSETS) revert IVault.TooManyAssets(count, MAX_ASSETS);
        uint8 decimals = IERC20Metadata(asset).decimals();
        if (decimals > MAX_DECIMALS) revert IVault.InvalidTokenDecimals(asset, decimals);
        _checkAssetParams(asset, params);
        _assets[asset] = IVault.AssetConfig({
            listed: true,
            id: uint8(count),
            decimals: decimals,
            frozen: params.frozen,
            flags: 0,
            maxLtvBps: params.maxLtvBps,
            liqThresholdBps: params.liqThresholdBps,
            liqPenaltyBps: params.liqPenaltyBps,
            supplyCap: params.supplyCap,
            total: 0
        });
        _assetById[count] = asset;
        _assetCount = count + 1;
        emit IVault.AssetListed(asset, count, decimals, params);
    }

    /// @dev See `IVault.setAssetParams`.
    function setAssetParams(address asset, IVault.AssetParams calldata params) external onlyDelegated {
        IVault.AssetConfig storage c = _assets[asset];
        if (!c.listed) revert IVault.AssetNotListed(asset);
        _checkAssetParams(asset, params);
        // an unchanged threshold leaves a ramp in progress as it is (restarting it would slow a lowering down)
        if (params.liqThresholdBps != c.liqThresholdBps) _setThreshold(asset, c, params.liqThresholdBps);
        c.frozen = params.frozen;
        c.maxLtvBps = params.maxLtvBps;
        c.liqPenaltyBps = params.liqPenaltyBps;
        c.supplyCap = params.supplyCap;
        emit IVault.AssetParamsSet(asset, params);
    }

    /// @dev See `IVault.setLapseParams`.
    function setLapseParams(address asset, uint16 floorBps, uint32 grace) external onlyDelegated {
        IVault.AssetConfig storage c = _listed(asset);
        IVault.LapseParams storage terms = _lapses[asset];
        uint8 flags = c.flags;
        if (floorBps == 0 && grace == 0) {
            if (flags & Valuation.FLAG_LAPSED != 0) revert IVault.InvalidLapseParams(asset, floorBps, grace);
            delete _lapses[asset];
            c.flags = flags & ~Valuation.FLAG_ATTESTED;
        } else {
            (, uint256 ttl, ) = _oracle.attestation(asset);
            // the floor sits under the threshold the asset is configured with (the one a cure restores, when lapsed)
            uint256 threshold = flags & Valuation.FLAG_LAPSED != 0 ? terms.restoreBps : c.liqThresholdBps;
            if (
                ttl == 0 || floorBps == 0 || floorBps >= threshold || grace < MIN_LAPSE_GRACE || grace > MAX_LAPSE_GRACE
            ) revert IVault.InvalidLapseParams(asset, floorBps, grace);
            (terms.floorBps, terms.grace) = (floorBps, grace);
            c.flags = flags | Valuation.FLAG_ATTESTED;
        }
        emit IVault.LapseParamsSet(asset, floorBps, grace);
    }

    /// @dev See `IVault.startLapsedRamp`. Permissionless: every condition is read from the oracle and the clock.
    function startLapsedRamp(address asset) external onlyDelegated {
        IVault.AssetConfig storage c = _listed(asset);
        uint8 flags = c.flags;
        if (flags & Valuation.FLAG_ATTESTED == 0) revert IVault.LapseRampNotDue(asset, 0);
        if (flags & Valuation.FLAG_LAPSED != 0) revert IVault.LapseRampNotDue(asset, type(uint256).max);
        (, , uint256 lapsedAt) = _oracle.attestation(asset);
        if (lapsedAt == 0) revert IVault.LapseRampNotDue(asset, 0);
        IVault.LapseParams storage terms = _lapses[asset];
        uint256 due = lapsedAt + terms.grace;
        if (block.timestamp < due) revert IVault.LapseRampNotDue(asset, due);
        uint256 configured = c.liqThresholdBps;
        terms.restoreBps = uint16(configured);
        c.flags = flags | Valuation.FLAG_LAPSED;
        uint256 floor = terms.floorBps;
        (uint256 from, uint256 end) = _setThreshold(asset, c, floor < configured ? floor : configured);
        emit IVault.LapsedRampStarted(asset, lapsedAt, from, floor, end);
    }

    /// @dev See `IVault.cure`.
    function cure(address asset) external onlyDelegated {
        IVault.AssetConfig storage c = _listed(asset);
        bool lapseRamp = c.flags & Valuation.FLAG_LAPSED != 0;
        (, IOracleAdapter.PriceFailure f, bool lapsed) = _oracle.tryGetAttestedPrice(asset);
        if (!lapseRamp || lapsed || f != IOracleAdapter.PriceFailure.None) {
            revert IVault.NotCurable(asset, lapseRamp, f, lapsed);
        }
        IVault.LapseParams storage terms = _lapses[asset];
        uint256 restore = terms.restoreBps;
        uint256 target = c.liqThresholdBps;
        if (restore > target) target = restore; // never lowered by a cure (governance may have set it since)
        c.flags &= ~Valuation.FLAG_LAPSED;
        terms.restoreBps = 0;
        _setThreshold(asset, c, target);
        emit IVault.AssetCured(asset, target);
    }

    /// @dev See `IVault.writeOffPosition`.
    function writeOffPosition(uint256 id) external onlyDelegated nonReentrant {
        Position storage p = _positions[id];
        if (p.owner == address(0)) revert IVault.PositionNotFound(id);
        uint256 mask = p.assetMask;
        if (mask == 0 || _lane(id, 0) == 0) revert IVault.NotWrittenOff(id, address(0));
        address to = _treasury;
        address[] memory list = new address[](MAX_BASKET);
        uint256[] memory amounts = new uint256[](MAX_BASKET);
        uint256 n;
        for (uint256 i; mask != 0; ++i) {
            if (mask & 1 != 0) {
                address asset = _assetById[i];
                (, IOracleAdapter.PriceFailure f) = _oracle.tryGetPrice(asset);
                if (f != IOracleAdapter.PriceFailure.WrittenDown) revert IVault.NotWrittenOff(id, asset);
                uint256 slot = _laneSlot(id, 1 + i);
                uint256 amount = _laneAt(slot, 1 + i);
                _setLaneAt(slot, 1 + i, 0);
                _assets[asset].total -= uint120(amount); // the total counts every lane: amount <= total
                (list[n], amounts[n]) = (asset, amount);
                ++n;
            }
            mask >>= 1;
        }
        p.assetMask = 0;
        for (uint256 k; k < n; ++k) {
            emit IVault.CollateralWrittenOff(id, list[k], to, amounts[k]);
            IERC20(list[k]).safeTransfer(to, amounts[k]);
        }
    }

    /// @dev See `IVault.addSynthetic`.
    function addSynthetic(
        ISyntheticToken token,
        IVault.SyntheticParams calldata params
    ) external onlyDelegated returns (uint256 synthId) {
        if (address(token) == address(0)) revert IBallastErrors.ZeroAddress();
        if (_isSynthetic[address(token)] || _assets[address(token)].listed) {
            revert IVault.SyntheticAlreadyAdded(address(token));
        }
        if (token.vault() != address(this)) revert IVault.InvalidSyntheticParams(IVault.SyntheticParamError.TokenVault);
        synthId = _synths.length;
        if (synthId >= MAX_SYNTHETICS) revert IVault.TooManySynthetics(synthId, MAX_SYNTHETICS);
        _checkSyntheticParams(params);
        _isSynthetic[address(token)] = true;
        Synth storage s = _synths.push();
        s.token = token;
        s.rateIndex = uint128(FixedMath.RAY);
        s.lastAccrual = uint40(block.timestamp);
        _setSyntheticParams(s, params);
        emit IVault.SyntheticAdded(synthId, address(token), params);
    }

    /// @dev See `IVault.setSyntheticParams`.
    function setSyntheticParams(uint256 synthId, IVault.SyntheticParams calldata params) external onlyDelegated {
        Synth storage s = _synth(synthId);
        _checkSyntheticParams(params);
        _accrue(s, synthId);
        _setSyntheticParams(s, params);
        emit IVault.SyntheticParamsSet(synthId, params);
    }

    /// @dev See `IVault.setLiquidationEngine`.
    function setLiquidationEngine(address engine) external onlyDelegated {
        if (engine == address(0)) revert IBallastErrors.ZeroAddress();
        _liquidationEngine = engine;
        emit IVault.LiquidationEngineSet(engine);
    }

    /// @dev See `IVault.setPaused`.
    function setPaused(bool paused_) external onlyDelegated {
        _paused = paused_;
        emit IVault.PausedSet(paused_);
    }

    /// @dev See `IVault.setAssetPaused`.
    function setAssetPaused(address asset, bool paused_) external onlyDelegated {
        IVault.AssetConfig storage c = _listed(asset);
        c.flags = paused_ ? c.flags | FLAG_PAUSED : c.flags & ~FLAG_PAUSED;
        emit IVault.AssetPausedSet(asset, paused_);
    }

    /// @dev See `IVault.setAssetKind`.
    function setAssetKind(address asset, IVault.AssetKind kind) external onlyDelegated {
        IVault.AssetConfig storage c = _listed(asset);
        if (kind != IVault.AssetKind.Plain) _oracle.getReserve(asset); // reverts ReserveUnavailable without a feed
        c.flags = (c.flags & ~KIND_MASK) | (uint8(kind) << KIND_SHIFT);
        emit IVault.AssetKindSet(asset, kind);
    }

    /// @dev See `IVault.setRampDuration`.
    function setRampDuration(uint256 duration) external onlyDelegated {
        if (duration < MIN_RAMP_DURATION || duration > MAX_RAMP_DURATION) {
            revert IVault.InvalidRampDuration(duration, MIN_RAMP_DURATION, MAX_RAMP_DURATION);
        }
        _rampDuration = duration;
        emit IVault.RampDurationSet(duration);
    }

    /// @dev See `IVault.shutdown`.
    function shutdown() external onlyDelegated {
        if (_shutdownAt != 0) revert IBallastErrors.SystemShutdown(_shutdownAt);
        _shutdownAt = uint40(block.timestamp);
        // interest stops here: each synthetic accrues to now, then its last accrual is set past any time, so no debt
        // grows (the debt settlement clears, and the collateral it moves at frozen prices, do not depend on when a
        // position is settled) and no rate is asked for again
        uint256 n = _synths.length;
        for (uint256 i; i < n; ++i) {
            Synth storage s = _synths[i];
            _accrue(s, i);
            s.lastAccrual = type(uint40).max;
        }
        emit IVault.ShutdownStarted(block.timestamp);
    }

    /// @dev See `IVault.releasePosition`.
    function releasePosition(
        uint256 id
    ) external onlyDelegated nonReentrant returns (address owner, uint256 synthId, uint256 debt) {
        if (_shutdownAt == 0) revert IBallastErrors.NotShutdown();
        Position storage p = _positions[id];
        owner = p.owner;
        if (owner == address(0)) revert IVault.PositionNotFound(id);
        synthId = p.synthId;
        Synth storage s = _synthAt(synthId);
        uint256 norm = _lane(id, 0);
        if (norm != 0) {
            debt = norm.toDebtUp(_accrue(s, synthId));
            _setLaneAt(_laneSlot(id, 0), 0, 0);
            s.totalNormDebt -= uint128(norm);
        }
        // the settlement may now close it (every right); the owner keeps the position
        _managers[id][msg.sender] = _appointment(p) | (Permissions.ALL << PERMISSIONS_SHIFT);
        emit IVault.PositionReleased(id, owner, msg.sender, debt);
    }

    /// @dev See `IVault.setTreasury`.
    function setTreasury(address treasury_) external onlyDelegated {
        if (treasury_ == address(0)) revert IBallastErrors.ZeroAddress();
        _treasury = treasury_;
        emit IVault.TreasurySet(treasury_);
    }

    /// @dev See `IVault.setRedeemer`.
    function setRedeemer(address redeemer_) external onlyDelegated {
        _redeemer = redeemer_; // 0 switches redemptions off
        emit IVault.RedeemerSet(redeemer_);
    }

    /// @dev See `IVault.addModule`.
    function addModule(address module, uint256 ceiling) external onlyDelegated {
        if (module == address(0)) revert IBallastErrors.ZeroAddress();
        if (_modules[module].active) revert IVault.ModuleAlreadyAdded(module);
        uint256 count = _moduleList.length;
        if (count >= MAX_MODULES) revert IVault.TooManyModules(count, MAX_MODULES);
        IStabilityModule sm = IStabilityModule(module);
        if (address(sm.vault()) != address(this)) revert IVault.InvalidModule(module);
        uint256 synthId = sm.synthId();
        if (synthId >= MAX_SYNTHETICS || address(sm.synthetic()) != address(_synth(synthId).token)) {
            revert IVault.InvalidModule(module);
        }
        address reserve = address(sm.reserve());
        IVault.AssetConfig memory c = _listed(reserve);
        if (sm.reserveDecimals() != c.decimals) revert IVault.InvalidModule(module);
        _modules[module] = IVault.ModuleLine(true, uint8(synthId), c.id, _ceiling(ceiling), 0);
        _moduleList.push(module);
        emit IVault.ModuleAdded(module, synthId, reserve);
        emit IVault.ModuleCeilingSet(module, ceiling);
    }

    /// @dev See `IVault.setModuleCeiling`.
    function setModuleCeiling(address module, uint256 ceiling) external onlyDelegated {
        IVault.ModuleLine storage m = _modules[module];
        if (!m.active) revert IVault.ModuleNotFound(module);
        m.ceiling = _ceiling(ceiling);
        emit IVault.ModuleCeilingSet(module, ceiling);
    }

    /// @dev See `IVault.releaseModule`.
    function releaseModule(
        address module
    ) external onlyDelegated nonReentrant returns (uint256 synthId, uint256 debt, address reserve, uint256 amount) {
        if (_shutdownAt == 0) revert IBallastErrors.NotShutdown();
        IVault.ModuleLine storage m = _modules[module];
        if (!m.active) revert IVault.ModuleNotFound(module);
        (synthId, debt, reserve) = (m.synthId, m.debt, _assetById[m.assetId]);
        if (debt != 0) {
            m.debt = 0;
            _synthAt(synthId).moduleDebt -= uint96(debt);
        }
        amount = IStabilityModule(module).releaseReserves(msg.sender);
        emit IVault.ModuleReleased(module, msg.sender, debt, amount);
    }

    function _ceiling(uint256 ceiling) internal pure returns (uint96) {
        if (ceiling > type(uint96).max) revert IVault.AmountTooLarge(ceiling, type(uint96).max);
        return uint96(ceiling);
    }

    function _checkAssetParams(address asset, IVault.AssetParams calldata p) internal pure {
        if (p.liqThresholdBps == 0 || p.liqThresholdBps > MAX_LIQ_THRESHOLD_BPS) {
            revert IVault.InvalidAssetParams(asset, IVault.AssetParamError.LiqThreshold);
        }
        if (p.maxLtvBps > p.liqThresholdBps) revert IVault.InvalidAssetParams(asset, IVault.AssetParamError.MaxLtv);
        if (p.liqPenaltyBps > MAX_LIQ_PENALTY_BPS)
            revert IVault.InvalidAssetParams(asset, IVault.AssetParamError.LiqPenalty);
        // a liquidation must be able to pay the penalty out of the collateral: threshold * (1 + penalty) <= 100%
        if (uint256(p.liqThresholdBps) * (FixedMath.BPS + p.liqPenaltyBps) > FixedMath.BPS * FixedMath.BPS) {
            revert IVault.InvalidAssetParams(asset, IVault.AssetParamError.ThresholdTimesPenalty);
        }
    }

    function _checkSyntheticParams(IVault.SyntheticParams calldata p) internal pure {
        if (address(p.rateModel) == address(0))
            revert IVault.InvalidSyntheticParams(IVault.SyntheticParamError.RateModel);
        if (p.minDebt > p.debtCeiling) revert IVault.InvalidSyntheticParams(IVault.SyntheticParamError.MinDebt);
    }

    function _setSyntheticParams(Synth storage s, IVault.SyntheticParams calldata p) internal {
        s.priceAsset = p.priceAsset;
        s.rateModel = p.rateModel;
        s.debtCeiling = p.debtCeiling;
        s.minDebt = p.minDebt;
        s.ratePerSecond = uint88(_queryRate(s, uint256(s.totalNormDebt).toDebtUp(s.rateIndex)));
    }

    /// @dev Sets `asset`'s configured liquidation threshold to `bps`: a lowering ramps in from the threshold in force
    ///      now over `_rampDuration` (no position is liquidated by the change alone); raising or keeping applies at
    ///      once. @return from [bps] the threshold in force before. @return end [s] the ramp's end (now when none).
    function _setThreshold(
        address asset,
        IVault.AssetConfig storage c,
        uint256 bps
    ) internal returns (uint256 from, uint256 end) {
        from = _threshold(asset, c);
        end = block.timestamp;
        if (bps < from) {
            end += _rampDuration;
            _ramps[asset] = IVault.Ramp(uint16(from), uint40(block.timestamp), uint40(end));
            c.flags |= FLAG_RAMP;
            emit IVault.ThresholdRampStarted(asset, from, bps, end);
        } else {
            c.flags &= ~FLAG_RAMP;
        }
        c.liqThresholdBps = uint16(bps);
    }

    function _listed(address asset) internal view returns (IVault.AssetConfig storage c) {
        c = _assets[asset];
        if (!c.listed) revert IVault.AssetNotListed(asset);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Signed grants (owners' entry points, not governance: each checks its own signer)
    // ------------------------------------------------------------------------------------------------------------

    /// @dev See `IVault.setManagerWithPermit`. The domain is computed at each call from the chain id and the Vault's
    ///      address (`address(this)` under `delegatecall`), so a signature never applies on another chain or Vault.
    function setManagerWithPermit(
        IVault.Grant calldata grant,
        bytes calldata signature
    ) external onlyDelegated nonReentrant {
        if (block.timestamp > grant.deadline) revert IVault.GrantExpired(grant.deadline, block.timestamp);
        address owner = grant.owner;
        uint256 nonce = _grantNonces[owner];
        if (grant.nonce != nonce) revert IVault.InvalidGrantNonce(owner, grant.nonce, nonce);
        Position storage p = _positions[grant.id];
        if (p.owner == address(0)) revert IVault.PositionNotFound(grant.id);
        bytes32 domain = keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("Ballast Vault"), keccak256("1"), block.chainid, address(this))
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", domain, keccak256(abi.encode(GRANT_TYPEHASH, grant))));
        // ECDSA (65 bytes, low s only) or ERC-1271; the signer must own the position now
        if (p.owner != owner || !SignatureChecker.isValidSignatureNow(owner, digest, signature)) {
            revert IVault.InvalidGrantSignature(grant.id, owner);
        }
        _grantNonces[owner] = nonce + 1;
        emit IVault.GrantNonceUsed(owner, nonce);
        _setManager(grant.id, p, owner, grant.manager, grant.permissions);
    }

    /// @dev See `IVault.revokeSignedGrants`.
    function revokeSignedGrants() external onlyDelegated nonReentrant {
        uint256 nonce = _grantNonces[msg.sender]++;
        emit IVault.GrantNonceUsed(msg.sender, nonce);
    }
}
