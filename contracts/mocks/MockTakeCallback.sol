// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IBallastTakeCallback} from "../interfaces/IBallastTakeCallback.sol";
import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";

/// @notice A venue that buys any collateral for a synthetic at a fixed price. Test only.
contract MockVenue {
    using SafeERC20 for IERC20;

    IERC20 public immutable synth;
    mapping(address asset => uint256) public priceOf; // [wad] synthetic per whole token

    constructor(IERC20 synth_) {
        synth = synth_;
    }

    function setPrice(address asset, uint256 price) external {
        priceOf[asset] = price;
    }

    /// @notice Pulls `amount` [token] of `asset` from the caller and pays `amount * price` [wad] synthetic (down).
    function sell(address asset, uint256 amount) external returns (uint256 out) {
        out = (amount * priceOf[asset]) / 10 ** IERC20Metadata(asset).decimals();
        IERC20(asset).safeTransferFrom(msg.sender, address(this), amount);
        synth.safeTransfer(msg.sender, out);
    }
}

/// @notice A keeper that takes an auction with no synthetic of its own: in `onTake` it sells the collateral it just
///         received on `MockVenue` and approves the engine for what it owes; the profit stays here. Test only.
contract MockTakeCallback is IBallastTakeCallback {
    using SafeERC20 for IERC20;

    error NotEngine(address caller);

    ILiquidationEngine public immutable engine;
    MockVenue public immutable venue;
    address public lastTaker;
    uint256 public lastCollateral; // [token]
    uint256 public lastOwe; // [wad]

    constructor(ILiquidationEngine engine_, MockVenue venue_) {
        engine = engine_;
        venue = venue_;
    }

    /// @notice Takes from `auctionId` with itself as taker and receiver.
    function run(uint256 auctionId, uint256 maxCollateral, uint256 maxPrice, address asset) external {
        engine.take(auctionId, maxCollateral, maxPrice, address(this), abi.encode(asset));
    }

    /// @inheritdoc IBallastTakeCallback
    function onTake(address taker, uint256 collateral, uint256 owe, bytes calldata data) external {
        if (msg.sender != address(engine)) revert NotEngine(msg.sender);
        address asset = abi.decode(data, (address));
        (lastTaker, lastCollateral, lastOwe) = (taker, collateral, owe);
        IERC20(asset).forceApprove(address(venue), collateral);
        venue.sell(asset, collateral);
        venue.synth().forceApprove(address(engine), owe);
    }
}
