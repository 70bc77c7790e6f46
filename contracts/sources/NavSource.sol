// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {IPriceSource} from "../interfaces/IPriceSource.sol";
import {FeedGuard} from "../libraries/FeedGuard.sol";

/// @title NavSource
/// @notice The price of a tokenized real-world asset: its net asset value per token from a NAV feed (a Chainlink-style
///         aggregator the issuer or its administrator updates at each attestation), with an attestation time-to-live.
///         The NAV keeps serving after the time-to-live (liquidations and settlement go on at the last attested value);
///         what lapses is the right to take new risk against the asset: the Vault reads the lapse through
///         `OracleAdapter.tryGetAttestedPrice` and counts the asset's loan-to-value as 0, and after a grace period anyone
///         may start its threshold ramp (docs/governance.md, "Real-world assets").
/// @dev The feed's guards are `FeedGuard`'s except staleness: an old answer is a lapse, not a failure. A reverting,
///      malformed, non-positive or clamped answer, or one dated 0 or in the future, fails as for any feed.
contract NavSource is IPriceSource {
    /// @notice [s] Bounds of the time-to-live.
    uint256 public constant MIN_TTL = 1 hours;
    uint256 public constant MAX_TTL = 400 days;

    AggregatorV3Interface public immutable navFeed;
    uint8 internal immutable _decimals;
    int128 internal immutable _minAnswer; // [feed decimals]
    int128 internal immutable _maxAnswer; // [feed decimals]
    uint256 internal immutable _ttl; // [s]

    /// @param nav The NAV feed and its answer bounds; its `maxAge` must be 0 (the time-to-live replaces it).
    /// @param ttl [s] How long an attestation stays in force, in [MIN_TTL, MAX_TTL].
    constructor(IOracleAdapter.Feed memory nav, uint256 ttl) {
        if (nav.maxAge != 0) revert IOracleAdapter.InvalidFeedConfig(address(this), "nav.maxAge");
        if (ttl < MIN_TTL || ttl > MAX_TTL) revert IOracleAdapter.InvalidFeedConfig(address(this), "nav.ttl");
        nav.maxAge = type(uint32).max; // `validated` wants a non-zero age; the read below uses no limit
        FeedGuard.StoredFeed memory f = FeedGuard.validated(address(this), nav, "nav");
        (navFeed, _decimals, _minAnswer, _maxAnswer, _ttl) = (f.aggregator, f.decimals, f.minAnswer, f.maxAnswer, ttl);
    }

    /// @inheritdoc IPriceSource
    /// @dev `updatedAt` is the attestation time; no staleness failure (about 136 years of age accepted).
    function price() external view returns (uint256 price_, uint256 updatedAt, IOracleAdapter.PriceFailure failure) {
        return FeedGuard.read(FeedGuard.StoredFeed(navFeed, type(uint32).max, _decimals, 0, _minAnswer, _maxAnswer));
    }

    /// @inheritdoc IPriceSource
    function attestationTtl() external view returns (uint256) {
        return _ttl;
    }

    /// @inheritdoc IPriceSource
    function sourceKind() external pure returns (string memory) {
        return "nav";
    }

    /// @notice The NAV feed as configured (`maxAge` 0: the time-to-live applies instead).
    function feed() external view returns (IOracleAdapter.Feed memory) {
        return IOracleAdapter.Feed(navFeed, 0, _minAnswer, _maxAnswer);
    }
}
