// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";

import {LiquidationHandler} from "./LiquidationHandler.sol";
import {Vault} from "../../contracts/Vault.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {IOracleAdapter} from "../../contracts/interfaces/IOracleAdapter.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IPositionLens} from "../../contracts/interfaces/IPositionLens.sol";
import {ITreasury} from "../../contracts/interfaces/ITreasury.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {IReserveLens} from "../../contracts/interfaces/IReserveLens.sol";
import {ReserveLens} from "../../contracts/ReserveLens.sol";
import {LiquidationEngine} from "../../contracts/LiquidationEngine.sol";
import {Settlement} from "../../contracts/Settlement.sol";
import {SyntheticToken} from "../../contracts/SyntheticToken.sol";
import {FixedRateModel} from "../../contracts/FixedRateModel.sol";
import {IRateModel} from "../../contracts/interfaces/IRateModel.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {MockFeed} from "../../contracts/mocks/MockFeed.sol";
import {IBallastTakeCallback} from "../../contracts/interfaces/IBallastTakeCallback.sol";
import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Backing} from "../../contracts/libraries/Backing.sol";
import {IBallastErrors} from "../../contracts/interfaces/IBallastErrors.sol";
import {StabilityModule} from "../../contracts/StabilityModule.sol";
import {Redemptions} from "../../contracts/Redemptions.sol";
import {PreLiquidation} from "../../contracts/periphery/PreLiquidation.sol";
import {IRedemptions} from "../../contracts/interfaces/IRedemptions.sol";
import {IStabilityModule} from "../../contracts/interfaces/IStabilityModule.sol";
import {SavingsToken} from "../../contracts/SavingsToken.sol";
import {Artifacts} from "../utils/Artifacts.sol";

