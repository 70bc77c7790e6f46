// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";

/// @title OracleAdapter
/// @notice Guarded Chainlink prices in [wad]; see {IOracleAdapter}. Governance (the AccessManager authority) sets the
///         feeds; anyone reads prices.
/// @dev Order of checks, cheapest first: asset configured, sequencer feed, primary feed, second feed, deviation.
///      Within one feed: call succeeded with 160 bytes, answer > 0, updatedAt fresh, answer strictly inside
///      (minAnswer, maxAnswer).
///      Gas guard: each feed call gets at most `FEED_CALL_GAS`. When the call fails and at most 1/64 of the gas
///      measured before it is left, the callee may have run out of gas only because the caller sent too little (EIP-150
///      forwards 63/64), so the adapter reverts `OracleCallStarved` instead of reporting a failure. With ample gas, a feed
///      that burns its whole `FEED_CALL_GAS` leaves far more than 1/64 behind and is reported `FeedReverted`.
///      Storage: one asset's primary feed is two slots (aggregator | maxAge | decimals | maxDeviationBps, then
///      minAnswer | maxAnswer); the sequencer feed and grace period are immutable. A primary-only price costs two
///      storage reads and one external call.
contract OracleAdapter is IOracleAdapter, AccessManaged {
    /// @notice [gas] The most gas forwarded to one `latestRoundData` call: about ten times what a Chainlink proxy read
    ///         costs cold. A feed that needs more is reported `FeedReverted`.
    uint256 public constant FEED_CALL_GAS = 250_000;
    /// @dev Largest feed decimals accepted: 10**36 and answer * 10**18 stay far inside uint256.
    uint256 internal constant MAX_DECIMALS = 36;
    /// @dev [bps] 100 %.
    uint256 internal constant BPS = 10_000;

    /// @dev One feed as stored. Answers are bounded by int128, so a scaled price is below 2**128 * 10**18 < 2**188 and
    ///      `price * BPS` cannot overflow.
    struct StoredFeed {
        // slot 0
        AggregatorV3Interface aggregator;
        uint32 maxAge; // [s]
        uint8 decimals; // cached from the aggregator at `setFeeds`
        uint16 maxDeviationBps; // [bps] primary only: bound to the second feed; 0 = no second feed
        // slot 1
        int128 minAnswer; // [feed decimals]
        int128 maxAnswer; // [feed decimals]
    }

    mapping(address asset => StoredFeed) internal _primary;
    mapping(address asset => StoredFeed) internal _secondary;
    mapping(address asset => StoredFeed) internal _reserve; // proof-of-reserve feeds; answer bounds (0, int128 max)
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
        StoredFeed memory primary = _primary[asset];
        StoredFeed memory secondary = _secondary[asset];
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
        StoredFeed memory feed = _reserve[asset];
        PriceFailure failure = PriceFailure.NoFeed;
        if (address(feed.aggregator) != address(0)) (reserve, failure) = _read(feed);
        if (failure != PriceFailure.None) revert ReserveUnavailable(asset, failure);
    }

    /// @inheritdoc IOracleAdapter
    function reserveFeedOf(address asset) external view returns (AggregatorV3Interface aggregator, uint32 maxAge) {
        StoredFeed memory feed = _reserve[asset];
        return (feed.aggregator, feed.maxAge);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IOracleAdapter
    function setReserveFeed(address asset, AggregatorV3Interface aggregator, uint32 maxAge) external restricted {
        if (address(aggregator) == address(0)) {
            delete _reserve[asset];
        } else {
            _reserve[asset] = _validated(asset, Feed(aggregator, maxAge, 0, type(int128).max), "reserve");
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
        StoredFeed memory stored = _validated(asset, primary, "primary");
        if (address(secondary.aggregator) == address(0)) {
            if (secondary.maxAge != 0 || secondary.minAnswer != 0 || secondary.maxAnswer != 0) {
                revert InvalidFeedConfig(asset, "secondary.aggregator");
            }
            maxDeviationBps = 0;
            delete _secondary[asset];
        } else {
            if (maxDeviationBps == 0 || maxDeviationBps > BPS) revert InvalidFeedConfig(asset, "maxDeviationBps");
            _secondary[asset] = _validated(asset, secondary, "secondary");
        }
        stored.maxDeviationBps = maxDeviationBps;
        _primary[asset] = stored;
        emit FeedsSet(asset, primary, secondary, maxDeviationBps);
    }

    /// @inheritdoc IOracleAdapter
    function removeFeeds(address asset) external restricted {
        delete _primary[asset];
        delete _secondary[asset];
        emit FeedsRemoved(asset);
    }

    // ---------------------------------------------------------------- internals

    /// @dev The one price path behind `getPrice` and `tryGetPrice`. price [wad], 0 on failure.
    function _price(address asset) internal view returns (uint256 price, PriceFailure failure) {
        StoredFeed memory primary = _primary[asset];
        if (address(primary.aggregator) == address(0)) return (0, PriceFailure.NoFeed);

        failure = _sequencerFailure();
        if (failure != PriceFailure.None) return (0, failure);

        (price, failure) = _read(primary);
        if (failure != PriceFailure.None) return (0, failure);

        if (primary.maxDeviationBps != 0) {
            (uint256 secondPrice, PriceFailure secondFailure) = _read(_secondary[asset]); // [wad]
            if (secondFailure != PriceFailure.None) return (0, PriceFailure.SecondaryFailed);
            uint256 diff = price > secondPrice ? price - secondPrice : secondPrice - price; // [wad]
            // diff / price > maxDeviationBps / BPS, exact (no division); cannot overflow, see StoredFeed.
            if (diff * BPS > primary.maxDeviationBps * price) return (0, PriceFailure.Deviation);
        }
    }

    /// @dev Reads one asset feed and applies every check. price [wad], rounded down, 0 on failure.
    function _read(StoredFeed memory feed) internal view returns (uint256 price, PriceFailure failure) {
        (bool ok, int256 answer, , uint256 updatedAt) = _latestRound(feed.aggregator);
        if (!ok) return (0, PriceFailure.FeedReverted);
        if (answer <= 0) return (0, PriceFailure.NonPositive);
        if (updatedAt == 0 || updatedAt > block.timestamp || block.timestamp - updatedAt > feed.maxAge) {
            return (0, PriceFailure.Stale);
        }
        if (answer <= feed.minAnswer) return (0, PriceFailure.AtMinAnswer);
        if (answer >= feed.maxAnswer) return (0, PriceFailure.AtMaxAnswer);
        price = _toWadDown(uint256(answer), feed.decimals);
        // a feed with more than 18 decimals can answer less than one wad unit: no usable price, never a price of 0
        if (price == 0) return (0, PriceFailure.NonPositive);
    }

    /// @dev `None`, `SequencerDown` (down, never set, or unreadable) or `GracePeriod` (back up for less than the grace
    ///      period, or a status change dated in the future).
    function _sequencerFailure() internal view returns (PriceFailure) {
        AggregatorV3Interface feed = _sequencerFeed;
        if (address(feed) == address(0)) return PriceFailure.None;
        (bool ok, int256 answer, uint256 startedAt, ) = _latestRound(feed);
        if (!ok || answer != 0 || startedAt == 0) return PriceFailure.SequencerDown;
        if (startedAt > block.timestamp || block.timestamp - startedAt < _gracePeriod) return PriceFailure.GracePeriod;
        return PriceFailure.None;
    }

    /// @dev Calls `feed.latestRoundData()` with at most `FEED_CALL_GAS`. `ok` is false when the call reverts or returns
    ///      fewer than 160 bytes; the words are then meaningless. The return words are read raw (never abi-decoded), so
    ///      no return data can make this revert, and nothing beyond 160 bytes is copied. Reverts `OracleCallStarved`
    ///      when a failed call left at most 1/64 of the gas measured before it (see the contract doc).
    function _latestRound(
        AggregatorV3Interface feed
    ) internal view returns (bool ok, int256 answer, uint256 startedAt, uint256 updatedAt) {
        bytes4 selector = AggregatorV3Interface.latestRoundData.selector;
        uint256 gasBefore = gasleft(); // [gas]
        assembly ("memory-safe") {
            let buf := mload(0x40) // scratch past the free-memory pointer, not allocated
            mstore(buf, selector)
            ok := staticcall(FEED_CALL_GAS, feed, buf, 4, buf, 160)
            ok := and(ok, gt(returndatasize(), 159))
            // words: roundId, answer, startedAt, updatedAt, answeredInRound
            answer := mload(add(buf, 0x20))
            startedAt := mload(add(buf, 0x40))
            updatedAt := mload(add(buf, 0x60))
        }
        if (!ok && gasleft() <= gasBefore / 64) revert OracleCallStarved(gasleft());
    }

    /// @dev Checks one feed's configuration and reads its decimals. `side` ("primary" or "secondary") prefixes the
    ///      field named in `InvalidFeedConfig`.
    function _validated(
        address asset,
        Feed memory feed,
        string memory side
    ) internal view returns (StoredFeed memory stored) {
        if (address(feed.aggregator) == address(0)) revert InvalidFeedConfig(asset, string.concat(side, ".aggregator"));
        if (feed.maxAge == 0) revert InvalidFeedConfig(asset, string.concat(side, ".maxAge"));
        if (
            feed.minAnswer >= feed.maxAnswer ||
            feed.maxAnswer <= 0 ||
            feed.minAnswer < type(int128).min ||
            feed.maxAnswer > type(int128).max
        ) revert InvalidFeedConfig(asset, string.concat(side, ".answerRange"));
        (bool ok, bytes memory data) = address(feed.aggregator).staticcall(
            abi.encodeCall(AggregatorV3Interface.decimals, ())
        );
        uint256 decimals = ok && data.length >= 32 ? abi.decode(data, (uint256)) : type(uint256).max;
        if (decimals > MAX_DECIMALS) revert InvalidFeedConfig(asset, string.concat(side, ".decimals"));
        stored = StoredFeed({
            aggregator: feed.aggregator,
            maxAge: feed.maxAge,
            decimals: uint8(decimals), // <= 36: checked above
            maxDeviationBps: 0,
            minAnswer: int128(feed.minAnswer), // in range: checked above
            maxAnswer: int128(feed.maxAnswer)
        });
    }

    /// @dev The interface view of a stored feed.
    function _toFeed(StoredFeed memory stored) internal pure returns (Feed memory) {
        return Feed(stored.aggregator, stored.maxAge, stored.minAnswer, stored.maxAnswer);
    }

    /// @dev answer [feed decimals] -> [wad]; exact up to 18 decimals, rounded down above.
    function _toWadDown(uint256 answer, uint256 decimals) internal pure returns (uint256) {
        if (decimals <= 18) return answer * 10 ** (18 - decimals);
        return answer / 10 ** (decimals - 18);
    }
}
