// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StdInvariant} from "forge-std/StdInvariant.sol";

import {Fixture} from "../utils/Fixture.sol";
import {VaultHandler} from "./VaultHandler.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {SyntheticToken} from "../../contracts/SyntheticToken.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {MockFeed} from "../../contracts/mocks/MockFeed.sol";

/// @notice System invariants of design.md over random sequences of deposits, withdrawals, mints, repays, closes,
///         position transfers, price moves, broken feeds and time passing, with three collateral assets (18, 8 and
///         6 decimals) and two synthetics (bUSD, bETH). Invariants 3 and 4 are checked by the handler at each call;
///         1, 2 and 6 (no round trip gains: no supply without debt) here after each call.
contract VaultInvariantTest is StdInvariant, Fixture {
    VaultHandler internal handler;
    address internal carol = makeAddr("carol");

    function setUp() public virtual override {
        super.setUp();
        // caps out of the way: the handler's deposits are bounded, caps are unit-tested
        vault.setAssetParams(address(weth), IVault.AssetParams(8_000, 8_500, 500, type(uint48).max, false));
        vault.setAssetParams(address(wbtc), IVault.AssetParams(7_500, 8_000, 700, type(uint48).max, false));
        vault.setAssetParams(address(usdc), IVault.AssetParams(9_000, 9_300, 300, type(uint48).max, false));
        // the handler's collateral includes wstETH (rate-adjusted) and TBILL (attested NAV)
        _listSourced();
        vault.setAssetParams(address(wsteth), IVault.AssetParams(7_000, 7_800, 600, type(uint48).max, false));
        vault.setAssetParams(address(tbill), IVault.AssetParams(7_000, 8_000, 500, type(uint48).max, false));
        handler = _deployHandler();
        targetContract(address(handler));
    }

    /// @dev The handler the fuzzer drives; the liquidation suite overrides this with one that also liquidates.
    function _deployHandler() internal virtual returns (VaultHandler) {
        return new VaultHandler(vault, _handlerAssets(), _handlerFeeds(), [busd, beth], [alice, bob, carol], treasury);
    }

    /// @dev The handler's collateral: the three market assets, wstETH (rate-adjusted) and TBILL (attested NAV).
    function _handlerAssets() internal view returns (MockERC20[5] memory) {
        return [weth, wbtc, usdc, MockERC20(address(wsteth)), tbill];
    }

    function _handlerFeeds() internal view returns (MockFeed[5] memory) {
        return [ethFeed, btcFeed, usdcFeed, stethFeed, navFeed];
    }

    /// @notice (1) Supply + unminted fees <= total debt + auction debt + bad debt, total debt <= sum of position debts,
    ///         and the gap is only rounding.
    function invariant_debtIdentity() public view {
        uint256 n = handler.idCount();
        for (uint256 s; s < 2; ++s) {
            SyntheticToken token = s == 0 ? busd : beth;
            IVault.SyntheticState memory st = positionLens.synthetic(s);
            uint256 sumNorm;
            uint256 sumDebt;
            for (uint256 i; i < n; ++i) {
                uint256 id = handler.ids(i);
                (, uint256 synthId, ) = vault.positionOf(id);
                if (synthId != s) continue;
                sumNorm += positionLens.normDebtOf(id);
                sumDebt += positionLens.debtOf(id);
            }
            uint256 claims = token.totalSupply() + st.unmintedFees;
            assertEq(st.totalNormDebt, sumNorm, "total normalized debt is not the sum of positions");
            // positions' debt plus debt in auction plus treasury-held (bad) debt backs every unit and unminted fee
            assertLe(
                claims,
                st.totalDebt + st.auctionDebt + st.badDebt + st.moduleDebt,
                "more synthetic (incl. unminted fees) than debt"
            );
            assertLe(st.totalDebt, sumDebt, "system total debt above the sum of position debts");
            // each mint or repay may leave at most 1 + index/RAY wei between debt and supply; each position's debt
            // rounds up by at most 1 wei
            // (a liquidation or a take moves debt with the same rounding)
            uint256 ops = handler.roundingOps() + handler.calls("liquidate") + handler.calls("take");
            uint256 slack = ops * (3 + st.rateIndex / RAY) + n;
            assertLe(
                sumDebt + st.auctionDebt + st.badDebt + st.moduleDebt - claims,
                slack,
                "debt exceeds supply by more than rounding"
            );
        }
    }

    /// @notice (2) The Vault holds, per token, at least what is credited to positions, and the totals are exact.
    function invariant_collateralConservation() public view {
        MockERC20[5] memory list = _handlerAssets();
        uint256 n = handler.idCount();
        for (uint256 k; k < list.length; ++k) {
            uint256 sum;
            for (uint256 i; i < n; ++i) {
                sum += vault.collateralOf(handler.ids(i), address(list[k]));
            }
            assertEq(vault.totalCollateral(address(list[k])), sum, "total collateral is not the sum of positions");
            assertGe(list[k].balanceOf(address(vault)), sum, "vault holds less than it credits");
        }
    }

    /// @notice A position's basket mask matches its non-zero lanes.
    function invariant_basketMaskMatchesLanes() public view {
        MockERC20[5] memory list = _handlerAssets();
        uint256 n = handler.idCount();
        for (uint256 i; i < n; ++i) {
            uint256 id = handler.ids(i);
            (, , uint256 mask) = vault.positionOf(id);
            for (uint256 k; k < list.length; ++k) {
                bool inMask = mask & (1 << vault.assetConfig(address(list[k])).id) != 0;
                assertEq(inMask, vault.collateralOf(id, address(list[k])) != 0, "mask out of sync");
            }
        }
    }

    /// @notice The handler reaches every action: a seeded 600-step walk through it makes each kind of call succeed
    ///         (and sees risk-increasing calls refused), then the invariants hold. A failing invariant sequence from
    ///         the fuzzer can be pasted here as explicit handler calls to replay it as a unit test.
    function test_handlerReachesEveryAction() public {
        for (uint256 i; i < 600; ++i) {
            uint256 r = uint256(keccak256(abi.encode(i)));
            uint256 a = r % 13;
            uint256 x = r >> 8;
            uint256 y = r >> 64;
            uint256 z = r >> 128;
            if (a == 0 || handler.idCount() < 4) handler.open(x, y);
            else if (a <= 2) handler.deposit(x, y, z);
            else if (a == 3) handler.withdraw(x, y, z);
            else if (a <= 5) handler.mint(x, z);
            else if (a == 6) handler.repay(x, z);
            else if (a == 7) handler.close(x);
            else if (a == 8) handler.transferPosition(x, y);
            else if (a == 9 && z % 3 == 0) handler.moveRate(y);
            else if (a == 9) handler.movePrice(x, y);
            else if (a == 10) (y % 4 == 0 ? handler.breakFeed : handler.repairFeed)(x);
            else if (a == 11) handler.warp(y % 2 days);
            else handler.mintFees(x);
        }
        string[11] memory names = [
            "moveRate",
            "open",
            "deposit",
            "withdraw",
            "withdraw:reverted",
            "mint",
            "mint:reverted",
            "repay",
            "close",
            "warp",
            "mintFees"
        ];
        for (uint256 i; i < names.length; ++i) {
            assertGt(handler.calls(names[i]), 0, names[i]);
        }
        invariant_debtIdentity();
        invariant_collateralConservation();
        invariant_basketMaskMatchesLanes();
    }
}
