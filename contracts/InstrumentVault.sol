// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ERC6909TokenSupply} from "@openzeppelin/contracts/token/ERC6909/extensions/ERC6909TokenSupply.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IInstrumentVault} from "./interfaces/IInstrumentVault.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {FeedGuard} from "./libraries/FeedGuard.sol";

/// @title InstrumentVault
/// @notice Fully backed options and binaries beside the Vault: see `IInstrumentVault` for the payoff table, units and
///         rounding. It shares the Vault's OracleAdapter (each series copies its underlying's Chainlink feed from it at
///         creation) and AccessManager (GOVERNOR lists underlyings and quote assets and sets the settlement bounds;
///         GUARDIAN may correct a settlement price inside the dispute window, within `maxCorrectionBps`).
/// @dev Long and short sides are ERC-6909 ids of this contract (`seriesId << 1` long, `seriesId << 1 | 1` short): one
///      contract holds every series, so creating a series deploys nothing and costs a few storage writes, a transfer
///      or an approval works the same for every series, and the collateral and the tokens that claim it live in one
///      place where the backing of each series is one storage read. A series' units outstanding are the long id's
///      total supply, equal to the short id's until redemptions start.
///      Nothing here reads the Vault: a series is backed by its own collateral alone and is never liquidated.
contract InstrumentVault is IInstrumentVault, ERC6909TokenSupply, AccessManaged, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice [s] The furthest expiry a new series may have.
    uint256 public constant MAX_TENOR = 730 days;
    /// @notice [s] Bounds of the dispute window.
    uint256 public constant MIN_DISPUTE_WINDOW = 10 minutes;
    uint256 public constant MAX_DISPUTE_WINDOW = 7 days;
    /// @notice [bps] The largest correction governance may allow.
    uint256 public constant MAX_CORRECTION_BPS = 500;
    /// @notice [s] The latest a void settlement may open after expiry.
    uint256 public constant MAX_VOID_DELAY = 365 days;
    /// @dev Largest token decimals accepted: 10**36 keeps every product below 2**256 (see `_longPool`).
    uint256 internal constant MAX_DECIMALS = 36;
    uint256 internal constant WAD = 1e18;
    uint256 internal constant BPS = 10_000;

    /// @notice The price source every series' feed is copied from.
    IOracleAdapter public immutable oracle;

    mapping(uint256 seriesId => Series) internal _series;
    mapping(uint256 seriesId => SeriesState) internal _state;
    mapping(bytes32 terms => uint256 seriesId) internal _seriesOf;
    mapping(address asset => bool) public isUnderlying;
    mapping(address asset => bool) public isQuote;
    uint256 public seriesCount;
    SettlementParams internal _params;

    /// @param manager the AccessManager of the deployment (shared with the Vault)
    /// @param oracle_ the OracleAdapter of the deployment
    /// @param params the first settlement parameters (bounds as `setSettlementParams`)
    constructor(address manager, IOracleAdapter oracle_, SettlementParams memory params) AccessManaged(manager) {
        if (address(oracle_) == address(0)) revert ZeroAddress();
        oracle = oracle_;
        _setParams(params);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Series and positions
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IInstrumentVault
    function createSeries(
        address underlying,
        address collateral,
        Kind kind,
        uint256 strike,
        uint256 expiry
    ) external nonReentrant returns (uint256 seriesId) {
        bytes32 terms = keccak256(abi.encode(underlying, collateral, kind, strike, expiry));
        seriesId = _seriesOf[terms];
        if (seriesId != 0) return seriesId;
        if (!isUnderlying[underlying]) revert UnderlyingNotEnabled(underlying);
        if (kind == Kind.Call ? collateral != underlying : !isQuote[collateral]) {
            revert CollateralNotAllowed(collateral, kind);
        }
        if (expiry <= block.timestamp || expiry > block.timestamp + MAX_TENOR) {
            revert InvalidExpiry(expiry, block.timestamp);
        }
        if (strike == 0 || strike > type(uint128).max) revert InvalidStrike(strike);
        IOracleAdapter.AssetFeeds memory feeds = oracle.feedsOf(underlying);
        if (address(feeds.primary.aggregator) == address(0)) revert UnderlyingNotEnabled(underlying);
        // the adapter checked these bounds when it stored them (FeedGuard.validated)
        FeedGuard.StoredFeed memory feed = FeedGuard.StoredFeed({
            aggregator: feeds.primary.aggregator,
            maxAge: feeds.primary.maxAge,
            decimals: feeds.primaryDecimals,
            maxDeviationBps: 0,
            minAnswer: int128(feeds.primary.minAnswer),
            maxAnswer: int128(feeds.primary.maxAnswer)
        });
        seriesId = ++seriesCount;
        _seriesOf[terms] = seriesId;
        Series memory s = Series({
            underlying: underlying,
            expiry: uint64(expiry), // <= now + MAX_TENOR
            kind: kind,
            underlyingDecimals: _decimals(underlying),
            collateralDecimals: _decimals(collateral),
            collateral: collateral,
            strike: uint128(strike),
            feed: feed
        });
        _series[seriesId] = s;
        emit SeriesCreated(seriesId, s);
    }

    /// @inheritdoc IInstrumentVault
    function write(
        uint256 seriesId,
        uint256 units,
        address longTo,
        address shortTo
    ) external nonReentrant returns (uint256 locked) {
        Series storage s = _open(seriesId);
        if (units == 0) revert ZeroAmount();
        uint256 outstanding = totalSupply(seriesId << 1);
        if (outstanding + units > type(uint128).max) revert SeriesFull(seriesId);
        locked = _maxPayoff(s, units, Math.Rounding.Ceil); // >= 1: every kind locks something per unit
        SeriesState storage st = _state[seriesId];
        st.locked += locked;
        _mint(longTo, seriesId << 1, units);
        _mint(shortTo, (seriesId << 1) | 1, units);
        _pull(s.collateral, locked);
        emit Written(seriesId, msg.sender, longTo, shortTo, units, locked);
    }

    /// @inheritdoc IInstrumentVault
    function burnPair(uint256 seriesId, uint256 units, address to) external nonReentrant returns (uint256 released) {
        Series storage s = _open(seriesId);
        if (to == address(0)) revert ZeroAddress();
        uint256 outstanding = totalSupply(seriesId << 1);
        SeriesState storage st = _state[seriesId];
        // the burner's share of what the series holds, rounded down (0 when units is 0 or dust)
        released = outstanding == 0 ? 0 : Math.mulDiv(units, st.locked, outstanding);
        if (released == 0) revert ZeroAmount();
        _burn(msg.sender, seriesId << 1, units); // reverts above the caller's balance
        _burn(msg.sender, (seriesId << 1) | 1, units);
        st.locked -= released; // released <= locked: units <= outstanding
        IERC20(s.collateral).safeTransfer(to, released);
        emit PairBurned(seriesId, msg.sender, to, units, released);
    }

    /// @inheritdoc IInstrumentVault
    function redeem(
        uint256 seriesId,
        bool short,
        uint256 units,
        address to
    ) external nonReentrant returns (uint256 paid) {
        Series storage s = _known(seriesId);
        if (to == address(0)) revert ZeroAddress();
        if (units == 0) revert ZeroAmount();
        SeriesState storage st = _state[seriesId];
        if (!st.finalized) _finalize(seriesId, s, st);
        _burn(msg.sender, (seriesId << 1) | (short ? 1 : 0), units); // reverts above the caller's balance
        paid = Math.mulDiv(units, short ? st.shortPool : st.longPool, st.settledUnits); // settledUnits >= units > 0
        st.locked -= paid; // the pools sum to at most what is locked, and each pays at most its pool
        if (paid != 0) IERC20(s.collateral).safeTransfer(to, paid);
        emit Redeemed(seriesId, msg.sender, to, short, units, paid);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Settlement
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IInstrumentVault
    function settle(uint256 seriesId, uint80 roundId, uint80 previousRoundId) external nonReentrant {
        Series storage s = _expiredUnsettled(seriesId);
        FeedGuard.StoredFeed memory feed = s.feed;
        uint256 expiry = s.expiry;
        (uint256 price, uint256 updatedAt) = _primaryRound(seriesId, feed, expiry, roundId);
        if (!_adjacent(feed, previousRoundId, roundId))
            revert BadRound(seriesId, previousRoundId, RoundFailure.NotAdjacent);
        (bool ok, , uint256 previousAt) = FeedGuard.roundData(feed.aggregator, previousRoundId);
        if (!ok) revert BadRound(seriesId, previousRoundId, RoundFailure.Missing);
        if (previousAt >= expiry) revert BadRound(seriesId, previousRoundId, RoundFailure.NotFirst);
        _setPrice(seriesId, PriceSource.Round, roundId, price, updatedAt);
    }

    /// @inheritdoc IInstrumentVault
    function settleFallback(uint256 seriesId, uint80 roundId) external nonReentrant {
        Series storage s = _expiredUnsettled(seriesId);
        uint256 expiry = s.expiry;
        uint256 opensAt = expiry + _params.fallbackDelay;
        if (block.timestamp < opensAt) revert TooEarly(seriesId, opensAt);
        FeedGuard.StoredFeed memory feed = s.feed;
        (bool ok, int256 answer, uint256 updatedAt) = FeedGuard.roundData(feed.aggregator, roundId);
        if (!ok) revert BadRound(seriesId, roundId, RoundFailure.Missing);
        if (updatedAt >= expiry) revert BadRound(seriesId, roundId, RoundFailure.BeforeExpiry);
        if (expiry - updatedAt > feed.maxAge) revert BadRound(seriesId, roundId, RoundFailure.Stale);
        (uint256 price, IOracleAdapter.PriceFailure failure) = FeedGuard.judge(feed, answer);
        if (failure != IOracleAdapter.PriceFailure.None) revert BadRound(seriesId, roundId, RoundFailure.Unguarded);
        // the round after it, found here rather than taken from the caller: the next one in its phase, else the first
        // of the next phase. None yet, or one at or after expiry that the primary rule cannot use (late or unguarded):
        // so nobody can choose between the last price before expiry and the first after it
        uint80 next = roundId + 1;
        (bool nextOk, int256 nextAnswer, uint256 nextAt) = FeedGuard.roundData(feed.aggregator, next);
        if (!nextOk) {
            next = uint80((((roundId >> 64) + 1) << 64) | 1);
            (nextOk, nextAnswer, nextAt) = FeedGuard.roundData(feed.aggregator, next);
        }
        if (nextOk) {
            if (nextAt < expiry) revert BadRound(seriesId, next, RoundFailure.NotFirst);
            (, IOracleAdapter.PriceFailure nextFailure) = FeedGuard.judge(feed, nextAnswer);
            if (nextAt - expiry <= feed.maxAge && nextFailure == IOracleAdapter.PriceFailure.None) {
                revert BadRound(seriesId, next, RoundFailure.PrimaryAvailable);
            }
        }
        _setPrice(seriesId, PriceSource.Fallback, roundId, price, updatedAt);
    }

    /// @inheritdoc IInstrumentVault
    function settleVoid(uint256 seriesId) external nonReentrant {
        Series storage s = _expiredUnsettled(seriesId);
        uint256 opensAt = s.expiry + _params.voidDelay;
        if (block.timestamp < opensAt) revert TooEarly(seriesId, opensAt);
        _setPrice(seriesId, PriceSource.Void, 0, s.strike, 0);
    }

    /// @inheritdoc IInstrumentVault
    function challenge(uint256 seriesId, uint80 roundId) external nonReentrant {
        Series storage s = _known(seriesId);
        SeriesState storage st = _state[seriesId];
        uint256 closesAt = uint256(st.settledAt) + _params.disputeWindow;
        PriceSource source = st.source;
        if (source == PriceSource.None) revert NotRedeemable(seriesId, 0);
        if (source == PriceSource.Void || st.finalized || block.timestamp >= closesAt) {
            revert CorrectionClosed(seriesId, closesAt);
        }
        // a fallback round is before expiry: any round the primary rule accepts replaces it
        if (source == PriceSource.Round && roundId >= st.roundId) {
            revert BadRound(seriesId, roundId, RoundFailure.NotFirst);
        }
        (uint256 price, ) = _primaryRound(seriesId, s.feed, s.expiry, roundId);
        if (price > type(uint128).max) revert BadRound(seriesId, roundId, RoundFailure.Unguarded);
        st.price = uint128(price);
        st.oraclePrice = uint128(price);
        st.source = PriceSource.Round;
        st.roundId = roundId;
        emit Challenged(seriesId, roundId, price, msg.sender);
    }

    /// @inheritdoc IInstrumentVault
    function correctPrice(uint256 seriesId, uint256 price, bytes32 reason) external restricted nonReentrant {
        _known(seriesId);
        SeriesState storage st = _state[seriesId];
        if (st.source == PriceSource.None) revert NotRedeemable(seriesId, 0);
        uint256 closesAt = uint256(st.settledAt) + _params.disputeWindow;
        if (st.source == PriceSource.Void || st.finalized || block.timestamp >= closesAt) {
            revert CorrectionClosed(seriesId, closesAt);
        }
        uint256 reference_ = st.oraclePrice; // [wad]
        uint256 diff = price > reference_ ? price - reference_ : reference_ - price;
        // diff / reference > maxCorrectionBps / BPS, exact; price 0 is always too far (maxCorrectionBps < BPS)
        if (price > type(uint128).max || diff * BPS > uint256(_params.maxCorrectionBps) * reference_) {
            revert CorrectionTooLarge(seriesId, price, reference_);
        }
        st.price = uint128(price);
        emit PriceCorrected(seriesId, reference_, price, reason);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Governance
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IInstrumentVault
    function setUnderlying(address asset, bool enabled) external restricted {
        if (asset == address(0)) revert ZeroAddress();
        if (enabled && address(oracle.feedsOf(asset).primary.aggregator) == address(0)) {
            revert UnderlyingNotEnabled(asset);
        }
        isUnderlying[asset] = enabled;
        emit UnderlyingSet(asset, enabled);
    }

    /// @inheritdoc IInstrumentVault
    function setQuote(address asset, bool enabled) external restricted {
        if (asset == address(0)) revert ZeroAddress();
        isQuote[asset] = enabled;
        emit QuoteSet(asset, enabled);
    }

    /// @inheritdoc IInstrumentVault
    function setSettlementParams(SettlementParams calldata params) external restricted {
        _setParams(params);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IInstrumentVault
    function series(uint256 seriesId) external view returns (Series memory) {
        return _known(seriesId);
    }

    /// @inheritdoc IInstrumentVault
    function seriesState(uint256 seriesId) external view returns (SeriesState memory) {
        _notEntered();
        _known(seriesId);
        return _state[seriesId];
    }

    /// @inheritdoc IInstrumentVault
    function exposure(uint256 seriesId) external view returns (uint256 units, uint256 locked, uint256 maxPayoff) {
        _notEntered();
        Series storage s = _known(seriesId);
        units = totalSupply(seriesId << 1);
        locked = _state[seriesId].locked;
        maxPayoff = _state[seriesId].finalized ? locked : _maxPayoff(s, units, Math.Rounding.Ceil);
    }

    /// @inheritdoc IInstrumentVault
    function payoffAt(uint256 seriesId, uint256 price, bool short, uint256 units) external view returns (uint256) {
        _notEntered();
        Series storage s = _known(seriesId);
        SeriesState storage st = _state[seriesId];
        uint256 outstanding = st.finalized ? st.settledUnits : totalSupply(seriesId << 1);
        if (outstanding == 0 || units > outstanding) return 0;
        uint256 longPool = st.finalized ? st.longPool : _longPool(s, outstanding, price);
        if (!st.finalized) longPool = Math.min(longPool, st.locked);
        uint256 pool = short ? (st.finalized ? st.shortPool : st.locked - longPool) : longPool;
        return Math.mulDiv(units, pool, outstanding);
    }

    /// @inheritdoc IInstrumentVault
    function settlementParams() external view returns (SettlementParams memory) {
        return _params;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internal
    // ---------------------------------------------------------------------------------------------------------------

    /// @dev The series, which must exist.
    function _known(uint256 seriesId) internal view returns (Series storage s) {
        s = _series[seriesId];
        if (s.expiry == 0) revert UnknownSeries(seriesId);
    }

    /// @dev The series, which must exist and not have expired (writes and pair burns).
    function _open(uint256 seriesId) internal view returns (Series storage s) {
        s = _known(seriesId);
        if (block.timestamp >= s.expiry) revert SeriesExpired(seriesId, s.expiry);
    }

    /// @dev The series, which must have expired and have no price yet.
    function _expiredUnsettled(uint256 seriesId) internal view returns (Series storage s) {
        s = _known(seriesId);
        if (block.timestamp < s.expiry) revert NotExpired(seriesId, s.expiry);
        if (_state[seriesId].source != PriceSource.None) revert AlreadySettled(seriesId);
    }

    /// @dev Round `roundId` as the primary rule needs it: present, at or after expiry, at most maxAge after it, and
    ///      guarded. price [wad]; updatedAt [s].
    function _primaryRound(
        uint256 seriesId,
        FeedGuard.StoredFeed memory feed,
        uint256 expiry,
        uint80 roundId
    ) internal view returns (uint256 price, uint256 updatedAt) {
        bool ok;
        int256 answer;
        (ok, answer, updatedAt) = FeedGuard.roundData(feed.aggregator, roundId);
        if (!ok) revert BadRound(seriesId, roundId, RoundFailure.Missing);
        if (updatedAt < expiry) revert BadRound(seriesId, roundId, RoundFailure.BeforeExpiry);
        if (updatedAt - expiry > feed.maxAge) revert BadRound(seriesId, roundId, RoundFailure.Stale);
        IOracleAdapter.PriceFailure failure;
        (price, failure) = FeedGuard.judge(feed, answer);
        if (failure != IOracleAdapter.PriceFailure.None) revert BadRound(seriesId, roundId, RoundFailure.Unguarded);
    }

    /// @dev Whether round `earlier` comes right before round `later` in a Chainlink proxy's numbering: the id is
    ///      phase << 64 | the aggregator's round. In one phase the two are consecutive; when `later` opens its phase
    ///      (aggregator round 1), `earlier` must be the last round of the phase before: that phase has no round after it.
    function _adjacent(FeedGuard.StoredFeed memory feed, uint80 earlier, uint80 later) internal view returns (bool) {
        if (uint64(later) > 1) return earlier == later - 1;
        if (uint64(later) != 1 || (later >> 64) == 0 || (earlier >> 64) != (later >> 64) - 1) return false;
        (bool ok, , ) = FeedGuard.roundData(feed.aggregator, earlier + 1);
        return !ok;
    }

    /// @dev Records a settlement price; the dispute window starts now (a Void settlement has none).
    function _setPrice(
        uint256 seriesId,
        PriceSource source,
        uint80 roundId,
        uint256 price,
        uint256 roundUpdatedAt
    ) internal {
        if (price > type(uint128).max) revert BadRound(seriesId, roundId, RoundFailure.Unguarded);
        SeriesState storage st = _state[seriesId];
        st.price = uint128(price);
        st.oraclePrice = uint128(price);
        st.settledAt = uint64(block.timestamp);
        st.source = source;
        st.roundId = roundId;
        emit Settled(seriesId, source, roundId, price, roundUpdatedAt);
    }

    /// @dev Fixes the two pools from the final price and the units outstanding: the longs' pool is the exact payoff
    ///      rounded down, the shorts' pool the rest of what is locked.
    function _finalize(uint256 seriesId, Series storage s, SeriesState storage st) internal {
        if (st.source == PriceSource.None) revert NotRedeemable(seriesId, 0);
        uint256 opensAt = st.source == PriceSource.Void ? st.settledAt : uint256(st.settledAt) + _params.disputeWindow;
        if (block.timestamp < opensAt) revert NotRedeemable(seriesId, opensAt);
        uint256 units = totalSupply(seriesId << 1);
        uint256 locked = st.locked;
        uint256 longPool = Math.min(_longPool(s, units, st.price), locked);
        st.finalized = true;
        st.settledUnits = uint128(units); // < 2^128: writes keep it there
        st.longPool = longPool;
        st.shortPool = locked - longPool;
        emit Finalized(seriesId, units, longPool, locked - longPool);
    }

    /// @dev [collateral units] The maximum payoff of `units` [wad]: the collateral one unit locks, times units.
    function _maxPayoff(Series storage s, uint256 units, Math.Rounding rounding) internal view returns (uint256) {
        Kind kind = s.kind;
        if (kind == Kind.Call) return Math.mulDiv(units, 10 ** s.underlyingDecimals, WAD, rounding);
        if (kind == Kind.Put)
            return Math.mulDiv(units, uint256(s.strike) * 10 ** s.collateralDecimals, WAD * WAD, rounding);
        return Math.mulDiv(units, 10 ** s.collateralDecimals, WAD, rounding);
    }

    /// @dev [collateral units] The exact payoff to `units` [wad] longs at `price` [wad], rounded down. Products stay
    ///      below 2**256: units < 2**128, 10**decimals <= 10**36 < 2**120, prices and strikes < 2**128.
    function _longPool(Series storage s, uint256 units, uint256 price) internal view returns (uint256) {
        Kind kind = s.kind;
        uint256 strike = s.strike;
        if (kind == Kind.Call) {
            if (price <= strike) return 0;
            return Math.mulDiv(units * 10 ** s.underlyingDecimals, price - strike, price * WAD);
        }
        if (kind == Kind.Put) {
            if (price >= strike) return 0;
            return Math.mulDiv(units, (strike - price) * 10 ** s.collateralDecimals, WAD * WAD);
        }
        if (kind == Kind.BinaryUp ? price > strike : price < strike) {
            return Math.mulDiv(units, 10 ** s.collateralDecimals, WAD);
        }
        return 0;
    }

    /// @dev Pulls exactly `amount` of `token` from the caller; a token that delivers another amount is refused.
    function _pull(address token, uint256 amount) internal {
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - before;
        if (received != amount) revert TransferAmountMismatch(token, amount, received);
    }

    /// @dev A token's decimals, at most `MAX_DECIMALS` (a token without `decimals()` cannot back a series).
    function _decimals(address token) internal view returns (uint8) {
        uint8 d = IERC20Metadata(token).decimals();
        if (d > MAX_DECIMALS) revert UnsupportedDecimals(token, d);
        return d;
    }

    function _setParams(SettlementParams memory p) internal {
        if (
            p.disputeWindow < MIN_DISPUTE_WINDOW ||
            p.disputeWindow > MAX_DISPUTE_WINDOW ||
            p.maxCorrectionBps > MAX_CORRECTION_BPS ||
            p.fallbackDelay == 0 ||
            p.voidDelay <= p.fallbackDelay ||
            p.voidDelay > MAX_VOID_DELAY
        ) revert InvalidSettlementParams();
        _params = p;
        emit SettlementParamsSet(p);
    }

    /// @dev Views that report balances refuse to answer in the middle of an operation (read-only reentrancy).
    function _notEntered() internal view {
        if (_reentrancyGuardEntered()) revert ReentrancyGuardReentrantCall();
    }
}
