// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {IPriceSource} from "./interfaces/IPriceSource.sol";
import {FeedGuard} from "./libraries/FeedGuard.sol";

/// @title OracleAdapter
/// @notice Guarded prices in [wad]; see {IOracleAdapter}. Governance (the AccessManager authority) sets each asset's
///         price: either built-in Chainlink feeds or a price source contract (`IPriceSource`); anyone reads prices.
/// @dev An asset priced by one Chainlink feed takes the built-in path (no extra call): the checks, cheapest first, are
///      asset configured, sequencer feed, primary feed, second feed, deviation; within one feed `FeedGuard.read`. An
///      asset with a source takes one more storage read and the source's call (`FeedGuard.callSource`, gas-capped);
///      the same `FeedGuard` rules judge the feeds inside it. The sequencer check applies to both.
///      Storage: one asset's primary feed is two slots (aggregator | maxAge | decimals | maxDeviationBps, then
///      minAnswer | maxAnswer); a source is one slot (source | ttl | written down); the sequencer feed and grace period
///      are immutable. A primary-only price costs two storage reads and one external call.
contract OracleAdapter is IOracleAdapter, AccessManaged {
    /// @notice [gas] The most gas forwarded to one `latestRoundData` call: about ten times what a Chainlink proxy read
    ///         costs cold. A feed that needs more is reported `FeedReverted`.
    uint256 public constant FEED_CALL_GAS = FeedGuard.FEED_CALL_GAS;
    /// @dev [bps] 100 %.
    uint256 internal constant BPS = 10_000;

    /// @dev One asset's price source as stored, in one slot.
    struct StoredSource {
        IPriceSource source;
        uint32 ttl; // [s] attestation time-to-live read from the source when set; 0 = not attested
        bool writtenDown; // one-way: the asset is worth nothing (`PriceFailure.WrittenDown`)
    }

    mapping(address asset => FeedGuard.StoredFeed) internal _primary;
    mapping(address asset => FeedGuard.StoredFeed) internal _secondary;
    mapping(address asset => FeedGuard.StoredFeed) internal _reserve; // proof-of-reserve feeds; bounds (0, int128 max)
    mapping(address asset => StoredSource) internal _sources;
    AggregatorV3Interface internal immutable _sequencerFeed; // 0 = no sequencer check
    uint32 internal immutable _gracePeriod; // [s]

    /// @param sequencerFeed_ The chain's L2 sequencer-uptime feed, or 0 on a chain without one (Ethereum).
    /// @param gracePeriod_ [s] How long after the sequencer comes back up prices stay refused.
    constructor(
        address initialAuthority,
        AggregatorV3Interface sequencerFeed_,
        uint32 gracePeriod_
    ) AccessManaged(initialAuthority) {
        _sequencerFeed = sequencerFeed_;
        _gracePeriod = gracePeriod_;
        emit SequencerFeedSet(address(sequencerFeed_), gracePeriod_);
    }

    // ---------------------------------------------------------------- prices

    /// @inheritdoc IOracleAdapter
    function getPrice(address asset) external view returns (uint256 price) {
        PriceFailure failure;
        (price, failure) = _price(asset);
        if (failure != PriceFailure.None) revert PriceUnavailable(asset, failure);
    }

    /// @inheritdoc IOracleAdapter
    function tryGetPrice(address asset) external view returns (uint256 price, PriceFailure failure) {
        return _price(asset);
    }

    /// @inheritdoc IOracleAdapter
    function feedsOf(address asset) external view returns (AssetFeeds memory feeds) {
        FeedGuard.StoredFeed memory primary = _primary[asset];
        FeedGuard.StoredFeed memory secondary = _secondary[asset];
        feeds.primary = _toFeed(primary);
        feeds.primaryDecimals = primary.decimals;
        feeds.secondary = _toFeed(secondary);
        feeds.secondaryDecimals = secondary.decimals;
        feeds.maxDeviationBps = primary.maxDeviationBps;
    }

    /// @inheritdoc IOracleAdapter
    function sequencer() external view returns (AggregatorV3Interface feed, uint32 gracePeriod) {
        return (_sequencerFeed, _gracePeriod);
    }

    /// @inheritdoc IOracleAdapter
    function getReserve(address asset) external view returns (uint256 reserve) {
        FeedGuard.StoredFeed memory feed = _reserve[asset];
        PriceFailure failure = PriceFailure.NoFeed;
        if (address(feed.aggregator) != address(0)) (reserve, , failure) = FeedGuard.read(feed);
        if (failure != PriceFailure.None) revert ReserveUnavailable(asset, failure);
    }

    /// @inheritdoc IOracleAdapter
    function reserveFeedOf(address asset) external view returns (AggregatorV3Interface aggregator, uint32 maxAge) {
        FeedGuard.StoredFeed memory feed = _reserve[asset];
        return (feed.aggregator, feed.maxAge);
    }

    /// @inheritdoc IOracleAdapter
    function sourceOf(address asset) external view returns (IPriceSource source, uint256 ttl, bool writtenDown) {
        StoredSource memory s = _sources[asset];
        return (s.source, s.ttl, s.writtenDown);
    }

    /// @inheritdoc IOracleAdapter
    function attestation(address asset) external view returns (uint256 attestedAt, uint256 ttl, uint256 lapsedAt) {
        StoredSource memory s = _sources[asset];
        ttl = s.ttl;
        if (ttl == 0 || s.writtenDown) return (0, ttl, 0);
        PriceFailure failure;
        (, attestedAt, failure) = FeedGuard.callSource(s.source);
        if (failure != PriceFailure.None) return (0, ttl, 0);
        if (block.timestamp - attestedAt > ttl) lapsedAt = attestedAt + ttl;
    }

    /// @inheritdoc IOracleAdapter
    function tryGetAttestedPrice(
        address asset
    ) external view returns (uint256 price, PriceFailure failure, bool lapsed) {
        if (address(_primary[asset].aggregator) != address(0)) {
            (price, failure) = _price(asset);
            return (price, failure, false);
        }
        uint256 updatedAt;
        uint256 ttl;
        (price, updatedAt, failure, ttl) = _sourcePrice(asset);
        lapsed = ttl != 0 && failure == PriceFailure.None && block.timestamp - updatedAt > ttl;
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IOracleAdapter
    function setReserveFeed(address asset, AggregatorV3Interface aggregator, uint32 maxAge) external restricted {
        if (address(aggregator) == address(0)) {
            delete _reserve[asset];
        } else {
            _reserve[asset] = FeedGuard.validated(asset, Feed(aggregator, maxAge, 0, type(int128).max), "reserve");
        }
        emit ReserveFeedSet(asset, aggregator, maxAge);
    }

    /// @inheritdoc IOracleAdapter
    /// @dev Beyond the interface: maxAnswer must be > 0 and both bounds must fit in int128; a zero second aggregator
    ///      requires the whole second Feed to be zero. Without a second feed the stored `maxDeviationBps` is 0.
    function setFeeds(
        address asset,
        Feed calldata primary,
        Feed calldata secondary,
        uint16 maxDeviationBps
    ) external restricted {
        _checkNotWrittenDown(asset);
        FeedGuard.StoredFeed memory stored = FeedGuard.validated(asset, primary, "primary");
        if (address(secondary.aggregator) == address(0)) {
            if (secondary.maxAge != 0 || secondary.minAnswer != 0 || secondary.maxAnswer != 0) {
                revert InvalidFeedConfig(asset, "secondary.aggregator");
            }
            maxDeviationBps = 0;
            delete _secondary[asset];
        } else {
            if (maxDeviationBps == 0 || maxDeviationBps > BPS) revert InvalidFeedConfig(asset, "maxDeviationBps");
            _secondary[asset] = FeedGuard.validated(asset, secondary, "secondary");
        }
        stored.maxDeviationBps = maxDeviationBps;
        _primary[asset] = stored;
        delete _sources[asset];
        emit FeedsSet(asset, primary, secondary, maxDeviationBps);
    }

    /// @inheritdoc IOracleAdapter
    function setSource(address asset, IPriceSource source) external restricted {
        _checkNotWrittenDown(asset);
        if (address(source) == address(0) || address(source).code.length == 0) {
            revert InvalidFeedConfig(asset, "source");
        }
        uint256 ttl = source.attestationTtl();
        if (ttl > type(uint32).max) revert InvalidFeedConfig(asset, "source.ttl");
        delete _primary[asset];
        delete _secondary[asset];
        _sources[asset] = StoredSource(source, uint32(ttl), false);
        emit SourceSet(asset, source, ttl);
    }

    /// @inheritdoc IOracleAdapter
    function removeFeeds(address asset) external restricted {
        _checkNotWrittenDown(asset);
        delete _primary[asset];
        delete _secondary[asset];
        delete _sources[asset];
        emit FeedsRemoved(asset);
    }

    /// @inheritdoc IOracleAdapter
    function writeDown(address asset) external restricted {
        StoredSource storage s = _sources[asset];
        if (s.writtenDown) revert AssetWrittenDown(asset);
        if (address(s.source) == address(0)) revert InvalidFeedConfig(asset, "source");
        s.writtenDown = true;
        emit AssetWriteDown(asset, s.source);
    }

    // ---------------------------------------------------------------- internals

    /// @dev The one price path behind `getPrice` and `tryGetPrice`. price [wad], 0 on failure. The built-in Chainlink
    ///      path: sequencer, primary feed, then the second feed when configured; without feeds, the source path.
    function _price(address asset) internal view returns (uint256 price, PriceFailure failure) {
        FeedGuard.StoredFeed memory primary = _primary[asset];
        if (address(primary.aggregator) == address(0)) {
            (price, , failure, ) = _sourcePrice(asset);
            return (price, failure);
        }

        failure = _sequencerFailure();
        if (failure != PriceFailure.None) return (0, failure);

        (price, , failure) = FeedGuard.read(primary);
        if (failure != PriceFailure.None) return (0, failure);

        if (primary.maxDeviationBps != 0) {
            failure = FeedGuard.checkSecond(price, _secondary[asset], primary.maxDeviationBps);
            if (failure != PriceFailure.None) return (0, failure);
        }
    }

    /// @dev The source path: `NoFeed` without a source, `WrittenDown` once written down, the sequencer, then the
    ///      source's answer (`FeedGuard.callSource`). updatedAt [s] and ttl [s] as the source gives them.
    function _sourcePrice(
        address asset
    ) internal view returns (uint256 price, uint256 updatedAt, PriceFailure failure, uint256 ttl) {
        StoredSource memory s = _sources[asset];
        if (address(s.source) == address(0)) return (0, 0, PriceFailure.NoFeed, 0);
        if (s.writtenDown) return (0, 0, PriceFailure.WrittenDown, 0);
        failure = _sequencerFailure();
        if (failure != PriceFailure.None) return (0, 0, failure, 0);
        (price, updatedAt, failure) = FeedGuard.callSource(s.source);
        ttl = s.ttl;
    }

    /// @dev `None`, `SequencerDown` (down, never set, or unreadable) or `GracePeriod` (back up for less than the grace
    ///      period, or a status change dated in the future).
    function _sequencerFailure() internal view returns (PriceFailure) {
        AggregatorV3Interface feed = _sequencerFeed;
        if (address(feed) == address(0)) return PriceFailure.None;
        (bool ok, int256 answer, uint256 startedAt, ) = FeedGuard.latestRound(feed);
        if (!ok || answer != 0 || startedAt == 0) return PriceFailure.SequencerDown;
        if (startedAt > block.timestamp || block.timestamp - startedAt < _gracePeriod) return PriceFailure.GracePeriod;
        return PriceFailure.None;
    }

    /// @dev A written-down asset keeps its state: its price is never set again.
    function _checkNotWrittenDown(address asset) internal view {
        if (_sources[asset].writtenDown) revert AssetWrittenDown(asset);
    }

    /// @dev The interface view of a stored feed.
    function _toFeed(FeedGuard.StoredFeed memory stored) internal pure returns (Feed memory) {
        return Feed(stored.aggregator, stored.maxAge, stored.minAnswer, stored.maxAnswer);
    }
}
