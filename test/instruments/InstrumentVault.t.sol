// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {ERC6909} from "@openzeppelin/contracts/token/ERC6909/ERC6909.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {InstrumentVault} from "../../contracts/InstrumentVault.sol";
import {IInstrumentVault} from "../../contracts/interfaces/IInstrumentVault.sol";
import {OracleAdapter} from "../../contracts/OracleAdapter.sol";
import {IOracleAdapter} from "../../contracts/interfaces/IOracleAdapter.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {MockRoundFeed} from "../../contracts/mocks/MockRoundFeed.sol";
import {FeeOnTransferToken, ReentrantToken} from "../../contracts/mocks/WeirdTokens.sol";
import {Artifacts} from "../utils/Artifacts.sol";

/// @notice The instrument vault on its own: an AccessManager whose admin is this test, the OracleAdapter with a WETH
///         feed that keeps its rounds (8 decimals, $2,000, maxAge 1 day), USDC (6 decimals) as the quote asset.
contract InstrumentVaultTest is Test {
    uint256 internal constant WAD = 1e18;
    uint64 internal constant GUARDIAN_ROLE = 3;
    uint256 internal constant DISPUTE = 1 hours;
    uint256 internal constant FALLBACK = 1 days;
    uint256 internal constant VOID = 30 days;

    AccessManager internal manager;
    OracleAdapter internal oracle;
    InstrumentVault internal iv;
    MockRoundFeed internal feed;
    MockERC20 internal weth;
    MockERC20 internal usdc;
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");
    address internal guardian = makeAddr("guardian");
    uint256 internal expiry;

    function setUp() public {
        vm.warp(1_700_000_000);
        manager = new AccessManager(address(this));
        oracle = OracleAdapter(
            Artifacts.deploy("OracleAdapter.sol:OracleAdapter", abi.encode(address(manager), address(0), 0))
        );
        weth = new MockERC20("Wrapped Ether", "WETH", 18);
        usdc = new MockERC20("USD Coin", "USDC", 6);
        feed = _listUnderlying(address(weth), 8, 2_000e8);
        iv = InstrumentVault(
            Artifacts.deploy(
                "InstrumentVault.sol:InstrumentVault",
                abi.encode(
                    address(manager),
                    oracle,
                    IInstrumentVault.SettlementParams(uint32(DISPUTE), 200, uint32(FALLBACK), uint32(VOID))
                )
            )
        );
        iv.setUnderlying(address(weth), true);
        iv.setQuote(address(usdc), true);
        bytes4[] memory sel = new bytes4[](1);
        sel[0] = IInstrumentVault.correctPrice.selector;
        manager.setTargetFunctionRole(address(iv), sel, GUARDIAN_ROLE);
        manager.grantRole(GUARDIAN_ROLE, guardian, 0);
        expiry = block.timestamp + 7 days;
        _fund(alice);
        _fund(bob);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Series, writes and pair burns
    // ---------------------------------------------------------------------------------------------------------------

    function test_createSeries_copiesTheFeedAndDeduplicates() public {
        uint256 id = _call(2_500e18);
        assertEq(id, 1);
        assertEq(iv.createSeries(address(weth), address(weth), IInstrumentVault.Kind.Call, 2_500e18, expiry), id);
        assertEq(iv.seriesCount(), 1);
        IInstrumentVault.Series memory s = iv.series(id);
        assertEq(address(s.feed.aggregator), address(feed));
        assertEq(s.feed.decimals, 8);
        assertEq(s.feed.maxAge, 1 days);
        assertEq(s.underlyingDecimals, 18);
        assertEq(s.collateralDecimals, 18);
        // a later change of the oracle's feed does not change how the series settles
        MockRoundFeed other = new MockRoundFeed(18);
        other.push(1e18, block.timestamp);
        IOracleAdapter.Feed memory none;
        oracle.setFeeds(address(weth), IOracleAdapter.Feed(other, 1 days, 1, 1e30), none, 0);
        assertEq(address(iv.series(id).feed.aggregator), address(feed));
        assertEq(_put(2_000e18), 2);
    }

    function test_createSeries_refusesBadTerms() public {
        MockERC20 dai = new MockERC20("DAI", "DAI", 18);
        vm.expectRevert(abi.encodeWithSelector(IInstrumentVault.UnderlyingNotEnabled.selector, address(usdc)));
        iv.createSeries(address(usdc), address(usdc), IInstrumentVault.Kind.Call, 1e18, expiry);
        // a call is backed by its underlying, a put or binary by a listed quote asset
        vm.expectRevert(
            abi.encodeWithSelector(
                IInstrumentVault.CollateralNotAllowed.selector,
                address(usdc),
                IInstrumentVault.Kind.Call
            )
        );
        iv.createSeries(address(weth), address(usdc), IInstrumentVault.Kind.Call, 1e18, expiry);
        vm.expectRevert(
            abi.encodeWithSelector(
                IInstrumentVault.CollateralNotAllowed.selector,
                address(dai),
                IInstrumentVault.Kind.Put
            )
        );
        iv.createSeries(address(weth), address(dai), IInstrumentVault.Kind.Put, 1e18, expiry);
        vm.expectRevert(
            abi.encodeWithSelector(
                IInstrumentVault.CollateralNotAllowed.selector,
                address(weth),
                IInstrumentVault.Kind.BinaryUp
            )
        );
        iv.createSeries(address(weth), address(weth), IInstrumentVault.Kind.BinaryUp, 1e18, expiry);
        vm.expectRevert(
            abi.encodeWithSelector(IInstrumentVault.InvalidExpiry.selector, block.timestamp, block.timestamp)
        );
        iv.createSeries(address(weth), address(weth), IInstrumentVault.Kind.Call, 1e18, block.timestamp);
        uint256 far = block.timestamp + iv.MAX_TENOR() + 1;
        vm.expectRevert(abi.encodeWithSelector(IInstrumentVault.InvalidExpiry.selector, far, block.timestamp));
        iv.createSeries(address(weth), address(weth), IInstrumentVault.Kind.Call, 1e18, far);
        vm.expectRevert(abi.encodeWithSelector(IInstrumentVault.InvalidStrike.selector, 0));
        iv.createSeries(address(weth), address(weth), IInstrumentVault.Kind.Call, 0, expiry);
        // an underlying needs a Chainlink feed in the oracle to be enabled
        vm.expectRevert(abi.encodeWithSelector(IInstrumentVault.UnderlyingNotEnabled.selector, address(dai)));
        iv.setUnderlying(address(dai), true);
    }

    function test_write_locksTheMaximumPayoffOfEachKind() public {
        uint256 call = _call(2_500e18);
        uint256 put = _put(1_800e18);
        uint256 up = _binary(IInstrumentVault.Kind.BinaryUp, 2_200e18);
        uint256 down = _binary(IInstrumentVault.Kind.BinaryDown, 1_900e18);
        vm.startPrank(alice);
        assertEq(iv.write(call, 3e18, alice, bob), 3e18); // one WETH per contract
        assertEq(iv.write(put, 3e18, alice, bob), 5_400e6); // the strike in USDC per contract
        assertEq(iv.write(up, 3e18, alice, bob), 3e6); // one USDC per contract
        assertEq(iv.write(down, 0.5e18, alice, bob), 0.5e6);
        vm.stopPrank();
        assertEq(iv.balanceOf(alice, call << 1), 3e18);
        assertEq(iv.balanceOf(bob, (call << 1) | 1), 3e18);
        (uint256 units, uint256 locked, uint256 maxPayoff) = iv.exposure(put);
        assertEq(units, 3e18);
        assertEq(locked, 5_400e6);
        assertEq(maxPayoff, 5_400e6);
        assertEq(usdc.balanceOf(address(iv)), 5_400e6 + 3e6 + 0.5e6);
        assertEq(weth.balanceOf(address(iv)), 3e18);
    }

    function test_write_roundsTheLockUp() public {
        uint256 put = _put(1_800.5e18);
        vm.prank(alice);
        // 1 wei of a contract on a $1,800.5 strike locks 1,800.5e-18 USDC: one unit, rounded up
        assertEq(iv.write(put, 1, alice, alice), 1);
        vm.prank(alice);
        assertEq(iv.write(put, 1e18 + 1, alice, alice), 1_800.5e6 + 1);
    }

    function testFuzz_burnPair_returnsExactlyWhatALoneWriterLocked(uint256 units, uint8 dIndex, uint8 kindSeed) public {
        (uint256 id, MockERC20 collateral) = _seriesAtDecimals(dIndex, kindSeed, 1_000e18);
        units = bound(units, 1, 1e30);
        _mintAndApprove(collateral, alice);
        uint256 before = collateral.balanceOf(alice);
        vm.prank(alice);
        uint256 locked = iv.write(id, units, alice, alice);
        assertEq(collateral.balanceOf(alice), before - locked);
        vm.prank(alice);
        assertEq(iv.burnPair(id, units, alice), locked);
        assertEq(collateral.balanceOf(alice), before);
        (uint256 left, uint256 lockedLeft, ) = iv.exposure(id);
        assertEq(left + lockedLeft, 0);
    }

    function test_burnPair_needsBothSidesAndRefusesDust() public {
        uint256 call = _call(2_500e18);
        vm.prank(alice);
        iv.write(call, 2e18, alice, bob);
        vm.prank(alice); // alice holds the longs only
        vm.expectRevert(
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientBalance.selector, alice, 0, 1e18, (call << 1) | 1)
        );
        iv.burnPair(call, 1e18, alice);
        vm.prank(bob);
        iv.transfer(alice, (call << 1) | 1, 1e18);
        vm.prank(alice);
        assertEq(iv.burnPair(call, 1e18, carol), 1e18);
        assertEq(weth.balanceOf(carol), 1e18);
        // a 0-decimal collateral: one wei of a contract is worth nothing of it, and is refused rather than burned
        (uint256 id, MockERC20 c0) = _seriesAtDecimals(0, 0, 1_000e18);
        _mintAndApprove(c0, alice);
        vm.startPrank(alice);
        iv.write(id, 5e18, alice, alice);
        vm.expectRevert(IInstrumentVault.ZeroAmount.selector);
        iv.burnPair(id, 1, alice);
        vm.stopPrank();
    }

    function test_write_andBurnPair_closeAtExpiry() public {
        uint256 call = _call(2_500e18);
        vm.prank(alice);
        iv.write(call, 1e18, alice, alice);
        vm.warp(expiry);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(IInstrumentVault.SeriesExpired.selector, call, expiry));
        iv.write(call, 1e18, alice, alice);
        vm.expectRevert(abi.encodeWithSelector(IInstrumentVault.SeriesExpired.selector, call, expiry));
        iv.burnPair(call, 1e18, alice);
        vm.stopPrank();
    }

    function test_write_refusesAFeeOnTransferCollateral() public {
        FeeOnTransferToken fot = new FeeOnTransferToken(100);
        iv.setQuote(address(fot), true);
        uint256 id = iv.createSeries(address(weth), address(fot), IInstrumentVault.Kind.BinaryUp, 2_000e18, expiry);
        fot.mint(alice, 10e18);
        vm.startPrank(alice);
        fot.approve(address(iv), type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(IInstrumentVault.TransferAmountMismatch.selector, address(fot), 1e18, 0.99e18)
        );
        iv.write(id, 1e18, alice, alice);
        vm.stopPrank();
    }

    function test_views_refuseToAnswerInTheMiddleOfAnOperation() public {
        ReentrantToken ret = new ReentrantToken();
        iv.setQuote(address(ret), true);
        uint256 id = iv.createSeries(address(weth), address(ret), IInstrumentVault.Kind.BinaryUp, 2_000e18, expiry);
        ret.mint(alice, 10e18);
        vm.prank(alice);
        ret.approve(address(iv), type(uint256).max);
        // the token calls back into exposure() while the vault pulls it
        ret.arm(address(iv), abi.encodeCall(IInstrumentVault.exposure, (id)));
        vm.prank(alice);
        iv.write(id, 1e18, alice, alice);
        assertFalse(ret.lastCallOk());
        assertEq(bytes4(ret.lastRevert()), ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        ret.arm(address(iv), abi.encodeCall(IInstrumentVault.write, (id, 1e18, alice, alice)));
        vm.prank(alice);
        iv.burnPair(id, 0.5e18, alice);
        assertFalse(ret.lastCallOk());
        assertEq(bytes4(ret.lastRevert()), ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Settlement: the expiry round
    // ---------------------------------------------------------------------------------------------------------------

    function test_settle_takesTheFirstRoundAtOrAfterExpiry() public {
        uint256 call = _call(2_500e18);
        uint80 before_ = feed.push(2_900e8, expiry - 30);
        uint80 first = feed.push(3_000e8, expiry + 60);
        uint80 second = feed.push(3_100e8, expiry + 120);
        vm.warp(expiry + 200);
        // not the first round after expiry
        vm.expectRevert(
            abi.encodeWithSelector(
                IInstrumentVault.BadRound.selector,
                call,
                first,
                IInstrumentVault.RoundFailure.NotFirst
            )
        );
        iv.settle(call, second, first);
        // a round before expiry
        vm.expectRevert(
            abi.encodeWithSelector(
                IInstrumentVault.BadRound.selector,
                call,
                before_,
                IInstrumentVault.RoundFailure.BeforeExpiry
            )
        );
        iv.settle(call, before_, before_ - 1);
        // a previous round that is not the one before
        vm.expectRevert(
            abi.encodeWithSelector(
                IInstrumentVault.BadRound.selector,
                call,
                before_ - 1,
                IInstrumentVault.RoundFailure.NotAdjacent
            )
        );
        iv.settle(call, first, before_ - 1);
        // a round the feed does not have
        vm.expectRevert(
            abi.encodeWithSelector(
                IInstrumentVault.BadRound.selector,
                call,
                second + 1,
                IInstrumentVault.RoundFailure.Missing
            )
        );
        iv.settle(call, second + 1, second);
        vm.expectEmit(address(iv));
        emit IInstrumentVault.Settled(call, IInstrumentVault.PriceSource.Round, first, 3_000e18, expiry + 60);
        iv.settle(call, first, before_);
        IInstrumentVault.SeriesState memory st = iv.seriesState(call);
        assertEq(st.price, 3_000e18);
        assertEq(uint8(st.source), uint8(IInstrumentVault.PriceSource.Round));
        assertEq(st.roundId, first);
        vm.expectRevert(abi.encodeWithSelector(IInstrumentVault.AlreadySettled.selector, call));
        iv.settle(call, first, before_);
    }

    function test_settle_roundAtExactlyExpiryCounts() public {
        uint256 call = _call(2_500e18);
        uint80 prev = feed.push(2_900e8, expiry - 1);
        uint80 atExpiry = feed.push(2_950e8, expiry);
        vm.warp(expiry);
        iv.settle(call, atExpiry, prev);
        assertEq(iv.seriesState(call).price, 2_950e18);
    }

    function test_settle_refusesBeforeExpiry() public {
        uint256 call = _call(2_500e18);
        uint80 r = feed.push(2_900e8, block.timestamp);
        vm.warp(expiry - 1);
        vm.expectRevert(abi.encodeWithSelector(IInstrumentVault.NotExpired.selector, call, expiry));
        iv.settle(call, r, r - 1);
    }

    function test_settle_refusesAStaleOrUnguardedFirstRound() public {
        uint256 call = _call(2_500e18);
        uint80 prev = feed.push(2_900e8, expiry - 10);
        uint80 late = feed.push(3_000e8, expiry + 1 days + 1); // the first round came after the feed's maxAge
        vm.warp(expiry + 2 days);
        vm.expectRevert(
            abi.encodeWithSelector(IInstrumentVault.BadRound.selector, call, late, IInstrumentVault.RoundFailure.Stale)
        );
        iv.settle(call, late, prev);
        // exactly maxAge after expiry is still the price at expiry
        feed.setRound(late, 0, expiry + 1 days); // a zero answer: not guarded
        vm.expectRevert(
            abi.encodeWithSelector(
                IInstrumentVault.BadRound.selector,
                call,
                late,
                IInstrumentVault.RoundFailure.Unguarded
            )
        );
        iv.settle(call, late, prev);
        feed.setRound(late, 1, expiry + 1 days); // at the configured minimum answer
        vm.expectRevert(
            abi.encodeWithSelector(
                IInstrumentVault.BadRound.selector,
                call,
                late,
                IInstrumentVault.RoundFailure.Unguarded
            )
        );
        iv.settle(call, late, prev);
        feed.setRound(late, 3_000e8, expiry + 1 days);
        iv.settle(call, late, prev);
        assertEq(iv.seriesState(call).price, 3_000e18);
    }

    function test_settle_acrossAPhaseBoundary() public {
        uint256 call = _call(2_500e18);
        feed.push(2_800e8, expiry - 100);
        uint80 lastOfPhase1 = feed.push(2_900e8, expiry - 50);
        feed.startPhase();
        uint80 firstOfPhase2 = feed.push(3_000e8, expiry + 10);
        assertEq(firstOfPhase2, (uint80(2) << 64) | 1);
        vm.warp(expiry + 20);
        // the previous round must be the last of the phase before
        vm.expectRevert(
            abi.encodeWithSelector(
                IInstrumentVault.BadRound.selector,
                call,
                lastOfPhase1 - 1,
                IInstrumentVault.RoundFailure.NotAdjacent
            )
        );
        iv.settle(call, firstOfPhase2, lastOfPhase1 - 1);
        iv.settle(call, firstOfPhase2, lastOfPhase1);
        assertEq(iv.seriesState(call).price, 3_000e18);
    }

    function test_settle_outOfOrderRoundsCannotBeChosen() public {
        uint256 call = _call(2_500e18);
        uint80 r1 = feed.push(2_900e8, expiry - 10);
        uint80 r2 = feed.push(3_000e8, expiry + 10);
        uint80 r3 = feed.push(2_000e8, expiry - 5); // a round that goes back in time
        uint80 r4 = feed.push(2_100e8, expiry + 20);
        vm.warp(expiry + 30);
        // r3 went back in time: it is not at or after expiry
        vm.expectRevert(
            abi.encodeWithSelector(
                IInstrumentVault.BadRound.selector,
                call,
                r3,
                IInstrumentVault.RoundFailure.BeforeExpiry
            )
        );
        iv.settle(call, r3, r2);
        // r4's predecessor r3 is before expiry, so r4 passes for the first round after it: settled at $2,100
        iv.settle(call, r4, r3);
        assertEq(iv.seriesState(call).price, 2_100e18);
        // anyone shows the earlier round r2 inside the dispute window: the price becomes r2's
        vm.expectRevert(
            abi.encodeWithSelector(IInstrumentVault.BadRound.selector, call, r4, IInstrumentVault.RoundFailure.NotFirst)
        );
        iv.challenge(call, r4);
        vm.expectRevert(
            abi.encodeWithSelector(
                IInstrumentVault.BadRound.selector,
                call,
                r1,
                IInstrumentVault.RoundFailure.BeforeExpiry
            )
        );
        iv.challenge(call, r1);
        vm.expectEmit(address(iv));
        emit IInstrumentVault.Challenged(call, r2, 3_000e18, bob);
        vm.prank(bob);
        iv.challenge(call, r2);
        IInstrumentVault.SeriesState memory st = iv.seriesState(call);
        assertEq(st.price, 3_000e18);
        assertEq(st.oraclePrice, 3_000e18);
        assertEq(st.roundId, r2);
        // not after the window
        vm.warp(st.settledAt + DISPUTE);
        vm.expectRevert(
            abi.encodeWithSelector(IInstrumentVault.CorrectionClosed.selector, call, st.settledAt + DISPUTE)
        );
        iv.challenge(call, r2 - 1);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Settlement: fallback and void
    // ---------------------------------------------------------------------------------------------------------------

    function test_settleFallback_usesTheLastFreshRoundBeforeExpiry() public {
        uint256 call = _call(2_500e18);
        uint80 older = feed.push(2_800e8, expiry - 100);
        uint80 last = feed.push(2_900e8, expiry - 50);
        vm.warp(expiry + 10);
        vm.expectRevert(abi.encodeWithSelector(IInstrumentVault.TooEarly.selector, call, expiry + FALLBACK));
        iv.settleFallback(call, last);
        vm.warp(expiry + FALLBACK);
        // not the last round before expiry
        vm.expectRevert(
            abi.encodeWithSelector(
                IInstrumentVault.BadRound.selector,
                call,
                last,
                IInstrumentVault.RoundFailure.NotFirst
            )
        );
        iv.settleFallback(call, older);
        iv.settleFallback(call, last);
        IInstrumentVault.SeriesState memory st = iv.seriesState(call);
        assertEq(st.price, 2_900e18);
        assertEq(uint8(st.source), uint8(IInstrumentVault.PriceSource.Fallback));
    }

    function test_settleFallback_refusedWhileThePrimaryRuleCanSettle() public {
        uint256 call = _call(2_500e18);
        uint80 last = feed.push(2_900e8, expiry - 50);
        uint80 first = feed.push(3_000e8, expiry + 50);
        vm.warp(expiry + FALLBACK);
        vm.expectRevert(
            abi.encodeWithSelector(
                IInstrumentVault.BadRound.selector,
                call,
                first,
                IInstrumentVault.RoundFailure.PrimaryAvailable
            )
        );
        iv.settleFallback(call, last);
        // across a phase boundary too: the next phase's first round is found without the caller's help
        feed.setRound(first, 0, 0);
        feed.startPhase();
        uint80 nextPhase = feed.push(3_000e8, expiry + 50);
        vm.expectRevert(
            abi.encodeWithSelector(
                IInstrumentVault.BadRound.selector,
                call,
                nextPhase,
                IInstrumentVault.RoundFailure.PrimaryAvailable
            )
        );
        iv.settleFallback(call, last);
        // once that round is late (past maxAge), the fallback applies
        feed.setRound(nextPhase, 3_000e8, expiry + 1 days + 1);
        iv.settleFallback(call, last);
        assertEq(iv.seriesState(call).price, 2_900e18);
    }

    function test_settleFallback_refusesAStaleLastRound() public {
        uint256 call = _call(2_500e18);
        uint80 last = feed.push(2_900e8, expiry - 1 days - 1);
        vm.warp(expiry + FALLBACK);
        vm.expectRevert(
            abi.encodeWithSelector(IInstrumentVault.BadRound.selector, call, last, IInstrumentVault.RoundFailure.Stale)
        );
        iv.settleFallback(call, last);
    }

    function test_settleVoid_endsASeriesWithNoPriceAtTheStrike() public {
        uint256 call = _call(2_500e18);
        vm.prank(alice);
        iv.write(call, 2e18, alice, bob);
        vm.warp(expiry + VOID - 1);
        vm.expectRevert(abi.encodeWithSelector(IInstrumentVault.TooEarly.selector, call, expiry + VOID));
        iv.settleVoid(call);
        vm.warp(expiry + VOID);
        iv.settleVoid(call);
        assertEq(iv.seriesState(call).price, 2_500e18);
        // no dispute window, no correction: redemptions open at once, the long side receives nothing
        vm.prank(guardian);
        vm.expectRevert(
            abi.encodeWithSelector(IInstrumentVault.CorrectionClosed.selector, call, expiry + VOID + DISPUTE)
        );
        iv.correctPrice(call, 2_501e18, bytes32(0));
        vm.prank(alice);
        assertEq(iv.redeem(call, false, 2e18, alice), 0);
        vm.prank(bob);
        assertEq(iv.redeem(call, true, 2e18, bob), 2e18);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Dispute window
    // ---------------------------------------------------------------------------------------------------------------

    function test_correctPrice_withinTheBoundAndTheWindowOnly() public {
        uint256 call = _call(2_500e18);
        vm.prank(alice);
        iv.write(call, 1e18, alice, bob);
        _settleAt(call, 3_000e8);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        iv.correctPrice(call, 3_010e18, bytes32(0));
        // 2% of 3,000 is 60: 3,060 is the edge, 3,060 + 1 wei is past it
        vm.startPrank(guardian);
        vm.expectRevert(
            abi.encodeWithSelector(IInstrumentVault.CorrectionTooLarge.selector, call, 3_060e18 + 1, 3_000e18)
        );
        iv.correctPrice(call, 3_060e18 + 1, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(IInstrumentVault.CorrectionTooLarge.selector, call, 2_940e18 - 1, 3_000e18)
        );
        iv.correctPrice(call, 2_940e18 - 1, bytes32(0));
        iv.correctPrice(call, 3_060e18, "first");
        // each correction is bounded by the round's price, not the last correction
        iv.correctPrice(call, 2_940e18, "second");
        vm.expectRevert(abi.encodeWithSelector(IInstrumentVault.CorrectionTooLarge.selector, call, 2_900e18, 3_000e18));
        iv.correctPrice(call, 2_900e18, bytes32(0));
        vm.stopPrank();
        // redemptions wait for the window
        uint256 opensAt = block.timestamp + DISPUTE;
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IInstrumentVault.NotRedeemable.selector, call, opensAt));
        iv.redeem(call, false, 1e18, alice);
        vm.warp(opensAt);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(IInstrumentVault.CorrectionClosed.selector, call, opensAt));
        iv.correctPrice(call, 3_000e18, bytes32(0));
        vm.prank(alice);
        // (2,940 - 2,500) / 2,940 WETH, rounded down
        assertEq(iv.redeem(call, false, 1e18, alice), (uint256(440e18) * 1e18) / 2_940e18);
    }

    function test_setSettlementParams_bounds() public {
        IInstrumentVault.SettlementParams memory p = IInstrumentVault.SettlementParams(1 hours, 200, 1 days, 30 days);
        p.disputeWindow = uint32(iv.MIN_DISPUTE_WINDOW() - 1);
        vm.expectRevert(IInstrumentVault.InvalidSettlementParams.selector);
        iv.setSettlementParams(p);
        p.disputeWindow = uint32(iv.MAX_DISPUTE_WINDOW() + 1);
        vm.expectRevert(IInstrumentVault.InvalidSettlementParams.selector);
        iv.setSettlementParams(p);
        p.disputeWindow = 1 hours;
        p.maxCorrectionBps = uint16(iv.MAX_CORRECTION_BPS() + 1);
        vm.expectRevert(IInstrumentVault.InvalidSettlementParams.selector);
        iv.setSettlementParams(p);
        p.maxCorrectionBps = 200;
        p.voidDelay = p.fallbackDelay;
        vm.expectRevert(IInstrumentVault.InvalidSettlementParams.selector);
        iv.setSettlementParams(p);
        p.voidDelay = uint32(iv.MAX_VOID_DELAY() + 1);
        vm.expectRevert(IInstrumentVault.InvalidSettlementParams.selector);
        iv.setSettlementParams(p);
        p.voidDelay = 60 days;
        iv.setSettlementParams(p);
        assertEq(iv.settlementParams().voidDelay, 60 days);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        iv.setSettlementParams(p);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Redemption and payoffs
    // ---------------------------------------------------------------------------------------------------------------

    function test_redeem_paysEachKindItsPayoffOnce() public {
        uint256 call = _call(2_500e18);
        uint256 put = _put(1_800e18);
        uint256 up = _binary(IInstrumentVault.Kind.BinaryUp, 1_500e18);
        uint256 down = _binary(IInstrumentVault.Kind.BinaryDown, 1_500e18);
        vm.startPrank(alice);
        iv.write(call, 2e18, alice, bob);
        iv.write(put, 2e18, alice, bob);
        iv.write(up, 2e18, alice, bob);
        iv.write(down, 2e18, alice, bob);
        vm.stopPrank();
        // the crash: WETH at $1,500 at expiry (the binaries' strike: neither pays)
        _settleAt(call, 1_500e8);
        for (uint256 id = put; id <= down; ++id) {
            uint80 r = iv.seriesState(call).roundId;
            iv.settle(id, r, r - 1);
        }
        vm.warp(block.timestamp + DISPUTE);
        vm.startPrank(alice);
        assertEq(iv.redeem(call, false, 2e18, alice), 0); // out of the money
        assertEq(iv.redeem(put, false, 2e18, alice), 600e6); // (1,800 - 1,500) x 2
        assertEq(iv.redeem(up, false, 2e18, alice), 0); // at the strike
        assertEq(iv.redeem(down, false, 2e18, alice), 0);
        // a second redemption has nothing to burn
        vm.expectRevert(abi.encodeWithSelector(ERC6909.ERC6909InsufficientBalance.selector, alice, 0, 1, put << 1));
        iv.redeem(put, false, 1, alice);
        vm.stopPrank();
        vm.startPrank(bob);
        assertEq(iv.redeem(call, true, 2e18, bob), 2e18);
        assertEq(iv.redeem(put, true, 2e18, bob), 3_000e6);
        assertEq(iv.redeem(up, true, 2e18, bob), 2e6);
        assertEq(iv.redeem(down, true, 2e18, bob), 2e6);
        vm.stopPrank();
        for (uint256 id = call; id <= down; ++id) {
            (, uint256 locked, ) = iv.exposure(id);
            assertEq(locked, 0);
        }
    }

    function test_redeem_refusedBeforeSettlement() public {
        uint256 call = _call(2_500e18);
        vm.prank(alice);
        iv.write(call, 1e18, alice, alice);
        vm.warp(expiry + 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IInstrumentVault.NotRedeemable.selector, call, 0));
        iv.redeem(call, false, 1e18, alice);
    }

    /// @dev Any decimals, kind, strike and expiry price (the strike itself included), three holders on each side:
    ///      the longs' pool is the exact payoff rounded down, everything paid sums to at most what was locked, and at
    ///      most one unit per redemption is left behind.
    function testFuzz_settlement_paysEveryoneFromWhatWasLocked(
        uint8 dIndex,
        uint8 kindSeed,
        uint256 strike,
        uint256 price,
        uint256[3] memory units,
        bool atStrike
    ) public {
        strike = (bound(strike, 1e15, 1e24) / 1e10) * 1e10; // on the feed's 8-decimal grid, so the strike can settle
        price = atStrike ? strike : bound(price, 1e15, 1e24);
        (uint256 id, MockERC20 collateral) = _seriesAtDecimals(dIndex, kindSeed, strike);
        _mintAndApprove(collateral, alice);
        address[3] memory holders = [alice, bob, carol];
        uint256 total;
        uint256 locked;
        for (uint256 i; i < 3; ++i) {
            units[i] = bound(units[i], 1, 1e27);
            total += units[i];
            vm.prank(alice);
            locked += iv.write(id, units[i], holders[i], holders[(i + 1) % 3]);
        }
        (, , uint256 maxPayoff) = iv.exposure(id);
        assertGe(locked, maxPayoff);
        _settleSeriesAt(id, price);
        uint256 paid;
        uint256 longPaid;
        for (uint256 i; i < 3; ++i) {
            vm.prank(holders[i]);
            longPaid += iv.redeem(id, false, units[i], holders[i]);
            vm.prank(holders[(i + 1) % 3]);
            paid += iv.redeem(id, true, units[i], holders[i]);
        }
        paid += longPaid;
        IInstrumentVault.SeriesState memory st = iv.seriesState(id);
        assertEq(st.longPool, _expectedLongPool(id, total, price), "the longs' pool is the exact payoff, rounded down");
        assertEq(uint256(st.longPool) + st.shortPool, locked);
        assertLe(longPaid, st.longPool);
        assertLe(paid, locked);
        assertLe(locked - paid, 6, "at most one unit left per redemption");
        assertEq(collateral.balanceOf(address(iv)), locked - paid);
        if (price == strike) assertEq(longPaid, 0, "the strike pays the long side nothing");
    }

    /// @dev Many one-wei writes lock at least what they claim and pay back no more than they locked (dust farming).
    function testFuzz_dustWritesGainNothing(uint8 dIndex, uint8 kindSeed, uint256 price, uint8 count) public {
        price = bound(price, 1e15, 1e24);
        (uint256 id, MockERC20 collateral) = _seriesAtDecimals(dIndex, kindSeed, 2_000e18);
        _mintAndApprove(collateral, alice);
        count = uint8(bound(count, 1, 40));
        uint256 before = collateral.balanceOf(alice);
        vm.startPrank(alice);
        for (uint256 i; i < count; ++i) iv.write(id, 1, alice, alice);
        // an honest writer beside them
        vm.stopPrank();
        _mintAndApprove(collateral, bob);
        vm.prank(bob);
        uint256 bobLocked = iv.write(id, 1e18, bob, bob);
        _settleSeriesAt(id, price);
        vm.startPrank(alice);
        iv.redeem(id, false, count, alice);
        iv.redeem(id, true, count, alice);
        vm.stopPrank();
        assertLe(collateral.balanceOf(alice), before, "dust writes returned more than they locked");
        vm.startPrank(bob);
        uint256 bobBack = iv.redeem(id, false, 1e18, bob) + iv.redeem(id, true, 1e18, bob);
        vm.stopPrank();
        assertLe(bobBack, bobLocked + count, "the honest writer gains at most the dust others overpaid");
        assertGe(bobBack + 2, bobLocked, "the honest writer loses at most rounding");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------------------

    function _listUnderlying(address asset, uint8 decimals, int256 answer) internal returns (MockRoundFeed f) {
        f = new MockRoundFeed(decimals);
        f.push(answer, block.timestamp);
        IOracleAdapter.Feed memory none;
        oracle.setFeeds(asset, IOracleAdapter.Feed(AggregatorV3Interface(address(f)), 1 days, 1, 1e30), none, 0);
    }

    function _fund(address who) internal {
        weth.mint(who, 1_000e18);
        usdc.mint(who, 10_000_000e6);
        vm.startPrank(who);
        weth.approve(address(iv), type(uint256).max);
        usdc.approve(address(iv), type(uint256).max);
        vm.stopPrank();
    }

    function _mintAndApprove(MockERC20 token, address who) internal {
        token.mint(who, 1 << 200);
        vm.prank(who);
        token.approve(address(iv), type(uint256).max);
    }

    function _call(uint256 strike) internal returns (uint256) {
        return iv.createSeries(address(weth), address(weth), IInstrumentVault.Kind.Call, strike, expiry);
    }

    function _put(uint256 strike) internal returns (uint256) {
        return iv.createSeries(address(weth), address(usdc), IInstrumentVault.Kind.Put, strike, expiry);
    }

    function _binary(IInstrumentVault.Kind kind, uint256 strike) internal returns (uint256) {
        return iv.createSeries(address(weth), address(usdc), kind, strike, expiry);
    }

    /// @dev A series of kind `kindSeed % 4` whose collateral has decimals 0, 2, 6, 8, 18 or 36 (`dIndex % 6`): a call
    ///      on a new underlying of those decimals, or a put or binary on WETH in a new quote of those decimals.
    function _seriesAtDecimals(
        uint8 dIndex,
        uint8 kindSeed,
        uint256 strike
    ) internal returns (uint256 id, MockERC20 collateral) {
        uint8[6] memory decimals = [0, 2, 6, 8, 18, 36];
        uint8 d = decimals[dIndex % 6];
        IInstrumentVault.Kind kind = IInstrumentVault.Kind(kindSeed % 4);
        collateral = new MockERC20("T", "T", d);
        if (kind == IInstrumentVault.Kind.Call) {
            feed = _listUnderlying(address(collateral), 8, 2_000e8);
            iv.setUnderlying(address(collateral), true);
            id = iv.createSeries(address(collateral), address(collateral), kind, strike, expiry);
        } else {
            iv.setQuote(address(collateral), true); // settles on the WETH feed, `feed` since setUp
            id = iv.createSeries(address(weth), address(collateral), kind, strike, expiry);
        }
    }

    /// @dev Settles `id` (on the current `feed`) at `price` [wad] by a round at expiry, after the dispute window.
    function _settleSeriesAt(uint256 id, uint256 price) internal {
        vm.warp(expiry);
        uint80 r = feed.push(int256(price / 1e10), expiry);
        iv.settle(id, r, r - 1);
        vm.warp(expiry + DISPUTE);
        // the feed has 8 decimals: the settled price is the wad price cut to 8 decimals
        assertEq(iv.seriesState(id).price, (price / 1e10) * 1e10);
    }

    /// @dev Settles `id` at `answer` [8 decimals] by a round 60 s after expiry; the dispute window stays open.
    function _settleAt(uint256 id, int256 answer) internal {
        vm.warp(expiry + 60);
        uint80 r = feed.push(answer, expiry + 60);
        iv.settle(id, r, r - 1);
    }

    /// @dev The longs' pool computed here from the payoff table (IInstrumentVault), apart from the contract's code.
    function _expectedLongPool(uint256 id, uint256 units, uint256 price) internal view returns (uint256) {
        IInstrumentVault.Series memory s = iv.series(id);
        price = (price / 1e10) * 1e10;
        uint256 k = s.strike;
        if (s.kind == IInstrumentVault.Kind.Call) {
            return price <= k ? 0 : Math.mulDiv(units * 10 ** s.underlyingDecimals, price - k, price * WAD);
        }
        if (s.kind == IInstrumentVault.Kind.Put) {
            return price >= k ? 0 : Math.mulDiv(units, (k - price) * 10 ** s.collateralDecimals, WAD * WAD);
        }
        bool pays = s.kind == IInstrumentVault.Kind.BinaryUp ? price > k : price < k;
        return pays ? Math.mulDiv(units, 10 ** s.collateralDecimals, WAD) : 0;
    }
}
