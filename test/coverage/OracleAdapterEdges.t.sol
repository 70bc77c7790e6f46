// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Fixture} from "../utils/Fixture.sol";
import {MockFeed} from "../../contracts/mocks/MockFeed.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @notice The oracle's proof-of-reserve feed registry: `reserveFeedOf` reports what governance set, and setting
///         the zero aggregator removes the feed.
contract OracleAdapterEdgesTest is Fixture {
    function test_reserveFeed_setThenRemoved() public {
        MockFeed reserve = new MockFeed(8);
        reserve.setAnswer(1_000e8);
        oracle.setReserveFeed(address(wbtc), AggregatorV3Interface(address(reserve)), 1 days);
        (AggregatorV3Interface feed, uint32 maxAge) = oracle.reserveFeedOf(address(wbtc));
        assertEq(address(feed), address(reserve));
        assertEq(maxAge, 1 days);

        oracle.setReserveFeed(address(wbtc), AggregatorV3Interface(address(0)), 0);
        (feed, maxAge) = oracle.reserveFeedOf(address(wbtc));
        assertEq(address(feed), address(0), "reserve feed not removed");
        assertEq(maxAge, 0);
    }
}
