// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IPriceSource} from "./IPriceSource.sol";

/// @title IOracleAdapter
/// @notice One guarded USD price per asset, scaled to 18 decimals: read from Chainlink `AggregatorV3Interface` feeds built
///         into the adapter, or from a price source contract (`IPriceSource`: a rate-adjusted or attested price).
/// @dev Units: every price this adapter returns is `[wad]` = USD per one whole unit of the asset, scaled by 1e18
///      (a token with 6 decimals priced at $1 returns 1e18). Feed answers are in the feed's own decimals (8 or 18 in
///      practice; any value up to 36 is accepted).
///      A price is either valid or an explicit, named failure (`PriceFailure`): the adapter never returns a stale,
///      zero, negative, clamped, deviating or sequencer-unsafe number. Feed calls are made with try/catch and a gas
///      guard, so a caller cannot make a healthy feed look failed by starving the call of gas: when a feed call fails
///      and too little gas is left to tell a real failure from starvation, the whole call reverts with
///      `OracleCallStarved` instead of reporting a failure.
interface IOracleAdapter {
    /// @notice Why a price could not be produced. `None` means the price is valid.
    enum PriceFailure {
        None,
        NoFeed, // no feed configured for the asset
        FeedReverted, // the feed call reverted or returned malformed data
        NonPositive, // answer <= 0, or under one wad unit once scaled (a feed with more than 18 decimals)
        Stale, // updatedAt older than the feed's maxAge, zero, or in the future
        AtMinAnswer, // answer <= the feed's configured minimum (the aggregator's lower clamp)
        AtMaxAnswer, // answer >= the feed's configured maximum (the aggregator's upper clamp)
        SecondaryFailed, // the optional second feed failed any of the checks above
        Deviation, // primary and second feed differ by more than maxDeviationBps
        SequencerDown, // the L2 sequencer-uptime feed reports the sequencer down (or cannot be read)
        GracePeriod, // the sequencer came back up less than `gracePeriod` seconds ago
        RateFailed, // a rate-adjusted source's exchange rate could not be read (reverted, malformed, zero, too large)
        RateBelowFloor, // a rate-adjusted source's exchange rate fell under its floor (a drop too large to be believed)
        WrittenDown // governance wrote the asset down: it is worth nothing (final)
    }

    /// @notice One Chainlink feed and the limits its answers must respect.
    /// @param aggregator The Chainlink aggregator (proxy) address.
    /// @param maxAge [s] An answer whose `updatedAt` is older than this is stale. Set it above the feed's heartbeat.
    /// @param minAnswer [feed decimals] Answers at or below this are rejected (set it to the aggregator's minAnswer).
    /// @param maxAnswer [feed decimals] Answers at or above this are rejected (set it to the aggregator's maxAnswer).
    struct Feed {
        AggregatorV3Interface aggregator;
        uint32 maxAge;
        int256 minAnswer;
        int256 maxAnswer;
    }

    /// @notice The feeds configured for one asset, as stored (decimals cached at configuration time).
    struct AssetFeeds {
        Feed primary;
        uint8 primaryDecimals;
        Feed secondary; // aggregator == 0: no second feed
        uint8 secondaryDecimals;
        uint16 maxDeviationBps; // [bps] max |primary - secondary| / primary, checked only with a second feed
    }

    /// @notice The price of `asset` could not be produced; `reason` says why.
    error PriceUnavailable(address asset, PriceFailure reason);
    /// @notice A feed call failed with less gas left than a real failure needs: the caller starved the call.
    error OracleCallStarved(uint256 gasLeft);
    /// @notice A feed configuration is malformed (`field` names what is wrong).
    error InvalidFeedConfig(address asset, string field);
    /// @notice The proof-of-reserve feed of `asset` gave no usable answer (reason as for prices).
    error ReserveUnavailable(address asset, PriceFailure reason);
    /// @notice `asset` is written down: its price can no longer be set, removed or written down again.
    error AssetWrittenDown(address asset);

    /// @notice Emitted when the feeds of `asset` are set or replaced.
    event FeedsSet(address indexed asset, Feed primary, Feed secondary, uint16 maxDeviationBps);
    /// @notice Emitted when the feeds of `asset` are removed.
    event FeedsRemoved(address indexed asset);
    /// @param maxAge [s] staleness limit of the reserve answer; a zero aggregator removes the feed
    event ReserveFeedSet(address indexed asset, AggregatorV3Interface aggregator, uint32 maxAge);
    /// @notice Emitted when `asset`'s price source is set (its feeds are removed); `ttl` [s] its attestation
    ///         time-to-live, 0 when not attested.
    event SourceSet(address indexed asset, IPriceSource source, uint256 ttl);
    /// @notice Emitted when governance writes `asset` down: from now on its price is `WrittenDown` (worth nothing).
    event AssetWriteDown(address indexed asset, IPriceSource source);
    /// @notice Emitted once, at construction: the L2 sequencer-uptime feed (0: no check) and its grace period [s].
    event SequencerFeedSet(address indexed feed, uint32 gracePeriod);

