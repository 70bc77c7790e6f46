// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

import {IVault} from "./interfaces/IVault.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {ISyntheticToken} from "./interfaces/ISyntheticToken.sol";
import {FixedMath} from "./libraries/FixedMath.sol";
import {DebtMath} from "./libraries/DebtMath.sol";
import {Valuation} from "./libraries/Valuation.sol";
import {VaultStorage} from "./VaultStorage.sol";
import {VaultAdmin} from "./VaultAdmin.sol";
import {ModuleCall} from "./libraries/ModuleCall.sol";
import {Permissions} from "./libraries/Permissions.sol";

/// @title Vault
/// @notice The Ballast ledger: positions, their collateral baskets and their synthetic debt. See `IVault`.
/// @dev The storage layout and the rules shared with the governance module are `VaultStorage`'s; the governance
///      entry points check their caller here (`restricted`) and run in `VaultAdmin` by `delegatecall`.
contract Vault is IVault, VaultStorage {
    using SafeERC20 for IERC20;
    using FixedMath for uint256;
    using DebtMath for uint256;

    // ------------------------------------------------------------------------------------------------------------
    // Storage (the layout is VaultStorage's, shared with the admin module)
    // ------------------------------------------------------------------------------------------------------------

    /// @dev A transfer out, queued until every check of the call has passed.
    struct Payout {
        address token;
        address to;
        uint256 amount;
        bool mint; // true: mint synthetic `token`, false: transfer collateral `token`
    }

    /// @inheritdoc IVault
    IOracleAdapter public immutable oracle;
    /// @inheritdoc IVault
    address public immutable admin;

    constructor(address initialAuthority, IOracleAdapter oracle_, address treasury_) AccessManaged(initialAuthority) {
        if (address(oracle_) == address(0) || treasury_ == address(0)) revert ZeroAddress();
        oracle = oracle_;
        admin = address(new VaultAdmin(oracle_));
        _treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Positions
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IVault
    function open(uint256 synthId) external nonReentrant returns (uint256 id) {
        id = _open(synthId);
    }

    /// @inheritdoc IVault
    function openAndMint(
        uint256 synthId,
        address asset,
        uint256 collateral,
        uint256 debt,
        address to
    ) external nonReentrant returns (uint256 id) {
        id = _open(synthId);
        if (collateral != 0) _deposit(id, asset, collateral);
        if (debt != 0) {
            ISyntheticToken token = _mint(id, debt, to);
            _checkMintLimit(id);
            token.mint(to, debt);
        }
    }

    /// @inheritdoc IVault
    function deposit(uint256 id, address asset, uint256 amount) external nonReentrant {
        _deposit(id, asset, amount);
    }

    /// @inheritdoc IVault
    function withdraw(uint256 id, address asset, uint256 amount, address to) external nonReentrant {
        _withdraw(_authorized(id, Permissions.WITHDRAW), id, asset, amount, to);
        _checkMintLimit(id);
        IERC20(asset).safeTransfer(to, amount);
    }

    /// @inheritdoc IVault
    function mint(uint256 id, uint256 amount, address to) external nonReentrant {
        ISyntheticToken token = _mint(id, amount, to);
        _checkMintLimit(id);
        token.mint(to, amount);
    }

    /// @inheritdoc IVault
    function repay(uint256 id, uint256 amount) external nonReentrant returns (uint256 repaid) {
        repaid = _repay(id, amount);
    }

    /// @inheritdoc IVault
    function close(uint256 id, address to) external nonReentrant {
        Payout[] memory payouts = new Payout[](MAX_BASKET);
        uint256 count = _close(id, to, payouts, 0);
        _pay(payouts, count);
    }

    /// @inheritdoc IVault
    function batch(Action[] calldata actions) external nonReentrant {
        uint256 n = actions.length;
        if (n == 0) revert EmptyBatch();
        uint256[] memory touched = new uint256[](n);
        uint256 touchedCount;
        Payout[] memory payouts = new Payout[](n * MAX_BASKET);
        uint256 payoutCount;
        uint256 lastOpened;

        for (uint256 i; i < n; ++i) {
            Action calldata a = actions[i];
            if (a.op == Op.Open) {
                lastOpened = _open(a.id);
                continue;
            }
            uint256 id = a.id == 0 ? lastOpened : a.id;
            if (a.op == Op.Deposit) {
                _deposit(id, a.asset, a.amount);
            } else if (a.op == Op.Withdraw) {
                _withdraw(_authorized(id, Permissions.WITHDRAW), id, a.asset, a.amount, a.to);
                payouts[payoutCount++] = Payout(a.asset, a.to, a.amount, false);
                touchedCount = _touch(touched, touchedCount, id);
            } else if (a.op == Op.Mint) {
                ISyntheticToken token = _mint(id, a.amount, a.to);
                payouts[payoutCount++] = Payout(address(token), a.to, a.amount, true);
                touchedCount = _touch(touched, touchedCount, id);
            } else if (a.op == Op.Repay) {
                _repay(id, a.amount);
            } else {
                payoutCount = _close(id, a.to, payouts, payoutCount);
            }
        }
        for (uint256 i; i < touchedCount; ++i) {
            _checkMintLimit(touched[i]);
        }
        _pay(payouts, payoutCount);
    }

    /// @inheritdoc IVault
    function transferPosition(uint256 id, address to) external nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        Position storage p = _positions[id];
        address owner = p.owner;
        if (owner == address(0)) revert PositionNotFound(id);
        if (msg.sender != owner) revert NotOwner(id, msg.sender, owner);
        // owner = to and ++owners (wrapping at 2^24: the add carries out of the word) in one write: every
        // appointment made so far lapses (see `_appointment`)
        assembly ("memory-safe") {
            let w := sload(p.slot)
            sstore(p.slot, add(or(and(w, not(0xffffffffffffffffffffffffffffffffffffffff)), to), shl(232, 1)))
        }
        emit PositionTransferred(id, owner, to);
    }

    /// @inheritdoc IVault
    function setManager(uint256 id, address manager, uint256 permissions) external nonReentrant {
        Position storage p = _positions[id];
        address owner = p.owner;
        if (owner == address(0)) revert PositionNotFound(id);
        if (msg.sender != owner) revert NotOwner(id, msg.sender, owner);
        _setManager(id, p, owner, manager, permissions);
    }

    /// @inheritdoc IVault
    function setManagerWithPermit(Grant calldata, bytes calldata) external {
        _forward();
    }

    /// @inheritdoc IVault
    function revokeSignedGrants() external {
        _forward();
    }

    /// @inheritdoc IVault
    function repayAndWithdraw(
        uint256 id,
        uint256 debt,
        address asset,
        uint256 amount,
        address to
    ) external nonReentrant returns (uint256 repaid) {
        if (_shutdownAt != 0) revert SystemShutdown(_shutdownAt);
        Position storage p = _authorized(id, Permissions.REPAY_WITH_COLLATERAL);
        // before and after, at the same prices and index: [wad] debt value (up), value and liquidation limit (down)
        (uint256 dv0, uint256 v0, , uint256 ll0) = _valuation(id, p);
        repaid = _repay(id, debt);
        _withdraw(p, id, asset, amount, to);
        (uint256 dv1, uint256 v1, , uint256 ll1) = _valuation(id, p);
        // health after >= before: ll1 / dv1 >= ll0 / dv0, cross-multiplied (each factor < 2^128)
        if (ll1 * dv0 < ll0 * dv1) revert HealthLowered(id, ll0, dv0, ll1, dv1);
        uint256 max = (dv0 - dv1).mulDivDown(FixedMath.BPS + MAX_REPAY_BONUS_BPS, FixedMath.BPS);
        if (v0 - v1 > max) revert RepayBonusExceeded(id, v0 - v1, max);
        IERC20(asset).safeTransfer(to, amount);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Interest
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IVault
    function accrue(uint256 synthId) external nonReentrant {
        _accrue(_synth(synthId), synthId);
    }

    /// @inheritdoc IVault
    function mintFees(uint256 synthId) external nonReentrant returns (uint256 amount) {
        Synth storage s = _synth(synthId);
        _accrue(s, synthId);
        amount = s.unmintedFees;
        if (amount == 0) return 0;
        s.unmintedFees = 0;
        address to = _treasury;
        s.token.mint(to, amount);
        emit FeesMinted(synthId, to, amount);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Liquidation and treasury hooks
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IVault
    function seize(uint256 id, uint256 debt, uint256[] calldata lots) external nonReentrant {
        if (msg.sender != _liquidationEngine) revert CallerNotLiquidationEngine(msg.sender);
        (Synth storage s, address[] memory list) = _take(id, debt, lots);
        s.auctionDebt += uint128(debt);
        emit Seized(id, debt, list, lots);
        _send(list, lots, msg.sender);
    }

    /// @inheritdoc IVault
    function redeemFrom(uint256 id, uint256 debt, uint256[] calldata lots, address to) external nonReentrant {
        if (msg.sender != _redeemer) revert CallerNotRedeemer(msg.sender);
        (Synth storage s, address[] memory list) = _take(id, debt, lots);
        emit PositionRedeemed(id, debt, list, lots, to);
        s.token.burn(msg.sender, debt);
        _send(list, lots, to);
    }

    /// @inheritdoc IVault
    function releaseAuctionDebt(uint256 synthId, uint256 amount) external nonReentrant {
        if (msg.sender != _liquidationEngine) revert CallerNotLiquidationEngine(msg.sender);
        if (_shutdownAt == 0) revert NotShutdown();
        Synth storage s = _synth(synthId);
        if (amount > s.auctionDebt) revert ExceedsAuctionDebt(synthId, amount, s.auctionDebt);
        s.auctionDebt -= uint128(amount);
        emit AuctionDebtReleased(synthId, amount);
    }

    /// @inheritdoc IVault
    function settleAuctionDebt(uint256 synthId, uint256 burned, uint256 writtenOff) external nonReentrant {
        if (msg.sender != _liquidationEngine) revert CallerNotLiquidationEngine(msg.sender);
        Synth storage s = _synth(synthId);
        uint256 settled = burned + writtenOff;
        if (settled > s.auctionDebt) revert ExceedsAuctionDebt(synthId, settled, s.auctionDebt);
        s.auctionDebt -= uint128(settled);
        s.badDebt += uint128(writtenOff);
        emit AuctionDebtSettled(synthId, burned, writtenOff);
        if (burned != 0) s.token.burn(msg.sender, burned);
    }

    /// @inheritdoc IVault
    function coverBadDebt(uint256 synthId, uint256 amount) external nonReentrant {
        if (msg.sender != _treasury) revert CallerNotTreasury(msg.sender);
        Synth storage s = _synth(synthId);
        if (amount > s.badDebt) revert ExceedsBadDebt(synthId, amount, s.badDebt);
        s.badDebt -= uint128(amount);
        emit BadDebtCovered(synthId, amount);
        s.token.burn(msg.sender, amount);
    }

    /// @inheritdoc IVault
    function mintUnbacked(uint256 synthId, address to, uint256 amount) external nonReentrant {
        if (msg.sender != _treasury) revert CallerNotTreasury(msg.sender);
        if (_shutdownAt != 0) revert SystemShutdown(_shutdownAt); // the supply is final once settlement starts
        Synth storage s = _synth(synthId);
        s.badDebt += uint128(amount);
        emit UnbackedMinted(synthId, to, amount);
        s.token.mint(to, amount);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Stability modules
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IVault
    function moduleMint(address to, uint256 amount, uint256 fee) external nonReentrant {
        ModuleLine storage m = _modules[msg.sender];
        if (!m.active) revert ModuleNotFound(msg.sender);
        _checkRunning();
        uint256 added = amount + fee;
        uint256 debt = m.debt + added;
        if (debt > m.ceiling) revert ModuleCeilingExceeded(msg.sender, debt, m.ceiling);
        Synth storage s = _synthAt(m.synthId);
        m.debt = uint128(debt); // <= ceiling < 2^96
        uint256 total = s.moduleDebt + added;
        if (total > type(uint96).max) revert AmountTooLarge(total, type(uint96).max);
        s.moduleDebt = uint96(total);
        emit ModuleMinted(msg.sender, to, amount, fee, debt);
        ISyntheticToken token = s.token;
        if (amount != 0) token.mint(to, amount);
        if (fee != 0) token.mint(_treasury, fee);
    }

    /// @inheritdoc IVault
    function moduleBurn(uint256 amount) external nonReentrant {
        ModuleLine storage m = _modules[msg.sender];
        if (!m.active) revert ModuleNotFound(msg.sender);
        if (_shutdownAt != 0) revert SystemShutdown(_shutdownAt);
        uint256 debt = m.debt;
        if (amount > debt) revert ExceedsModuleDebt(msg.sender, amount, debt);
        Synth storage s = _synthAt(m.synthId);
        m.debt = uint128(debt - amount);
        s.moduleDebt -= uint96(amount); // the sum of the modules' debts: at least this module's
        emit ModuleBurned(msg.sender, amount, debt - amount);
        s.token.burn(msg.sender, amount);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Governance
    // ------------------------------------------------------------------------------------------------------------

    // Each entry point checks its caller here (`restricted`) and runs in the admin module, in this contract's storage.

    /// @inheritdoc IVault
    function listAsset(address, AssetParams calldata) external restricted {
        _forward();
    }

    /// @inheritdoc IVault
    function setAssetParams(address, AssetParams calldata) external restricted {
        _forward();
    }

    /// @inheritdoc IVault
    function addSynthetic(ISyntheticToken, SyntheticParams calldata) external restricted returns (uint256) {
        _forward();
    }

    /// @inheritdoc IVault
    function setSyntheticParams(uint256, SyntheticParams calldata) external restricted {
        _forward();
    }

    /// @inheritdoc IVault
    function setLiquidationEngine(address) external restricted {
        _forward();
    }

    /// @inheritdoc IVault
    function setPaused(bool) external restricted {
        _forward();
    }

    /// @inheritdoc IVault
    function setAssetPaused(address, bool) external restricted {
        _forward();
    }

    /// @inheritdoc IVault
    function setAssetKind(address, AssetKind) external restricted {
        _forward();
    }

    /// @inheritdoc IVault
    function setRampDuration(uint256) external restricted {
        _forward();
    }

    /// @inheritdoc IVault
    function shutdown() external restricted {
        _forward();
    }

    /// @inheritdoc IVault
    /// @dev Runs in the admin module, which takes the reentrancy lock.
    function releasePosition(uint256) external restricted returns (address, uint256, uint256) {
        _forward();
    }

    /// @inheritdoc IVault
    function setTreasury(address) external restricted {
        _forward();
    }

    /// @inheritdoc IVault
    function setRedeemer(address) external restricted {
        _forward();
    }

    /// @inheritdoc IVault
    function addModule(address, uint256) external restricted {
        _forward();
    }

    /// @inheritdoc IVault
    function setModuleCeiling(address, uint256) external restricted {
        _forward();
    }

    /// @inheritdoc IVault
    /// @dev Runs in the admin module, which takes the reentrancy lock.
    function releaseModule(address) external restricted returns (uint256, uint256, address, uint256) {
        _forward();
    }

    /// @inheritdoc IVault
    function setLapseParams(address, uint16, uint32) external restricted {
        _forward();
    }

    /// @inheritdoc IVault
    function cure(address) external restricted {
        _forward();
    }

    // Anyone may call these two; they run in the admin module, which checks every condition (and takes the
    // reentrancy lock where tokens move).

    /// @inheritdoc IVault
    function startLapsedRamp(address) external {
        _forward();
    }

    /// @inheritdoc IVault
    function writeOffPosition(uint256) external {
        _forward();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IVault
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IVault
    function liquidationEngine() external view returns (address) {
        return _liquidationEngine;
    }

    /// @inheritdoc IVault
    function paused() external view returns (bool) {
        return _paused;
    }

    /// @inheritdoc IVault
    function shutdownAt() external view returns (uint40) {
        return _shutdownAt;
    }

    /// @inheritdoc IVault
    function nextPositionId() external view returns (uint256) {
        return _nextPositionId;
    }

    /// @inheritdoc IVault
    function rampDuration() external view returns (uint256) {
        return _rampDuration;
    }

    /// @inheritdoc IVault
    function positionOf(uint256 id) external view returns (address owner, uint256 synthId, uint256 assetMask) {
        Position memory p = _positions[id];
        return (p.owner, p.synthId, p.assetMask);
    }

    /// @inheritdoc IVault
    function collateralOf(uint256 id, address asset) external view returns (uint256) {
        AssetConfig memory c = _assets[asset];
        return c.listed ? _lane(id, 1 + c.id) : 0;
    }

    /// @inheritdoc IVault
    function extSload(bytes32 slot) external view returns (bytes32 value) {
        assembly ("memory-safe") {
            value := sload(slot)
        }
    }

    /// @inheritdoc IVault
    function extSloads(bytes32[] calldata slots) external view returns (bytes32[] memory) {
        // the answer (offset, length, words) is written and returned directly: this is the liquidation's read path
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, 0x20)
            mstore(add(ptr, 0x20), slots.length)
            let out := add(ptr, 0x40)
            for {
                let i := 0
            } lt(i, slots.length) {
                i := add(i, 1)
            } {
                mstore(add(out, shl(5, i)), sload(calldataload(add(slots.offset, shl(5, i)))))
            }
            return(ptr, add(0x40, shl(5, slots.length)))
        }
    }

    /// @inheritdoc IVault
    function reentrancyGuardEntered() external view returns (bool) {
        return _reentrancyGuardEntered();
    }

    /// @inheritdoc IVault
    function assetConfig(address asset) external view returns (AssetConfig memory) {
        return _assets[asset];
    }

    /// @inheritdoc IVault
    function assets() external view returns (address[] memory list) {
        uint256 n = _assetCount;
        list = new address[](n);
        for (uint256 i; i < n; ++i) {
            list[i] = _assetById[i];
        }
    }

    /// @inheritdoc IVault
    function totalCollateral(address asset) external view returns (uint256) {
        return _assets[asset].total;
    }

    /// @inheritdoc IVault
    function syntheticCount() external view returns (uint256) {
        return _synths.length;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internal: actions (effects only; the caller runs checks and payouts)
    // ------------------------------------------------------------------------------------------------------------

    function _open(uint256 synthId) internal returns (uint256 id) {
        _checkRunning();
        _synth(synthId);
        id = _nextPositionId++;
        _positions[id] = Position({owner: msg.sender, synthId: uint8(synthId), assetMask: 0, owners: 0});
        emit PositionOpened(id, msg.sender, synthId);
    }

    /// @dev Credits first, then pulls and verifies that exactly `amount` arrived (a fee-on-transfer token reverts).
    function _deposit(uint256 id, address asset, uint256 amount) internal {
        if (amount == 0) revert ZeroAmount();
        Position storage p = _authorized(id, Permissions.DEPOSIT);
        AssetConfig memory c = _assets[asset];
        if (!c.listed) revert AssetNotListed(asset);
        if (c.frozen) revert AssetFrozen(asset);

        uint256 total = c.total + amount;
        uint256 cap = uint256(c.supplyCap) * 10 ** c.decimals; // [token]
        if (cap > TOTAL_MAX) cap = TOTAL_MAX; // the total is a 120-bit field
        if (total > cap) revert SupplyCapExceeded(asset, total, cap);
        if (c.flags & KIND_MASK != 0) _checkReserve(asset, total, c.decimals);
        _assets[asset].total = uint120(total);

        uint64 mask = p.assetMask;
        uint64 bit = uint64(1) << c.id;
        if (mask & bit == 0) {
            if (_popcount(mask) >= MAX_BASKET) revert BasketFull(id, MAX_BASKET);
            p.assetMask = mask | bit;
        }
        uint256 slot = _laneSlot(id, 1 + c.id);
        _setLaneAt(slot, 1 + c.id, _laneAt(slot, 1 + c.id) + amount);

        uint256 before = IERC20(asset).balanceOf(address(this));
        IERC20(asset).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(asset).balanceOf(address(this)) - before;
        if (received != amount) revert TransferAmountMismatch(asset, amount, received);
        emit Deposited(id, asset, msg.sender, amount);
    }

    /// @dev The caller has checked the right to take collateral out of `p` (position `id`).
    function _withdraw(Position storage p, uint256 id, address asset, uint256 amount, address to) internal {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress();
        AssetConfig memory c = _assets[asset];
        if (!c.listed) revert AssetNotListed(asset);
        uint256 slot = _laneSlot(id, 1 + c.id);
        uint256 held = _laneAt(slot, 1 + c.id);
        if (amount > held) revert InsufficientCollateral(id, asset, amount, held);
        unchecked {
            held -= amount;
            _assets[asset].total = c.total - uint120(amount); // the total is the sum of every position's lane
        }
        _setLaneAt(slot, 1 + c.id, held);
        if (held == 0) p.assetMask &= ~(uint64(1) << c.id);
        emit Withdrawn(id, asset, to, amount);
    }

    /// @dev Adds debt rounded up and checks the minimum debt and the ceiling; the caller checks the minting limit.
    function _mint(uint256 id, uint256 amount, address to) internal returns (ISyntheticToken token) {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress();
        Position storage p = _authorized(id, Permissions.MINT);
        uint256 synthId = p.synthId;
        Synth storage s = _synthAt(synthId);
        uint256 index = _accrue(s, synthId);

        uint256 added = amount.toNormUp(index); // [wad] normalized, rounded up: against the minter
        uint256 debtSlot = _laneSlot(id, 0);
        uint256 norm = _laneAt(debtSlot, 0) + added;
        _setLaneAt(debtSlot, 0, norm);
        uint256 totalNorm = s.totalNormDebt + added;
        s.totalNormDebt = uint128(totalNorm); // <= 2^128: bounded by the uint96 ceiling check below

        uint256 totalDebt = totalNorm.toDebtUp(index);
        if (totalDebt > s.debtCeiling) revert DebtCeilingExceeded(synthId, totalDebt, s.debtCeiling);
        uint256 debt = norm.toDebtUp(index);
        if (debt < s.minDebt) revert DebtBelowMinimum(id, debt, s.minDebt);
        token = s.token;
        emit Minted(id, to, amount, added);
    }

    /// @dev Burns from the caller. Repaying at least the debt repays exactly the debt (no overpayment).
    function _repay(uint256 id, uint256 amount) internal returns (uint256 repaid) {
        if (amount == 0) revert ZeroAmount();
        Position storage p = _positions[id];
        (address owner, uint256 synthId) = (p.owner, p.synthId);
        if (owner == address(0)) revert PositionNotFound(id);
        Synth storage s = _synthAt(synthId);
        uint256 index = _accrue(s, synthId);

        uint256 debtSlot = _laneSlot(id, 0);
        uint256 norm = _laneAt(debtSlot, 0);
        uint256 debt = norm.toDebtUp(index);
        if (debt == 0) return 0;
        uint256 removed;
        if (amount >= debt) {
            (repaid, removed) = (debt, norm);
        } else {
            repaid = amount;
            removed = amount.toNormDown(index); // rounded down: against the payer
            uint256 left = (norm - removed).toDebtUp(index);
            if (left < s.minDebt) revert DebtBelowMinimum(id, left, s.minDebt);
        }
        _setLaneAt(debtSlot, 0, norm - removed);
        s.totalNormDebt -= uint128(removed);
        s.token.burn(msg.sender, repaid);
        emit Repaid(id, msg.sender, repaid, removed);
    }

    /// @dev Repays everything from the caller and queues every collateral lane for payout to `to`.
    function _close(uint256 id, address to, Payout[] memory payouts, uint256 count) internal returns (uint256) {
        if (to == address(0)) revert ZeroAddress();
        Position storage p = _authorized(id, Permissions.CLOSE);
        if (_lane(id, 0) != 0) _repay(id, type(uint256).max);
        uint256 mask = p.assetMask;
        p.assetMask = 0;
        for (uint256 i; mask != 0; ++i) {
            if (mask & 1 != 0) {
                address asset = _assetById[i];
                uint256 slot = _laneSlot(id, 1 + i);
                uint256 amount = _laneAt(slot, 1 + i);
                _setLaneAt(slot, 1 + i, 0);
                unchecked {
                    _assets[asset].total -= uint120(amount); // the total is the sum of every position's lane
                }
                payouts[count++] = Payout(asset, to, amount, false);
                emit Withdrawn(id, asset, to, amount);
            }
            mask >>= 1;
        }
        return count;
    }

    /// @dev Takes `debt` [wad] and `lots` [token] (one per basket asset, in asset-id order) out of position `id`
    ///      for a ward (the engine's seizure, the redeemer's redemption): accrues the synthetic, checks what the Vault
    ///      can honour (no more than held or owed, no debt left below the minimum or without collateral, nothing after
    ///      shutdown) and moves the lanes and totals. The position keeps the rounding: its normalized debt falls by
    ///      `debt / index` rounded down (all of it when `debt` is the whole debt).
    function _take(
        uint256 id,
        uint256 debt,
        uint256[] calldata lots
    ) internal returns (Synth storage s, address[] memory list) {
        if (_shutdownAt != 0) revert SystemShutdown(_shutdownAt);
        Position storage p = _positions[id];
        if (p.owner == address(0)) revert PositionNotFound(id);
        uint256 synthId = p.synthId;
        s = _synthAt(synthId);
        uint256 index = _accrue(s, synthId);

        uint256 debtSlot = _laneSlot(id, 0);
        uint256 norm = _laneAt(debtSlot, 0);
        uint256 whole = norm.toDebtUp(index); // [wad] the position's debt
        if (debt == 0 || debt > whole) revert InvalidSeize(id, address(0), debt);
        uint256 removed = debt == whole ? norm : debt.toNormDown(index);
        uint256 left = (norm - removed).toDebtUp(index);
        if (left != 0 && left < s.minDebt) revert DebtBelowMinimum(id, left, s.minDebt);
        _setLaneAt(debtSlot, 0, norm - removed);
        s.totalNormDebt -= uint128(removed);

        list = _seizeCollateral(id, p, lots);
        // no debt stays behind in a position whose collateral is gone
        if (left != 0 && p.assetMask == 0) revert InvalidSeize(id, address(0), debt);
    }

    function _send(address[] memory list, uint256[] calldata lots, address to) internal {
        for (uint256 j; j < list.length; ++j) {
            if (lots[j] != 0) IERC20(list[j]).safeTransfer(to, lots[j]);
        }
    }

    /// @dev Takes `lots[k]` [token] of the k-th asset of position `id`'s basket (asset-id order). The caller sends
    ///      the tokens.
    /// @return list The basket's assets.
    function _seizeCollateral(
        uint256 id,
        Position storage p,
        uint256[] calldata lots
    ) internal returns (address[] memory list) {
        uint256 mask = p.assetMask;
        list = new address[](lots.length);
        uint64 newMask = p.assetMask;
        uint256 k;
        for (uint256 i; mask != 0; ++i) {
            if (mask & 1 != 0) {
                address asset = _assetById[i];
                if (k == lots.length) revert InvalidSeize(id, asset, 0); // one entry per basket asset
                uint256 taken = lots[k];
                uint256 slot = _laneSlot(id, 1 + i);
                uint256 held = _laneAt(slot, 1 + i);
                if (taken > held) revert InvalidSeize(id, asset, taken);
                _setLaneAt(slot, 1 + i, held - taken);
                if (taken == held) newMask &= ~(uint64(1) << uint8(i));
                _assets[asset].total -= uint120(taken);
                list[k++] = asset;
            }
            mask >>= 1;
        }
        if (k != lots.length) revert InvalidSeize(id, address(0), lots.length);
        p.assetMask = newMask;
    }

    function _pay(Payout[] memory payouts, uint256 count) internal {
        for (uint256 i; i < count; ++i) {
            Payout memory o = payouts[i];
            if (o.mint) ISyntheticToken(o.token).mint(o.to, o.amount);
            else IERC20(o.token).safeTransfer(o.to, o.amount);
        }
    }

    function _touch(uint256[] memory touched, uint256 count, uint256 id) internal pure returns (uint256) {
        for (uint256 i; i < count; ++i) {
            if (touched[i] == id) return count;
        }
        touched[count] = id;
        return count + 1;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internal: checks and valuation
    // ------------------------------------------------------------------------------------------------------------

    /// @dev The owner, or a manager appointed by this owner (the key matches) holding `permission`.
    function _authorized(uint256 id, uint256 permission) internal view returns (Position storage p) {
        p = _positions[id];
        address owner = p.owner;
        if (owner == address(0)) revert PositionNotFound(id);
        if (msg.sender == owner) return p;
        uint256 a = _managers[id][msg.sender];
        if (
            a & ~(Permissions.ALL << PERMISSIONS_SHIFT) != _appointment(p) || (a >> PERMISSIONS_SHIFT) & permission == 0
        ) revert NotAuthorized(id, msg.sender, permission);
    }

    /// @dev Reverts unless debt value <= minting limit, the system runs and no asset of the basket is paused. Reads
    ///      no price and checks no pause when the position has no debt (a debt-free withdrawal is never paused).
    function _checkMintLimit(uint256 id) internal view {
        uint256 norm = _lane(id, 0);
        if (norm == 0) return;
        _checkRunning();
        Position memory p = _positions[id];
        Synth storage s = _synthAt(p.synthId);
        uint256 dv = _debtValue(s, norm.toDebtUp(_indexNow(s)));
        (, uint256 ml, ) = _limits(id, p.assetMask, true);
        if (dv > ml) revert MintLimitExceeded(id, dv, ml);
    }

    /// @return dv [wad] position `id`'s debt value now, rounded up; @return value, @return ml, @return ll [wad] its
    ///         basket's value, minting limit and liquidation limit (`_limits`, a paused asset reverting).
    function _valuation(
        uint256 id,
        Position storage p
    ) internal view returns (uint256 dv, uint256 value, uint256 ml, uint256 ll) {
        Synth storage s = _synthAt(p.synthId);
        dv = _debtValue(s, _lane(id, 0).toDebtUp(_indexNow(s)));
        (value, ml, ll) = _limits(id, p.assetMask, true);
    }

    /// @dev Reverts while the guardian pauses risk-increasing actions or after shutdown.
    function _checkRunning() internal view {
        if (_shutdownAt != 0) revert SystemShutdown(_shutdownAt);
        if (_paused) revert Paused();
    }

    /// @dev Refuses a deposit that takes the Vault's total (`total` [token]) or the token's supply past the proven
    ///      reserve. The reserve [wad] is converted to [token] rounded down (against the depositor).
    function _checkReserve(address asset, uint256 total, uint256 decimals) internal view {
        uint256 reserve = oracle.getReserve(asset).mulDivDown(10 ** decimals, FixedMath.WAD);
        uint256 supply = IERC20(asset).totalSupply();
        uint256 claimed = supply > total ? supply : total;
        if (claimed > reserve) revert ReserveExceeded(asset, claimed, reserve);
    }

    /// @return value [wad] basket value, @return ml [wad] minting limit, @return ll [wad] liquidation limit; each
    ///         asset's figure rounded down.
    ///      With `risky` (a mint or withdrawal), a paused asset in the basket reverts AssetPaused.
    function _limits(
        uint256 id,
        uint256 mask,
        bool risky
    ) internal view returns (uint256 value, uint256 ml, uint256 ll) {
        for (uint256 i; mask != 0; ++i) {
            if (mask & 1 != 0) {
                address asset = _assetById[i];
                AssetConfig memory c = _assets[asset];
                if (risky && c.flags & FLAG_PAUSED != 0) revert AssetPaused(asset);
                (uint256 price, uint256 ltv) = c.flags & Valuation.FLAG_ATTESTED == 0
                    ? (oracle.getPrice(asset), uint256(c.maxLtvBps))
                    : Valuation.attestedPrice(oracle, asset, c.maxLtvBps, c.flags);
                // [token] * [wad] / 10^decimals = [wad]; < 2^128 * 2^128, cannot overflow
                uint256 v = Valuation.valueDown(_lane(id, 1 + i), price, c.decimals);
                value += v;
                ml += Valuation.limitDown(v, ltv);
                ll += Valuation.limitDown(v, _threshold(asset, c));
            }
            mask >>= 1;
        }
    }

    /// @return [wad] USD value of `debt` [wad] units of the synthetic, rounded up.
    function _debtValue(Synth storage s, uint256 debt) internal view returns (uint256) {
        address priceAsset = s.priceAsset;
        if (priceAsset == address(0)) return debt;
        return Valuation.debtValueUp(debt, oracle.getPrice(priceAsset));
    }

    /// @dev Runs the admin module's code for this call and returns or reverts with its answer (`ModuleCall`).
    function _forward() internal {
        ModuleCall.forward(admin);
    }

    function _popcount(uint256 x) internal pure returns (uint256 n) {
        for (; x != 0; ++n) {
            x &= x - 1;
        }
    }
}
