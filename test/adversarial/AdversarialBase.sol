// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {LiquidationFixture} from "../utils/LiquidationFixture.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {IOracleAdapter} from "../../contracts/interfaces/IOracleAdapter.sol";
import {MockFeed} from "../../contracts/mocks/MockFeed.sol";

/// @notice The liquidation fixture plus the helpers every adversarial test file shares: price moves, funding a
///         taker with bUSD out of a USDC position of bob's, liquidate/take as the keeper and the taker, listing a
///         hostile token with its own feed and auction cap.
abstract contract AdversarialBase is LiquidationFixture {
    function setUp() public virtual override {
        super.setUp();
        vm.startPrank(taker);
        busd.approve(address(engine), MAX);
        beth.approve(address(engine), MAX);
        vm.stopPrank();
    }

    /// @dev The revert data of OpenZeppelin's reentrancy lock, which the Vault, the engine, the Treasury and the
    ///      Settlement all use.
    function _lockError() internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
    }

    function _priceError(address asset, IOracleAdapter.PriceFailure reason) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IOracleAdapter.PriceUnavailable.selector, asset, reason);
    }

    /// @dev Lists `token` with an 8-decimal feed answering `answer`, the given risk parameters, no supply cap and a
    ///      10M USD auction cap; mints `amount` to alice and approves the Vault for her (low-level, so tokens without
    ///      a return value work too).
    function _listToken(
        address token,
        int256 answer,
        uint16 maxLtvBps,
        uint16 liqThresholdBps,
        uint16 liqPenaltyBps,
        uint256 amount
    ) internal returns (MockFeed feed) {
        feed = _feed(token, 8, answer);
        vault.listAsset(token, IVault.AssetParams(maxLtvBps, liqThresholdBps, liqPenaltyBps, type(uint48).max, false));
        engine.setAssetCap(token, 10_000_000e18);
        if (amount != 0) {
            (bool minted, ) = token.call(abi.encodeWithSignature("mint(address,uint256)", alice, amount));
            require(minted, "mint failed");
        }
        vm.prank(alice);
        (bool ok, ) = token.call(abi.encodeWithSignature("approve(address,uint256)", address(vault), MAX));
        require(ok, "approve failed");
    }

    /// @dev An 8-decimal feed for `asset` answering `answer`, with answer bounds (minAnswer, maxAnswer) and a 1-day
    ///      staleness limit, replacing the fixture's (bounds 1 and 1e30).
    function _boundedFeed(address asset, MockFeed feed, int256 minAnswer, int256 maxAnswer) internal {
        IOracleAdapter.Feed memory none;
        oracle.setFeeds(
            asset,
            IOracleAdapter.Feed(AggregatorV3Interface(address(feed)), 1 days, minAnswer, maxAnswer),
            none,
            0
        );
    }
}
