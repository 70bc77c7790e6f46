// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IRiskOracle} from "../interfaces/IRiskOracle.sol";

/// @title RiskOracle
/// @notice The append-only record of risk recommendations (see `IRiskOracle`). Publishing is restricted to the
///         PUBLISHER role; reading is free. It holds nothing and changes nothing else.
contract RiskOracle is IRiskOracle, AccessManaged {
    /// @inheritdoc IRiskOracle
    uint256 public constant MAX_VALIDITY = 7 days;

    Recommendation[] internal _recommendations; // id = index + 1
    mapping(uint8 param => mapping(address target => uint256 id)) internal _latest;

    constructor(address authority) AccessManaged(authority) {}

    /// @inheritdoc IRiskOracle
    function publish(Proposal[] calldata proposals, bytes32 evidence) external restricted returns (uint256 firstId) {
        if (proposals.length == 0 || evidence == bytes32(0)) revert EmptyPublication();
        firstId = _recommendations.length + 1;
        uint256 latest = block.timestamp + MAX_VALIDITY;
        for (uint256 i; i < proposals.length; ++i) {
            Proposal calldata p = proposals[i];
            if (p.validUntil <= block.timestamp || p.validUntil > latest) revert InvalidValidity(p.validUntil, latest);
            _recommendations.push(
                Recommendation(p.param, p.target, uint40(block.timestamp), p.validUntil, p.value, evidence)
            );
            uint256 id = firstId + i;
            _latest[p.param][p.target] = id;
            emit RecommendationPublished(id, p.param, p.target, p.value, p.validUntil, evidence);
        }
    }

    /// @inheritdoc IRiskOracle
    function recommendation(uint256 id) external view returns (Recommendation memory) {
        if (id == 0 || id > _recommendations.length) revert UnknownRecommendation(id);
        return _recommendations[id - 1];
    }

    /// @inheritdoc IRiskOracle
    function latestOf(uint8 param, address target) external view returns (uint256) {
        return _latest[param][target];
    }

    /// @inheritdoc IRiskOracle
    function count() external view returns (uint256) {
        return _recommendations.length;
    }
}
