// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {LiquidationFixture} from "../utils/LiquidationFixture.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {IOracleAdapter} from "../../contracts/interfaces/IOracleAdapter.sol";
import {MockFeed} from "../../contracts/mocks/MockFeed.sol";
import {Settlement} from "../../contracts/Settlement.sol";
import {ReserveLens} from "../../contracts/ReserveLens.sol";

/// @notice The liquidation fixture plus the helpers every adversarial test file shares: price moves, funding a
///         taker with bUSD out of a USDC position of bob's, liquidate/take as the keeper and the taker, listing a
///         hostile token with its own feed and auction cap.
abstract contract AdversarialBase is LiquidationFixture {
    uint256 internal constant MAX = type(uint256).max;
    uint64 internal constant SETTLEMENT_ROLE = 3;

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

    /// @dev ETH at a whole number of USD.
    function _setEth(uint256 usd) internal {
        ethFeed.setAnswer(int256(usd * 1e8));
    }

    /// @dev Republishes every fixture feed's answer now, so that a warp does not leave prices stale.
    function _refreshFeeds() internal {
        (, int256 e, , , ) = ethFeed.latestRoundData();
        (, int256 b, , , ) = btcFeed.latestRoundData();
        (, int256 u, , , ) = usdcFeed.latestRoundData();
        ethFeed.setAnswer(e);
        btcFeed.setAnswer(b);
        usdcFeed.setAnswer(u);
    }

    /// @dev Mints `amount` bUSD to `to` out of a fresh USDC position of bob's (at about 50% loan-to-value).
    function _fundBusd(address to, uint256 amount) internal {
        vm.prank(bob);
        vault.openAndMint(BUSD, address(usdc), (amount * 2) / 1e12 + 1e6, amount, to);
    }

    /// @dev alice: 10 WETH and 15,000 bUSD at 2,000; then ETH to 1,700: liquidation limit 14,450 < 15,000 of debt.
    function _underwater() internal returns (uint256 id) {
        id = _openEth(alice, 10e18, 15_000e18);
        _setEth(1_700);
    }

    function _liquidate(uint256 id) internal returns (uint256 auctionId, uint256 debt) {
        vm.prank(keeper);
        (auctionId, debt) = engine.liquidate(id);
    }

    function _take(uint256 auctionId, uint256 amount) internal returns (uint256 collateral, uint256 owe) {
        vm.prank(taker);
        (collateral, owe) = engine.take(auctionId, amount, MAX, taker, "");
    }

    function _auctionPrice(uint256 auctionId) internal view returns (uint256 price) {
        (price, ) = engine.auctionStatus(auctionId);
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

    /// @dev Deploys a ReserveLens and the Settlement and grants it the Vault's and the engine's shutdown hooks, as
    ///      the deploy script does.
    function _wireSettlement() internal returns (Settlement settlement) {
        settlement = new Settlement(address(manager), new ReserveLens(vault));
        bytes4[] memory hooks = new bytes4[](2);
        hooks[0] = IVault.shutdown.selector;
        hooks[1] = IVault.releasePosition.selector;
        manager.setTargetFunctionRole(address(vault), hooks, SETTLEMENT_ROLE);
        bytes4[] memory engineHooks = new bytes4[](1);
        engineHooks[0] = engine.releaseAuction.selector;
        manager.setTargetFunctionRole(address(engine), engineHooks, SETTLEMENT_ROLE);
        manager.grantRole(SETTLEMENT_ROLE, address(settlement), 0);
    }
}
