// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Fixture} from "./Fixture.sol";

/// @notice The core of `Fixture` plus a real Treasury and the LiquidationEngine wired into the Vault
///         (see `Fixture._wireLiquidation`).
abstract contract LiquidationFixture is Fixture {
    address internal keeper = makeAddr("keeper");
    address internal taker = makeAddr("taker");
    uint256 internal constant MAX = type(uint256).max;

    function setUp() public virtual override {
        super.setUp();
        _wireLiquidation();
        _listSourced();
    }

    /// @dev ETH at a whole number of USD.
    function _setEth(uint256 usd) internal {
        ethFeed.setAnswer(int256(usd * 1e8));
    }

    /// @dev alice: 10 WETH and 15,000 bUSD at 2,000; then ETH to 1,700: liquidation limit 14,450 < 15,000 of debt,
    ///      health ~0.963 (a partial liquidation).
    function _underwater() internal returns (uint256 id) {
        id = _openEth(alice, 10e18, 15_000e18);
        _setEth(1_700);
    }

    /// @return price [wad] Auction `auctionId`'s price now.
    function _auctionPrice(uint256 auctionId) internal view returns (uint256 price) {
        (price, ) = engine.auctionStatus(auctionId);
    }

    /// @dev The keeper liquidates position `id`.
    function _liquidate(uint256 id) internal returns (uint256 auctionId, uint256 debt) {
        vm.prank(keeper);
        (auctionId, debt) = engine.liquidate(id);
    }

    /// @dev The taker buys up to `amount` [token] of auction `auctionId` at any price, paying from its own balance.
    function _take(uint256 auctionId, uint256 amount) internal returns (uint256 collateral, uint256 owe) {
        vm.prank(taker);
        (collateral, owe) = engine.take(auctionId, amount, MAX, taker, "");
    }

    /// @return [wad USD] What `user` owns at ETH = `ethPrice` [wad]: bUSD, plus WETH held, claimable and in position
    ///         `id`, less the position's debt.
    function _wealth(address user, uint256 id, uint256 ethPrice) internal view returns (uint256) {
        uint256 eth =
            weth.balanceOf(user) + engine.claimable(user, address(weth)) + vault.collateralOf(id, address(weth));
        return busd.balanceOf(user) + (eth * ethPrice) / 1e18 - positionLens.debtOf(id);
    }
}
