// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {VaultHandler} from "./VaultHandler.sol";
import {Vault} from "../../contracts/Vault.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {IOracleAdapter} from "../../contracts/interfaces/IOracleAdapter.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IPositionLens} from "../../contracts/interfaces/IPositionLens.sol";
import {LiquidationEngine} from "../../contracts/LiquidationEngine.sol";
import {SyntheticToken} from "../../contracts/SyntheticToken.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {MockFeed} from "../../contracts/mocks/MockFeed.sol";
import {PreLiquidation} from "../../contracts/periphery/PreLiquidation.sol";
import {IPreLiquidation} from "../../contracts/interfaces/IPreLiquidation.sol";
import {Permissions} from "../../contracts/libraries/Permissions.sol";
import {Valuation} from "../../contracts/libraries/Valuation.sol";
import {IBallastErrors} from "../../contracts/interfaces/IBallastErrors.sol";

/// @notice The Vault handler plus the liquidation engine's permissionless actions: liquidate, take, reset, claim, and
///         the opt-in pre-liquidation's (owners opt in and out; anyone pre-liquidates), mixed with liquidations.
///         Each call succeeds or fails for a reason predicted from the state; along the way it checks invariant 5
///         (a liquidation starts only below the threshold and never leaves 0 < debt < minimum debt) and that no
///         keeper is paid for liquidating a healthy position.
contract LiquidationHandler is VaultHandler {
    LiquidationEngine public immutable engine;
    /// @notice The opt-in pre-liquidation (the deployments' policy: band [1, 1.10), close factor 10% to 50%,
    ///         incentive 1% to 2.5%); none in the system suite, whose replays predate it.
    PreLiquidation public immutable preLiquidation;

    constructor(
        Vault vault_,
        MockERC20[NA] memory assets_,
        MockFeed[NA] memory feeds_,
        SyntheticToken[2] memory synths_,
        address[3] memory actors_,
        address treasury_,
        LiquidationEngine engine_,
        PreLiquidation preLiquidation_
    ) VaultHandler(vault_, assets_, feeds_, synths_, actors_, treasury_) {
        engine = engine_;
        preLiquidation = preLiquidation_;
    }

    /// @notice [wad] Keeper pay credited and claimed so far, per synthetic (ghost state).
    uint256[2] public payCredited;
    uint256[2] public payClaimed;
    /// @notice [wad USD] Tolerance of the backing checks: value rounding (each amount * price rounds down, each debt
    ///         up), a few wei per asset and auction, scaled by the prices (at most 1e6 here).
    int256 public constant BACKING_TOLERANCE = 1e12;

    /// @notice Starts a liquidation. Checks invariant 5 (only below the threshold, with unpriced assets at 0, and
    ///         never leaving 0 < debt < minDebt), (b) the keeper's pay never exceeds the penalty (so liquidating
    ///         one's own position never pays), and (a) the system's backing falls by exactly the keeper pay (nothing
    ///         else leaves the system when an auction starts) while the liquidated position ends no worse backed.
    function liquidate(uint256 posSeed, uint256 keeperSeed) public virtual {
        if (ids.length == 0) return; // no position yet
        uint256 id = ids[posSeed % ids.length];
        address keeper = actors[keeperSeed % 3];
        Snapshot memory b = _snapshot(id, keeper);
        vm.prank(keeper);
        try engine.liquidate(id) {
            _checkLiquidation(id, keeper, b);
            calls["liquidate"]++;
        } catch (bytes memory err) {
            bytes4 sel = bytes4(err);
            if (sel == ILiquidationEngine.PositionHealthy.selector) {
                assertFalse(b.below, "refused an unhealthy position");
            } else if (sel == IOracleAdapter.PriceUnavailable.selector) {
                assertFalse(b.valued, "price unavailable while the position can be valued");
            } else if (
                sel == ILiquidationEngine.AuctionCapReached.selector ||
                sel == ILiquidationEngine.PricedLotTooSmall.selector
            ) {
                assertTrue(b.below, "cap or unpriced-lot refusal of a healthy position");
            } else {
                revert(string(abi.encodePacked("unexplained liquidate revert: ", err)));
            }
            calls["liquidate:refused"]++;
        }
    }

    /// @dev The state a liquidation is checked against.
    struct Snapshot {
        bool valued; // the position could be valued (unpriced assets at 0)
        bool below; // debt value > liquidation limit
        bool priced; // every price available (the backing is measurable)
        int256 backing; // [wad USD]
        uint256 owed; // [wad] the keeper's pay owed before
        IVault.LiquidationState st;
        ILiquidationEngine.LiquidationPlan plan;
    }

    function _snapshot(uint256 id, address keeper) internal view returns (Snapshot memory b) {
        (b.valued, b.st) = _state(id);
        b.below = b.valued && b.st.debtValue > b.st.liquidationLimit;
        (b.priced, b.backing) = _backing();
        b.owed = engine.keeperPayOwed(keeper, b.st.synthId);
        if (b.below) {
            try engine.previewLiquidation(id) returns (ILiquidationEngine.LiquidationPlan memory p) {
                b.plan = p;
            } catch {
                // a failed price: the liquidation itself is then refused, and `liquidate` explains that refusal
            }
        }
    }

    function _checkLiquidation(uint256 id, address keeper, Snapshot memory b) internal {
        assertTrue(b.below, "liquidated a position not below its threshold (unpriced assets at 0)");
        uint256 left = positionLens.debtOf(id);
        if (left != 0) {
            assertGe(left, b.st.minDebt, "left dust debt");
            // no liquidation leaves debt in a position whose collateral it emptied
            (, , uint256 mask) = vault.positionOf(id);
            assertTrue(mask != 0, "a liquidation left debt and no collateral");
        }
        // (b) the pay is what the preview said and never more than the penalty
        uint256 synthId = b.st.synthId;
        uint256 pay = engine.keeperPayOwed(keeper, synthId) - b.owed;
        assertEq(pay, b.plan.keeperPay, "keeper pay differs from the preview");
        assertLe(pay, b.plan.penalty, "keeper pay above the penalty: self-liquidation would pay");
        payCredited[synthId] += pay;
        // (c) the lots are what the preview said, and each is worth at least its tab at the oracle price when the
        // position covered its debt (so an owner buying her own lot back at the floor never gains)
        _checkLots(id, b);
        // (a) the system's backing falls by the keeper pay only; the position is no worse backed
        (bool pricedAfter, int256 backingAfter) = _backing();
        if (b.priced && pricedAfter) {
            int256 payUsd = int256((pay * _synthPrice(synthId)) / 1e18);
            assertApproxEqAbs(backingAfter, b.backing - payUsd, uint256(BACKING_TOLERANCE), "backing leak");
        }
        if (left == 0 || b.st.debtValue == 0) return; // fully liquidated or debt-free: no health to compare
        (bool ok, IVault.LiquidationState memory st2) = _state(id);
        if (!ok || st2.debtValue == 0) return; // unpriced after (a failed price) or no debt left: no health to compare
        // A liquidation a cap (or collateral it cannot seize) cut short may lower the health: its lots still cover
        // their tabs, so no debt is written off while the position holds collateral (invariant 7), the backing is
        // unchanged (checked above), and the next liquidation takes the rest when room frees (docs/risks.md).
        if (b.plan.capped) {
            calls["liquidate:capped"]++;
            return;
        }
        // an uncapped partial liquidation lands at or above the target health, whatever the tokens' decimals (a
        // few wei of value rounding per asset of slack)
        uint256 target = engine.liquidationParams().targetHealth;
        assertGe(
            (st2.liquidationLimit + 3 * st2.assets.length) * 1e18,
            target * st2.debtValue,
            "a partial liquidation ended below the target health"
        );
    }

    /// @dev The auctions a liquidation started hold the plan's lots, and a lot whose value at the oracle price
    ///      covered its debt also covers its whole tab there (the penalty never exceeds what the lot is worth).
    function _checkLots(uint256 id, Snapshot memory b) internal view {
        uint256 next = engine.nextAuctionId();
        uint256 seized;
        for (uint256 i; i < b.plan.lots.length; ++i) seized += b.plan.lots[i] == 0 ? 0 : 1;
        for (uint256 auctionId = next - seized; auctionId < next; ++auctionId) {
            ILiquidationEngine.Auction memory a = engine.auction(auctionId);
            if (a.tab == 0 || a.positionId != id) continue; // a worthless share went back to the owner
            uint256 worth = (uint256(a.lot) * a.market) / 10 ** a.decimals; // [wad] synthetic, at the oracle
            if (worth >= a.debt) assertGe(worth + worth / 1e12 + 10, a.tab, "a lot worth its debt owes more than it");
        }
    }

    /// @notice A keeper withdraws its pay: the Treasury pays it from the surplus or mints it as deficit.
    function claimPay(uint256 keeperSeed, uint256 synthSeed) public virtual {
        address keeper = actors[keeperSeed % 3];
        uint256 synthId = synthSeed % 2;
        uint256 owed = engine.keeperPayOwed(keeper, synthId);
        if (owed == 0) return; // nothing owed to this keeper
        uint256 before = synths[synthId].balanceOf(keeper);
        vm.prank(keeper);
        engine.claimKeeperPay(synthId, keeper);
        assertEq(synths[synthId].balanceOf(keeper), before + owed, "keeper paid a different amount");
        payClaimed[synthId] += owed;
        calls["claimPay"]++;
    }

    /// @return ok Whether every price is available. @return b [wad USD] The system's backing at oracle prices:
    ///         collateral in positions and in live auctions, minus the synthetic held outside the Treasury and the
    ///         keeper pay owed (the claims that collateral backs), summed over both synthetics.
    function _backing() internal view returns (bool ok, int256 b) {
        if (_anyBroken()) return (false, 0);
        IOracleAdapter oracle = vault.oracle();
        for (uint256 k; k < _assetCount(); ++k) {
            address asset = address(assets[k]);
            uint256 amount = vault.totalCollateral(asset);
            IPositionLens.AuctionView[] memory live = positionLens.getAuctions(0, 1_000);
            for (uint256 i; i < live.length; ++i) {
                if (live[i].asset == asset) amount += live[i].lot;
            }
            (uint256 price, IOracleAdapter.PriceFailure f) = oracle.tryGetPrice(asset);
            if (f != IOracleAdapter.PriceFailure.None) return (false, 0);
            b += int256((amount * price) / 10 ** assets[k].decimals());
        }
        for (uint256 s; s < 2; ++s) {
            SyntheticToken token = synths[s];
            uint256 claims = token.totalSupply() - token.balanceOf(treasury);
            for (uint256 i; i < 3; ++i) {
                claims += engine.keeperPayOwed(actors[i], s);
            }
            b -= int256((claims * _synthPrice(s)) / 1e18);
        }
        ok = true;
    }

    /// @dev (a) for a take: the backing moved by `owe` at the synthetic's price less the oracle value of the
    ///      collateral that left the auction (bought, plus any leftover credited to the owner).
    function _assertTakeBacking(
        IPositionLens.AuctionView memory a,
        uint256 got,
        uint256 owe,
        uint256 claimBefore,
        int256 backingBefore
    ) internal view {
        (bool pricedAfter, int256 backingAfter) = _backing();
        if (!pricedAfter) return; // a price failed after the take: the backing cannot be measured
        uint256 out = got + engine.claimable(_owner(a.positionId), a.asset) - claimBefore; // [token]
        (uint256 p, ) = vault.oracle().tryGetPrice(a.asset);
        int256 expected =
            int256((owe * _synthPrice(a.synthId)) / 1e18) -
                int256((out * p) / 10 ** assets[_assetIndex(a.asset)].decimals());
        assertApproxEqAbs(backingAfter - backingBefore, expected, uint256(BACKING_TOLERANCE), "take leak");
    }

    /// @return [wad] USD per unit of synthetic `s` (bETH tracks WETH).
    function _synthPrice(uint256 s) internal view returns (uint256) {
        if (s == 0) return 1e18;
        (uint256 p, ) = vault.oracle().tryGetPrice(address(assets[0]));
        return p;
    }

    function _state(uint256 id) internal view returns (bool ok, IVault.LiquidationState memory st) {
        try positionLens.liquidationState(id) returns (IVault.LiquidationState memory got) {
            return (true, got);
        } catch {
            return (false, st); // a failed price: the position cannot be valued now
        }
    }

    /// @notice Mints 99% of the room left under the minting limit, so that price moves make positions liquidatable.
    function mintToLimit(uint256 posSeed) public virtual {
        if (ids.length == 0) return; // no position yet
        uint256 id = ids[posSeed % ids.length];
        IVault.PositionHealth memory h;
        try positionLens.healthOf(id) returns (IVault.PositionHealth memory got) {
            h = got;
        } catch {
            return; // a price is unavailable: minting would be refused anyway
        }
        if (h.mintLimit <= h.debtValue) return; // already at or over the minting limit: no room
        (, uint256 synthId, ) = vault.positionOf(id);
        uint256 room = ((h.mintLimit - h.debtValue) * 99) / 100; // [wad] USD
        if (synthId == 1) {
            // bETH tracks WETH (its price may be unavailable when the position has no debt yet)
            (uint256 ethPrice, IOracleAdapter.PriceFailure failure) = vault.oracle().tryGetPrice(address(assets[0]));
            if (failure != IOracleAdapter.PriceFailure.None) return; // the ETH price failed: the room cannot be converted to bETH
            room = (room * 1e18) / ethPrice;
        }
        if (room == 0) return; // room rounds to 0
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

    function take(uint256 auctionSeed, uint256 amount, uint256 takerSeed) public virtual {
        IPositionLens.AuctionView[] memory live = positionLens.getAuctions(0, 50);
        if (live.length == 0) return; // no auction to take
        IPositionLens.AuctionView memory a = live[auctionSeed % live.length];
        if (a.needsReset || a.price == 0) return; // a stale auction must be reset first (`reset` covers it), an unpriced one cannot be taken
        amount = _bound(amount, 1, a.lot);
        address takerAddr = actors[takerSeed % 3];
        SyntheticToken token = synths[a.synthId];
        // enough synthetic for what the take can cost at most: its collateral at the price, rounded up (a take that
        // covers the tab buys whole units at the price, up to one unit's price above the tab), gathered from other
        // holders (never minted from nothing). The deep profile found a taker funded with the tab alone failing to
        // pay for a coarse lot (ERC20InsufficientBalance): the handler's funding was wrong, not the engine.
        uint256 unit = 10 ** assets[_assetIndex(a.asset)].decimals();
        uint256 cost = (amount * a.price + unit - 1) / unit;
        if (!_fund(token, takerAddr, cost > a.tab ? cost : a.tab)) return; // the holders together lack it
        vm.startPrank(takerAddr);
        token.approve(address(engine), type(uint256).max);
        vm.stopPrank();
        (bool priced, int256 backingBefore) = _backing();
        address owner = _owner(a.positionId);
        uint256 claimBefore = engine.claimable(owner, a.asset);
        uint256 excessBefore = engine.claimable(owner, address(token)); // [wad] synthetic credited to the owner
        vm.startPrank(takerAddr);
        try engine.take(a.id, amount, a.price, takerAddr, "") returns (uint256 got, uint256 owe) {
            assertLe(got, a.lot, "took more than the lot");
            assertLe(got, amount, "took more than asked");
            // never more per whole token than the price (the taker's maxPrice here), rounded up once
            assertLe(owe, (got * a.price + unit - 1) / unit, "paid more than the price per unit");
            // beyond the tab only by less than one unit's price: the smallest number of units that covers it
            if (owe > a.tab) assertLt(owe - a.tab, a.price / unit + 2, "paid beyond the tab by more than a unit");
            // what a covering take paid beyond the tab is the owner's, credited in the synthetic, unless it is
            // dust (under a millionth of the minimum debt), which goes to the Treasury with the penalty
            uint256 excess = engine.claimable(owner, address(token)) - excessBefore; // [wad]
            assertLe(excess, owe > a.tab ? owe - a.tab : 0, "credited the owner more than was paid beyond the tab");
            // (a) the system's backing moves by exactly what the taker paid, less the excess credited to the owner
            // (a claim like any synthetic held outside the Treasury), less the value of the collateral that left the
            // auction (bought, or returned to the owner once the tab is covered): nothing leaks
            if (priced) _assertTakeBacking(a, got, owe - excess, claimBefore, backingBefore);
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
        IPositionLens.AuctionView[] memory live = positionLens.getAuctions(0, 50);
        if (live.length == 0) return; // no auction to reset
        IPositionLens.AuctionView memory a = live[auctionSeed % live.length];
        address keeper = actors[keeperSeed % 3];
        uint256 owedBefore = engine.keeperPayOwed(keeper, a.synthId);
        vm.prank(keeper);
        try engine.reset(a.id) {
            uint256 pay = engine.keeperPayOwed(keeper, a.synthId) - owedBefore;
            assertLe(pay, a.tab - a.debt, "reset pay above the penalty left");
            payCredited[a.synthId] += pay;
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
        address asset = address(assets[assetSeed % _assetCount()]);
        uint256 due = engine.claimable(owner, asset);
        if (due == 0) return; // nothing kept for this owner in this asset
        uint256 before = MockERC20(asset).balanceOf(owner);
        vm.prank(owner);
        engine.claim(asset);
        assertEq(MockERC20(asset).balanceOf(owner), before + due, "claim paid a different amount");
        calls["claim"]++;
    }

    /// @notice The owner of a position opts in to pre-liquidation (grants the repay-with-collateral right) or out.
    function optIn(uint256 posSeed, bool on) public virtual {
        if (ids.length == 0 || address(preLiquidation) == address(0)) return; // no position yet, or no contract
        uint256 id = ids[posSeed % ids.length];
        vm.prank(_owner(id));
        vault.setManager(id, address(preLiquidation), on ? Permissions.REPAY_WITH_COLLATERAL : 0);
        calls[on ? "optIn" : "optOut"]++;
    }

    /// @notice Anyone pre-liquidates a position. On success it checks the design's promises: only inside the band
    ///         [1, top) of the engine's health, the repay within the largest close factor of the debt, the
    ///         collateral within the repaid value plus the largest incentive (and at least plus the smallest, to
    ///         rounding), health not lowered, exactly the position's lane and the synthetic's supply moved, and no
    ///         other position touched. A refusal must have its reason in the state.
    function preLiquidate(uint256 posSeed, uint256 keeperSeed, uint256 assetSeed, uint256 amount) public virtual {
        if (ids.length == 0 || address(preLiquidation) == address(0)) return; // no position yet, or no contract
        uint256 id = ids[posSeed % ids.length];
        (bool valued, IVault.LiquidationState memory st) = _state(id);
        if (!valued || st.debt == 0 || st.assets.length == 0) return; // nothing a pre-liquidation could act on
        uint256 k = assetSeed % st.assets.length;
        address asset = st.assets[k];
        SyntheticToken token = synths[st.synthId];
        amount = _bound(amount, 1, st.debt);
        address keeper = actors[keeperSeed % 3];
        if (!_fund(token, keeper, amount)) return; // the holders together lack the amount
        vm.prank(keeper);
        token.approve(address(preLiquidation), amount);
        uint256 witness = _witness(id);
        (bool had, uint256 hWitness) = _health(witness);
        uint256 h0 = Valuation.healthDown(st.liquidationLimit, st.debtValue);
        (uint256 supply0, uint256 lane0) = (token.totalSupply(), vault.collateralOf(id, asset));

        vm.prank(keeper);
        try preLiquidation.preLiquidate(id, amount, asset, 0) returns (uint256 repaid, uint256 seized) {
            assertGe(h0, 1e18, "pre-liquidated at or below the liquidation threshold");
            assertLt(h0, preLiquidation.preHealth(), "pre-liquidated above the band");
            assertLe(repaid, (st.debt * 5_000) / 10_000, "repaid more than the largest close factor");
            assertLe(repaid, amount, "repaid more than asked");
            // [wad] the repaid debt's value, and what the collateral taken is worth at the same prices
            uint256 repaidValue = (repaid * st.synthPrice) / 1e18;
            uint256 unit = 10 ** st.decimals[k];
            assertLe((seized * st.prices[k]) / unit, (repaidValue * 10_250) / 10_000, "took above the incentive");
            assertGe(
                ((seized + 1) * st.prices[k]) / unit + 1,
                (repaidValue * 10_100) / 10_000,
                "took below the smallest incentive"
            );
            assertEq(
                vault.collateralOf(id, asset),
                lane0 - seized,
                "the lane moved by other than the collateral taken"
            );
            assertEq(token.totalSupply(), supply0 - repaid, "the supply moved by other than the repaid debt");
            (bool ok, IVault.LiquidationState memory st2) = _state(id);
            if (ok && st2.debtValue != 0) {
                uint256 h1 = Valuation.healthDown(st2.liquidationLimit, st2.debtValue);
                assertGe(h1, h0, "a pre-liquidation lowered the position's health");
            }
            _assertUntouched(witness, had, hWitness);
            roundingOps++;
            calls["preLiquidate"]++;
        } catch (bytes memory err) {
            bytes4 sel = bytes4(err);
            if (sel == IPreLiquidation.OutsideBand.selector) {
                assertTrue(h0 < 1e18 || h0 >= preLiquidation.preHealth(), "refused inside the band");
            } else if (sel == IVault.NotAuthorized.selector) {
                uint256 held = positionLens.permissionsOf(id, address(preLiquidation));
                assertEq(held & Permissions.REPAY_WITH_COLLATERAL, 0, "refused an opted-in position");
            } else if (sel == IOracleAdapter.PriceUnavailable.selector) {
                bool failed;
                for (uint256 j; j < st.prices.length; ++j) failed = failed || st.prices[j] == 0;
                assertTrue(failed, "price unavailable while every basket price is valid");
            } else if (
                sel != IPreLiquidation.SeizeExceedsCollateral.selector &&
                sel != IVault.DebtBelowMinimum.selector &&
                sel != IBallastErrors.ZeroAmount.selector // too small to take a unit of collateral
            ) {
                revert(string(abi.encodePacked("unexplained preLiquidate revert: ", err)));
            }
            calls["preLiquidate:refused"]++;
        }
    }

    function _anyBroken() internal view returns (bool) {
        for (uint256 k; k < NA; ++k) {
            if (feedBroken[k]) return true;
        }
        return false;
    }

    function _assetIndex(address asset) internal view returns (uint256) {
        for (uint256 k; k < NA; ++k) {
            if (address(assets[k]) == asset) return k;
        }
        revert("unknown asset");
    }
}
