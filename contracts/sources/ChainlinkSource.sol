// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {IPriceSource} from "../interfaces/IPriceSource.sol";
import {FeedGuard} from "../libraries/FeedGuard.sol";

/// @title ChainlinkSource
/// @notice An immutable Chainlink price: one feed, or a primary feed checked against a second within a deviation
///         bound, with the guards of the OracleAdapter's built-in feeds (`FeedGuard`: gas cap and starvation check,
///         answer > 0, staleness, min/max clamp, deviation). It is the base leg of composed sources (a rate-adjusted
///         source multiplies its price by an exchange rate); an asset priced by Chainlink alone uses the adapter's
///         built-in feeds, which judge the same way without this contract's call.
/// @dev The sequencer check is the adapter's, once per price. `updatedAt` is the primary feed's.
contract ChainlinkSource is IPriceSource {
    AggregatorV3Interface public immutable primaryFeed;
    uint32 internal immutable _primaryMaxAge; // [s]
    uint8 internal immutable _primaryDecimals;
    int128 internal immutable _primaryMin; // [feed decimals]
    int128 internal immutable _primaryMax; // [feed decimals]
    AggregatorV3Interface public immutable secondFeed; // 0 = none
    uint32 internal immutable _secondMaxAge; // [s]
    uint8 internal immutable _secondDecimals;
    int128 internal immutable _secondMin; // [feed decimals]
    int128 internal immutable _secondMax; // [feed decimals]
    /// @notice [bps] The most the second feed may differ from the primary, relative to the primary (0 without one).
    uint16 public immutable maxDeviationBps;

    /// @param primary The feed whose answer is the price, and its limits (as `IOracleAdapter.Feed`).
    /// @param second An all-zero Feed for none, or the independent feed the primary is checked against.
    /// @param maxDeviationBps_ [bps] 1..10_000 with a second feed, 0 without.
    /// @dev Reverts `IOracleAdapter.InvalidFeedConfig(address(this), field)` as `OracleAdapter.setFeeds` would.
    constructor(IOracleAdapter.Feed memory primary, IOracleAdapter.Feed memory second, uint16 maxDeviationBps_) {
        FeedGuard.StoredFeed memory p = FeedGuard.validated(address(this), primary, "primary");
        (primaryFeed, _primaryMaxAge, _primaryDecimals, _primaryMin, _primaryMax) = (
            p.aggregator,
            p.maxAge,
            p.decimals,
            p.minAnswer,
            p.maxAnswer
        );
        if (address(second.aggregator) == address(0)) {
            if (maxDeviationBps_ != 0 || second.maxAge != 0 || second.minAnswer != 0 || second.maxAnswer != 0) {
                revert IOracleAdapter.InvalidFeedConfig(address(this), "secondary.aggregator");
            }
        } else {
            if (maxDeviationBps_ == 0 || maxDeviationBps_ > FeedGuard.BPS) {
                revert IOracleAdapter.InvalidFeedConfig(address(this), "maxDeviationBps");
            }
            FeedGuard.StoredFeed memory s = FeedGuard.validated(address(this), second, "secondary");
            (secondFeed, _secondMaxAge, _secondDecimals, _secondMin, _secondMax) = (
                s.aggregator,
                s.maxAge,
                s.decimals,
                s.minAnswer,
                s.maxAnswer
            );
        }
        maxDeviationBps = maxDeviationBps_;
    }

    /// @inheritdoc IPriceSource
    function price() external view returns (uint256 price_, uint256 updatedAt, IOracleAdapter.PriceFailure failure) {
        (price_, updatedAt, failure) = FeedGuard.read(
            FeedGuard.StoredFeed(primaryFeed, _primaryMaxAge, _primaryDecimals, 0, _primaryMin, _primaryMax)
        );
        if (failure != IOracleAdapter.PriceFailure.None || address(secondFeed) == address(0)) {
            return (price_, updatedAt, failure);
        }
        failure = FeedGuard.checkSecond(
            price_,
            FeedGuard.StoredFeed(secondFeed, _secondMaxAge, _secondDecimals, 0, _secondMin, _secondMax),
            maxDeviationBps
        );
        if (failure != IOracleAdapter.PriceFailure.None) return (0, 0, failure);
    }

    /// @inheritdoc IPriceSource
    function attestationTtl() external pure returns (uint256) {
        return 0;
    }

    /// @inheritdoc IPriceSource
    function sourceKind() external pure returns (string memory) {
        return "chainlink";
    }

    /// @notice The feeds as configured (the interface's view of them).
    function feeds() external view returns (IOracleAdapter.Feed memory primary, IOracleAdapter.Feed memory second) {
        primary = IOracleAdapter.Feed(primaryFeed, _primaryMaxAge, _primaryMin, _primaryMax);
        second = IOracleAdapter.Feed(secondFeed, _secondMaxAge, _secondMin, _secondMax);
    }
}
