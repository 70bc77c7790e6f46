// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {Fixture} from "./utils/Fixture.sol";
import {ITreasury} from "../contracts/interfaces/ITreasury.sol";
import {IBuybackSink} from "../contracts/interfaces/IBuybackSink.sol";
import {ISavingsToken} from "../contracts/interfaces/ISavingsToken.sol";
import {IOracleAdapter} from "../contracts/interfaces/IOracleAdapter.sol";
import {IBallastErrors} from "../contracts/interfaces/IBallastErrors.sol";
import {SavingsToken} from "../contracts/SavingsToken.sol";
import {BuybackSink} from "../contracts/BuybackSink.sol";
import {Settlement} from "../contracts/Settlement.sol";
import {MockSwapVenue} from "../contracts/mocks/MockSwapVenue.sol";
import {MockERC20} from "../contracts/mocks/MockERC20.sol";
import {ReserveLens} from "../contracts/ReserveLens.sol";
import {IReserveLens} from "../contracts/interfaces/IReserveLens.sol";
import {Artifacts} from "./utils/Artifacts.sol";

/// @notice The Treasury's surplus policy: bounded parameters, the clock that pokes and every surplus-lowering
///         operation keep, the waterfall order (nothing while a deficit is open), the amount and split of a
///         distribution, the savings stream and the oracle-bounded buyback, and the history.
contract TreasuryPolicyTest is Fixture {
    SavingsToken internal savings;
    BuybackSink internal sink;
    MockSwapVenue internal venue;
    address internal buybackRecipient = makeAddr("buybackRecipient");
    address internal saver = makeAddr("saver");
    address internal keeper = makeAddr("keeper");

    ITreasury.Policy internal policy_ = ITreasury.Policy({
        buffer: 10_000e18,
        maxAmount: 5_000e18,
        minDuration: 1 days,
        minInterval: 7 days,
        maxShareBps: 5_000,
        savingsBps: 6_000,
        buybackBps: 3_000
    });

    function setUp() public override {
        super.setUp();
        _wireLiquidation();
        savings = SavingsToken(
            Artifacts.deploy("SavingsToken.sol:SavingsToken", abi.encode(busd, "Ballast Savings USD", "sbUSD", 7 days))
        );
        venue = new MockSwapVenue(IOracleAdapter(address(0)));
        venue.setRate(address(busd), address(weth), uint256(1e18) / 2_000); // 1 bUSD = 1/2000 WETH
        sink = BuybackSink(
            Artifacts.deploy("BuybackSink.sol:BuybackSink", abi.encode(weth, buybackRecipient, venue, oracle, 100))
        ); // at most 1% below the oracle
        treasuryC.setSinks(BUSD, ITreasury.Sinks(savings, sink));
        treasuryC.setPolicy(BUSD, policy_);
        _fundBusd(saver, 1_000e18);
        vm.startPrank(saver);
        busd.approve(address(savings), type(uint256).max);
        savings.deposit(1_000e18, saver);
        vm.stopPrank();
    }

    /// @dev Gives the Treasury `amount` of surplus (a transfer, as fees and penalties arrive).
    function _surplus(uint256 amount) internal {
        _fundBusd(address(treasuryC), amount);
    }

    // ------------------------------------------------------------------ parameters

    function test_setPolicy_isBounded_andOnlyByItsRole() public {
        ITreasury.Policy memory p = policy_;
        p.minDuration = 59 minutes;
        vm.expectRevert(abi.encodeWithSelector(ITreasury.InvalidPolicy.selector, ITreasury.PolicyError.Duration));
        treasuryC.setPolicy(BUSD, p);
        p = policy_;
        p.minInterval = 31 days;
        vm.expectRevert(abi.encodeWithSelector(ITreasury.InvalidPolicy.selector, ITreasury.PolicyError.Interval));
        treasuryC.setPolicy(BUSD, p);
        p = policy_;
        p.maxShareBps = 5_001;
        vm.expectRevert(abi.encodeWithSelector(ITreasury.InvalidPolicy.selector, ITreasury.PolicyError.Share));
        treasuryC.setPolicy(BUSD, p);
        p = policy_;
        (p.savingsBps, p.buybackBps) = (7_000, 3_001);
        vm.expectRevert(abi.encodeWithSelector(ITreasury.InvalidPolicy.selector, ITreasury.PolicyError.Weights));
        treasuryC.setPolicy(BUSD, p);
        vm.expectRevert(abi.encodeWithSignature("SyntheticNotFound(uint256)", 9));
        treasuryC.setPolicy(9, policy_);

        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        treasuryC.setPolicy(BUSD, policy_);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        treasuryC.setSinks(BUSD, ITreasury.Sinks(savings, sink));

        ITreasury.Policy memory got = treasuryC.policy(BUSD);
        assertEq(got.buffer, policy_.buffer);
        assertEq(got.maxAmount, policy_.maxAmount);
        assertEq(got.minDuration, policy_.minDuration);
        assertEq(got.minInterval, policy_.minInterval);
        assertEq(got.maxShareBps, policy_.maxShareBps);
        assertEq(got.savingsBps, policy_.savingsBps);
        assertEq(got.buybackBps, policy_.buybackBps);
    }

    function test_setSinks_refusesASavingsTokenOfAnotherSynthetic() public {
        SavingsToken other = SavingsToken(
            Artifacts.deploy("SavingsToken.sol:SavingsToken", abi.encode(beth, "s", "s", 1 days))
        );
        vm.expectRevert(abi.encodeWithSelector(ITreasury.InvalidSink.selector, address(other)));
        treasuryC.setSinks(BUSD, ITreasury.Sinks(other, sink));
        vm.expectEmit(address(treasuryC));
        emit ITreasury.SinksSet(BETH, ITreasury.Sinks(other, IBuybackSink(address(0))));
        treasuryC.setSinks(BETH, ITreasury.Sinks(other, IBuybackSink(address(0))));
    }

    // ------------------------------------------------------------------ the clock

    function test_poke_startsTheClockAboveTheBuffer_andADipRestartsIt() public {
        assertEq(treasuryC.poke(BUSD), 0, "no surplus yet");
        _surplus(12_000e18);
        vm.expectEmit(address(treasuryC));
        emit ITreasury.SurplusPoked(BUSD, 12_000e18, block.timestamp);
        uint256 since = treasuryC.poke(BUSD);
        assertEq(since, block.timestamp);
        vm.warp(block.timestamp + 1 hours);
        assertEq(treasuryC.poke(BUSD), since, "a later poke keeps the start");
        // a keeper is paid out of the surplus, taking it under the buffer: the Treasury's own poke resets the clock
        vm.prank(address(engine));
        treasuryC.payKeeper(BUSD, keeper, 2_500e18);
        assertEq(treasuryC.clock(BUSD).aboveSince, 0, "the dip restarted the clock");
        _surplus(1_000e18);
        assertEq(treasuryC.poke(BUSD), block.timestamp, "above again: a new start");
    }

    function test_noPolicy_pokeRecordsNothing() public {
        ITreasury.Policy memory off = policy_;
        off.maxShareBps = 0;
        treasuryC.setPolicy(BUSD, off);
        _surplus(50_000e18);
        assertEq(treasuryC.poke(BUSD), 0);
        (bool due, , , uint256 allowedAt) = treasuryC.previewDistribution(BUSD);
        assertFalse(due);
        assertEq(allowedAt, 0);
        vm.expectRevert(abi.encodeWithSelector(ITreasury.SurplusBelowBuffer.selector, 50_000e18, 10_000e18));
        treasuryC.distribute(BUSD);
    }

    // ------------------------------------------------------------------ distributions

    function test_distribute_waitsForTheDuration_thenSplitsByTheWeights() public {
        _surplus(16_000e18); // excess 6,000: half is 3,000 (under the 5,000 cap)
        treasuryC.poke(BUSD);
        uint256 allowedAt = block.timestamp + 1 days;
        vm.expectRevert(abi.encodeWithSelector(ITreasury.DistributionTooEarly.selector, allowedAt));
        treasuryC.distribute(BUSD);
        vm.warp(allowedAt);
        _refreshFeeds();
        (bool due, uint256 s, uint256 b, uint256 at) = treasuryC.previewDistribution(BUSD);
        assertTrue(due);
        assertEq(at, allowedAt);
        assertEq(s, 1_800e18, "60% of 3,000");
        assertEq(b, 900e18, "30% of 3,000");

        vm.expectEmit(address(treasuryC));
        emit ITreasury.SurplusDistributed(BUSD, 1_800e18, 900e18, 16_000e18 - 2_700e18);
        (uint256 toSavings, uint256 toBuyback) = treasuryC.distribute(BUSD);
        assertEq(toSavings, 1_800e18);
        assertEq(toBuyback, 900e18);
        assertEq(busd.balanceOf(address(treasuryC)), 13_300e18, "the rest (10%) and the buffer stay");
        (uint256 unvested, , ) = savings.vesting();
        assertEq(unvested, 1_800e18, "streamed, not paid at once");
        assertEq(weth.balanceOf(buybackRecipient), 0.45e18, "900 bUSD at 2,000 a WETH");
        ITreasury.History memory h = treasuryC.history(BUSD);
        assertEq(h.distributedSavings, 1_800e18);
        assertEq(h.distributedBuyback, 900e18);

        // the next one waits for the interval, even though the surplus stays above the buffer
        vm.expectRevert(abi.encodeWithSelector(ITreasury.DistributionTooEarly.selector, block.timestamp + 7 days));
        treasuryC.distribute(BUSD);
        vm.warp(block.timestamp + 7 days);
        _refreshFeeds();
        (toSavings, toBuyback) = treasuryC.distribute(BUSD);
        assertEq(toSavings + toBuyback, (((13_300e18 - 10_000e18) / 2) * 9) / 10, "half the excess, 90% of it out");
    }

    function test_reserveLens_reportsTheSavingsTokenFromTheTreasurysSinks() public {
        ReserveLens lens = ReserveLens(Artifacts.deploy("ReserveLens.sol:ReserveLens", abi.encode(vault)));
        IReserveLens.SavingsReserve[] memory list = lens.savingsReserves();
        assertEq(list.length, 1, "bUSD's sink; bETH has none");
        assertEq(list[0].token, address(savings));
        assertEq(list[0].synthId, BUSD);
        assertEq(list[0].totalAssets, 1_000e18);
        assertEq(list[0].totalSupply, savings.totalSupply());
        assertEq(list[0].unvested, 0);
        _surplus(16_000e18);
        treasuryC.poke(BUSD);
        vm.warp(block.timestamp + 1 days);
        _refreshFeeds();
        treasuryC.distribute(BUSD);
        list = lens.savingsReserves();
        assertEq(list[0].unvested, 1_800e18);
        assertEq(list[0].vestingEnd, block.timestamp + 7 days);
        assertEq(list[0].apr, savings.apr());
        assertGt(list[0].apr, 0);
    }

    function test_distribute_isCappedByMaxAmount() public {
        _surplus(1_000_000e18);
        treasuryC.poke(BUSD);
        vm.warp(block.timestamp + 1 days);
        _refreshFeeds();
        (uint256 s, uint256 b) = treasuryC.distribute(BUSD);
        assertEq(s, 3_000e18, "60% of the 5,000 cap");
        assertEq(b, 1_500e18);
    }

    function test_distribute_neverWhileADeficitIsOpen() public {
        _surplus(20_000e18);
        treasuryC.poke(BUSD);
        vm.warp(block.timestamp + 1 days);
        _refreshFeeds();
        // a keeper's pay beyond the surplus is minted unbacked: a deficit
        vm.prank(address(engine));
        treasuryC.payKeeper(BUSD, keeper, 20_500e18);
        assertEq(treasuryC.deficit(BUSD), 500e18);
        assertEq(treasuryC.clock(BUSD).aboveSince, 0, "the deficit stopped the clock");
        vm.expectRevert(abi.encodeWithSelector(ITreasury.DeficitOpen.selector, BUSD, 500e18));
        treasuryC.distribute(BUSD);
        (bool due, , , ) = treasuryC.previewDistribution(BUSD);
        assertFalse(due);
        // fees arrive and cover it: the clock starts again from the absorb
        _surplus(12_000e18);
        treasuryC.absorbBadDebt(BUSD);
        assertEq(treasuryC.deficit(BUSD), 0);
        assertEq(treasuryC.clock(BUSD).aboveSince, block.timestamp, "covered and above the buffer");
    }

    function test_distribute_refusedAfterShutdown() public {
        Settlement settlement = _wireSettlement();
        _surplus(20_000e18);
        treasuryC.poke(BUSD);
        vm.warp(block.timestamp + 1 days);
        _refreshFeeds();
        settlement.shutdown();
        vm.expectRevert(abi.encodeWithSelector(IBallastErrors.SystemShutdown.selector, block.timestamp));
        treasuryC.distribute(BUSD);
    }

    function test_distribute_skipsASavingsTokenWithoutSavers() public {
        SavingsToken empty = SavingsToken(
            Artifacts.deploy("SavingsToken.sol:SavingsToken", abi.encode(busd, "e", "e", 1 days))
        );
        treasuryC.setSinks(BUSD, ITreasury.Sinks(empty, sink));
        _surplus(16_000e18);
        treasuryC.poke(BUSD);
        vm.warp(block.timestamp + 1 days);
        _refreshFeeds();
        (uint256 s, uint256 b) = treasuryC.distribute(BUSD);
        assertEq(s, 0, "a stream nobody could claim is not made");
        assertEq(b, 900e18);
        assertEq(busd.balanceOf(address(empty)), 0);
    }

    /// @dev A 1-wei saver alone in the savings token holds as many shares as its virtual shares: what vested would
    ///      go half to nobody, for good. Below one whole unit's shares the stream would not vest, so the part stays
    ///      in the Treasury (where it can absorb bad debt); from it on the stream flows and the virtual shares keep
    ///      about 1e-18 of it.
    function test_distribute_skipsASavingsTokenHeldOnlyByDust() public {
        SavingsToken dusty = SavingsToken(
            Artifacts.deploy("SavingsToken.sol:SavingsToken", abi.encode(busd, "d", "d", 1 days))
        );
        treasuryC.setSinks(BUSD, ITreasury.Sinks(dusty, sink));
        address tiny = makeAddr("tiny");
        _fundBusd(tiny, 200e18);
        vm.startPrank(tiny);
        busd.approve(address(dusty), type(uint256).max);
        dusty.deposit(1, tiny);
        vm.stopPrank();
        assertEq(dusty.totalSupply(), 1e9);
        assertFalse(dusty.vestingActive(), "a 1-wei saver alone: the stream would not vest");
        uint256 t0 = block.timestamp; // via-IR may reuse a read of block.timestamp across warps
        _surplus(16_000e18);
        treasuryC.poke(BUSD);
        vm.warp(t0 + 1 days);
        _refreshFeeds();
        (uint256 s, uint256 b) = treasuryC.distribute(BUSD);
        assertEq(s, 0, "no stream to a savings token held by dust");
        assertEq(b, 900e18);
        assertEq(busd.balanceOf(address(dusty)), 1);

        // one whole unit deposited: the next distribution streams, and all of it can be withdrawn once vested
        vm.prank(tiny);
        dusty.deposit(1e18 - 1, tiny);
        assertEq(dusty.totalSupply(), dusty.minVestingShares());
        assertTrue(dusty.vestingActive());
        vm.warp(t0 + 8 days);
        _refreshFeeds();
        (s, ) = treasuryC.distribute(BUSD);
        assertGt(s, 0, "a savings token with a whole unit's shares gets its part");
        vm.warp(t0 + 9 days);
        uint256 shares = dusty.balanceOf(tiny);
        vm.prank(tiny);
        uint256 out = dusty.redeem(shares, tiny, tiny);
        // the virtual shares keep (assets + 1) × 1e9 / (shares + 1e9): about 1e-18 of the assets
        assertGe(out + (1e18 + s) / 1e18 + 2, 1e18 + s, "the saver withdraws the stream but for 1e-18 of it");
        assertLe(out, 1e18 + s, "and never more than it holds");
    }

    function test_distribute_aFailedPriceRevertsTheBuyback_andTheWholeDistribution() public {
        _surplus(16_000e18);
        treasuryC.poke(BUSD);
        vm.warp(block.timestamp + 1 days);
        _refreshFeeds();
        ethFeed.setAnswer(0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleAdapter.PriceUnavailable.selector,
                address(weth),
                IOracleAdapter.PriceFailure.NonPositive
            )
        );
        treasuryC.distribute(BUSD);
        assertEq(treasuryC.clock(BUSD).lastDistribution, 0, "nothing happened");
    }

    // ------------------------------------------------------------------ the buyback sink

    function test_buyback_refusesAVenueThatPaysBelowTheOracleBound() public {
        _fundBusd(address(this), 1_000e18);
        busd.approve(address(sink), type(uint256).max);
        venue.setSlippage(150); // 1.5% worse than the oracle: the venue's own check fails
        vm.expectRevert(bytes("MockSwapVenue: below minOut"));
        sink.buy(busd, 1_000e18, 1e18);
        venue.setSlippage(0);
        venue.setLie(true); // it checks, then pays half
        vm.expectRevert(abi.encodeWithSelector(IBuybackSink.BuybackBelowOracle.selector, 0.25e18, 0.495e18));
        sink.buy(busd, 1_000e18, 1e18);
        venue.setLie(false);
        venue.setSlippage(100); // exactly the bound
        uint256 bought = sink.buy(busd, 1_000e18, 1e18);
        assertEq(bought, 0.495e18);
        assertEq(busd.balanceOf(address(sink)), 0, "the sink keeps nothing");
        assertEq(busd.allowance(address(sink), address(venue)), 0, "and leaves no approval");
        vm.expectRevert(abi.encodeWithSelector(IBuybackSink.InvalidSlippage.selector, 501));
        BuybackSink(
            Artifacts.deploy("BuybackSink.sol:BuybackSink", abi.encode(weth, buybackRecipient, venue, oracle, 501))
        );
    }

    /// @dev The savings sandwich: a deposit right before a distribution, withdrawn at once, gains nothing; left for
    ///      half the vesting period, it gains at most its share of what vested meanwhile.
    function test_sandwich_aDepositBeforeADistributionGainsOnlyWhatVestsWhileItIsIn() public {
        _surplus(16_000e18);
        treasuryC.poke(BUSD);
        vm.warp(block.timestamp + 1 days);
        _refreshFeeds();
        address sandwich = makeAddr("sandwich");
        _fundBusd(sandwich, 99_000e18);
        vm.startPrank(sandwich);
        busd.approve(address(savings), type(uint256).max);
        uint256 shares = savings.deposit(99_000e18, sandwich);
        vm.stopPrank();
        treasuryC.distribute(BUSD); // streams 1,800 over 7 days
        vm.prank(sandwich);
        uint256 back = savings.redeem(shares, sandwich, sandwich);
        assertLe(back, 99_000e18, "nothing vested in the block of the distribution");
        vm.startPrank(sandwich);
        shares = savings.deposit(back, sandwich);
        vm.warp(block.timestamp + 3.5 days);
        back = savings.redeem(shares, sandwich, sandwich);
        vm.stopPrank();
        // half the stream vested: 900, of which 99% is this depositor's share
        assertLe(back, 99_000e18 + (uint256(900e18) * 99) / 100 + 1e18, "at most its share of what vested");
        assertGt(back, 99_000e18 + 880e18, "and it does earn that share");
    }
}
