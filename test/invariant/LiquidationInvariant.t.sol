// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {console2} from "forge-std/console2.sol";

import {LiquidationFixture} from "../utils/LiquidationFixture.sol";
import {LiquidationHandler} from "./LiquidationHandler.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {SyntheticToken} from "../../contracts/SyntheticToken.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";

/// @notice The system invariants with liquidations in play: positions, price moves, broken feeds, time, and the
///         engine's liquidate / take / reset / claim, with three collateral assets and two synthetics.
contract LiquidationInvariantTest is StdInvariant, LiquidationFixture {
    LiquidationHandler internal handler;
    address internal carol = makeAddr("carol");

    function setUp() public override {
        super.setUp();
        vault.setAssetParams(address(weth), IVault.AssetParams(8_000, 8_500, 500, type(uint48).max, false));
        vault.setAssetParams(address(wbtc), IVault.AssetParams(7_500, 8_000, 700, type(uint48).max, false));
        vault.setAssetParams(address(usdc), IVault.AssetParams(9_000, 9_300, 300, type(uint48).max, false));
        handler = new LiquidationHandler(
            vault,
            [weth, wbtc, usdc],
            [ethFeed, btcFeed, usdcFeed],
            [busd, beth],
            [alice, bob, carol],
            address(treasuryC),
            engine
        );
        targetContract(address(handler));
    }

    /// @notice (1) Every synthetic unit and unminted fee is claimed by position debt, auction debt or treasury-held
    ///         bad debt; the gap is rounding only.
    function invariant_debtIdentityWithAuctions() public view {
        uint256 n = handler.idCount();
        for (uint256 s; s < 2; ++s) {
            SyntheticToken token = s == 0 ? busd : beth;
            IVault.SyntheticState memory st = vault.synthetic(s);
            uint256 sumDebt;
            for (uint256 i; i < n; ++i) {
                uint256 id = handler.ids(i);
                (, uint256 synthId, ) = vault.positionOf(id);
                if (synthId == s) sumDebt += vault.debtOf(id);
            }
            uint256 claims = token.totalSupply() + st.unmintedFees;
            uint256 backing = st.totalDebt + st.auctionDebt + st.badDebt;
            assertLe(claims, backing, "synthetic without a debt behind it");
            uint256 slack =
                (handler.roundingOps() + handler.calls("liquidate") + handler.calls("take")) *
                    (3 + st.rateIndex / RAY) +
                    n;
            assertLe(
                sumDebt + st.auctionDebt + st.badDebt - claims,
                slack,
                "debt exceeds supply by more than rounding"
            );
        }
    }

    /// @notice (2) Collateral is conserved: the Vault holds at least what it credits to positions, and the engine
    ///         holds at least what is in live auctions plus what owners can claim.
    function invariant_collateralConservationWithAuctions() public view {
        MockERC20[3] memory list = [weth, wbtc, usdc];
        ILiquidationEngine.AuctionView[] memory live = engine.getAuctions(0, 1_000);
        address[3] memory owners = [alice, bob, carol];
        for (uint256 k; k < 3; ++k) {
            assertGe(list[k].balanceOf(address(vault)), vault.totalCollateral(address(list[k])), "vault short");
            uint256 owed;
            for (uint256 i; i < live.length; ++i) {
                if (live[i].asset == address(list[k])) owed += live[i].lot;
            }
            for (uint256 o; o < 3; ++o) {
                owed += engine.claimable(owners[o], address(list[k]));
            }
            assertGe(list[k].balanceOf(address(engine)), owed, "engine holds less than auctions and claims");
        }
    }

    /// @notice The debt counted against the caps is never more than the caps allow.
    function invariant_capsHold() public view {
        assertLe(engine.globalDirt(), engine.globalCap(), "global auction cap exceeded");
    }

    /// @notice The handler reaches liquidations, takes and resets: a seeded walk that crashes prices.
    function test_liquidationHandlerReachesEveryAction() public {
        for (uint256 i; i < 400; ++i) {
            uint256 r = uint256(keccak256(abi.encode("liq", i)));
            uint256 a = r % 12;
            uint256 x = r >> 8;
            uint256 y = r >> 64;
            uint256 z = r >> 128;
            if (a == 0 || handler.idCount() < 6) handler.open(x, y);
            else if (a <= 2) handler.deposit(x, y, z);
            else if (a == 3) handler.mint(x, z);
            else if (a == 4) handler.mintToLimit(x);
            else if (a == 5)
                handler.movePrice(x, 70 + (y % 45)); // drifts down on average
            else if (a == 6) handler.liquidate(x, y);
            else if (a == 7) handler.take(x, z, y);
            else if (a == 8) handler.warp(y % 3 hours);
            else if (a == 9) handler.reset(x, y);
            else if (a == 10) handler.claim(x, y);
            else handler.repay(x, z);
        }
        console2.log("liquidate", handler.calls("liquidate"), handler.calls("liquidate:refused"));
        console2.log("mint", handler.calls("mint"), handler.calls("mint:reverted"));
        console2.log("take", handler.calls("take"), handler.calls("take:refused"));
        assertGt(handler.calls("liquidate"), 0, "no liquidation");
        assertGt(handler.calls("take"), 0, "no take");
        invariant_debtIdentityWithAuctions();
        invariant_collateralConservationWithAuctions();
        invariant_capsHold();
    }
}
