// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @title MockRoundFeed
/// @notice A Chainlink proxy with round history, for settlement tests: round ids are phase << 64 | aggregator round, as a
///         proxy numbers them; `getRoundData` reverts for a round it does not have, as a proxy does. Anyone may add
///         rounds in order, start a new phase, or write any round directly (gaps, out-of-order timestamps).
contract MockRoundFeed is AggregatorV3Interface {
    /// @notice The feed has no round `roundId` (a proxy's "No data present").
    error NoDataPresent(uint80 roundId);

    struct Round {
        int256 answer; // [feed decimals]
        uint64 startedAt; // [s]
        uint64 updatedAt; // [s]
    }

    /// @inheritdoc AggregatorV3Interface
    uint8 public immutable decimals;
    /// @notice The current phase (starts at 1).
    uint16 public phase = 1;
    /// @notice The latest round id.
    uint80 public latestRound;
    mapping(uint80 roundId => Round) internal _rounds;

    constructor(uint8 decimals_) {
        decimals = decimals_;
    }

    /// @notice Adds the next round of the current phase, updated at `updatedAt` [s].
    /// @return roundId the new round's id
    function push(int256 answer, uint256 updatedAt) public returns (uint80 roundId) {
        uint80 base = uint80(phase) << 64;
        roundId = latestRound >= base ? latestRound + 1 : base | 1;
        _rounds[roundId] = Round(answer, uint64(updatedAt), uint64(updatedAt));
        latestRound = roundId;
    }

    /// @notice Adds the next round, updated now.
    function setAnswer(int256 answer) external returns (uint80) {
        return push(answer, block.timestamp);
    }

    /// @notice Moves to a new phase (a new aggregator behind the proxy): the next round is its round 1.
    function startPhase() external {
        phase += 1;
    }

    /// @notice Writes round `roundId` directly (an `updatedAt` of 0 removes it); does not move `latestRound`.
    function setRound(uint80 roundId, int256 answer, uint256 updatedAt) external {
        _rounds[roundId] = Round(answer, uint64(updatedAt), uint64(updatedAt));
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external pure returns (string memory) {
        return "MockRoundFeed";
    }

    /// @inheritdoc AggregatorV3Interface
    function version() external pure returns (uint256) {
        return 6;
    }

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(uint80 roundId) public view returns (uint80, int256, uint256, uint256, uint80) {
        Round memory r = _rounds[roundId];
        if (r.updatedAt == 0) revert NoDataPresent(roundId);
        return (roundId, r.answer, r.startedAt, r.updatedAt, roundId);
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return getRoundData(latestRound);
    }
}