    /// @notice The guarded price of `asset`.
    /// @return price [wad] USD per whole unit of `asset`, rounded down when the feed has more than 18 decimals.
    /// @dev Reverts with `PriceUnavailable(asset, reason)` on any failure, or `OracleCallStarved` (see contract doc).
    function getPrice(address asset) external view returns (uint256 price);

    /// @notice The guarded price of `asset`, or the reason it is unavailable, without reverting on feed failure.
    /// @return price [wad] USD per whole unit, 0 when `failure != None`.
    /// @return failure `None` when the price is valid.
    /// @dev Still reverts with `OracleCallStarved` when the caller starved a feed call of gas.
    function tryGetPrice(address asset) external view returns (uint256 price, PriceFailure failure);

    /// @notice The configured feeds of `asset` (aggregator 0 when none).
    function feedsOf(address asset) external view returns (AssetFeeds memory);

    /// @notice The L2 sequencer-uptime feed (0 when the chain has none) and its grace period [s]. Both are immutable:
    ///         a chain's uptime feed is fixed, and keeping it out of storage saves a cold read on every price.
    function sequencer() external view returns (AggregatorV3Interface feed, uint32 gracePeriod);

    /// @notice Sets the feeds of `asset`. Governance only (AccessManager).
    /// @param secondary Pass an all-zero Feed for no second feed.
    /// @param maxDeviationBps [bps] 1..10_000 when a second feed is set, ignored otherwise.
    /// @dev Reads and caches each aggregator's decimals; reverts `InvalidFeedConfig` on zero aggregator, zero maxAge,
    ///      minAnswer >= maxAnswer, decimals > 36, or a deviation bound out of range.
    function setFeeds(address asset, Feed calldata primary, Feed calldata secondary, uint16 maxDeviationBps) external;

    /// @notice Removes every feed and the source of `asset`: its price becomes `NoFeed`. Governance only. Reverts
    ///         `AssetWrittenDown` for a written-down asset.
    function removeFeeds(address asset) external;

    /// @notice Prices `asset` by `source` from now on, in place of any feeds (which are removed). Reads and stores the
    ///         source's attestation time-to-live [s]. Governance only (CRITICAL). Reverts `InvalidFeedConfig(asset,
    ///         "source")` for a zero address or an address without code, `AssetWrittenDown` for a written-down asset.
    function setSource(address asset, IPriceSource source) external;

    /// @notice Writes `asset` down: from now on its price is `PriceFailure.WrittenDown` and it counts as worth nothing
    ///         in liquidations, the backing and settlement (see docs/governance.md). One-way. Only an asset priced by
    ///         a source. Governance only (CRITICAL).
    function writeDown(address asset) external;

    /// @notice The price source of `asset` (0 when it has feeds or nothing), its attestation time-to-live [s] and
    ///         whether it is written down.
    function sourceOf(address asset) external view returns (IPriceSource source, uint256 ttl, bool writtenDown);

    /// @notice The attestation of `asset`: when it was last attested [s] (0 when unknown: no attested source, or the
    ///         source fails), its time-to-live [s] (0 when not attested), and when it lapsed [s] (0 while in force).
    function attestation(address asset) external view returns (uint256 attestedAt, uint256 ttl, uint256 lapsedAt);

    /// @notice `tryGetPrice` and, for an attested asset, whether its attestation has lapsed (older than its
    ///         time-to-live): the Vault's read for new risk. A lapsed asset keeps its price.
    /// @return price [wad], 0 when `failure != None`.
    /// @return failure as `tryGetPrice`.
    /// @return lapsed true when the price is valid and its attestation is older than the time-to-live.
    function tryGetAttestedPrice(
        address asset
    ) external view returns (uint256 price, PriceFailure failure, bool lapsed);

    /// @notice Sets (or, with a zero aggregator, removes) the Chainlink proof-of-reserve feed of a wrapped or
    ///         tokenized real-world `asset`: its answer is the reserve backing the token, in whole tokens with the
    ///         feed's decimals. `maxAge` [s] > 0 unless removing. Governance only.
    function setReserveFeed(address asset, AggregatorV3Interface aggregator, uint32 maxAge) external;

    /// @notice [wad] The proven reserve of `asset` in whole tokens scaled to 18 decimals (rounded down). Reverts
    ///         `ReserveUnavailable` when no feed is set (NoFeed), or the answer is stale, non-positive or unreadable.
    ///         The sequencer check does not apply: a reserve is not a market price.
    function getReserve(address asset) external view returns (uint256 reserve);

    /// @notice The proof-of-reserve feed of `asset` and its staleness limit [s] (zero when none).
    function reserveFeedOf(address asset) external view returns (AggregatorV3Interface aggregator, uint32 maxAge);
}
