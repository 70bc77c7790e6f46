// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title MockFeed
/// @notice A Chainlink-style feed for tests and gas benchmarks. Anyone can set its answer, and `mode` makes
///         `latestRoundData` misbehave on purpose: revert, return too few bytes, or burn all the gas it is given.
/// @dev `latestRoundData` reads two storage slots, like a real aggregator: the round (id, timestamps, mode, extra gas)
///      and the answer. As an L2 sequencer-uptime feed: answer 0 = up, 1 = down, `startedAt` = when the status last changed.
contract MockFeed is AggregatorV3Interface {
    /// @notice How `latestRoundData` behaves.
    enum Mode {
        Normal, // returns the stored round
        Revert, // reverts with `MockFeedReverted`
        Malformed, // returns 64 bytes instead of 160
        BurnGas // consumes all the gas forwarded to it (`invalid()`)
    }

    /// @notice `latestRoundData` was set to revert, or `getRoundData` asked for a round other than the latest.
    error MockFeedReverted();

    /// @inheritdoc AggregatorV3Interface
    uint8 public immutable decimals;

    // slot 0: the round
    uint80 internal _roundId;
    uint64 internal _startedAt; // [s]
    uint64 internal _updatedAt; // [s]
    /// @notice How `latestRoundData` behaves.
    Mode public mode;
    /// @notice [gas] Extra gas a `Normal` `latestRoundData` spends before returning, like a heavy but healthy feed.
    uint32 public extraGas;
    // slot 1
    int256 internal _answer; // [feed decimals]

    constructor(uint8 decimals_) {
        decimals = decimals_;
    }

    /// @notice Publishes `answer` as a new round, started and updated now.
    function setAnswer(int256 answer) external {
        _answer = answer;
        _roundId += 1;
        _startedAt = uint64(block.timestamp);
        _updatedAt = uint64(block.timestamp);
    }

    /// @notice Sets every field of the latest round (timestamps in [s], at most `type(uint64).max`).
    function setRound(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt) external {
        _answer = answer;
        _roundId = roundId;
        _startedAt = SafeCast.toUint64(startedAt);
        _updatedAt = SafeCast.toUint64(updatedAt);
    }

    /// @notice Sets how `latestRoundData` behaves.
    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// @notice Sets the extra gas [gas] a healthy `latestRoundData` spends (0 = none).
    function setExtraGas(uint32 extraGas_) external {
        extraGas = extraGas_;
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external pure returns (string memory) {
        return "MockFeed";
    }

    /// @inheritdoc AggregatorV3Interface
    function version() external pure returns (uint256) {
        return 1;
    }

    /// @inheritdoc AggregatorV3Interface
    /// @dev Only the latest round is kept: any other id reverts.
    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        if (roundId != _roundId) revert MockFeedReverted();
        return latestRoundData();
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData() public view returns (uint80, int256, uint256, uint256, uint80) {
        Mode mode_ = mode;
        if (mode_ != Mode.Normal) _misbehave(mode_);
        uint256 extraGas_ = extraGas; // [gas]
        if (extraGas_ != 0) {
            // runs out of gas (consuming all of it) rather than fail cheaply when given too little
            uint256 start = gasleft();
            while (start - gasleft() < extraGas_) {}
        }
        return (_roundId, _answer, _startedAt, _updatedAt, _roundId);
    }

    /// @dev Ends the call in the way `mode_` asks; never returns.
    function _misbehave(Mode mode_) internal pure {
        if (mode_ == Mode.Revert) revert MockFeedReverted();
        if (mode_ == Mode.Malformed) {
            assembly ("memory-safe") {
                return(0, 64) // two words of scratch space: too short for five return values
            }
        }
        assembly ("memory-safe") {
            invalid() // consumes all gas left in this call
        }
    }
}