/// @notice The whole system for the invariant suite: everything `LiquidationHandler` drives (positions over three
///         assets of 18, 8 and 6 decimals and two synthetics, prices that move and fail, time, liquidations, takes,
///         resets, claims), plus governance through the real AccessManager path (asset parameters within their
///         bounds with threshold ramps, rate model changes, the ramp duration: scheduled, then executed after a
///         time warp past the delay; guardian pauses), and emergency settlement (shutdown by governance or by the
///         under-backing trigger, frozen and fallback prices, settlement of positions and auctions, owners' claims,
///         finalization and redemption).
/// @dev Every call succeeds or fails for a reason predicted from the state; each `try`/`catch` and early return says
///      why in a comment, and `failOnRevert` stays on. Per-action checks (the invariant ids are design.md's):
///      (3) and (4) in the inherited position actions, also under pauses and after shutdown; (5) in `liquidate`;
///      (7) in `take`; the settlement's split, claims and pro-rata redemption in the settlement actions. Ghost state
///      records what went into and out of the settlement pools for `SystemInvariantTest`.
contract SystemHandler is LiquidationHandler {
    AccessManager public immutable manager;
    Settlement public immutable settlement;
    IReserveLens public immutable lens;
    ITreasury public immutable treasuryC;
    /// @notice Rate models a governor may switch a synthetic to: 0%, 5% and 40% a year.
    FixedRateModel[3] public rateModels;

    /// @notice A call is shut down by governance only when its seed is a multiple of this, so that most runs first
    ///         explore the live system (the fuzzer picks each action about equally often).
    uint256 public constant SHUTDOWN_ODDS = 4;

    // ------------------------------------------------------------------------------------------------ ghost state

    /// @dev One governance proposal at a time, as a multisig's queue would hold it.
    enum Proposal {
        None,
        AssetParams,
        Rate,
        RampDuration
    }
    Proposal public pending;
    bytes public pendingData;
    /// @notice Proposals executed, and ones that expired before execution.
    uint256 public executed;
    uint256 public expired;

    /// @notice [token] Collateral each synthetic's pool received from settled positions and auctions, per asset.
    uint256[3][2] public pooledIn;
    /// @notice [token] Collateral paid out of each pool to redeeming holders, per asset.
    uint256[3][2] public redeemedOut;
    /// @notice [token] Collateral governance swept out of each pool once nobody could redeem it, per asset.
    uint256[3][2] public sweptOut;
    /// @notice Where governance sends a pool nobody can redeem (the protocol's own surplus).
    address public constant SURPLUS = address(uint160(uint256(keccak256("ballast.invariant.surplus"))));
    /// @notice [wad] Synthetic units handed in for redemption.
    uint256[2] public redeemedUnits;
    /// @notice [wad USD] Value at frozen prices of the debt settled per synthetic, each settlement rounded up.
    uint256[2] public owedValue;
    /// @notice [wad USD] Allowed excess of a pool's value over the settled debt's: each settlement's split rounds
    ///         every asset up by at most one token unit (its price / 10^decimals), plus 1 wei per asset.
    uint256[2] public poolSlack;
    /// @notice [token] Collateral handed to owners' claims by the settlement, per asset, and claimed so far.
    uint256[3] public claimsIn;
    uint256[3] public claimsOut;
    /// @notice [wad] Frozen prices as first seen (they must never change).
    uint256[3] public frozenSeen;
    /// @notice Settlement steps taken (each can round a debt up by one wei).
    uint256 public settlements;
    /// @notice The bUSD / USDC stability module (`setModule`; USDC is `assets[2]`).
    StabilityModule public module;
    /// @notice The Vault's redeemer (`setRedemptions`).
    Redemptions public redemptions;
    /// @notice sbUSD, the savings token the Treasury distributes bUSD surplus to (`setSavings`).
    SavingsToken public savings;
    /// @notice [wad] bUSD the Treasury distributed to the savings token, as the handler saw each distribution.
    uint256 public distributedToSavings;
    /// @notice Savings deposits, withdrawals and distributions (each can leave a wei with the savings token).
    uint256 public savingsOps;

    constructor(
        Vault vault_,
        MockERC20[NA] memory assets_,
        MockFeed[NA] memory feeds_,
        SyntheticToken[2] memory synths_,
        address[3] memory actors_,
        LiquidationEngine engine_,
        AccessManager manager_,
        Settlement settlement_,
        FixedRateModel[3] memory rateModels_
    )
        LiquidationHandler(
            vault_,
            assets_,
            feeds_,
            synths_,
            actors_,
            address(engine_.treasury()),
            engine_,
            PreLiquidation(address(0))
        )
    {
        manager = manager_;
        settlement = settlement_;
        lens = ReserveLens(Artifacts.deploy("ReserveLens.sol:ReserveLens", abi.encode(vault_)));
        treasuryC = engine_.treasury();
        rateModels = rateModels_;
    }

    /// @dev The actions keep to WETH, WBTC and USDC: the replays below were recorded over those three (wstETH and
    ///      TBILL run in the Vault and liquidation suites).
    function _assetCount() internal pure override returns (uint256) {
        return 3;
    }

    function isShut() public view returns (bool) {
        return vault.shutdownAt() != 0;
    }

    /// @notice Sets the stability module the swap actions use (once, by the test's setUp).
    function setModule(StabilityModule module_) external {
        require(address(module) == address(0), "module already set");
        module = module_;
    }

    /// @notice Sets the redeemer the redemption action uses (once, by the test's setUp).
    function setRedemptions(Redemptions redemptions_) external {
        require(address(redemptions) == address(0), "redemptions already set");
        redemptions = redemptions_;
    }

    /// @notice An actor redeems its synthetic against one position. When it goes through, the position's health did
    ///         not fall (at the prices of the call) and its debt is 0 or at least the minimum; a refusal is explained.
    function redeemAgainst(uint256 actorSeed, uint256 posSeed, uint256 amount) external {
        if (ids.length == 0) return; // no position yet
        uint256 id = ids[posSeed % ids.length];
        address who = actors[actorSeed % 3];
        (, uint256 s, ) = vault.positionOf(id);
        uint256 bal = synths[s].balanceOf(who);
        if (bal == 0) return; // nothing to hand in
        amount = _bound(amount, 1, bal);
        IRedemptions.Exposure memory x = redemptions.exposureOf(id);
        uint256[] memory one = new uint256[](1);
        one[0] = id;
        vm.startPrank(who);
        synths[s].approve(address(redemptions), amount);
        try redemptions.redeem(s, amount, one, 1_000, who) returns (uint256 redeemed, uint256) {
            assertTrue(x.redeemable && !isShut(), "redeemed a position that was not exposed");
            assertLe(redeemed, x.maxRedeemable, "redeemed more than the position's exposure");
            IRedemptions.Exposure memory y = redemptions.exposureOf(id);
            if (y.health != 0) assertGe(y.health, x.health, "a redemption lowered the health");
            uint256 debt = positionLens.debtOf(id);
            assertTrue(debt == 0 || debt >= positionLens.synthetic(s).params.minDebt, "a redemption left dust");
            roundingOps++;
            calls["redeem:positions"]++;
        } catch (bytes memory err) {
            bytes4 sel = bytes4(err);
            if (isShut() && x.redeemable) assertEq(sel, IBallastErrors.SystemShutdown.selector, "redeem: shut down");
            else assertEq(sel, IRedemptions.NothingRedeemed.selector, "redeem: unexplained revert");
            assertFalse(x.redeemable && !isShut(), "refused an exposed position");
            synths[s].approve(address(redemptions), 0);
            calls["redeem:positions:refused"]++;
        }
        vm.stopPrank();
    }

    // ------------------------------------------------------------------------- savings and the surplus policy

    /// @notice Sets the savings token the savings actions use (once, by the test's setUp).
    function setSavings(SavingsToken savings_) external {
        require(address(savings) == address(0), "savings already set");
        savings = savings_;
    }

    /// @notice An actor deposits bUSD into sbUSD: it receives the preview's shares and the token's assets grow by
    ///         exactly the deposit; a round trip at once never gives back more than was put in.
    function saveDeposit(uint256 actorSeed, uint256 amount) external {
        address who = actors[actorSeed % 3];
        uint256 bal = synths[0].balanceOf(who);
        if (bal == 0) return;
        amount = _bound(amount, 1, bal);
        uint256 shares = savings.previewDeposit(amount);
        uint256 assetsBefore = savings.totalAssets();
        vm.startPrank(who);
        synths[0].approve(address(savings), amount);
        try savings.deposit(amount, who) returns (uint256 got) {
            assertEq(got, shares, "deposit gave other than its preview");
            assertEq(savings.totalAssets(), assetsBefore + amount, "deposit: assets did not grow by the amount");
            assertLe(savings.previewRedeem(got), amount, "a deposit's shares are worth more than it at once");
            savingsOps++;
            calls["saveDeposit"]++;
        } catch (bytes memory err) {
            // the one explained refusal: too little for a share (OpenZeppelin's ERC4626 mints 0 shares otherwise)
            assertEq(shares, 0, string.concat("deposit refused: ", vm.toString(err)));
            synths[0].approve(address(savings), 0);
            calls["saveDeposit:refused"]++;
        }
        vm.stopPrank();
    }

    /// @notice An actor redeems sbUSD shares for bUSD: it receives the preview, never more than the assets held.
    function saveWithdraw(uint256 actorSeed, uint256 shares) external {
        address who = actors[actorSeed % 3];
        uint256 held = savings.balanceOf(who);
        if (held == 0) return;
        shares = _bound(shares, 1, held);
        _redeemSavings(who, shares);
    }

    function _redeemSavings(address who, uint256 shares) internal {
        uint256 out = savings.previewRedeem(shares);
        uint256 balBefore = synths[0].balanceOf(who);
        vm.prank(who);
        uint256 got = savings.redeem(shares, who, who);
        assertEq(got, out, "redeem paid other than its preview");
        assertEq(synths[0].balanceOf(who) - balBefore, got, "redeem paid other than it said");
        savingsOps++;
        calls["saveWithdraw"]++;
    }

    /// @notice Anyone pokes the Treasury's clock and triggers a distribution of bUSD surplus. The waterfall: it goes through only without a
    ///         deficit and before shutdown, once the surplus has stayed above the buffer for the minimum duration
    ///         and the minimum interval has passed; it pays at most the policy's share of the surplus above the
    ///         buffer and at most its maximum, never takes the surplus below the buffer, and the savings token
    ///         receives it as a stream (its share price does not move at once). Every refusal is explained.
    function distribute() external {
        // as the keeper does: poke (a refused distribution's own poke is rolled back with it), then distribute
        treasuryC.poke(0);
        ITreasury.Policy memory p = treasuryC.policy(0);
        uint256 owed = treasuryC.deficit(0);
        uint256 available = treasuryC.surplus(0);
        uint256 assetsBefore = savings.totalAssets();
        uint256 heldBefore = synths[0].balanceOf(address(savings));
        try treasuryC.distribute(0) returns (uint256 toSavings, uint256 toBuyback) {
            assertFalse(isShut(), "distributed after shutdown");
            assertEq(owed, 0, "distributed while a deficit is open");
            assertGt(available, p.buffer, "distributed without a surplus above the buffer");
            assertEq(toSavings, _toSavings(p, available), "distributed other than the policy's share");
            assertEq(toBuyback, 0, "no buyback sink is set");
            assertGe(treasuryC.surplus(0), p.buffer, "distributed into the buffer");
            assertEq(synths[0].balanceOf(address(savings)), heldBefore + toSavings, "the savings token did not get it");
            assertEq(savings.totalAssets(), assetsBefore, "a distribution moved the share price at once");
            distributedToSavings += toSavings;
            savingsOps++;
            calls["distribute"]++;
        } catch (bytes memory err) {
            bytes4 sel = bytes4(err);
            if (isShut()) assertEq(sel, IBallastErrors.SystemShutdown.selector, "distribute: shut down");
            else if (owed != 0) assertEq(sel, ITreasury.DeficitOpen.selector, "distribute: deficit open");
            else if (available <= p.buffer) assertEq(sel, ITreasury.SurplusBelowBuffer.selector, "distribute: buffer");
            else if (sel != ITreasury.DistributionTooEarly.selector) {
                // above the buffer and on time: refused only when the share comes to nothing (no saver, or too
                // little above the buffer)
                assertEq(sel, IBallastErrors.ZeroAmount.selector, "distribute: unexplained revert");
                assertEq(_toSavings(p, available), 0, "distribute: refused though the share is not 0");
            }
            calls["distribute:refused"]++;
        }
    }

    /// @dev [wad] The savings token's part of a distribution of `available` under `p` (Treasury._split, restated).
    function _toSavings(ITreasury.Policy memory p, uint256 available) internal view returns (uint256) {
        if (available <= p.buffer || !savings.vestingActive()) return 0;
        uint256 amount = ((available - p.buffer) * p.maxShareBps) / 1e4;
        if (amount > p.maxAmount) amount = p.maxAmount;
        return (amount * p.savingsBps) / 1e4;
    }

    /// @notice Every actor redeems all its savings shares (the wind-down, after the vesting has run out).
    function exitSavings() external {
        for (uint256 k; k < 3; ++k) {
            uint256 held = savings.balanceOf(actors[k]);
            if (held != 0) _redeemSavings(actors[k], held);
        }
    }

    // ------------------------------------------------------------------------------------ the stability module

    /// @notice An actor swaps USDC for bUSD through the module. Succeeds exactly when the module and the Vault
    ///         allow it (priced inside the band, not shut down or paused, under the ceiling, something to mint), and
    ///         then mints the preview's units and adds exactly their gross to the module's debt.
    function swapIn(uint256 actorSeed, uint256 amount) external {
        address who = actors[actorSeed % 3];
        MockERC20 usdc = assets[2];
        amount = _bound(amount, 1, 100_000e6);
        usdc.mint(who, amount);
        (uint256 minted, uint256 fee) = module.previewSwapIn(amount);
        (uint256 debtBefore, uint256 ceiling) = module.debt();
        (uint256 ratio, bool priced) = module.pegRatio();
        uint256 low = 1e18 - uint256(module.config().bandBps) * 1e14;
        uint256 supplyBefore = synths[0].totalSupply();
        vm.startPrank(who);
        usdc.approve(address(module), amount);
        try module.swapIn(amount, 0, who) returns (uint256 m, uint256 f) {
            assertEq(m, minted, "swapIn minted other than its preview");
            assertEq(f, fee, "swapIn fee other than its preview");
            assertTrue(priced && ratio >= low && !isShut() && !vault.paused(), "swapped in while refused");
            assertLe(debtBefore + m + f, ceiling, "swapped in past the ceiling");
            (uint256 debtAfter, ) = module.debt();
            assertEq(debtAfter, debtBefore + m + f, "module debt did not grow by the gross");
            assertEq(synths[0].totalSupply(), supplyBefore + m + f, "supply did not grow by the gross");
            calls["swapIn"]++;
        } catch (bytes memory err) {
            // explained, in the order the module and the Vault check
            bytes4 sel = bytes4(err);
            if (!priced) assertEq(sel, IStabilityModule.PegUnverified.selector, "swapIn: unpriced");
            else if (ratio < low) assertEq(sel, IStabilityModule.ReserveOffPeg.selector, "swapIn: off peg");
            else if (minted == 0) assertEq(sel, IBallastErrors.ZeroAmount.selector, "swapIn: nothing to mint");
            else if (isShut()) assertEq(sel, IBallastErrors.SystemShutdown.selector, "swapIn: shut down");
            else if (vault.paused()) assertEq(sel, IVault.Paused.selector, "swapIn: paused");
            else assertEq(sel, IVault.ModuleCeilingExceeded.selector, "swapIn: unexplained revert");
            usdc.approve(address(module), 0);
            calls["swapIn:refused"]++;
        }
        vm.stopPrank();
    }

    /// @notice An actor swaps bUSD for USDC through the module. Succeeds exactly when allowed (not above the band,
    ///         not shut down, something to pay, within the module's debt), pays the preview and burns exactly the
    ///         units the payment backs.
    function swapOut(uint256 actorSeed, uint256 amount) external {
        address who = actors[actorSeed % 3];
        uint256 bal = synths[0].balanceOf(who);
        if (bal == 0) return; // nothing to hand in
        amount = _bound(amount, 1, bal);
        (uint256 out, uint256 fee, uint256 burned) = module.previewSwapOut(amount);
        (uint256 debtBefore, ) = module.debt();
        (uint256 ratio, bool priced) = module.pegRatio(); // bUSD is priced at exactly 1: the ratio is USDC's price
        uint256 high = 1e18 + uint256(module.config().bandBps) * 1e14;
        uint256 paidBefore = assets[2].balanceOf(who);
        vm.startPrank(who);
        synths[0].approve(address(module), amount);
        try module.swapOut(amount, 0, who) returns (uint256 o, uint256 f) {
            assertEq(o, out, "swapOut paid other than its preview");
            assertEq(f, fee, "swapOut fee other than its preview");
            assertTrue((!priced || ratio <= high) && !isShut() && burned <= debtBefore, "swapped out while refused");
            (uint256 debtAfter, ) = module.debt();
            assertEq(debtAfter, debtBefore - burned, "module debt did not fall by the units burned");
            assertEq(assets[2].balanceOf(who) - paidBefore, out, "swapOut paid other than it said");
            calls["swapOut"]++;
        } catch (bytes memory err) {
            bytes4 sel = bytes4(err);
            if (priced && ratio > high) assertEq(sel, IStabilityModule.ReserveOffPeg.selector, "swapOut: off peg");
            else if (out == 0) assertEq(sel, IBallastErrors.ZeroAmount.selector, "swapOut: nothing to pay");
            else if (isShut()) assertEq(sel, IBallastErrors.SystemShutdown.selector, "swapOut: shut down");
            else assertEq(sel, IVault.ExceedsModuleDebt.selector, "swapOut: unexplained revert");
            synths[0].approve(address(module), 0);
            calls["swapOut:refused"]++;
        }
        vm.stopPrank();
    }

    /// @dev Settles the module after shutdown: its debt leaves the Vault and all its reserves join bUSD's pool.
    function _settleModule() internal {
        (uint256 debt, ) = module.debt();
        MockERC20 usdc = assets[2];
        uint256 held = usdc.balanceOf(address(module));
        uint256 price = settlement.frozenPrice(address(usdc));
        uint256 poolBefore = settlement.pool(0, address(usdc));
        (uint256 settledBefore, ) = settlement.settledDebt(0);
        try settlement.settleModule(address(module)) {
            assertTrue(isShut() && (debt == 0 || price != 0), "settled the module before shutdown or unpriced");
            (uint256 debtAfter, ) = module.debt();
            assertEq(debtAfter, 0, "settled module keeps debt");
            assertEq(usdc.balanceOf(address(module)), 0, "settled module keeps reserves");
            assertEq(settlement.pool(0, address(usdc)), poolBefore + held, "the pool did not get every reserve");
            (uint256 settledAfter, ) = settlement.settledDebt(0);
            assertEq(settledAfter, settledBefore + debt, "module debt not recorded as settled");
            pooledIn[0][2] += held;
            if (debt != 0) {
                uint256 worth = (held * price) / 1e6; // [wad USD]
                owedValue[0] += debt; // bUSD at exactly 1
                poolSlack[0] += (worth > debt ? worth - debt : 0) + 1; // all reserves go to the pool, excess too
            }
            calls["settleModule"]++;
        } catch (bytes memory err) {
            bytes4 sel = bytes4(err);
            if (!isShut()) assertEq(sel, IBallastErrors.NotShutdown.selector, "settleModule before shutdown");
            else assertEq(sel, ISettlement.PriceNotFrozen.selector, "settleModule: unexplained revert");
            calls["settleModule:refused"]++;
        }
    }

    /// @notice Anyone settles the module (after shutdown; refused before).
    function settleModule() external {
        _settleModule();
    }

    // ------------------------------------------------------------------------ position actions, shutdown-aware

    /// @notice Opens a position; while paused or after shutdown the Vault must refuse, with that reason.
    function open(uint256 actorSeed, uint256 synthSeed) public override {
        if (!isShut() && !vault.paused()) return super.open(actorSeed, synthSeed);
        vm.prank(actors[actorSeed % 3]);
        try vault.open(synthSeed % 2) {
            revert("opened a position while paused or shut down");
        } catch (bytes memory err) {
            // the only explained refusals: settlement has started, or the guardian paused new risk
            bytes4 sel = bytes4(err);
            if (isShut()) assertEq(sel, IBallastErrors.SystemShutdown.selector, "open after shutdown: wrong reason");
            else assertEq(sel, IVault.Paused.selector, "open while paused: wrong reason");
        }
        calls["open:refused"]++;
    }

    /// @notice Mints near the limit (see `LiquidationHandler.mintToLimit`).
    function mintToLimit(uint256 posSeed) public override {
        // while paused or shut down every mint is refused; `mint` exercises and explains those refusals, this
        // action only exists to bring positions close to their limit
        if (isShut() || vault.paused() || _anyAssetPaused()) return;
        super.mintToLimit(posSeed);
    }

    /// @notice Starts a liquidation; after shutdown the Vault must refuse (settlement takes positions over).
    function liquidate(uint256 posSeed, uint256 keeperSeed) public override {
        if (!isShut()) return super.liquidate(posSeed, keeperSeed);
        if (ids.length == 0) return; // nothing to liquidate yet
        uint256 id = ids[posSeed % ids.length];
        vm.prank(actors[keeperSeed % 3]);
        try engine.liquidate(id) {
            revert("a liquidation started after shutdown");
        } catch (bytes memory err) {
            // explained: the Vault refuses new liquidations once settlement started; a healthy position or one that
            // cannot be valued is refused before the Vault is asked
            bytes4 sel = bytes4(err);
            assertTrue(
                sel == IBallastErrors.SystemShutdown.selector ||
                    sel == ILiquidationEngine.PositionHealthy.selector ||
                    sel == IOracleAdapter.PriceUnavailable.selector,
                "liquidate after shutdown: unexplained revert"
            );
        }
        calls["liquidate:shut"]++;
    }

    /// @notice A keeper claims its pay. After shutdown the Treasury can no longer mint the part its surplus lacks.
    function claimPay(uint256 keeperSeed, uint256 synthSeed) public override {
        address keeper = actors[keeperSeed % 3];
        uint256 synthId = synthSeed % 2;
        uint256 owed = engine.keeperPayOwed(keeper, synthId);
        if (!isShut() || owed == 0) return super.claimPay(keeperSeed, synthSeed);
        uint256 surplus = treasuryC.surplus(synthId);
        vm.prank(keeper);
        try engine.claimKeeperPay(synthId, keeper) {
            revert("keeper pay paid after shutdown");
        } catch (bytes memory err) {
            // explained: the supply is final once settlement starts and the surplus belongs to the redeemers, so
            // the Treasury neither mints nor pays (IBallastErrors.SystemShutdown, the Vault's selector too)
            assertEq(bytes4(err), IBallastErrors.SystemShutdown.selector, "claimPay after shutdown: wrong reason");
        }
        assertEq(treasuryC.surplus(synthId), surplus, "surplus moved after shutdown");
        calls["claimPay:shut"]++;
    }

    /// @notice A take (see `LiquidationHandler.take`), plus (7): bad debt is recorded only when the auction's lot is
    ///         exhausted, and it shows in the Treasury's books at once.
    function take(uint256 auctionSeed, uint256 amount, uint256 takerSeed) public override {
        IPositionLens.AuctionView[] memory live = positionLens.getAuctions(0, 50);
        if (live.length == 0) return; // no auction to take
        IPositionLens.AuctionView memory a = live[auctionSeed % live.length];
        uint256 recorded = treasuryC.history(a.synthId).badDebt;
        super.take(auctionSeed, amount, takerSeed);
        uint256 recordedAfter = treasuryC.history(a.synthId).badDebt;
        if (recordedAfter != recorded) {
            assertEq(engine.auction(a.id).tab, 0, "bad debt recorded while the auction still has collateral");
            calls["take:badDebt"]++;
        }
    }

    /// @dev Also explains the refusals of a risk-increasing action by the guardian's pauses and by shutdown.
    function _explainRiskRevert(uint256 id, bytes memory err) internal view override {
        bytes4 sel = bytes4(err);
        if (sel == IBallastErrors.SystemShutdown.selector) {
            assertTrue(isShut(), "SystemShutdown while running");
            return;
        }
        if (sel == IVault.Paused.selector) {
            assertTrue(vault.paused(), "Paused while not paused");
            return;
        }
        if (sel == IVault.AssetPaused.selector) {
            assertTrue(_basketHoldsPausedAsset(id), "AssetPaused without a paused asset in the basket");
            return;
        }
        super._explainRiskRevert(id, err);
    }

    /// @notice (6) Round trips never gain: a deposit then a withdrawal of the same amount leaves the owner with
    ///         exactly what it had; a mint then a repay costs the owner at least what it received and leaves the
    ///         debt no lower than before.
    function roundTrip(uint256 posSeed, uint256 assetSeed, uint256 amount) external {
        if (ids.length == 0) return; // no position yet
        uint256 id = ids[posSeed % ids.length];
        address owner = _owner(id);
        MockERC20 asset = assets[assetSeed % 3];
        uint256 units = _bound(amount, 1, 10 * 10 ** asset.decimals());
        asset.mint(owner, units);
        uint256 bal = asset.balanceOf(owner);
        uint256 held = vault.collateralOf(id, address(asset));
        vm.prank(owner);
        asset.approve(address(vault), units);
        vm.prank(owner);
        vault.deposit(id, address(asset), units); // deposits always work (4)
        vm.prank(owner);
        try vault.withdraw(id, address(asset), units, owner) {
            assertEq(asset.balanceOf(owner), bal, "(6) deposit -> withdraw changed the owner's balance");
            assertEq(vault.collateralOf(id, address(asset)), held, "(6) deposit -> withdraw changed the position");
        } catch (bytes memory err) {
            // explained like any withdrawal: beyond the limit, a failed price, a pause or shutdown
            _explainRiskRevert(id, err);
        }
        (, uint256 synthId, ) = vault.positionOf(id);
        uint256 debt = positionLens.debtOf(id);
        uint256 m = _bound(amount, 1, synthId == 0 ? 1_000e18 : 1e18);
        vm.prank(owner);
        try vault.mint(id, m, owner) {
            _repayRoundTrip(id, synthId, owner, debt, m);
        } catch (bytes memory err) {
            // explained like any mint: the minimum debt, the ceiling, the limit, a price, a pause or shutdown
            bytes4 sel = bytes4(err);
            if (sel != IVault.DebtBelowMinimum.selector && sel != IVault.DebtCeilingExceeded.selector) {
                _explainRiskRevert(id, err);
            }
            calls["roundTrip:refused"]++;
        }
    }

    /// @dev The repay half of a round trip after minting `m` on a position that owed `debt`: repays `m`, or all of
    ///      it when the position had no debt (a partial repay would leave rounding dust below the minimum debt).
    function _repayRoundTrip(uint256 id, uint256 synthId, address owner, uint256 debt, uint256 m) internal {
        SyntheticToken token = synths[synthId];
        uint256 added = positionLens.debtOf(id) - debt;
        assertGe(added, m, "(6) a mint added less debt than it minted");
        roundingOps += 2;
        if (debt == 0 && !_fund(token, owner, added)) return; // nobody holds the rounding wei: the debt stays
        uint256 before = token.balanceOf(owner);
        vm.prank(owner);
        vault.repay(id, debt == 0 ? type(uint256).max : m); // repay always works (4)
        assertGe(before - token.balanceOf(owner), m, "(6) mint -> repay cost less than was minted");
        assertGe(positionLens.debtOf(id), debt, "(6) mint -> repay lowered the debt");
        calls["roundTrip"]++;
    }

    // ------------------------------------------------------------------------------------------------ governance

    /// @notice A governor proposes new risk parameters for one asset, inside the bounds (threshold in [50%, 90%],
    ///         max LTV 5-20 points below it, penalty 1-10%, never frozen, no supply cap so deposits stay unbounded).
    function proposeAssetParams(uint256 assetSeed, uint256 thrSeed, uint256 ltvSeed, uint256 penSeed) external {
        if (pending != Proposal.None) return; // one proposal at a time: `executeProposal` clears it
        uint16 thr = uint16(_bound(thrSeed, 5_000, 9_000));
        uint16 ltv = uint16(thr - _bound(ltvSeed, 500, 2_000));
        uint16 pen = uint16(_bound(penSeed, 100, 1_000));
        IVault.AssetParams memory p = IVault.AssetParams(ltv, thr, pen, type(uint48).max, false);
        _propose(Proposal.AssetParams, abi.encodeCall(IVault.setAssetParams, (address(assets[assetSeed % 3]), p)));
    }

    /// @notice A governor proposes another rate model for one synthetic (price source, ceiling, minimum kept).
    function proposeRate(uint256 synthSeed, uint256 modelSeed) external {
        if (pending != Proposal.None) return; // one proposal at a time
        uint256 s = synthSeed % 2;
        IVault.SyntheticParams memory p = positionLens.synthetic(s).params;
        p.rateModel = rateModels[modelSeed % 3];
        _propose(Proposal.Rate, abi.encodeCall(IVault.setSyntheticParams, (s, p)));
    }

    /// @notice A governor proposes a new ramp duration for lowered thresholds, in [1 day, 30 days].
    function proposeRampDuration(uint256 seed) external {
        if (pending != Proposal.None) return; // one proposal at a time
        _propose(Proposal.RampDuration, abi.encodeCall(IVault.setRampDuration, (_bound(seed, 1 days, 30 days))));
    }

    /// @notice Executes the pending proposal, first letting time pass to the end of its delay if needed. Checks that
    ///         it applied: a lowered liquidation threshold ramps in from the value in force (no jump), a raised one
    ///         applies at once; the rate model and ramp duration are the proposed ones.
    function executeProposal() external {
        if (pending == Proposal.None) return; // nothing proposed
        bytes memory data = pendingData;
        bytes32 opId = manager.hashOperation(address(this), address(vault), data);
        uint48 readyAt = manager.getSchedule(opId);
        if (readyAt == 0) {
            // explained: the AccessManager forgets an operation once it expired (a long warp passed its window)
            _clearProposal();
            expired++;
            return;
        }
        if (block.timestamp < readyAt) _warpTo(readyAt);
        address asset;
        uint256 inForce;
        if (pending == Proposal.AssetParams) {
            (asset, ) = abi.decode(_args(data), (address, IVault.AssetParams));
            inForce = positionLens.liquidationThreshold(asset);
        }
        manager.execute(address(vault), data); // scheduled, ready, unexpired and inside the bounds: must succeed
        if (pending == Proposal.AssetParams) {
            (, IVault.AssetParams memory p) = abi.decode(_args(data), (address, IVault.AssetParams));
            IVault.AssetConfig memory c = vault.assetConfig(asset);
            assertEq(c.maxLtvBps, p.maxLtvBps, "max LTV not applied");
            assertEq(c.liqThresholdBps, p.liqThresholdBps, "threshold target not applied");
            uint256 now_ = positionLens.liquidationThreshold(asset);
            if (p.liqThresholdBps < inForce) {
                assertEq(now_, inForce, "a lowered threshold jumped instead of ramping");
                assertEq(positionLens.rampOf(asset).end, block.timestamp + vault.rampDuration(), "ramp end");
                calls["gov:ramp"]++;
            } else {
                assertEq(now_, p.liqThresholdBps, "a raised threshold did not apply at once");
            }
        } else if (pending == Proposal.Rate) {
            (uint256 s, IVault.SyntheticParams memory p) = abi.decode(_args(data), (uint256, IVault.SyntheticParams));
            assertEq(
                address(positionLens.synthetic(s).params.rateModel),
                address(p.rateModel),
                "rate model not applied"
            );
            calls["gov:rate"]++;
        } else {
            assertEq(vault.rampDuration(), abi.decode(_args(data), (uint256)), "ramp duration not applied");
        }
        executed++;
        _clearProposal();
        calls["gov:executed"]++;
    }

    /// @notice The guardian lifts a pause, or (one call in two) pauses everything or one asset. Repay, deposit and
    ///         liquidation must keep working meanwhile (the inherited actions do not tolerate their revert).
    function guardian(uint256 seed) external {
        if (vault.paused()) {
            vault.setPaused(false); // the guardian's role has no delay
            calls["guardian:unpause"]++;
            return;
        }
        for (uint256 k; k < 3; ++k) {
            if (vault.assetConfig(address(assets[k])).flags & 1 != 0) {
                vault.setAssetPaused(address(assets[k]), false);
                calls["guardian:unpause"]++;
                return;
            }
        }
        if (seed % 2 != 0) return; // half the time the guardian only watches
        if ((seed >> 8) % 2 == 0) vault.setPaused(true);
        else vault.setAssetPaused(address(assets[(seed >> 16) % 3]), true);
        calls["guardian:pause"]++;
    }

    // ------------------------------------------------------------------------------------------------ settlement

    /// @notice Governance shuts the system down: `Settlement.shutdown` is scheduled under the CRITICAL role, its
    ///         delay passes, it executes. Every price the oracle gives is frozen then; failed ones stay unfrozen.
    function shutdown(uint256 seed) external {
        if (isShut()) return; // once only: the Vault refuses a second shutdown (unit-tested)
        if (seed % SHUTDOWN_ODDS != 0) return; // rare, see SHUTDOWN_ODDS
        bytes memory data = abi.encodeCall(ISettlement.shutdown, ());
        manager.schedule(address(settlement), data, 0);
        _warpTo(manager.getSchedule(manager.hashOperation(address(this), address(settlement), data)));
        manager.execute(address(settlement), data);
        assertEq(vault.shutdownAt(), block.timestamp, "shutdown time");
        _checkFrozenAtShutdown();
        calls["shutdown"]++;
    }

    /// @notice Anyone records whether the system is under-backed; at a failed price it must refuse, and after
    ///         shutdown there is nothing left to judge.
    function poke() external {
        if (isShut()) {
            vm.expectRevert(abi.encodeWithSelector(IBallastErrors.SystemShutdown.selector, vault.shutdownAt()));
            settlement.poke();
            calls["poke:shut"]++;
            return;
        }
        IReserveLens.SystemReserve memory r = lens.systemReserve();
        try settlement.poke() returns (uint256 bps) {
            assertTrue(r.complete, "poked at a failed price");
            assertEq(bps, r.backingBps, "poke disagrees with the lens");
            if (bps < settlement.triggerBackingBps()) assertGt(settlement.underSince(), 0, "under-backing not marked");
            else {
                // backed: no stretch, or a recovery in progress that has not yet held for the delay
                uint256 since = settlement.underSince();
                uint256 backed = settlement.backedSince();
                if (since != 0) {
                    assertGt(backed, 0, "backed system marked under-backed with no recovery in progress");
                    assertLt(block.timestamp, backed + settlement.triggerDelay(), "a recovery held for the delay");
                } else {
                    assertEq(backed, 0, "a recovery in progress without a stretch");
                }
            }
            calls["poke"]++;
        } catch (bytes memory err) {
            // explained: the system is never judged at a failed price
            assertFalse(r.complete, "poke refused with every price available");
            assertEq(bytes4(err), ISettlement.BackingIncomplete.selector, "poke: wrong reason");
            calls["poke:refused"]++;
        }
    }

    /// @notice A taker whose take callback pokes and triggers the settlement while the engine is mid-take (the lot out,
    ///         the payment not yet in): both readings are refused and the settlement clock is exactly as before. The
    ///         take itself completes (the callback does not make it fail).
    function pokeMidTake(uint256 auctionSeed, uint256 amount) external {
        IPositionLens.AuctionView[] memory live = positionLens.getAuctions(0, 50);
        if (live.length == 0 || isShut()) return; // nothing to take
        IPositionLens.AuctionView memory a = live[auctionSeed % live.length];
        if (a.needsReset || a.price == 0) return; // not takeable now
        amount = _bound(amount, 1, a.lot);
        uint256 unit = 10 ** assets[_assetIndex(a.asset)].decimals();
        uint256 cost = (amount * a.price + unit - 1) / unit;
        MidOperationPoker poker = _poker();
        if (!_fund(synths[a.synthId], address(poker), cost)) {
            poker.sweep(IERC20(address(synths[a.synthId])), actors[0]); // the holders lack it: hand back what came
            return;
        }
        (uint256 since, uint256 backed) = (settlement.underSince(), settlement.backedSince());
        try poker.take(engine, a.id, amount, a.price, IERC20(address(synths[a.synthId]))) {
            _assertRefusedMidOperation(poker, since, backed);
            calls["pokeMidTake"]++;
        } catch (bytes memory err) {
            bytes4 sel = bytes4(err);
            // the take's own refusals, as in `take`
            if (
                sel != ILiquidationEngine.TakeLeavesDust.selector &&
                sel != ILiquidationEngine.AuctionNeedsReset.selector
            ) {
                revert(string(abi.encodePacked("pokeMidTake: unexplained take revert: ", err)));
            }
            calls["pokeMidTake:refused"]++;
        }
        // the bought collateral and the unspent synthetic go to an actor: the system's books count only known holders
        poker.sweep(IERC20(address(synths[a.synthId])), actors[0]);
        poker.sweep(IERC20(a.asset), actors[0]);
    }

    /// @notice A flash borrower of a synthetic that pokes and triggers the settlement while the loan is out: both
    ///         readings are refused and the settlement clock is exactly as before.
    function pokeMidFlashLoan(uint256 synthSeed, uint256 amount) external {
        if (isShut()) return;
        SyntheticToken token = synths[synthSeed % 2];
        uint256 max = token.maxFlashLoan(address(token));
        if (max == 0) return; // flash loans off
        amount = _bound(amount, 1, max);
        MidOperationPoker poker = _poker();
        if (!_fund(token, address(poker), token.flashFee(address(token), amount))) {
            poker.sweep(IERC20(address(token)), actors[0]); // the holders lack the fee: hand back what came
            return;
        }
        (uint256 since, uint256 backed) = (settlement.underSince(), settlement.backedSince());
        poker.borrow(token, amount);
        _assertRefusedMidOperation(poker, since, backed);
        poker.sweep(IERC20(address(token)), actors[0]);
        calls["pokeMidFlashLoan"]++;
    }

    MidOperationPoker internal poker_;

    function _poker() internal returns (MidOperationPoker) {
        if (address(poker_) == address(0)) poker_ = new MidOperationPoker(settlement);
        return poker_;
    }

    /// @dev Both readings the poker took mid-operation were refused (busy, or a failed price, which is refused first),
    ///      and the under-backed stretch and the recovery are where they were.
    function _assertRefusedMidOperation(MidOperationPoker poker, uint256 since, uint256 backed) internal view {
        assertTrue(poker.pokeRefused() && poker.triggerRefused(), "a reading mid-operation was accepted");
        bytes4[2] memory errs = [poker.pokeError(), poker.triggerError()];
        for (uint256 i; i < 2; ++i) {
            assertTrue(
                errs[i] == Backing.SystemBusy.selector || errs[i] == ISettlement.BackingIncomplete.selector,
                "a reading mid-operation refused for another reason"
            );
        }
        assertEq(settlement.underSince(), since, "a reading mid-operation moved the under-backed clock");
        assertEq(settlement.backedSince(), backed, "a reading mid-operation moved the recovery clock");
        assertEq(vault.shutdownAt(), 0, "a reading mid-operation shut the system down");
    }

    /// @notice Anyone triggers shutdown once the system has stayed under-backed for the trigger delay.
    function trigger() external {
        IReserveLens.SystemReserve memory r = lens.systemReserve();
        uint256 since = settlement.underSince();
        bool wasShut = isShut();
        try settlement.trigger() {
            assertFalse(wasShut, "triggered twice");
            assertTrue(r.complete && r.backingBps < settlement.triggerBackingBps(), "triggered while backed");
            assertTrue(since != 0 && block.timestamp >= since + settlement.triggerDelay(), "triggered too early");
            _checkFrozenAtShutdown();
            calls["trigger"]++;
        } catch (bytes memory err) {
            // explained refusals, in the order the contract checks them
            bytes4 sel = bytes4(err);
            if (wasShut) assertEq(sel, IBallastErrors.SystemShutdown.selector, "trigger after shutdown");
            else if (!r.complete) assertEq(sel, ISettlement.BackingIncomplete.selector, "trigger at a failed price");
            else if (r.backingBps >= settlement.triggerBackingBps())
                assertEq(sel, ISettlement.NotUnderBacked.selector, "trigger while backed");
            else if (since == 0 || block.timestamp < since + settlement.triggerDelay())
                assertEq(sel, ISettlement.TriggerTooEarly.selector, "trigger before the delay");
            else revert(string(abi.encodePacked("trigger: unexplained revert ", err)));
            calls["trigger:refused"]++;
        }
    }

    /// @notice Anyone freezes an asset's price after shutdown once its feed answers.
    function freezePrice(uint256 assetSeed) external {
        uint256 k = assetSeed % 3;
        address asset = address(assets[k]);
        uint256 frozen = settlement.frozenPrice(asset);
        (uint256 price, IOracleAdapter.PriceFailure f) = vault.oracle().tryGetPrice(asset);
        try settlement.freezePrice(asset) {
            assertTrue(isShut() && frozen == 0 && f == IOracleAdapter.PriceFailure.None, "froze when it should not");
            assertEq(settlement.frozenPrice(asset), price, "frozen price is not the oracle's");
            frozenSeen[k] = price;
            calls["freeze"]++;
        } catch (bytes memory err) {
            // explained: before shutdown, twice, or at a failed price (never freeze a wrong price)
            bytes4 sel = bytes4(err);
            if (!isShut()) assertEq(sel, IBallastErrors.NotShutdown.selector, "freeze before shutdown");
            else if (frozen != 0) assertEq(sel, ISettlement.PriceAlreadyFrozen.selector, "freeze twice");
            else assertEq(sel, IOracleAdapter.PriceUnavailable.selector, "freeze: unexplained revert");
            calls["freeze:refused"]++;
        }
    }

    /// @notice Governance prices an asset nobody could freeze: at least 3 days after shutdown, through the
    ///         GOVERNOR delay, at the last price the feed gave.
    function fallbackPrice(uint256 assetSeed) external {
        uint256 k = assetSeed % 3;
        address asset = address(assets[k]);
        // only for an unfrozen asset after shutdown; otherwise `freezePrice` is the way (its refusals are tested)
        if (!isShut() || settlement.frozenPrice(asset) != 0) return;
        uint256 price = uint256(lastAnswer[k]) * 1e10; // [wad] the 8-decimal feed's last answer
        bytes memory data = abi.encodeCall(ISettlement.setFallbackPrice, (asset, price));
        manager.schedule(address(settlement), data, 0);
        uint256 ready = manager.getSchedule(manager.hashOperation(address(this), address(settlement), data));
        uint256 allowed = vault.shutdownAt() + settlement.PRICE_FALLBACK_DELAY();
        _warpTo(ready > allowed ? ready : allowed);
        manager.execute(address(settlement), data);
        assertEq(settlement.frozenPrice(asset), price, "fallback price not set");
        frozenSeen[k] = price;
        calls["fallback"]++;
    }

    /// @notice Anyone settles a position after shutdown.
    function settlePosition(uint256 posSeed) external {
        if (ids.length == 0) return; // no position yet
        _settlePosition(ids[posSeed % ids.length]);
    }

    /// @notice Anyone settles a live auction after shutdown.
    function settleAuction(uint256 auctionSeed) external {
        IPositionLens.AuctionView[] memory live = positionLens.getAuctions(0, 50);
        if (live.length == 0) return; // no auction to settle
        _settleAuction(live[auctionSeed % live.length]);
    }

    /// @notice Settles everything that can be settled (freezing what prices it can first), then finalizes what it
    ///         can: so that short runs reach redemption.
    function settleAll() external {
        if (!isShut()) return; // nothing to wind down before shutdown: `settlePosition` checks that refusal
        for (uint256 k; k < 3; ++k) {
            address asset = address(assets[k]);
            (uint256 price, IOracleAdapter.PriceFailure f) = vault.oracle().tryGetPrice(asset);
            if (settlement.frozenPrice(asset) == 0 && f == IOracleAdapter.PriceFailure.None) {
                settlement.freezePrice(asset); // shut down, unfrozen, priced: must succeed
                frozenSeen[k] = price;
            }
        }
        for (uint256 i; i < ids.length; ++i) {
            if (positionLens.normDebtOf(ids[i]) != 0) _settlePosition(ids[i]);
        }
        IPositionLens.AuctionView[] memory live = positionLens.getAuctions(0, 1_000);
        for (uint256 i; i < live.length; ++i) {
            _settleAuction(live[i]);
        }
        (uint256 moduleDebt, ) = module.debt();
        if (moduleDebt != 0 || assets[2].balanceOf(address(module)) != 0) _settleModule();
        finalize(0);
        finalize(1);
        calls["settleAll"]++;
    }

    /// @notice Anyone finalizes a synthetic once no debt is left in positions or auctions.
    function finalize(uint256 synthSeed) public {
        uint256 s = synthSeed % 2;
        IVault.SyntheticState memory st = positionLens.synthetic(s);
        bool was = settlement.finalized(s);
        try settlement.finalize(s) {
            assertTrue(
                isShut() && !was && st.totalNormDebt == 0 && st.auctionDebt == 0 && st.moduleDebt == 0,
                "finalized too early"
            );
            calls["finalize"]++;
        } catch (bytes memory err) {
            // explained: before shutdown, twice, or while debt remains to settle (positions and auctions first)
            bytes4 sel = bytes4(err);
            if (!isShut()) assertEq(sel, IBallastErrors.NotShutdown.selector, "finalize before shutdown");
            else if (was) assertEq(sel, ISettlement.AlreadyFinalized.selector, "finalize twice");
            else if (st.totalNormDebt != 0 || st.auctionDebt != 0)
                assertEq(sel, ISettlement.OutstandingDebt.selector, "finalize: debt left");
            else assertEq(sel, ISettlement.ModuleDebtOutstanding.selector, "finalize: unexplained revert");
            calls["finalize:refused"]++;
        }
    }

    /// @notice A holder redeems synthetic units for a pro-rata share of the pool. Checks that it gets exactly its
    ///         share of every asset rounded down (the last unit takes what is left), that the units stay in the
    ///         settlement, and that the holders still waiting are never worse off per unit.
    function redeem(uint256 actorSeed, uint256 synthSeed, uint256 amount) external {
        uint256 s = synthSeed % 2;
        address holder = actors[actorSeed % 3];
        SyntheticToken token = synths[s];
        uint256 bal = token.balanceOf(holder);
        if (bal == 0) return; // nothing to redeem: this holder never minted or bought this synthetic
        amount = _bound(amount, 1, bal);
        vm.startPrank(holder);
        token.approve(address(settlement), amount);
        if (!settlement.finalized(s)) {
            // explained: redemption waits for finalization
            vm.expectRevert(abi.encodeWithSelector(ISettlement.NotFinalized.selector, s));
            settlement.redeem(s, amount, holder);
            vm.stopPrank();
            calls["redeem:refused"]++;
            return;
        }
        uint256 left = settlement.outstanding(s);
        uint256[3] memory poolBefore;
        uint256[3] memory balBefore;
        for (uint256 k; k < 3; ++k) {
            poolBefore[k] = settlement.pool(s, address(assets[k]));
            balBefore[k] = assets[k].balanceOf(holder);
        }
        settlement.redeem(s, amount, holder); // finalized, 0 < amount <= balance <= outstanding: must succeed
        vm.stopPrank();
        for (uint256 k; k < 3; ++k) {
            uint256 paid = assets[k].balanceOf(holder) - balBefore[k];
            uint256 share = amount == left ? poolBefore[k] : (poolBefore[k] * amount) / left;
            assertEq(paid, share, "redeemed more or less than the pro-rata share");
            uint256 poolAfter = settlement.pool(s, address(assets[k]));
            assertEq(poolAfter, poolBefore[k] - paid, "pool did not pay what left it");
            // per unit, those still waiting keep at least what they had: poolAfter/leftAfter >= poolBefore/left
            assertGe(poolAfter * left, poolBefore[k] * (left - amount), "a redemption diluted the others");
            redeemedOut[s][k] += paid;
        }
        redeemedUnits[s] += amount;
        calls["redeem"]++;
    }

    /// @notice Governance sweeps a finalized pool (through the GOVERNOR delay) to the protocol's surplus: done only
    ///         when no unit outside the Treasury is left, so the Treasury holds every unit that could claim it, and it
    ///         moves the whole pool to the wei; refused (`UnitsOutstanding`) otherwise. Before finalization nothing
    ///         is proposed.
    function sweepPool(uint256 synthSeed) public {
        uint256 s = synthSeed % 2;
        if (!settlement.finalized(s)) return; // refused `NotFinalized` (the unit tests check it): no proposal
        bytes memory data = abi.encodeCall(ISettlement.sweepPool, (s, SURPLUS));
        (bool direct, ) = address(settlement).call(data);
        assertFalse(direct, "a delayed role called without scheduling");
        manager.schedule(address(settlement), data, 0);
        _warpTo(manager.getSchedule(manager.hashOperation(address(this), address(settlement), data)));
        uint256 left = settlement.outstanding(s);
        uint256[3] memory before;
        uint256[3] memory pooled;
        for (uint256 k; k < 3; ++k) {
            before[k] = assets[k].balanceOf(SURPLUS);
            pooled[k] = settlement.pool(s, address(assets[k]));
        }
        try manager.execute(address(settlement), data) {
            assertEq(left, 0, "swept a pool that holders could still redeem");
            for (uint256 k; k < 3; ++k) {
                uint256 got = assets[k].balanceOf(SURPLUS) - before[k];
                assertEq(got, pooled[k], "the sweep moved other than the whole pool");
                assertEq(settlement.pool(s, address(assets[k])), 0, "the sweep left collateral in the pool");
                sweptOut[s][k] += got;
            }
            calls["sweepPool"]++;
        } catch (bytes memory err) {
            assertEq(err, abi.encodeWithSelector(ISettlement.UnitsOutstanding.selector, s, left), "sweep refused");
            manager.cancel(address(this), address(settlement), data); // a refused execution leaves it scheduled
            calls["sweepPool:refused"]++;
        }
    }

    /// @notice An owner claims what the settlement kept for it beyond its debt.
    function claimSettled(uint256 actorSeed, uint256 assetSeed) external {
        address owner = actors[actorSeed % 3];
        uint256 k = assetSeed % 3;
        uint256 due = settlement.claimable(owner, address(assets[k]));
        if (due == 0) return; // nothing kept for this owner in this asset
        uint256 before = assets[k].balanceOf(owner);
        vm.prank(owner);
        settlement.claim(address(assets[k]), owner);
        assertEq(assets[k].balanceOf(owner), before + due, "settlement claim paid a different amount");
        assertEq(settlement.claimable(owner, address(assets[k])), 0, "claim not cleared");
        claimsOut[k] += due;
        calls["claimSettled"]++;
    }

    // ------------------------------------------------------------------------------------------------ internals

    function _settlePosition(uint256 id) internal {
        (address owner, uint256 s, ) = vault.positionOf(id);
        uint256 debt = positionLens.debtOf(id);
        (address[] memory list, uint256[] memory amounts) = positionLens.basketOf(id);
        bool priced = debt == 0 || _pricesFrozen(s, list);
        Split memory before = _splitState(s, owner);
        try settlement.settlePosition(id) {
            assertTrue(isShut() && priced, "settled before shutdown or at an unfrozen price");
            assertEq(positionLens.normDebtOf(id), 0, "settled position keeps debt");
            (, , uint256 mask) = vault.positionOf(id);
            assertEq(mask, 0, "settled position keeps collateral");
            _checkSplit(s, owner, debt, list, amounts, before);
            calls["settlePosition"]++;
        } catch (bytes memory err) {
            // explained: before shutdown, or a price the split needs is not frozen yet
            bytes4 sel = bytes4(err);
            if (!isShut()) assertEq(sel, IBallastErrors.NotShutdown.selector, "settle before shutdown");
            else assertEq(sel, ISettlement.PriceNotFrozen.selector, "settlePosition: unexplained revert");
            calls["settlePosition:refused"]++;
        }
    }

    function _settleAuction(IPositionLens.AuctionView memory a) internal {
        (address owner, , ) = vault.positionOf(a.positionId);
        address[] memory list = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        (list[0], amounts[0]) = (a.asset, a.lot);
        bool priced = a.debt == 0 || _pricesFrozen(a.synthId, list);
        Split memory before = _splitState(a.synthId, owner);
        uint256 engineBal = MockERC20(a.asset).balanceOf(address(engine));
        uint256 auctionDebt = positionLens.synthetic(a.synthId).auctionDebt;
        try settlement.settleAuction(a.id) {
            assertTrue(isShut() && priced, "settled an auction before shutdown or at an unfrozen price");
            assertEq(engine.auction(a.id).tab, 0, "settled auction still live");
            assertEq(MockERC20(a.asset).balanceOf(address(engine)), engineBal - a.lot, "engine kept the lot");
            assertEq(positionLens.synthetic(a.synthId).auctionDebt, auctionDebt - a.debt, "auction debt not released");
            _checkSplit(a.synthId, owner, a.debt, list, amounts, before);
            calls["settleAuction"]++;
        } catch (bytes memory err) {
            // explained: before shutdown, or a price the split needs is not frozen yet
            bytes4 sel = bytes4(err);
            if (!isShut()) assertEq(sel, IBallastErrors.NotShutdown.selector, "settle auction before shutdown");
            else assertEq(sel, ISettlement.PriceNotFrozen.selector, "settleAuction: unexplained revert");
            calls["settleAuction:refused"]++;
        }
    }

    /// @dev Pools of synthetic `s` and claims of `owner`, per asset, and the settled debt of `s`.
    struct Split {
        uint256[3] pool;
        uint256[3] claim;
        uint256 settledDebt;
    }

    function _splitState(uint256 s, address owner) internal view returns (Split memory b) {
        for (uint256 k; k < 3; ++k) {
            b.pool[k] = settlement.pool(s, address(assets[k]));
            b.claim[k] = settlement.claimable(owner, address(assets[k]));
        }
        (b.settledDebt, ) = settlement.settledDebt(s);
    }

    /// @dev A settled basket owing `debt` split exactly into pool and owner's claim, the pool's part worth the
    ///      debt at the frozen prices (rounded up by at most a unit per asset), or the whole basket when it is worth
    ///      less: the owner keeps exactly what is beyond its debt.
    function _checkSplit(
        uint256 s,
        address owner,
        uint256 debt,
        address[] memory list,
        uint256[] memory amounts,
        Split memory b
    ) internal {
        Split memory a = _splitState(s, owner);
        assertEq(a.settledDebt, b.settledDebt + debt, "settled debt not recorded");
        uint256 poolValue; // [wad USD]
        uint256 basketValue; // [wad USD]
        uint256 slack; // [wad USD]
        for (uint256 j; j < list.length; ++j) {
            uint256 k = _assetIndex(list[j]);
            uint256 toPool = a.pool[k] - b.pool[k];
            uint256 toOwner = a.claim[k] - b.claim[k];
            assertEq(toPool + toOwner, amounts[j], "settlement split created or lost collateral");
            if (debt == 0) assertEq(toPool, 0, "a debt-free basket paid into the pool");
            pooledIn[s][k] += toPool;
            claimsIn[k] += toOwner;
            if (debt == 0) continue;
            uint256 unit = 10 ** assets[k].decimals();
            uint256 price = settlement.frozenPrice(list[j]);
            poolValue += (toPool * price) / unit;
            basketValue += (amounts[j] * price) / unit;
            slack += price / unit + 2;
        }
        settlements++;
        roundingOps++;
        if (debt == 0) return;
        uint256 owed = _divUp(debt * _frozenSynthPrice(s), 1e18); // [wad USD]
        owedValue[s] += owed;
        poolSlack[s] += slack;
        assertLe(poolValue, owed + slack, "the pool took more than the debt's worth");
        if (basketValue >= owed + slack) assertGe(poolValue + slack, owed, "the pool took less than the debt");
    }

    /// @return Whether every price a settlement of synthetic `s` with assets `list` needs is frozen.
    function _pricesFrozen(uint256 s, address[] memory list) internal view returns (bool) {
        address priceAsset = positionLens.synthetic(s).params.priceAsset;
        if (priceAsset != address(0) && settlement.frozenPrice(priceAsset) == 0) return false;
        for (uint256 j; j < list.length; ++j) {
            if (settlement.frozenPrice(list[j]) == 0) return false;
        }
        return true;
    }

    function _frozenSynthPrice(uint256 s) internal view returns (uint256) {
        address priceAsset = positionLens.synthetic(s).params.priceAsset;
        return priceAsset == address(0) ? 1e18 : settlement.frozenPrice(priceAsset);
    }

    /// @dev At shutdown every asset whose oracle price is available is frozen at it; the others stay at 0.
    function _checkFrozenAtShutdown() internal {
        for (uint256 k; k < 3; ++k) {
            (uint256 price, IOracleAdapter.PriceFailure f) = vault.oracle().tryGetPrice(address(assets[k]));
            uint256 frozen = settlement.frozenPrice(address(assets[k]));
            assertEq(frozen, f == IOracleAdapter.PriceFailure.None ? price : 0, "shutdown froze a wrong price");
            frozenSeen[k] = frozen;
        }
    }

    function _propose(Proposal kind, bytes memory data) internal {
        // a direct call is refused: the GOVERNOR role is delayed (AccessManager's scheduling check)
        (bool direct, ) = address(vault).call(data);
        assertFalse(direct, "a delayed role called without scheduling");
        manager.schedule(address(vault), data, 0);
        (pending, pendingData) = (kind, data);
        calls["gov:proposed"]++;
    }

    function _clearProposal() internal {
        pending = Proposal.None;
        delete pendingData;
    }

    /// @dev The arguments of an encoded call (its selector stripped).
    function _args(bytes memory data) internal pure returns (bytes memory out) {
        out = new bytes(data.length - 4);
        for (uint256 i; i < out.length; ++i) {
            out[i] = data[i + 4];
        }
    }

    /// @dev Time passes to `t`; the feeds keep reporting (as `warp` does).
    function _warpTo(uint256 t) internal {
        if (t <= block.timestamp) return;
        vm.warp(t);
        for (uint256 k; k < 3; ++k) {
            feeds[k].setAnswer(feedBroken[k] ? int256(0) : lastAnswer[k]);
        }
    }

    function _anyAssetPaused() internal view returns (bool) {
        for (uint256 k; k < 3; ++k) {
            if (vault.assetConfig(address(assets[k])).flags & 1 != 0) return true;
        }
        return false;
    }

    function _basketHoldsPausedAsset(uint256 id) internal view returns (bool) {
        for (uint256 k; k < 3; ++k) {
            address asset = address(assets[k]);
            if (vault.collateralOf(id, asset) != 0 && vault.assetConfig(asset).flags & 1 != 0) return true;
        }
        return false;
    }

    function _divUp(uint256 a, uint256 b) internal pure returns (uint256) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }
}

