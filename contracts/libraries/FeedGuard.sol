// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {IPriceSource} from "../interfaces/IPriceSource.sol";

/// @title FeedGuard
/// @notice The one statement of how Ballast reads a price: a Chainlink feed's guards (call made with a gas cap, 160
///         bytes back, answer > 0, fresh `updatedAt`, answer strictly inside the configured bounds, scaled to [wad]), the
///         deviation check against a second feed, and the gas-guarded calls to price sources and rate providers. The
///         OracleAdapter's built-in feeds and every price source (contracts/sources/) use these functions, so a price
///         is judged the same way wherever it is read.
/// @dev Gas guard: every outside call gets a cap. When a call fails and at most 1/64 of the gas measured before it is
///      left, the callee may have run out only because the caller sent too little (EIP-150 forwards 63/64): the read
///      reverts `OracleCallStarved` instead of reporting a failure, so nobody can make a healthy feed look failed by
///      starving it. A source (Ballast code) that reverts `OracleCallStarved` passes it on; an outside contract (a feed,
///      a rate provider) is judged by the gas left only, so it cannot fake starvation to block a price.
library FeedGuard {
    /// @dev [gas] The most gas forwarded to one feed or rate-provider call: about ten times a cold Chainlink read.
    uint256 internal constant FEED_CALL_GAS = 250_000;
    /// @dev [gas] The most gas forwarded to one price source: room for its three capped calls (two feeds and a rate).
    uint256 internal constant SOURCE_CALL_GAS = 1_000_000;
    /// @dev Largest decimals accepted for a feed or a rate: 10**36 and answer * 10**18 stay far inside uint256.
    uint256 internal constant MAX_DECIMALS = 36;
    /// @dev [bps] 100 %.
    uint256 internal constant BPS = 10_000;

    /// @dev One feed as stored. Answers are bounded by int128, so a scaled price is below 2**128 * 10**18 < 2**188 and
    ///      `price * BPS` cannot overflow.
    struct StoredFeed {
        // slot 0
        AggregatorV3Interface aggregator;
        uint32 maxAge; // [s]
        uint8 decimals; // cached from the aggregator when configured
        uint16 maxDeviationBps; // [bps] primary only: bound to the second feed; 0 = no second feed
        // slot 1
        int128 minAnswer; // [feed decimals]
        int128 maxAnswer; // [feed decimals]
    }

    /// @dev Reads one feed and applies every check. price [wad], rounded down, 0 on failure; updatedAt [s] of the
    ///      answer (0 on failure).
    function read(
        StoredFeed memory feed
    ) internal view returns (uint256 price, uint256 updatedAt, IOracleAdapter.PriceFailure failure) {
        bool ok;
        int256 answer;
        (ok, answer, , updatedAt) = latestRound(feed.aggregator);
        if (!ok) return (0, 0, IOracleAdapter.PriceFailure.FeedReverted);
        if (answer <= 0) return (0, 0, IOracleAdapter.PriceFailure.NonPositive);
        unchecked {
            // updatedAt <= block.timestamp is checked before the subtraction
            if (updatedAt == 0 || updatedAt > block.timestamp || block.timestamp - updatedAt > feed.maxAge) {
                return (0, 0, IOracleAdapter.PriceFailure.Stale);
            }
        }
        (price, failure) = judge(feed, answer);
        if (failure != IOracleAdapter.PriceFailure.None) updatedAt = 0;
    }

    /// @dev The checks on a feed's answer, wherever it is read (the latest round or a past one): positive, strictly
    ///      inside (minAnswer, maxAnswer), and at least one wad unit once scaled (a feed with more than 18 decimals can
    ///      answer less: no usable price, never a price of 0). price [wad], rounded down; 0 with the failure otherwise.
    function judge(
        StoredFeed memory feed,
        int256 answer
    ) internal pure returns (uint256 price, IOracleAdapter.PriceFailure failure) {
        if (answer <= 0) return (0, IOracleAdapter.PriceFailure.NonPositive);
        if (answer <= feed.minAnswer) return (0, IOracleAdapter.PriceFailure.AtMinAnswer);
        if (answer >= feed.maxAnswer) return (0, IOracleAdapter.PriceFailure.AtMaxAnswer);
        price = toWadDown(uint256(answer), feed.decimals);
        if (price == 0) return (0, IOracleAdapter.PriceFailure.NonPositive);
    }

    /// @dev Calls `feed.getRoundData(roundId)` with at most `FEED_CALL_GAS`, read raw as `latestRound`. `ok` is false
    ///      when the call reverts, returns fewer than 160 bytes, or the round has no `updatedAt` (a Chainlink proxy
    ///      reverts for a round it does not have; some aggregators answer zeros): the feed has no such round. Reverts
    ///      `OracleCallStarved` as `latestRound`, so a caller cannot make an existing round look missing.
    function roundData(
        AggregatorV3Interface feed,
        uint80 roundId
    ) internal view returns (bool ok, int256 answer, uint256 updatedAt) {
        bytes4 selector = AggregatorV3Interface.getRoundData.selector;
        uint256 gasBefore = gasleft(); // [gas]
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mstore(buf, selector)
            mstore(add(buf, 4), roundId)
            ok := staticcall(FEED_CALL_GAS, feed, buf, 36, buf, 160)
            ok := and(ok, gt(returndatasize(), 159))
            answer := mload(add(buf, 0x20))
            updatedAt := mload(add(buf, 0x60))
        }
        if (!ok && gasleft() <= gasBefore / 64) revert IOracleAdapter.OracleCallStarved(gasleft());
        if (updatedAt == 0) ok = false;
    }

    /// @dev The second-feed check of a primary price `price` [wad]: `SecondaryFailed` when `second` fails, `Deviation`
    ///      when the two differ by more than `maxDeviationBps` of the primary, else `None`.
    function checkSecond(
        uint256 price,
        StoredFeed memory second,
        uint256 maxDeviationBps
    ) internal view returns (IOracleAdapter.PriceFailure) {
        (uint256 secondPrice, , IOracleAdapter.PriceFailure secondFailure) = read(second); // [wad]
        if (secondFailure != IOracleAdapter.PriceFailure.None) return IOracleAdapter.PriceFailure.SecondaryFailed;
        uint256 diff = price > secondPrice ? price - secondPrice : secondPrice - price; // [wad]
        // diff / price > maxDeviationBps / BPS, exact (no division); cannot overflow, see StoredFeed
        if (diff * BPS > maxDeviationBps * price) return IOracleAdapter.PriceFailure.Deviation;
        return IOracleAdapter.PriceFailure.None;
    }

    /// @dev Calls `feed.latestRoundData()` with at most `FEED_CALL_GAS`. `ok` is false when the call reverts or returns
    ///      fewer than 160 bytes; the words are then meaningless. The return words are read raw (never abi-decoded), so
    ///      no return data can make this revert, and nothing beyond 160 bytes is copied. Reverts `OracleCallStarved`
    ///      when a failed call left at most 1/64 of the gas measured before it.
    function latestRound(
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
        if (!ok && gasleft() <= gasBefore / 64) revert IOracleAdapter.OracleCallStarved(gasleft());
    }

    /// @dev Calls `target` with `data` and at most `FEED_CALL_GAS`, for one word back (a rate provider). `ok` is false
    ///      when the call reverts or returns fewer than 32 bytes. Reverts `OracleCallStarved` as `latestRound`.
    function callWord(address target, bytes memory data) internal view returns (bool ok, uint256 word) {
        uint256 gasBefore = gasleft(); // [gas]
        assembly ("memory-safe") {
            ok := staticcall(FEED_CALL_GAS, target, add(data, 0x20), mload(data), 0x00, 0x20)
            ok := and(ok, gt(returndatasize(), 31))
            word := mload(0x00)
        }
        if (!ok && gasleft() <= gasBefore / 64) revert IOracleAdapter.OracleCallStarved(gasleft());
    }

    /// @dev Calls `source.price()` with at most `SOURCE_CALL_GAS` and checks its answer: a revert, fewer than 96 bytes,
    ///      a failure code out of range, a price of 0 without a failure, or an `updatedAt` of 0 or in the future is
    ///      `FeedReverted` (the source is broken). A source that reverts `OracleCallStarved`, or fails with at most 1/64
    ///      of the gas measured before the call left, makes this revert `OracleCallStarved`.
    /// @return price [wad] 0 on failure. @return updatedAt [s] 0 on failure.
    function callSource(
        IPriceSource source
    ) internal view returns (uint256 price, uint256 updatedAt, IOracleAdapter.PriceFailure failure) {
        bytes4 selector = IPriceSource.price.selector;
        bytes4 starved = IOracleAdapter.OracleCallStarved.selector;
        uint256 gasBefore = gasleft(); // [gas]
        bool ok;
        bool passOn; // the source itself reported starvation
        uint256 code;
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mstore(buf, selector)
            ok := staticcall(SOURCE_CALL_GAS, source, buf, 4, buf, 96)
            if and(iszero(ok), gt(returndatasize(), 3)) {
                returndatacopy(buf, 0, 4)
                passOn := eq(and(mload(buf), shl(224, 0xffffffff)), starved)
            }
            ok := and(ok, gt(returndatasize(), 95))
            price := mload(buf)
            updatedAt := mload(add(buf, 0x20))
            code := mload(add(buf, 0x40))
        }
        if (!ok) {
            if (passOn || gasleft() <= gasBefore / 64) revert IOracleAdapter.OracleCallStarved(gasleft());
            return (0, 0, IOracleAdapter.PriceFailure.FeedReverted);
        }
        if (code > uint256(type(IOracleAdapter.PriceFailure).max))
            return (0, 0, IOracleAdapter.PriceFailure.FeedReverted);
        failure = IOracleAdapter.PriceFailure(code);
        if (failure != IOracleAdapter.PriceFailure.None) return (0, 0, failure);
        if (price == 0 || updatedAt == 0 || updatedAt > block.timestamp) {
            return (0, 0, IOracleAdapter.PriceFailure.FeedReverted);
        }
    }

    /// @dev Checks one feed's configuration and reads its decimals. `side` names the feed in `InvalidFeedConfig`.
    function validated(
        address asset,
        IOracleAdapter.Feed memory feed,
        string memory side
    ) internal view returns (StoredFeed memory stored) {
        if (address(feed.aggregator) == address(0)) {
            revert IOracleAdapter.InvalidFeedConfig(asset, string.concat(side, ".aggregator"));
        }
        if (feed.maxAge == 0) revert IOracleAdapter.InvalidFeedConfig(asset, string.concat(side, ".maxAge"));
        if (
            feed.minAnswer >= feed.maxAnswer ||
            feed.maxAnswer <= 0 ||
            feed.minAnswer < type(int128).min ||
            feed.maxAnswer > type(int128).max
        ) revert IOracleAdapter.InvalidFeedConfig(asset, string.concat(side, ".answerRange"));
        stored = StoredFeed({
            aggregator: feed.aggregator,
            maxAge: feed.maxAge,
            decimals: decimalsOf(asset, address(feed.aggregator), side),
            maxDeviationBps: 0,
            minAnswer: int128(feed.minAnswer), // in range: checked above
            maxAnswer: int128(feed.maxAnswer)
        });
    }

    /// @dev The `decimals()` of a feed (or token), at most `MAX_DECIMALS`; reverts `InvalidFeedConfig(asset,
    ///      "<side>.decimals")` when unreadable or larger.
    function decimalsOf(address asset, address target, string memory side) internal view returns (uint8) {
        (bool ok, bytes memory data) = target.staticcall(abi.encodeCall(AggregatorV3Interface.decimals, ()));
        uint256 decimals = ok && data.length >= 32 ? abi.decode(data, (uint256)) : type(uint256).max;
        if (decimals > MAX_DECIMALS) revert IOracleAdapter.InvalidFeedConfig(asset, string.concat(side, ".decimals"));
        return uint8(decimals);
    }

    /// @dev answer [feed decimals] -> [wad]; exact up to 18 decimals, rounded down above.
    ///      Callers pass `answer` < 2^128 and `decimals` <= 36: the product stays below 2^188, so the arithmetic runs
    ///      unchecked.
    function toWadDown(uint256 answer, uint256 decimals) internal pure returns (uint256) {
        unchecked {
            if (decimals <= 18) return answer * 10 ** (18 - decimals);
            return answer / 10 ** (decimals - 18);
        }
    }
}
