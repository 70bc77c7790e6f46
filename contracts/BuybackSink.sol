// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IBuybackSink} from "./interfaces/IBuybackSink.sol";
import {IVenue} from "./interfaces/IVenue.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {FixedMath} from "./libraries/FixedMath.sol";

/// @title BuybackSink
/// @notice Buys a configured asset with the Treasury's distributed surplus, bounded by the oracle. See `IBuybackSink`.
/// @dev Holds nothing between calls: it pulls the units, approves the venue for exactly them, measures what the
///      recipient received and clears the approval.
contract BuybackSink is IBuybackSink, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using FixedMath for uint256;

    /// @notice [bps] Highest slippage bound a sink may be built with.
    uint256 public constant MAX_SLIPPAGE_BPS = 500;

    /// @inheritdoc IBuybackSink
    IERC20 public immutable asset;
    /// @inheritdoc IBuybackSink
    address public immutable recipient;
    /// @inheritdoc IBuybackSink
    IVenue public immutable venue;
    /// @inheritdoc IBuybackSink
    IOracleAdapter public immutable oracle;
    /// @inheritdoc IBuybackSink
    uint256 public immutable slippageBps;
    uint256 internal immutable _unit; // [token] 10^decimals of the asset

    constructor(IERC20 asset_, address recipient_, IVenue venue_, IOracleAdapter oracle_, uint256 slippageBps_) {
        if (
            address(asset_) == address(0) ||
            recipient_ == address(0) ||
            address(venue_) == address(0) ||
            address(oracle_) == address(0)
        ) revert ZeroAddress();
        if (slippageBps_ > MAX_SLIPPAGE_BPS) revert InvalidSlippage(slippageBps_);
        (asset, recipient, venue, oracle, slippageBps) = (asset_, recipient_, venue_, oracle_, slippageBps_);
        _unit = 10 ** IERC20Metadata(address(asset_)).decimals();
    }

    /// @inheritdoc IBuybackSink
    function buy(IERC20 synthetic, uint256 amount, uint256 synthPrice) external nonReentrant returns (uint256 bought) {
        if (amount == 0) revert ZeroAmount();
        uint256 assetPrice = oracle.getPrice(address(asset)); // reverts PriceUnavailable: never buy blind
        // [token] amount [wad] × synthPrice [wad] / assetPrice [wad] × 10^decimals, less the slippage, rounded up
        uint256 fair = amount.mulDivUp(synthPrice, assetPrice).mulDivUp(_unit, FixedMath.WAD);
        uint256 minOut = fair.mulDivUp(FixedMath.BPS - slippageBps, FixedMath.BPS);
        synthetic.safeTransferFrom(msg.sender, address(this), amount);
        synthetic.forceApprove(address(venue), amount);
        uint256 before = asset.balanceOf(recipient);
        venue.swap(address(synthetic), address(asset), amount, minOut, recipient);
        bought = asset.balanceOf(recipient) - before;
        synthetic.forceApprove(address(venue), 0);
        if (bought < minOut) revert BuybackBelowOracle(bought, minOut);
        emit BoughtBack(address(synthetic), amount, bought, minOut);
    }
}