/// @notice Takes an auction or borrows a synthetic and, in the callback (lot out, payment not in; loan out), pokes and
///         triggers the settlement, recording whether each was refused and with which error.
contract MidOperationPoker is IBallastTakeCallback, IERC3156FlashBorrower {
    ISettlement internal immutable settlement;
    bool public pokeRefused;
    bool public triggerRefused;
    bytes4 public pokeError;
    bytes4 public triggerError;

    constructor(ISettlement settlement_) {
        settlement = settlement_;
    }

    function take(
        ILiquidationEngine engine,
        uint256 auctionId,
        uint256 amount,
        uint256 maxPrice,
        IERC20 synth
    ) external {
        synth.approve(address(engine), type(uint256).max);
        engine.take(auctionId, amount, maxPrice, address(this), "poke");
    }

    /// @dev Hands all it holds of `token` to `to`, so nothing stays with a holder the system's books do not know.
    function sweep(IERC20 token, address to) external {
        uint256 left = token.balanceOf(address(this));
        if (left != 0) token.transfer(to, left);
    }

    function borrow(SyntheticToken token, uint256 amount) external {
        token.flashLoan(this, address(token), amount, "");
    }

    function onTake(address, uint256, uint256, bytes calldata) external {
        _read();
    }

    function onFlashLoan(
        address,
        address token,
        uint256 amount,
        uint256 fee,
        bytes calldata
    ) external returns (bytes32) {
        _read();
        IERC20(token).approve(msg.sender, amount + fee);
        return keccak256("ERC3156FlashBorrower.onFlashLoan");
    }

    function _read() internal {
        (pokeRefused, triggerRefused, pokeError, triggerError) = (false, false, bytes4(0), bytes4(0));
        try settlement.poke() {} catch (bytes memory err) {
            (pokeRefused, pokeError) = (true, bytes4(err));
        }
        try settlement.trigger() {} catch (bytes memory err) {
            (triggerRefused, triggerError) = (true, bytes4(err));
        }
    }
}
