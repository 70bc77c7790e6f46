// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {VaultHandler} from "./VaultHandler.sol";
import {Vault} from "../../contracts/Vault.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {IOracleAdapter} from "../../contracts/interfaces/IOracleAdapter.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {LiquidationEngine} from "../../contracts/LiquidationEngine.sol";
import {SyntheticToken} from "../../contracts/SyntheticToken.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {MockFeed} from "../../contracts/mocks/MockFeed.sol";

/// @notice The Vault handler plus the liquidation engine's permissionless actions: liquidate, take, reset, claim.
///         Each call succeeds or fails for a reason predicted from the state; along the way it checks invariant 5
///         (a liquidation starts only below the threshold and never leaves 0 < debt < minimum debt) and that no
///         keeper is paid for liquidating a healthy position.
contract LiquidationHandler is VaultHandler {
    LiquidationEngine public immutable engine;

    constructor(
        Vault vault_,
        MockERC20[3] memory assets_,
        MockFeed[3] memory feeds_,
        SyntheticToken[2] memory synths_,
        address[3] memory actors_,
        address treasury_,
        LiquidationEngine engine_
    ) VaultHandler(vault_, assets_, feeds_, synths_, actors_, treasury_) {
        engine = engine_;
    }

    function liquidate(uint256 posSeed, uint256 keeperSeed) external {
        if (ids.length == 0) return;
        uint256 id = ids[posSeed % ids.length];
        address keeper = actors[keeperSeed % 3];
        (bool priced, uint256 h) = _health(id);
        vm.prank(keeper);
        try engine.liquidate(id) {
            assertTrue(priced && h < 1e18, "liquidated a position that was not below its threshold");
            uint256 left = vault.debtOf(id);
            (, uint256 synthId, ) = vault.positionOf(id);
            if (left != 0) assertGe(left, vault.synthetic(synthId).params.minDebt, "left dust debt");
            calls["liquidate"]++;
        } catch (bytes memory err) {
            bytes4 sel = bytes4(err);
            if (sel == ILiquidationEngine.PositionHealthy.selector) {
                assertTrue(!priced || h >= 1e18 || vault.debtOf(id) == 0, "refused an unhealthy position");
            } else if (sel == IOracleAdapter.PriceUnavailable.selector) {
                assertFalse(priced && !_anyBroken(), "price unavailable while every feed works");
            } else if (sel != ILiquidationEngine.AuctionCapReached.selector) {
                revert(string(abi.encodePacked("unexplained liquidate revert: ", err)));
            }
            calls["liquidate:refused"]++;
        }
    }

    /// @notice Mints 99% of the room left under the minting limit, so that price moves make positions liquidatable.
    function mintToLimit(uint256 posSeed) external {
        if (ids.length == 0) return;
        uint256 id = ids[posSeed % ids.length];
        IVault.PositionHealth memory h;
        try vault.healthOf(id) returns (IVault.PositionHealth memory got) {
            h = got;
        } catch {
            return; // a price is unavailable: minting would be refused anyway
        }
        if (h.mintLimit <= h.debtValue) return;
        (, uint256 synthId, ) = vault.positionOf(id);
        uint256 room = ((h.mintLimit - h.debtValue) * 99) / 100; // [wad] USD
        if (synthId == 1) {
            // bETH tracks WETH (its price may be unavailable when the position has no debt yet)
            (uint256 ethPrice, IOracleAdapter.PriceFailure failure) = vault.oracle().tryGetPrice(address(assets[0]));
            if (failure != IOracleAdapter.PriceFailure.None) return;
            room = (room * 1e18) / ethPrice;
        }
        if (room == 0) return;
        address owner = _owner(id);
        vm.prank(owner);
        try vault.mint(id, room, owner) {
            _assertWithinMintLimit(id);
            roundingOps++;
            calls["mintToLimit"]++;
        } catch (bytes memory err) {
            bytes4 sel = bytes4(err);
            if (sel != IVault.DebtBelowMinimum.selector && sel != IVault.DebtCeilingExceeded.selector) {
                revert(string(abi.encodePacked("unexplained mint revert: ", err)));
            }
        }
    }

    function take(uint256 auctionSeed, uint256 amount, uint256 takerSeed) external {
        ILiquidationEngine.AuctionView[] memory live = engine.getAuctions(0, 50);
        if (live.length == 0) return;
        ILiquidationEngine.AuctionView memory a = live[auctionSeed % live.length];
        if (a.needsReset || a.price == 0) return;
        amount = _bound(amount, 1, a.lot);
        address takerAddr = actors[takerSeed % 3];
        SyntheticToken token = synths[a.synthId];
        // enough synthetic for the whole tab, gathered from other holders (never minted from nothing)
        if (!_fund(token, takerAddr, a.tab)) return;
        vm.startPrank(takerAddr);
        token.approve(address(engine), type(uint256).max);
        try engine.take(a.id, amount, a.price, takerAddr, "") returns (uint256 got, uint256 owe) {
            assertLe(got, a.lot, "took more than the lot");
            assertLe(owe, a.tab, "paid more than the tab");
            // never below the floor: what was paid per whole token is at least the floor, rounded against the taker
            if (got != 0) assertGe((owe * 10 ** assets[_assetIndex(a.asset)].decimals()) / got + 1, a.floor);
            calls["take"]++;
        } catch (bytes memory err) {
            bytes4 sel = bytes4(err);
            if (
                sel != ILiquidationEngine.TakeLeavesDust.selector &&
                sel != ILiquidationEngine.AuctionNeedsReset.selector
            ) {
                revert(string(abi.encodePacked("unexplained take revert: ", err)));
            }
            calls["take:refused"]++;
        }
        vm.stopPrank();
    }

    function reset(uint256 auctionSeed, uint256 keeperSeed) external {
        ILiquidationEngine.AuctionView[] memory live = engine.getAuctions(0, 50);
        if (live.length == 0) return;
        ILiquidationEngine.AuctionView memory a = live[auctionSeed % live.length];
        vm.prank(actors[keeperSeed % 3]);
        try engine.reset(a.id) {
            calls["reset"]++;
        } catch (bytes memory err) {
            bytes4 sel = bytes4(err);
            if (
                sel != ILiquidationEngine.AuctionNotResettable.selector &&
                sel != IOracleAdapter.PriceUnavailable.selector
            ) {
                revert(string(abi.encodePacked("unexplained reset revert: ", err)));
            }
            calls["reset:refused"]++;
        }
    }

    function claim(uint256 actorSeed, uint256 assetSeed) external {
        address owner = actors[actorSeed % 3];
        address asset = address(assets[assetSeed % 3]);
        uint256 due = engine.claimable(owner, asset);
        if (due == 0) return;
        uint256 before = MockERC20(asset).balanceOf(owner);
        vm.prank(owner);
        engine.claim(asset);
        assertEq(MockERC20(asset).balanceOf(owner), before + due, "claim paid a different amount");
        calls["claim"]++;
    }

    function _anyBroken() internal view returns (bool) {
        return feedBroken[0] || feedBroken[1] || feedBroken[2];
    }

    function _assetIndex(address asset) internal view returns (uint256) {
        for (uint256 k; k < 3; ++k) {
            if (address(assets[k]) == asset) return k;
        }
        revert("unknown asset");
    }
}
