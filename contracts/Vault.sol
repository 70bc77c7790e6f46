// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IVault} from "./interfaces/IVault.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {IRateModel} from "./interfaces/IRateModel.sol";
import {ISyntheticToken} from "./interfaces/ISyntheticToken.sol";
import {FixedMath} from "./libraries/FixedMath.sol";
import {DebtMath} from "./libraries/DebtMath.sol";
import {Valuation} from "./libraries/Valuation.sol";

/// @title Vault
/// @notice The Ballast ledger: positions, their collateral baskets and their synthetic debt. See `IVault`.
/// @dev Storage layout, chosen so that a one-asset position costs two fresh slots to open:
///      - `_positions[id]`: owner (160 bits) | synthetic id (8) | asset mask (64): one slot.
///      - `_balances[id][k]`: two 128-bit lanes per slot. Lane 0 holds the normalized debt [wad]; lane 1 + i holds
///        the collateral [token] of the asset with id i. So slot 0 = (normalized debt, asset 0), slot 1 = (asset 1,
///        asset 2), and so on.
///      Bounds: at most MAX_ASSETS (64) listed assets, MAX_BASKET (8) assets per position, 256 synthetics; a lane
///      holds at most 2^128 - 1; debt ceilings and minimum debts at most 2^96 - 1 [wad].
contract Vault is IVault, AccessManaged, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
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

    /// @notice `AssetConfig.flags` bits: guardian pause, threshold ramp running; bits 2-3 hold the AssetKind.
    uint8 public constant FLAG_PAUSED = 1;
    uint8 public constant FLAG_RAMP = Valuation.FLAG_RAMP;
    uint8 internal constant KIND_SHIFT = 2;
    uint8 internal constant KIND_MASK = 12; // 3 << KIND_SHIFT

    /// @notice Gas forwarded to the rate model: ample for any rate formula, bounded so a broken model cannot eat a
    ///         repay's gas.
    uint256 public constant RATE_MODEL_GAS = 100_000;

    uint256 private constant LANE_MASK = type(uint128).max;
    /// @dev [token] Largest total of one asset (the 120-bit field in AssetConfig).
    uint256 private constant TOTAL_MAX = type(uint120).max;

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
        // slot 5
        uint128 auctionDebt; // [wad] debt moved into auctions, not yet burned or written off
        uint128 badDebt; // [wad] treasury-held debt: written-off auction debt and unbacked mints, not yet covered
    }

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
    address public treasury;
    /// @inheritdoc IVault
    address public liquidationEngine;
    /// @inheritdoc IVault
    bool public paused; // packed beside the engine: one read covers the pause and the shutdown checks
    /// @inheritdoc IVault
    uint40 public shutdownAt; // [s] 0 while the system runs
    /// @inheritdoc IVault
    uint256 public nextPositionId = 1;
    /// @inheritdoc IVault
    uint256 public rampDuration = 3 days;

    mapping(uint256 id => Position) internal _positions;
    mapping(uint256 id => mapping(uint256 slot => uint256)) internal _balances;
    /// @dev The position's `_appointment` key when the manager was appointed (its owner and change count); 0 for none.
    ///      A transfer bumps `owners`, so an appointment lapses with it and stays lapsed if the position comes back
    ///      to the owner who made it.
    mapping(uint256 id => mapping(address manager => uint256 appointment)) internal _managers;
    mapping(address asset => AssetConfig) internal _assets;
    mapping(uint256 assetId => address) internal _assetById; // a mapping, not an array: no length read per lookup
    uint256 internal _assetCount;
    Synth[] internal _synths;
    mapping(address token => bool) internal _isSynthetic;
    mapping(address asset => Ramp) internal _ramps;

    constructor(address initialAuthority, IOracleAdapter oracle_, address treasury_) AccessManaged(initialAuthority) {
        if (address(oracle_) == address(0) || treasury_ == address(0)) revert ZeroAddress();
        oracle = oracle_;
        treasury = treasury_;
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
        _withdraw(id, asset, amount, to);
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
                _withdraw(id, a.asset, a.amount, a.to);
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
    function setManager(uint256 id, address manager, bool allowed) external nonReentrant {
        Position storage p = _positions[id];
        address owner = p.owner;
        if (owner == address(0)) revert PositionNotFound(id);
        if (msg.sender != owner) revert NotOwner(id, msg.sender, owner);
        if (manager == address(0)) revert ZeroAddress();
        _managers[id][manager] = allowed ? _appointment(p) : 0;
        emit ManagerSet(id, owner, manager, allowed);
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
        address to = treasury;
        s.token.mint(to, amount);
        emit FeesMinted(synthId, to, amount);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Liquidation and treasury hooks
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IVault
    function seize(uint256 id, uint256 debt, uint256[] calldata lots) external nonReentrant {
        if (msg.sender != liquidationEngine) revert CallerNotLiquidationEngine(msg.sender);
        if (shutdownAt != 0) revert SystemShutdown(shutdownAt);
        Position storage p = _positions[id];
        if (p.owner == address(0)) revert PositionNotFound(id);
        uint256 synthId = p.synthId;
        Synth storage s = _synths[synthId];

        uint256 index = _accrue(s, synthId);

        uint256 norm = _lane(id, 0);
        uint256 whole = norm.toDebtUp(index); // [wad] the position's debt
        if (debt == 0 || debt > whole) revert InvalidSeize(id, address(0), debt);

        // debt: the position keeps the rounding (its normalized debt falls by at most debt / index)
        uint256 removed = debt == whole ? norm : debt.toNormDown(index);
        uint256 left = (norm - removed).toDebtUp(index);
        if (left != 0 && left < s.minDebt) revert DebtBelowMinimum(id, left, s.minDebt);
        _setLane(id, 0, norm - removed);
        s.totalNormDebt -= uint128(removed);
        s.auctionDebt += uint128(debt);

        address[] memory list = _seizeCollateral(id, p, lots);
        // no debt stays behind in a position whose collateral is gone
        if (left != 0 && p.assetMask == 0) revert InvalidSeize(id, address(0), debt);
        emit Seized(id, debt, list, lots);

        for (uint256 j; j < list.length; ++j) {
            if (lots[j] != 0) IERC20(list[j]).safeTransfer(msg.sender, lots[j]);
        }
    }

    /// @inheritdoc IVault
    function releaseAuctionDebt(uint256 synthId, uint256 amount) external nonReentrant {
        if (msg.sender != liquidationEngine) revert CallerNotLiquidationEngine(msg.sender);
        if (shutdownAt == 0) revert NotShutdown();
        Synth storage s = _synth(synthId);
        if (amount > s.auctionDebt) revert ExceedsAuctionDebt(synthId, amount, s.auctionDebt);
        s.auctionDebt -= uint128(amount);
        emit AuctionDebtReleased(synthId, amount);
    }

    /// @inheritdoc IVault
    function settleAuctionDebt(uint256 synthId, uint256 burned, uint256 writtenOff) external nonReentrant {
        if (msg.sender != liquidationEngine) revert CallerNotLiquidationEngine(msg.sender);
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
        if (msg.sender != treasury) revert CallerNotTreasury(msg.sender);
        Synth storage s = _synth(synthId);
        if (amount > s.badDebt) revert ExceedsBadDebt(synthId, amount, s.badDebt);
        s.badDebt -= uint128(amount);
        emit BadDebtCovered(synthId, amount);
        s.token.burn(msg.sender, amount);
    }

    /// @inheritdoc IVault
    function mintUnbacked(uint256 synthId, address to, uint256 amount) external nonReentrant {
        if (msg.sender != treasury) revert CallerNotTreasury(msg.sender);
        if (shutdownAt != 0) revert SystemShutdown(shutdownAt); // the supply is final once settlement starts
        Synth storage s = _synth(synthId);
        s.badDebt += uint128(amount);
        emit UnbackedMinted(synthId, to, amount);
        s.token.mint(to, amount);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Governance
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IVault
    function listAsset(address asset, AssetParams calldata params) external restricted {
        if (asset == address(0)) revert ZeroAddress();
        if (_assets[asset].listed || _isSynthetic[asset]) revert AssetAlreadyListed(asset);
        uint256 count = _assetCount;
        if (count >= MAX_ASSETS) revert TooManyAssets(count, MAX_ASSETS);
        uint8 decimals = IERC20Metadata(asset).decimals();
        if (decimals > MAX_DECIMALS) revert InvalidTokenDecimals(asset, decimals);
        _checkAssetParams(asset, params);
        _assets[asset] = AssetConfig({
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
        emit AssetListed(asset, count, decimals, params);
    }

    /// @inheritdoc IVault
    function setAssetParams(address asset, AssetParams calldata params) external restricted {
        AssetConfig storage c = _assets[asset];
        if (!c.listed) revert AssetNotListed(asset);
        _checkAssetParams(asset, params);
        uint256 current = _threshold(asset, c);
        if (params.liqThresholdBps < current) {
            // lowering: ramp from the threshold in force now, so no position is liquidated by the change alone
            uint256 end = block.timestamp + rampDuration;
            _ramps[asset] = Ramp(uint16(current), uint40(block.timestamp), uint40(end));
            c.flags |= FLAG_RAMP;
            emit ThresholdRampStarted(asset, current, params.liqThresholdBps, end);
        } else {
            c.flags &= ~FLAG_RAMP; // raising (or keeping) applies at once
        }
        c.frozen = params.frozen;
        c.maxLtvBps = params.maxLtvBps;
        c.liqThresholdBps = params.liqThresholdBps;
        c.liqPenaltyBps = params.liqPenaltyBps;
        c.supplyCap = params.supplyCap;
        emit AssetParamsSet(asset, params);
    }

    /// @inheritdoc IVault
    function addSynthetic(
        ISyntheticToken token,
        SyntheticParams calldata params
    ) external restricted returns (uint256 synthId) {
        if (address(token) == address(0)) revert ZeroAddress();
        if (_isSynthetic[address(token)] || _assets[address(token)].listed) {
            revert SyntheticAlreadyAdded(address(token));
        }
        if (token.vault() != address(this)) revert InvalidSyntheticParams(SyntheticParamError.TokenVault);
        synthId = _synths.length;
        if (synthId >= MAX_SYNTHETICS) revert TooManySynthetics(synthId, MAX_SYNTHETICS);
        _checkSyntheticParams(params);
        _isSynthetic[address(token)] = true;
        Synth storage s = _synths.push();
        s.token = token;
        s.rateIndex = uint128(FixedMath.RAY);
        s.lastAccrual = uint40(block.timestamp);
        _setSyntheticParams(s, params);
        emit SyntheticAdded(synthId, address(token), params);
    }

    /// @inheritdoc IVault
    function setSyntheticParams(uint256 synthId, SyntheticParams calldata params) external restricted {
        Synth storage s = _synth(synthId);
        _checkSyntheticParams(params);
        _accrue(s, synthId);
        _setSyntheticParams(s, params);
        emit SyntheticParamsSet(synthId, params);
    }

    /// @inheritdoc IVault
    function setLiquidationEngine(address engine) external restricted {
        if (engine == address(0)) revert ZeroAddress();
        liquidationEngine = engine;
        emit LiquidationEngineSet(engine);
    }

    /// @inheritdoc IVault
    function setPaused(bool paused_) external restricted {
        paused = paused_;
        emit PausedSet(paused_);
    }

    /// @inheritdoc IVault
    function setAssetPaused(address asset, bool paused_) external restricted {
        AssetConfig storage c = _listed(asset);
        c.flags = paused_ ? c.flags | FLAG_PAUSED : c.flags & ~FLAG_PAUSED;
        emit AssetPausedSet(asset, paused_);
    }

    /// @inheritdoc IVault
    function setAssetKind(address asset, AssetKind kind) external restricted {
        AssetConfig storage c = _listed(asset);
        if (kind != AssetKind.Plain) oracle.getReserve(asset); // reverts ReserveUnavailable without a working feed
        c.flags = (c.flags & ~KIND_MASK) | (uint8(kind) << KIND_SHIFT);
        emit AssetKindSet(asset, kind);
    }

    /// @inheritdoc IVault
    function setRampDuration(uint256 duration) external restricted {
        if (duration < MIN_RAMP_DURATION || duration > MAX_RAMP_DURATION) {
            revert InvalidRampDuration(duration, MIN_RAMP_DURATION, MAX_RAMP_DURATION);
        }
        rampDuration = duration;
        emit RampDurationSet(duration);
    }

    /// @inheritdoc IVault
    function shutdown() external restricted {
        if (shutdownAt != 0) revert SystemShutdown(shutdownAt);
        shutdownAt = uint40(block.timestamp);
        // interest stops here: each synthetic accrues to now, then its last accrual is set past any time, so no debt
        // grows (the debt settlement clears, and the collateral it moves at frozen prices, do not depend on when a
        // position is settled) and no rate is asked for again
        uint256 n = _synths.length;
        for (uint256 i; i < n; ++i) {
            Synth storage s = _synths[i];
            _accrue(s, i);
            s.lastAccrual = type(uint40).max;
        }
        emit ShutdownStarted(block.timestamp);
    }

    /// @inheritdoc IVault
    function releasePosition(
        uint256 id
    ) external restricted nonReentrant returns (address owner, uint256 synthId, uint256 debt) {
        if (shutdownAt == 0) revert NotShutdown();
        Position storage p = _positions[id];
        owner = p.owner;
        if (owner == address(0)) revert PositionNotFound(id);
        synthId = p.synthId;
        Synth storage s = _synths[synthId];
        uint256 norm = _lane(id, 0);
        if (norm != 0) {
            debt = norm.toDebtUp(_accrue(s, synthId));
            _setLane(id, 0, 0);
            s.totalNormDebt -= uint128(norm);
        }
        _managers[id][msg.sender] = _appointment(p); // the settlement may now close it; the owner keeps the position
        emit PositionReleased(id, owner, msg.sender, debt);
    }

    /// @inheritdoc IVault
    function setTreasury(address treasury_) external restricted {
        if (treasury_ == address(0)) revert ZeroAddress();
        treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

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
        if (synthId >= _synths.length) revert SyntheticNotFound(synthId);
        id = nextPositionId++;
        _positions[id] = Position({owner: msg.sender, synthId: uint8(synthId), assetMask: 0, owners: 0});
        emit PositionOpened(id, msg.sender, synthId);
    }

    /// @dev Credits first, then pulls and verifies that exactly `amount` arrived (a fee-on-transfer token reverts).
    function _deposit(uint256 id, address asset, uint256 amount) internal {
        if (amount == 0) revert ZeroAmount();
        Position storage p = _authorized(id);
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
        _setLane(id, 1 + c.id, _lane(id, 1 + c.id) + amount);

        uint256 before = IERC20(asset).balanceOf(address(this));
        IERC20(asset).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(asset).balanceOf(address(this)) - before;
        if (received != amount) revert TransferAmountMismatch(asset, amount, received);
        emit Deposited(id, asset, msg.sender, amount);
    }

    function _withdraw(uint256 id, address asset, uint256 amount, address to) internal {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress();
        Position storage p = _authorized(id);
        AssetConfig memory c = _assets[asset];
        if (!c.listed) revert AssetNotListed(asset);
        uint256 held = _lane(id, 1 + c.id);
        if (amount > held) revert InsufficientCollateral(id, asset, amount, held);
        unchecked {
            held -= amount;
            _assets[asset].total = c.total - uint120(amount); // the total is the sum of every position's lane
        }
        _setLane(id, 1 + c.id, held);
        if (held == 0) p.assetMask &= ~(uint64(1) << c.id);
        emit Withdrawn(id, asset, to, amount);
    }

    /// @dev Adds debt rounded up and checks the minimum debt and the ceiling; the caller checks the minting limit.
    function _mint(uint256 id, uint256 amount, address to) internal returns (ISyntheticToken token) {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress();
        Position storage p = _authorized(id);
        uint256 synthId = p.synthId;
        Synth storage s = _synths[synthId];
        uint256 index = _accrue(s, synthId);

        uint256 added = amount.toNormUp(index); // [wad] normalized, rounded up: against the minter
        uint256 norm = _lane(id, 0) + added;
        _setLane(id, 0, norm);
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
        Position memory p = _positions[id];
        if (p.owner == address(0)) revert PositionNotFound(id);
        Synth storage s = _synths[p.synthId];
        uint256 index = _accrue(s, p.synthId);

        uint256 norm = _lane(id, 0);
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
        _setLane(id, 0, norm - removed);
        s.totalNormDebt -= uint128(removed);
        s.token.burn(msg.sender, repaid);
        emit Repaid(id, msg.sender, repaid, removed);
    }

    /// @dev Repays everything from the caller and queues every collateral lane for payout to `to`.
    function _close(uint256 id, address to, Payout[] memory payouts, uint256 count) internal returns (uint256) {
        if (to == address(0)) revert ZeroAddress();
        Position storage p = _authorized(id);
        if (_lane(id, 0) != 0) _repay(id, type(uint256).max);
        uint256 mask = p.assetMask;
        p.assetMask = 0;
        for (uint256 i; mask != 0; ++i) {
            if (mask & 1 != 0) {
                address asset = _assetById[i];
                uint256 amount = _lane(id, 1 + i);
                _setLane(id, 1 + i, 0);
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

    /// @dev Takes `lots[k]` [token] of the k-th asset of position `id`'s basket (asset-id order). The caller sends
    ///      the tokens. @return list The basket's assets.
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
                uint256 held = _lane(id, 1 + i);
                if (taken > held) revert InvalidSeize(id, asset, taken);
                _setLane(id, 1 + i, held - taken);
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

    /// @dev Mask of a position's first word that keeps `owner` (bits 0-159) and `owners` (bits 232-255) and drops
    ///      `synthId` and `assetMask` (bits 160-231), which change while appointments hold.
    uint256 private constant _APPOINTMENT_MASK = type(uint160).max | (uint256(type(uint24).max) << 232);

    /// @return key The owner and its change count, as one word: what an appointment is made for. Non-zero for a
    ///         position that exists (its owner is non-zero).
    function _appointment(Position storage p) private view returns (uint256 key) {
        assembly ("memory-safe") {
            key := sload(p.slot)
        }
        key &= _APPOINTMENT_MASK;
    }

    function _authorized(uint256 id) internal view returns (Position storage p) {
        p = _positions[id];
        address owner = p.owner;
        if (owner == address(0)) revert PositionNotFound(id);
        if (msg.sender != owner && _managers[id][msg.sender] != _appointment(p)) revert NotAuthorized(id, msg.sender);
    }

    /// @dev Reverts unless debt value <= minting limit, the system runs and no asset of the basket is paused. Reads
    ///      no price and checks no pause when the position has no debt (a debt-free withdrawal is never paused).
    function _checkMintLimit(uint256 id) internal view {
        uint256 norm = _lane(id, 0);
        if (norm == 0) return;
        _checkRunning();
        Position memory p = _positions[id];
        Synth storage s = _synths[p.synthId];
        uint256 dv = _debtValue(s, norm.toDebtUp(_indexNow(s)));
        (, uint256 ml, ) = _limits(id, p.assetMask, true);
        if (dv > ml) revert MintLimitExceeded(id, dv, ml);
    }

    /// @dev Reverts while the guardian pauses risk-increasing actions or after shutdown.
    function _checkRunning() internal view {
        if (shutdownAt != 0) revert SystemShutdown(shutdownAt);
        if (paused) revert Paused();
    }

    /// @dev Refuses a deposit that takes the Vault's total (`total` [token]) or the token's supply past the proven
    ///      reserve. The reserve [wad] is converted to [token] rounded down (against the depositor).
    function _checkReserve(address asset, uint256 total, uint256 decimals) internal view {
        uint256 reserve = oracle.getReserve(asset).mulDivDown(10 ** decimals, FixedMath.WAD);
        uint256 supply = IERC20(asset).totalSupply();
        uint256 claimed = supply > total ? supply : total;
        if (claimed > reserve) revert ReserveExceeded(asset, claimed, reserve);
    }

    function _listed(address asset) internal view returns (AssetConfig storage c) {
        c = _assets[asset];
        if (!c.listed) revert AssetNotListed(asset);
    }

    /// @return [bps] The liquidation threshold of `asset` in force now (`Valuation.thresholdAt`; the ramp is read
    ///         only while one runs).
    function _threshold(address asset, AssetConfig memory c) internal view returns (uint256) {
        Ramp memory r;
        if (c.flags & FLAG_RAMP != 0) r = _ramps[asset];
        return Valuation.thresholdAt(c, r, block.timestamp);
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
                // [token] * [wad] / 10^decimals = [wad]; < 2^128 * 2^128, cannot overflow
                uint256 v = Valuation.valueDown(_lane(id, 1 + i), oracle.getPrice(asset), c.decimals);
                value += v;
                ml += Valuation.limitDown(v, c.maxLtvBps);
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

    function _checkAssetParams(address asset, AssetParams calldata p) internal pure {
        if (p.liqThresholdBps == 0 || p.liqThresholdBps > MAX_LIQ_THRESHOLD_BPS) {
            revert InvalidAssetParams(asset, AssetParamError.LiqThreshold);
        }
        if (p.maxLtvBps > p.liqThresholdBps) revert InvalidAssetParams(asset, AssetParamError.MaxLtv);
        if (p.liqPenaltyBps > MAX_LIQ_PENALTY_BPS) revert InvalidAssetParams(asset, AssetParamError.LiqPenalty);
        // a liquidation must be able to pay the penalty out of the collateral: threshold * (1 + penalty) <= 100%
        if (uint256(p.liqThresholdBps) * (FixedMath.BPS + p.liqPenaltyBps) > FixedMath.BPS * FixedMath.BPS) {
            revert InvalidAssetParams(asset, AssetParamError.ThresholdTimesPenalty);
        }
    }

    function _checkSyntheticParams(SyntheticParams calldata p) internal pure {
        if (address(p.rateModel) == address(0)) revert InvalidSyntheticParams(SyntheticParamError.RateModel);
        if (p.minDebt > p.debtCeiling) revert InvalidSyntheticParams(SyntheticParamError.MinDebt);
    }

    function _setSyntheticParams(Synth storage s, SyntheticParams calldata p) internal {
        s.priceAsset = p.priceAsset;
        s.rateModel = p.rateModel;
        s.debtCeiling = p.debtCeiling;
        s.minDebt = p.minDebt;
        s.ratePerSecond = uint88(_queryRate(s, uint256(s.totalNormDebt).toDebtUp(s.rateIndex)));
    }

    function _synth(uint256 synthId) internal view returns (Synth storage) {
        if (synthId >= _synths.length) revert SyntheticNotFound(synthId);
        return _synths[synthId];
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internal: interest
    // ------------------------------------------------------------------------------------------------------------

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
        emit InterestAccrued(synthId, index, newRate, fees);
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
            if (gasleft() < RATE_MODEL_GAS / 63) revert RateModelStarved(gasleft());
            return s.ratePerSecond;
        }
        if (rate > MAX_RATE_PER_SECOND) rate = MAX_RATE_PER_SECOND;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internal: packed balances
    // ------------------------------------------------------------------------------------------------------------

    function _lane(uint256 id, uint256 lane) internal view returns (uint256) {
        uint256 word = _balances[id][lane >> 1];
        return lane & 1 == 0 ? word & LANE_MASK : word >> 128;
    }

    function _setLane(uint256 id, uint256 lane, uint256 value) internal {
        if (value > LANE_MASK) revert AmountTooLarge(value, LANE_MASK);
        uint256 key = lane >> 1;
        uint256 word = _balances[id][key];
        _balances[id][key] = lane & 1 == 0 ? (word & ~LANE_MASK) | value : (word & LANE_MASK) | (value << 128);
    }

    function _popcount(uint256 x) internal pure returns (uint256 n) {
        for (; x != 0; ++n) {
            x &= x - 1;
        }
    }
}
