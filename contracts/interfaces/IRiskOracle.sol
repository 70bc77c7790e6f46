// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRiskOracle
/// @notice The append-only record of risk recommendations: a publisher (the PUBLISHER role: the risk team's key that
///         runs `npm run risk -- --publish`) posts the values the risk engine recommends; the risk steward applies
///         them within its bounds. Nothing here changes a parameter, and nothing posted can be edited or removed: a
///         newer recommendation for the same parameter supersedes the older one (`latestOf`).
/// @dev `evidence` commits to the engine version and the inputs of the run that produced the batch (a keccak256 of
///      the report's canonical inputs: docs/risk.md, "Publishing"), so that anyone can rerun the engine and check
///      that the values follow from them.
interface IRiskOracle {
    /// @notice A recommendation as published.
    /// @param param The parameter (`IRiskSteward.Param`). @param target The asset, the synthetic token, or
    ///        address(0) for a system-wide parameter. @param value The new value, in the parameter's unit
    ///        (docs/risk.md). @param postedAt [s] @param validUntil [s] Not applicable after this time.
    /// @param evidence keccak256 of the engine version and inputs behind the value.
    struct Recommendation {
        uint8 param;
        address target;
        uint40 postedAt;
        uint40 validUntil;
        uint256 value;
        bytes32 evidence;
    }

    /// @notice One value to publish. @param validUntil [s] In (now, now + MAX_VALIDITY].
    struct Proposal {
        uint8 param;
        address target;
        uint40 validUntil;
        uint256 value;
    }

    /// @notice Recommendation `id` was published.
    event RecommendationPublished(
        uint256 indexed id,
        uint8 indexed param,
        address indexed target,
        uint256 value,
        uint256 validUntil,
        bytes32 evidence
    );

    /// @notice `validUntil` [s] is not in (now, now + MAX_VALIDITY].
    error InvalidValidity(uint256 validUntil, uint256 latest);
    /// @notice A batch must carry evidence (the hash of the run behind it) and at least one proposal.
    error EmptyPublication();
    /// @notice No recommendation has id `id`.
    error UnknownRecommendation(uint256 id);

    /// @notice PUBLISHER: appends `proposals`, in order, with `evidence`. Returns the id of the first (ids start at 1
    ///         and increase by one).
    function publish(Proposal[] calldata proposals, bytes32 evidence) external returns (uint256 firstId);

    /// @notice Recommendation `id` (reverts UnknownRecommendation).
    function recommendation(uint256 id) external view returns (Recommendation memory);

    /// @notice The id of the newest recommendation for (`param`, `target`), 0 when there is none.
    function latestOf(uint8 param, address target) external view returns (uint256);

    /// @notice The number of recommendations published (the newest id).
    function count() external view returns (uint256);

    /// @notice [s] The longest a recommendation may stay applicable.
    function MAX_VALIDITY() external view returns (uint256);
}
