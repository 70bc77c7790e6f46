// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {IPriceSource} from "../interfaces/IPriceSource.sol";
import {FeedGuard} from "../libraries/FeedGuard.sol";
import {FixedMath} from "../libraries/FixedMath.sol";

/// @title RateAdjustedSource
/// @notice The price of a yield-bearing token: a base price (the underlying's USD price, from another source) times the
///         token's exchange rate (underlying per whole token), for ERC-4626 vault shares and wstETH-style tokens. The rate
///         is capped: it may grow from its snapshot by at most `maxYearlyGrowthBps` a year (linearly), so a donation to
///         the vault or a manipulated rate can never raise the price above the cap. A drop is passed through at once (a
///         slashing or a loss is never hidden), down to a floor (`minRateBps` of the snapshot) below which the rate is
///         not believed and the price fails `RateBelowFloor`.
/// @dev Units: rates are normalized to [wad] (underlying per whole token, 1e18 = 1:1) from the provider's
///      `rateDecimals`; prices [wad] USD per whole token. The rate comes either from a call to the token (selector and an
///      optional one-word argument: `stEthPerToken()`, `convertToAssets(10**shareDecimals)`), which is live and has
///      no age, or from a Chainlink-style rate feed (`rateMaxAge != 0`), whose answer must be fresh: staleness of any
///      leg fails the price. `updatedAt` is the base's (and the rate feed's, when older).
///      Immutable: a new snapshot is a new source, set by governance (`OracleAdapter.setSource`).
contract RateAdjustedSource is IPriceSource {
    using FixedMath for uint256;

    /// @notice Everything a rate-adjusted source is made of.
    /// @param base The underlying's USD price (a `ChainlinkSource`, or any `IPriceSource`).
    /// @param rateProvider The token (or its rate contract), or a Chainlink-style rate feed when `rateMaxAge != 0`.
    /// @param rateSelector The view that returns the rate (ignored for a rate feed).
    /// @param rateHasArgument Whether the view takes one uint256 argument (`rateArgument`).
    /// @param rateArgument The argument, e.g. one whole share `10**decimals` for `convertToAssets`.
    /// @param rateMaxAge [s] 0 for a call; else the rate feed's staleness limit.
    /// @param rateDecimals The decimals of the rate as returned (0..36); for a rate feed, checked against the feed's.
    /// @param snapshotRate [rateDecimals] The rate at `snapshotTime`: where the cap starts.
    /// @param snapshotTime [s] When the snapshot was taken (not in the future).
    /// @param maxYearlyGrowthBps [bps] The most the rate may grow per 365 days, linearly from the snapshot (1..10_000).
    /// @param minRateBps [bps] The floor: a rate below `snapshotRate * minRateBps / 1e4` fails (1..10_000).
    struct Params {
        IPriceSource base;
        address rateProvider;
        bytes4 rateSelector;
        bool rateHasArgument;
        uint256 rateArgument;
        uint32 rateMaxAge;
        uint8 rateDecimals;
        uint256 snapshotRate;
        uint40 snapshotTime;
        uint16 maxYearlyGrowthBps;
        uint16 minRateBps;
    }

    /// @notice A parameter is out of its bounds; `field` names it.
    error InvalidRateSourceConfig(string field);

    /// @dev [s] The growth cap's year.
    uint256 internal constant YEAR = 365 days;

    IPriceSource public immutable base;
    address public immutable rateProvider;
    bytes4 public immutable rateSelector;
    bool public immutable rateHasArgument;
    uint256 public immutable rateArgument;
    uint32 public immutable rateMaxAge; // [s]
    uint8 public immutable rateDecimals;
    /// @notice [wad] The snapshot rate, normalized.
    uint256 public immutable snapshotRate;
    uint40 public immutable snapshotTime; // [s]
    uint16 public immutable maxYearlyGrowthBps; // [bps]
    uint16 public immutable minRateBps; // [bps]

    constructor(Params memory p) {
        if (address(p.base) == address(0) || address(p.base).code.length == 0) revert InvalidRateSourceConfig("base");
        if (p.rateProvider == address(0) || p.rateProvider.code.length == 0) {
            revert InvalidRateSourceConfig("rateProvider");
        }
        if (p.rateDecimals > FeedGuard.MAX_DECIMALS) revert InvalidRateSourceConfig("rateDecimals");
        if (p.rateMaxAge != 0) {
            uint8 feedDecimals = FeedGuard.decimalsOf(address(this), p.rateProvider, "rate");
            if (feedDecimals != p.rateDecimals) revert InvalidRateSourceConfig("rateDecimals");
        }
        if (p.snapshotRate == 0 || p.snapshotRate > type(uint128).max) revert InvalidRateSourceConfig("snapshotRate");
        uint256 snapshot = FeedGuard.toWadDown(p.snapshotRate, p.rateDecimals);
        if (snapshot == 0) revert InvalidRateSourceConfig("snapshotRate");
        if (p.snapshotTime == 0 || p.snapshotTime > block.timestamp) revert InvalidRateSourceConfig("snapshotTime");
        if (p.maxYearlyGrowthBps == 0 || p.maxYearlyGrowthBps > FeedGuard.BPS) {
            revert InvalidRateSourceConfig("maxYearlyGrowthBps");
        }
        if (p.minRateBps == 0 || p.minRateBps > FeedGuard.BPS) revert InvalidRateSourceConfig("minRateBps");
        (base, rateProvider, rateSelector, rateHasArgument, rateArgument, rateMaxAge, rateDecimals) = (
            p.base,
            p.rateProvider,
            p.rateSelector,
            p.rateHasArgument,
            p.rateArgument,
            p.rateMaxAge,
            p.rateDecimals
        );
        (snapshotRate, snapshotTime, maxYearlyGrowthBps, minRateBps) = (
            snapshot,
            p.snapshotTime,
            p.maxYearlyGrowthBps,
            p.minRateBps
        );
    }

    /// @inheritdoc IPriceSource
    function price() external view returns (uint256 price_, uint256 updatedAt, IOracleAdapter.PriceFailure failure) {
        uint256 basePrice; // [wad]
        (basePrice, updatedAt, failure) = FeedGuard.callSource(base);
        if (failure != IOracleAdapter.PriceFailure.None) return (0, 0, failure);
        uint256 rate; // [wad]
        uint256 rateAt;
        (rate, rateAt, failure) = _rate();
        if (failure != IOracleAdapter.PriceFailure.None) return (0, 0, failure);
        if (rateAt != 0 && rateAt < updatedAt) updatedAt = rateAt;
        uint256 cap = capAt(block.timestamp);
        if (rate > cap) rate = cap;
        price_ = basePrice.mulDivDown(rate, FixedMath.WAD);
        if (price_ == 0) return (0, 0, IOracleAdapter.PriceFailure.NonPositive);
    }

    /// @notice [wad] The exchange rate as the provider gives it now, normalized, with no cap (0 when unreadable).
    function rawRate() external view returns (uint256 rate) {
        (rate, , ) = _rate();
    }

    /// @notice [wad] The most the rate may count for at time `t` [s]: the snapshot grown linearly by
    ///         `maxYearlyGrowthBps` a year, rounded down (the snapshot itself before `snapshotTime`).
    function capAt(uint256 t) public view returns (uint256) {
        if (t <= snapshotTime) return snapshotRate;
        return snapshotRate + snapshotRate.mulDivDown(maxYearlyGrowthBps * (t - snapshotTime), FeedGuard.BPS * YEAR);
    }

    /// @notice [wad] The floor: a rate under it fails the price.
    function floorRate() public view returns (uint256) {
        return snapshotRate.mulDivUp(minRateBps, FeedGuard.BPS);
    }

    /// @inheritdoc IPriceSource
    function attestationTtl() external pure returns (uint256) {
        return 0;
    }

    /// @inheritdoc IPriceSource
    function sourceKind() external pure returns (string memory) {
        return "rate-adjusted";
    }

    /// @dev The rate [wad] and, for a rate feed, its updatedAt [s] (0 for a call); `RateFailed` when the call fails,
    ///      answers 0 or more than 2^128 (or under one wad unit once normalized), a rate feed's own failure (stale,
    ///      non-positive, reverted), `RateBelowFloor` under the floor.
    function _rate() internal view returns (uint256 rate, uint256 updatedAt, IOracleAdapter.PriceFailure failure) {
        if (rateMaxAge != 0) {
            (rate, updatedAt, failure) = FeedGuard.read(
                FeedGuard.StoredFeed(
                    AggregatorV3Interface(rateProvider),
                    rateMaxAge,
                    rateDecimals,
                    0,
                    0,
                    type(int128).max
                )
            );
            if (failure != IOracleAdapter.PriceFailure.None) return (0, 0, failure);
        } else {
            bytes memory data =
                rateHasArgument
                    ? abi.encodeWithSelector(rateSelector, rateArgument)
                    : abi.encodeWithSelector(rateSelector);
            (bool ok, uint256 word) = FeedGuard.callWord(rateProvider, data);
            if (!ok || word == 0 || word > type(uint128).max) return (0, 0, IOracleAdapter.PriceFailure.RateFailed);
            rate = FeedGuard.toWadDown(word, rateDecimals);
            if (rate == 0) return (0, 0, IOracleAdapter.PriceFailure.RateFailed);
        }
        if (rate < floorRate()) return (0, 0, IOracleAdapter.PriceFailure.RateBelowFloor);
    }
}
