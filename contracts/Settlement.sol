// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ISettlement} from "./interfaces/ISettlement.sol";
import {IVault} from "./interfaces/IVault.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {ILiquidationEngine} from "./interfaces/ILiquidationEngine.sol";
import {ISyntheticToken} from "./interfaces/ISyntheticToken.sol";
import {FixedMath} from "./libraries/FixedMath.sol";
import {Backing} from "./libraries/Backing.sol";
import {VaultReader} from "./libraries/VaultReader.sol";
import {IBallastErrors} from "./interfaces/IBallastErrors.sol";

/// @title Settlement
/// @notice Ballast's emergency shutdown and global settlement. See `ISettlement` for the four steps.
/// @dev Holds, after shutdown, the baskets of settled positions: per synthetic a pool that its holders redeem, and
///      per owner the collateral beyond their debt. Rights: governance may shut down, tune the trigger, set a
///      fallback price for an asset the oracle never priced after shutdown and retire a dead asset; the only token
///      it can move is a finalized pool that no holder can redeem any more (`sweepPool`: every unit left is the
///      treasury's). The Vault grants
///      this contract (and only it) `Vault.shutdown` and `Vault.releasePosition`.
contract Settlement is ISettlement, AccessManaged, ReentrancyGuardTransient {
    using VaultReader for IVault;
    using SafeERC20 for IERC20;
    using FixedMath for uint256;

    /// @notice [s] How long after shutdown governance must wait before setting a price nobody could freeze.
    uint256 public constant PRICE_FALLBACK_DELAY = 3 days;
    /// @notice [bps] Bounds of the trigger's backing level: it may only fire while the system is under-backed.
    uint256 public constant MIN_TRIGGER_BACKING_BPS = 5_000;
    uint256 public constant MAX_TRIGGER_BACKING_BPS = 10_000;
    /// @notice [s] Bounds of how long the system must stay under-backed before anyone may trigger.
    uint256 public constant MIN_TRIGGER_DELAY = 1 hours;
    uint256 public constant MAX_TRIGGER_DELAY = 30 days;

    /// @inheritdoc ISettlement
    IVault public immutable vault;
    IOracleAdapter internal immutable _oracle;

    /// @inheritdoc ISettlement
    uint256 public triggerBackingBps = 10_000;
    /// @inheritdoc ISettlement
    uint256 public triggerDelay = 1 days;
    /// @inheritdoc ISettlement
    uint256 public underSince;
    /// @inheritdoc ISettlement
    uint256 public backedSince;

    mapping(address asset => uint256) internal _frozen; // [wad]
    /// @notice Whether `asset` was frozen written down (`PriceFailure.WrittenDown`): it settles at a price of 0.
    mapping(address asset => bool) public frozenAtZero;
    mapping(uint256 synthId => mapping(address asset => uint256)) internal _pool; // [token]
    mapping(address owner => mapping(address asset => uint256)) internal _claims; // [token]
    mapping(uint256 synthId => bool) internal _finalized;
    mapping(uint256 synthId => uint256) internal _settledDebt; // [wad]
    mapping(uint256 synthId => uint256) internal _shortfall; // [wad] value
    /// @inheritdoc ISettlement
    mapping(address asset => bool) public retired;

    constructor(address initialAuthority, IVault vault_) AccessManaged(initialAuthority) {
        if (address(vault_) == address(0)) revert ZeroAddress();
        vault = vault_;
        _oracle = vault_.oracle();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Shutdown
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ISettlement
    function shutdown() external restricted nonReentrant {
        _shutdown(false);
    }

    /// @inheritdoc ISettlement
    function poke() external nonReentrant returns (uint256 backingBps) {
        backingBps = _poke();
    }

    /// @inheritdoc ISettlement
    function trigger() external nonReentrant {
        uint256 backingBps = _poke();
        if (backingBps >= triggerBackingBps) revert NotUnderBacked(backingBps, triggerBackingBps);
        uint256 allowedAt = underSince + triggerDelay;
        if (block.timestamp < allowedAt) revert TriggerTooEarly(underSince, allowedAt);
        _shutdown(true);
    }

    /// @inheritdoc ISettlement
    function retireAsset(address asset) external restricted {
        IVault.AssetConfig memory c = vault.assetConfig(asset);
        if (!c.listed) revert IVault.AssetNotListed(asset);
        if (!c.frozen) revert AssetNotFrozen(asset); // deposits closed first: what is held can only shrink
        Backing.AssetFigures memory f = Backing.asset(_oracle, vault, vault.liquidationEngine(), asset, c);
        uint256 held = Backing.exposure(f);
        if (held != 0 && f.priced) revert AssetStillHeld(asset, held);
        retired[asset] = true;
        emit AssetRetired(asset, held);
    }

    /// @inheritdoc ISettlement
    function freezePrice(address asset) external {
        _checkShutdown();
        uint256 frozen = _frozen[asset];
        if (frozen != 0 || frozenAtZero[asset]) revert PriceAlreadyFrozen(asset, frozen);
        (uint256 price, IOracleAdapter.PriceFailure failure) = _oracle.tryGetPrice(asset);
        if (failure == IOracleAdapter.PriceFailure.WrittenDown) {
            frozenAtZero[asset] = true; // worth nothing, and known to be: it settles at 0
        } else {
            // never freeze a failed price
            if (failure != IOracleAdapter.PriceFailure.None) revert IOracleAdapter.PriceUnavailable(asset, failure);
            _frozen[asset] = price;
        }
        emit PriceFrozen(asset, price);
    }

    /// @inheritdoc ISettlement
    function setFallbackPrice(address asset, uint256 price) external restricted {
        uint256 at = _checkShutdown();
        uint256 frozen = _frozen[asset];
        if (frozen != 0 || frozenAtZero[asset]) revert PriceAlreadyFrozen(asset, frozen);
        if (price == 0) revert ZeroAmount();
        uint256 allowedAt = at + PRICE_FALLBACK_DELAY;
        if (block.timestamp < allowedAt) revert FallbackTooEarly(block.timestamp, allowedAt);
        _frozen[asset] = price;
        emit PriceFrozen(asset, price);
    }

    /// @inheritdoc ISettlement
    function setTriggerParams(uint256 backingBps, uint256 delay) external restricted {
        if (
            backingBps < MIN_TRIGGER_BACKING_BPS ||
            backingBps > MAX_TRIGGER_BACKING_BPS ||
            delay < MIN_TRIGGER_DELAY ||
            delay > MAX_TRIGGER_DELAY
        ) revert InvalidTriggerParams(backingBps, delay);
        (triggerBackingBps, triggerDelay) = (backingBps, delay);
        emit TriggerParamsSet(backingBps, delay);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Positions and owners
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ISettlement
    function settlePosition(uint256 id) external nonReentrant {
        _checkShutdown();
        (address owner, uint256 synthId, uint256 debt) = vault.releasePosition(id);
        (address[] memory list, uint256[] memory amounts) = vault.basketOf(id);
        vault.close(id, address(this)); // no debt left: sends the whole basket here
        (uint256[] memory toPool, uint256[] memory toOwner) = _split(synthId, owner, debt, list, amounts);
        emit PositionSettled(id, synthId, owner, debt, list, toPool, toOwner);
    }

    /// @inheritdoc ISettlement
    function settleAuction(uint256 auctionId) external nonReentrant {
        _checkShutdown();
        (uint256 positionId, uint256 synthId, address asset, uint256 lot, uint256 debt) = ILiquidationEngine(
            vault.liquidationEngine()
        ).releaseAuction(auctionId);
        (address owner, , ) = vault.positionOf(positionId);
        address[] memory list = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        (list[0], amounts[0]) = (asset, lot);
        (uint256[] memory toPool, uint256[] memory toOwner) = _split(synthId, owner, debt, list, amounts);
        emit AuctionSettled(auctionId, positionId, synthId, owner, debt, asset, toPool[0], toOwner[0]);
    }

    /// @inheritdoc ISettlement
    function settleModule(address module) external nonReentrant {
        _checkShutdown();
        (uint256 synthId, uint256 debt, address reserve, uint256 amount) = vault.releaseModule(module);
        _pool[synthId][reserve] += amount; // all of it: the reserves answer for the module's units only
        if (debt != 0) {
            _settledDebt[synthId] += debt;
            uint256 owed = debt.mulDivUp(_syntheticPrice(synthId), FixedMath.WAD); // [wad] against the pool
            uint256 worth = amount.mulDivDown(_price(reserve), 10 ** vault.assetConfig(reserve).decimals);
            if (owed > worth) _shortfall[synthId] += owed - worth;
        }
        emit ModuleSettled(module, synthId, debt, reserve, amount);
    }

    /// @inheritdoc ISettlement
    function claim(address asset, address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        amount = _claims[msg.sender][asset];
        if (amount == 0) revert ZeroAmount();
        _claims[msg.sender][asset] = 0;
        emit Claimed(msg.sender, asset, to, amount);
        IERC20(asset).safeTransfer(to, amount);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Redemption
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ISettlement
    function finalize(uint256 synthId) external nonReentrant {
        _checkShutdown();
        if (_finalized[synthId]) revert AlreadyFinalized(synthId);
        IVault.SyntheticState memory st = vault.synthetic(synthId);
        if (st.totalNormDebt != 0 || st.auctionDebt != 0) {
            revert OutstandingDebt(synthId, st.totalDebt, st.auctionDebt);
        }
        if (st.moduleDebt != 0) revert ModuleDebtOutstanding(synthId, st.moduleDebt);
        _finalized[synthId] = true;
        emit Finalized(synthId);
    }

    /// @inheritdoc ISettlement
    function redeem(
        uint256 synthId,
        uint256 amount,
        address to
    ) external nonReentrant returns (address[] memory list, uint256[] memory paid) {
        if (!_finalized[synthId]) revert NotFinalized(synthId);
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress();
        IERC20 token = IERC20(address(vault.synthetic(synthId).token));
        uint256 left = _outstanding(token);
        if (amount > left) revert ExceedsOutstanding(amount, left);

        list = vault.assets();
        paid = new uint256[](list.length);
        mapping(address => uint256) storage pool_ = _pool[synthId];
        for (uint256 j; j < list.length; ++j) {
            uint256 inPool = pool_[list[j]];
            if (inPool == 0) continue;
            // the last outstanding unit takes what is left, so the pool empties exactly; otherwise rounded down
            paid[j] = amount == left ? inPool : inPool.mulDivDown(amount, left);
            pool_[list[j]] = inPool - paid[j];
        }
        emit Redeemed(synthId, msg.sender, to, amount, left, list, paid);
        token.safeTransferFrom(msg.sender, address(this), amount); // kept here forever: never redeemed twice
        _payOut(synthId, msg.sender, to, list, paid);
    }

    /// @inheritdoc ISettlement
    function sweepPool(
        uint256 synthId,
        address to
    ) external restricted nonReentrant returns (address[] memory list, uint256[] memory swept) {
        if (!_finalized[synthId]) revert NotFinalized(synthId);
        if (to == address(0)) revert ZeroAddress();
        uint256 left = _outstanding(IERC20(address(vault.synthetic(synthId).token)));
        if (left != 0) revert UnitsOutstanding(synthId, left);

        list = vault.assets();
        swept = new uint256[](list.length);
        mapping(address => uint256) storage pool_ = _pool[synthId];
        for (uint256 j; j < list.length; ++j) {
            swept[j] = pool_[list[j]];
            pool_[list[j]] = 0;
        }
        emit PoolSwept(synthId, to, list, swept);
        _payOut(synthId, to, to, list, swept);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ISettlement
    function frozenPrice(address asset) external view returns (uint256) {
        return _frozen[asset];
    }

    /// @inheritdoc ISettlement
    function pool(uint256 synthId, address asset) external view returns (uint256) {
        return _pool[synthId][asset];
    }

    /// @inheritdoc ISettlement
    function claimable(address owner, address asset) external view returns (uint256) {
        return _claims[owner][asset];
    }

    /// @inheritdoc ISettlement
    function outstanding(uint256 synthId) external view returns (uint256) {
        return _outstanding(IERC20(address(vault.synthetic(synthId).token)));
    }

    /// @inheritdoc ISettlement
    function finalized(uint256 synthId) external view returns (bool) {
        return _finalized[synthId];
    }

    /// @inheritdoc ISettlement
    function settledDebt(uint256 synthId) external view returns (uint256 debt, uint256 shortfallValue) {
        return (_settledDebt[synthId], _shortfall[synthId]);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internal
    // ------------------------------------------------------------------------------------------------------------

    /// @dev Measures the backing (`_backing`) and records an under-backed stretch or a recovery (see `poke`).
    function _poke() internal returns (uint256 backingBps) {
        backingBps = _backing();
        if (backingBps < triggerBackingBps) {
            if (underSince == 0) underSince = block.timestamp;
            if (backedSince != 0) backedSince = 0; // a dip cancels a recovery in progress
        } else if (underSince != 0) {
            // a recovery ends the stretch only once pokes have seen it hold for `triggerDelay`: one reading inflated
            // inside a transaction (flash-lent collateral, a debt repaid with flash-minted units) cannot restart it
            if (backedSince == 0) backedSince = block.timestamp;
            else if (block.timestamp >= backedSince + triggerDelay) (underSince, backedSince) = (0, 0);
        }
        emit Poked(backingBps, underSince);
    }

    /// @return backingBps [bps] The system's backing (`Backing`): collateral value credited to positions and in
    ///         auctions, less leftovers owed to owners, over the synthetics' supply and unminted fees. Reverts
    ///         `Backing.SystemBusy` mid-operation; `BackingIncomplete` when a synthetic's price, or the price of an
    ///         asset somebody holds that is not retired, is unavailable (the system is never judged at a failed
    ///         price). An asset nobody holds counts at 0 whatever its oracle does, and so does a retired one without
    ///         a price.
    function _backing() internal view returns (uint256 backingBps) {
        if (vault.shutdownAt() != 0) revert IBallastErrors.SystemShutdown(vault.shutdownAt());
        uint256 n = vault.syntheticCount();
        ISyntheticToken[] memory tokens = new ISyntheticToken[](n);
        uint256 liability; // [wad USD]
        for (uint256 i; i < n; ++i) {
            IVault.SyntheticState memory st = vault.synthetic(i);
            tokens[i] = st.token;
            Backing.SyntheticFigures memory f = Backing.synthetic(_oracle, st);
            if (!f.priced) revert BackingIncomplete(st.params.priceAsset);
            liability += f.liabilityValue;
        }
        address engine = vault.liquidationEngine();
        Backing.checkIdle(vault, engine, tokens);
        address[] memory list = vault.assets();
        uint256 collateral; // [wad USD]
        for (uint256 j; j < list.length; ++j) {
            Backing.AssetFigures memory f = Backing.asset(_oracle, vault, engine, list[j], vault.assetConfig(list[j]));
            if (!f.priced && !retired[list[j]] && Backing.exposure(f) != 0) revert BackingIncomplete(list[j]);
            collateral += f.value;
        }
        backingBps = Backing.ratioBps(collateral, liability);
    }

    /// @dev Shuts the Vault down and freezes every price the oracle gives now (collateral assets and the synthetics'
    ///      price assets); the others wait for `freezePrice`.
    function _shutdown(bool triggered) internal {
        vault.shutdown(); // reverts SystemShutdown when already shut down
        address[] memory list = vault.assets();
        for (uint256 j; j < list.length; ++j) {
            _tryFreeze(list[j]);
        }
        uint256 n = vault.syntheticCount();
        for (uint256 i; i < n; ++i) {
            address priceAsset = vault.synthetic(i).params.priceAsset;
            if (priceAsset != address(0)) _tryFreeze(priceAsset);
        }
        emit Shutdown(msg.sender, block.timestamp, triggered);
    }

    /// @dev Splits a released basket owing `debt` [wad] of synthetic `synthId`: the part worth the debt at the frozen
    ///      prices, the same share of every asset rounded up (against the owner), joins the pool; the rest becomes
    ///      `owner`'s claim. Without debt it is all the owner's; a basket worth less than the debt all joins the pool
    ///      and the shortfall is recorded.
    function _split(
        uint256 synthId,
        address owner,
        uint256 debt,
        address[] memory list,
        uint256[] memory amounts
    ) internal returns (uint256[] memory toPool, uint256[] memory toOwner) {
        uint256 n = list.length;
        toPool = new uint256[](n);
        toOwner = new uint256[](n);
        if (debt != 0) {
            // [wad] the debt's value at the frozen price, rounded up: against the owner
            uint256 owed = debt.mulDivUp(_syntheticPrice(synthId), FixedMath.WAD);
            uint256 basket; // [wad] the basket's value, each asset rounded down
            for (uint256 j; j < n; ++j) {
                basket += amounts[j].mulDivDown(_price(list[j]), 10 ** vault.assetConfig(list[j]).decimals);
            }
            for (uint256 j; j < n; ++j) {
                // pro rata by value: amount * owed / basket, rounded up, at most the amount
                toPool[j] = owed >= basket ? amounts[j] : amounts[j].mulDivUp(owed, basket);
                if (toPool[j] > amounts[j]) toPool[j] = amounts[j];
            }
            _settledDebt[synthId] += debt;
            if (owed > basket) _shortfall[synthId] += owed - basket;
        }
        for (uint256 j; j < n; ++j) {
            _pool[synthId][list[j]] += toPool[j];
            toOwner[j] = amounts[j] - toPool[j];
            _claims[owner][list[j]] += toOwner[j];
        }
    }

    function _tryFreeze(address asset) internal {
        if (_frozen[asset] != 0 || frozenAtZero[asset]) return;
        (uint256 price, IOracleAdapter.PriceFailure failure) = _oracle.tryGetPrice(asset);
        if (failure == IOracleAdapter.PriceFailure.WrittenDown) frozenAtZero[asset] = true;
        else if (failure != IOracleAdapter.PriceFailure.None) return;
        else _frozen[asset] = price;
        emit PriceFrozen(asset, price);
    }

    /// @return at [s] the shutdown time; reverts NotShutdown while the system runs.
    function _checkShutdown() internal view returns (uint256 at) {
        at = vault.shutdownAt();
        if (at == 0) revert NotShutdown();
    }

    /// @return price [wad] the frozen price of `asset` (0 when frozen written down); reverts PriceNotFrozen.
    function _price(address asset) internal view returns (uint256 price) {
        price = _frozen[asset];
        if (price == 0 && !frozenAtZero[asset]) revert PriceNotFrozen(asset);
    }

    /// @return [wad] the frozen price of one unit of synthetic `synthId` (exactly 1e18 for a USD synthetic).
    function _syntheticPrice(uint256 synthId) internal view returns (uint256) {
        address priceAsset = vault.synthetic(synthId).params.priceAsset;
        return priceAsset == address(0) ? FixedMath.WAD : _price(priceAsset);
    }

    /// @dev Sends `amounts` of `list` to `to`; a share whose token refuses the transfer (paused, blocklisted) becomes
    ///      `creditTo`'s claim, withdrawable with `claim` once the token allows it, so one token never holds back
    ///      the others.
    function _payOut(
        uint256 synthId,
        address creditTo,
        address to,
        address[] memory list,
        uint256[] memory amounts
    ) internal {
        for (uint256 j; j < list.length; ++j) {
            if (amounts[j] == 0 || IERC20(list[j]).trySafeTransfer(to, amounts[j])) continue;
            _claims[creditTo][list[j]] += amounts[j];
            emit RedemptionCredited(synthId, creditTo, list[j], amounts[j]);
        }
    }

    /// @return [wad] units of `token` not yet handed in and not held by the treasury.
    function _outstanding(IERC20 token) internal view returns (uint256) {
        return token.totalSupply() - token.balanceOf(address(this)) - token.balanceOf(vault.treasury());
    }
}
