// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {console2} from "forge-std/console2.sol"; // forge-std `console` uses selectors EDR does not decode
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IOracleAdapter} from "../contracts/interfaces/IOracleAdapter.sol";
import {OracleAdapter} from "../contracts/OracleAdapter.sol";
import {MockFeed} from "../contracts/mocks/MockFeed.sol";
import {Artifacts} from "./utils/Artifacts.sol";

contract OracleAdapterTest is Test {
    uint32 internal constant MAX_AGE = 1 hours; // [s]
    uint32 internal constant GRACE = 1 hours; // [s]
    uint256 internal constant START = 1_700_000_000; // [s] test clock start

    AccessManager internal manager;
    OracleAdapter internal adapter;
    MockFeed internal feed8; // primary, 8 decimals
    MockFeed internal feed18; // second feed, 18 decimals
    MockFeed internal seq; // sequencer-uptime feed
    address internal asset = makeAddr("asset");
    address internal stranger = makeAddr("stranger");

    function setUp() public {
        vm.warp(START);
        manager = new AccessManager(address(this));
        adapter = OracleAdapter(
            Artifacts.deploy(
                "OracleAdapter.sol:OracleAdapter",
                abi.encode(address(manager), AggregatorV3Interface(address(0)), 0)
            )
        );
        feed8 = new MockFeed(8);
        feed18 = new MockFeed(18);
        seq = new MockFeed(0);
        feed8.setAnswer(2000e8);
        feed18.setAnswer(2000e18);
        adapter.setFeeds(asset, _feed(feed8), _none(), 0);
    }

    // ------------------------------------------------------------------ helpers

    /// @dev A feed config with maxAge 1 h and answer bounds (0, int128.max).
    function _feed(MockFeed f) internal pure returns (IOracleAdapter.Feed memory) {
        return IOracleAdapter.Feed(f, MAX_AGE, 0, type(int128).max);
    }

    function _none() internal pure returns (IOracleAdapter.Feed memory) {}

    /// @dev `getPrice` reverts with `reason` and `tryGetPrice` returns (0, reason).
    function _assertFailure(IOracleAdapter.PriceFailure reason) internal {
        (uint256 price, IOracleAdapter.PriceFailure failure) = adapter.tryGetPrice(asset);
        assertEq(price, 0, "tryGetPrice price");
        assertEq(uint8(failure), uint8(reason), "tryGetPrice reason");
        vm.expectRevert(abi.encodeWithSelector(IOracleAdapter.PriceUnavailable.selector, asset, reason));
        adapter.getPrice(asset);
    }

    /// @dev `getPrice` and `tryGetPrice` both return `expected` [wad].
    function _assertPrice(uint256 expected) internal view {
        assertEq(adapter.getPrice(asset), expected, "getPrice");
        (uint256 price, IOracleAdapter.PriceFailure failure) = adapter.tryGetPrice(asset);
        assertEq(price, expected, "tryGetPrice price");
        assertEq(uint8(failure), uint8(IOracleAdapter.PriceFailure.None), "tryGetPrice reason");
    }

    function _setSecondary(uint16 maxDeviationBps) internal {
        adapter.setFeeds(asset, _feed(feed8), _feed(feed18), maxDeviationBps);
    }

    /// @dev Replaces the adapter with one that checks `seq` (the uptime feed is immutable), with the same feeds.
    function _setSequencer() internal {
        seq.setRound(1, 0, START - GRACE, START - GRACE); // up for exactly the grace period
        IOracleAdapter.AssetFeeds memory feeds = adapter.feedsOf(asset);
        adapter = OracleAdapter(
            Artifacts.deploy("OracleAdapter.sol:OracleAdapter", abi.encode(address(manager), seq, GRACE))
        );
        adapter.setFeeds(asset, feeds.primary, feeds.secondary, feeds.maxDeviationBps);
    }

    function _expectConfigError(string memory field) internal {
        vm.expectRevert(abi.encodeWithSelector(IOracleAdapter.InvalidFeedConfig.selector, asset, field));
    }

    // ------------------------------------------------------------------ getPrice: valid prices and scaling

    function test_getPrice_scales8DecimalFeed() public view {
        _assertPrice(2000e18);
    }

    function test_getPrice_scales18DecimalFeed() public {
        feed18.setAnswer(1234.567890123456789e18);
        adapter.setFeeds(asset, _feed(feed18), _none(), 0);
        _assertPrice(1234.567890123456789e18);
    }

    function test_getPrice_scales0DecimalFeed() public {
        MockFeed feed0 = new MockFeed(0);
        feed0.setAnswer(3);
        adapter.setFeeds(asset, _feed(feed0), _none(), 0);
        _assertPrice(3e18);
    }

    function test_getPrice_roundsDown24DecimalFeed() public {
        MockFeed feed24 = new MockFeed(24);
        feed24.setAnswer(1.5e24 + 999_999); // 1.5 + 0.999999e-18: the last 6 digits are cut
        adapter.setFeeds(asset, _feed(feed24), _none(), 0);
        _assertPrice(1.5e18);
        feed24.setAnswer(999_999); // below one wei of a wad: no usable price, never a price of 0
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleAdapter.PriceUnavailable.selector,
                asset,
                IOracleAdapter.PriceFailure.NonPositive
            )
        );
        adapter.getPrice(asset);
    }

    function test_getPrice_scales36DecimalFeed() public {
        MockFeed feed36 = new MockFeed(36);
        feed36.setAnswer(7e36 + 1e18 - 1);
        adapter.setFeeds(asset, _feed(feed36), _none(), 0);
        _assertPrice(7e18);
    }

    // ------------------------------------------------------------------ getPrice: answer checks

    function test_getPrice_revertsWhenNoFeed() public {
        asset = makeAddr("unknown");
        _assertFailure(IOracleAdapter.PriceFailure.NoFeed);
    }

    function test_getPrice_revertsWhenAnswerZero() public {
        feed8.setAnswer(0);
        _assertFailure(IOracleAdapter.PriceFailure.NonPositive);
    }

    function test_getPrice_revertsWhenAnswerNegative() public {
        feed8.setAnswer(-1);
        _assertFailure(IOracleAdapter.PriceFailure.NonPositive);
    }

    function test_getPrice_passesAtExactlyMaxAge() public {
        vm.warp(block.timestamp + MAX_AGE);
        _assertPrice(2000e18);
    }

    function test_getPrice_revertsWhenStale() public {
        vm.warp(block.timestamp + MAX_AGE + 1);
        _assertFailure(IOracleAdapter.PriceFailure.Stale);
    }

    function test_getPrice_revertsWhenUpdatedAtZero() public {
        feed8.setRound(7, 2000e8, block.timestamp, 0);
        _assertFailure(IOracleAdapter.PriceFailure.Stale);
    }

    function test_getPrice_revertsWhenUpdatedAtInFuture() public {
        feed8.setRound(7, 2000e8, block.timestamp, block.timestamp + 1);
        _assertFailure(IOracleAdapter.PriceFailure.Stale);
    }

    function test_getPrice_revertsAtMinAnswer() public {
        adapter.setFeeds(asset, IOracleAdapter.Feed(feed8, MAX_AGE, 10e8, 1e6 * 1e8), _none(), 0);
        feed8.setAnswer(10e8);
        _assertFailure(IOracleAdapter.PriceFailure.AtMinAnswer);
    }

    function test_getPrice_revertsBelowMinAnswer() public {
        adapter.setFeeds(asset, IOracleAdapter.Feed(feed8, MAX_AGE, 10e8, 1e6 * 1e8), _none(), 0);
        feed8.setAnswer(10e8 - 1);
        _assertFailure(IOracleAdapter.PriceFailure.AtMinAnswer);
    }

    function test_getPrice_passesJustAboveMinAndBelowMax() public {
        adapter.setFeeds(asset, IOracleAdapter.Feed(feed8, MAX_AGE, 10e8, 1e6 * 1e8), _none(), 0);
        feed8.setAnswer(10e8 + 1);
        _assertPrice(10e18 + 1e10);
        feed8.setAnswer(1e6 * 1e8 - 1);
        _assertPrice(1e6 * 1e18 - 1e10);
    }

    function test_getPrice_revertsAtMaxAnswer() public {
        adapter.setFeeds(asset, IOracleAdapter.Feed(feed8, MAX_AGE, 10e8, 1e6 * 1e8), _none(), 0);
        feed8.setAnswer(1e6 * 1e8);
        _assertFailure(IOracleAdapter.PriceFailure.AtMaxAnswer);
    }

    function test_getPrice_revertsAboveMaxAnswer() public {
        feed8.setAnswer(type(int256).max); // far above the int128 bound: no overflow, a clean failure
        _assertFailure(IOracleAdapter.PriceFailure.AtMaxAnswer);
    }

    // ------------------------------------------------------------------ getPrice: broken feeds

    function test_getPrice_revertsWhenFeedReverts() public {
        feed8.setMode(MockFeed.Mode.Revert);
        _assertFailure(IOracleAdapter.PriceFailure.FeedReverted);
    }

    function test_getPrice_revertsWhenFeedReturnsMalformedData() public {
        feed8.setMode(MockFeed.Mode.Malformed);
        _assertFailure(IOracleAdapter.PriceFailure.FeedReverted);
    }

    function test_getPrice_revertsWhenFeedHasNoCode() public {
        vm.etch(address(feed8), "");
        _assertFailure(IOracleAdapter.PriceFailure.FeedReverted);
    }

    function test_getPrice_revertsFeedRevertedWhenFeedBurnsGasWithAmpleGas() public {
        feed8.setMode(MockFeed.Mode.BurnGas);
        _assertFailure(IOracleAdapter.PriceFailure.FeedReverted);
        uint256 ample = adapter.FEED_CALL_GAS() * 2;
        (uint256 price, IOracleAdapter.PriceFailure failure) = adapter.tryGetPrice{gas: ample}(asset);
        assertEq(price, 0);
        assertEq(uint8(failure), uint8(IOracleAdapter.PriceFailure.FeedReverted));
    }

    // ------------------------------------------------------------------ getPrice: gas starvation

    function test_getPrice_revertsStarvedWhenGasBurningFeedGetsTooLittleGas() public {
        feed8.setMode(MockFeed.Mode.BurnGas);
        _expectStarved(abi.encodeCall(adapter.getPrice, (asset)), 100_000);
        _expectStarved(abi.encodeCall(adapter.tryGetPrice, (asset)), 100_000);
    }

    function test_getPrice_revertsStarvedWhenSequencerCallStarved() public {
        _setSequencer();
        seq.setMode(MockFeed.Mode.BurnGas);
        _expectStarved(abi.encodeCall(adapter.tryGetPrice, (asset)), 100_000);
    }

    /// @dev Sweeps the gas given to `tryGetPrice` over a healthy but heavy feed (100k gas): every call either returns
    ///      the right price or reverts (`OracleCallStarved`, or out of gas with no data); none reports a feed failure.
    function test_tryGetPrice_neverReportsFailureWhenStarved() public {
        feed8.setExtraGas(100_000);
        uint256 starvedSeen;
        uint256 pricesSeen;
        for (uint256 gas = 20_000; gas < 140_000; gas += 500) {
            try adapter.tryGetPrice{gas: gas}(asset) returns (uint256 price, IOracleAdapter.PriceFailure failure) {
                assertEq(uint8(failure), uint8(IOracleAdapter.PriceFailure.None), "failure reported under starvation");
                assertEq(price, 2000e18);
                pricesSeen++;
            } catch (bytes memory err) {
                if (err.length != 0) {
                    assertEq(bytes4(err), IOracleAdapter.OracleCallStarved.selector);
                    starvedSeen++;
                }
            }
        }
        assertGt(starvedSeen, 0, "no starved call seen");
        assertGt(pricesSeen, 0, "no price seen");
    }

    /// @dev The same sweep through the sequencer and a second feed, with ordinary (light) feeds.
    function test_tryGetPrice_neverReportsFailureWhenStarvedFullPath() public {
        _setSecondary(100);
        _setSequencer();
        for (uint256 gas = 2_000; gas < 60_000; gas += 250) {
            try adapter.tryGetPrice{gas: gas}(asset) returns (uint256 price, IOracleAdapter.PriceFailure failure) {
                assertEq(uint8(failure), uint8(IOracleAdapter.PriceFailure.None), "failure reported under starvation");
                assertEq(price, 2000e18);
            } catch (bytes memory err) {
                if (err.length != 0) assertEq(bytes4(err), IOracleAdapter.OracleCallStarved.selector);
            }
        }
    }

    function _expectStarved(bytes memory call, uint256 gas) internal view {
        (bool ok, bytes memory err) = address(adapter).staticcall{gas: gas}(call);
        assertFalse(ok, "starved call succeeded");
        assertEq(bytes4(err), IOracleAdapter.OracleCallStarved.selector, "not OracleCallStarved");
        (uint256 gasLeft) = abi.decode(_tail(err), (uint256));
        assertLe(gasLeft, gas / 64, "gasLeft");
    }

    function _tail(bytes memory err) internal pure returns (bytes memory tail) {
        tail = new bytes(err.length - 4);
        for (uint256 i; i < tail.length; i++) {
            tail[i] = err[i + 4];
        }
    }

    // ------------------------------------------------------------------ getPrice: second feed

    function test_getPrice_returnsPrimaryWhenSecondaryAgrees() public {
        _setSecondary(100);
        feed18.setAnswer(2001e18);
        _assertPrice(2000e18);
    }

    function test_getPrice_passesWhenDeviationJustInsideAbove() public {
        _setSecondary(100); // 1 %
        feed18.setAnswer(2020e18); // exactly +1 %
        _assertPrice(2000e18);
    }

    function test_getPrice_revertsWhenDeviationJustOutsideAbove() public {
        _setSecondary(100);
        feed18.setAnswer(2020e18 + 1);
        _assertFailure(IOracleAdapter.PriceFailure.Deviation);
    }

    function test_getPrice_passesWhenDeviationJustInsideBelow() public {
        _setSecondary(100);
        feed18.setAnswer(1980e18); // exactly -1 %
        _assertPrice(2000e18);
    }

    function test_getPrice_revertsWhenDeviationJustOutsideBelow() public {
        _setSecondary(100);
        feed18.setAnswer(1980e18 - 1);
        _assertFailure(IOracleAdapter.PriceFailure.Deviation);
    }

    function test_getPrice_revertsWhenSecondaryFails() public {
        _setSecondary(100);
        feed18.setMode(MockFeed.Mode.Revert);
        _assertFailure(IOracleAdapter.PriceFailure.SecondaryFailed);
        feed18.setMode(MockFeed.Mode.Normal);
        vm.warp(block.timestamp + MAX_AGE + 1);
        feed8.setAnswer(2000e8); // primary fresh, second stale
        _assertFailure(IOracleAdapter.PriceFailure.SecondaryFailed);
        feed18.setAnswer(0);
        _assertFailure(IOracleAdapter.PriceFailure.SecondaryFailed);
    }

    function test_getPrice_reportsPrimaryFailureBeforeSecondary() public {
        _setSecondary(100);
        feed18.setMode(MockFeed.Mode.Revert);
        feed8.setAnswer(0);
        _assertFailure(IOracleAdapter.PriceFailure.NonPositive);
    }

    // ------------------------------------------------------------------ getPrice: sequencer

    function test_getPrice_passesWhenSequencerUpPastGracePeriod() public {
        _setSequencer();
        _assertPrice(2000e18);
    }

    function test_getPrice_revertsWhenSequencerDown() public {
        _setSequencer();
        seq.setAnswer(1);
        _assertFailure(IOracleAdapter.PriceFailure.SequencerDown);
    }

    function test_getPrice_revertsWhenSequencerStartedAtZero() public {
        _setSequencer();
        seq.setRound(2, 0, 0, block.timestamp);
        _assertFailure(IOracleAdapter.PriceFailure.SequencerDown);
    }

    function test_getPrice_revertsWhenSequencerFeedReverts() public {
        _setSequencer();
        seq.setMode(MockFeed.Mode.Revert);
        _assertFailure(IOracleAdapter.PriceFailure.SequencerDown);
        seq.setMode(MockFeed.Mode.Malformed);
        _assertFailure(IOracleAdapter.PriceFailure.SequencerDown);
    }

    function test_getPrice_revertsWhenSequencerJustRestarted() public {
        _setSequencer();
        seq.setAnswer(0); // back up now
        _assertFailure(IOracleAdapter.PriceFailure.GracePeriod);
        vm.warp(block.timestamp + GRACE - 1); // one second short of the grace period
        feed8.setAnswer(2000e8);
        _assertFailure(IOracleAdapter.PriceFailure.GracePeriod);
        vm.warp(block.timestamp + 1); // exactly the grace period
        _assertPrice(2000e18);
    }

    function test_getPrice_revertsWhenSequencerStartedAtInFuture() public {
        _setSequencer();
        seq.setRound(2, 0, block.timestamp + 1, block.timestamp);
        _assertFailure(IOracleAdapter.PriceFailure.GracePeriod);
    }

    function test_getPrice_checksSequencerBeforeFeeds() public {
        _setSequencer();
        seq.setAnswer(1);
        feed8.setMode(MockFeed.Mode.Revert);
        _assertFailure(IOracleAdapter.PriceFailure.SequencerDown);
    }

    function test_getPrice_ignoresSequencerWhenDisabled() public {
        _setSequencer();
        seq.setAnswer(1);
        adapter = OracleAdapter(
            Artifacts.deploy(
                "OracleAdapter.sol:OracleAdapter",
                abi.encode(address(manager), AggregatorV3Interface(address(0)), 0)
            )
        );
        adapter.setFeeds(asset, _feed(feed8), _none(), 0);
        _assertPrice(2000e18);
    }

    // ------------------------------------------------------------------ governance: access

    function test_setFeeds_revertsWhenUnauthorized() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        vm.prank(stranger);
        adapter.setFeeds(asset, _feed(feed8), _none(), 0);
    }

    function test_removeFeeds_revertsWhenUnauthorized() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        vm.prank(stranger);
        adapter.removeFeeds(asset);
    }

    // ------------------------------------------------------------------ governance: validation

    function test_setFeeds_revertsWhenPrimaryAggregatorZero() public {
        _expectConfigError("primary.aggregator");
        adapter.setFeeds(asset, _none(), _none(), 0);
    }

    function test_setFeeds_revertsWhenMaxAgeZero() public {
        IOracleAdapter.Feed memory f = _feed(feed8);
        f.maxAge = 0;
        _expectConfigError("primary.maxAge");
        adapter.setFeeds(asset, f, _none(), 0);
        _expectConfigError("secondary.maxAge");
        adapter.setFeeds(asset, _feed(feed8), f, 100);
    }

    function test_setFeeds_revertsWhenMinNotBelowMax() public {
        _expectConfigError("primary.answerRange");
        adapter.setFeeds(asset, IOracleAdapter.Feed(feed8, MAX_AGE, 5, 5), _none(), 0);
        _expectConfigError("primary.answerRange");
        adapter.setFeeds(asset, IOracleAdapter.Feed(feed8, MAX_AGE, 6, 5), _none(), 0);
    }

    function test_setFeeds_revertsWhenMaxAnswerNotPositive() public {
        _expectConfigError("primary.answerRange");
        adapter.setFeeds(asset, IOracleAdapter.Feed(feed8, MAX_AGE, -5, 0), _none(), 0);
    }

    function test_setFeeds_revertsWhenBoundsOutsideInt128() public {
        _expectConfigError("primary.answerRange");
        adapter.setFeeds(asset, IOracleAdapter.Feed(feed8, MAX_AGE, 0, int256(type(int128).max) + 1), _none(), 0);
        _expectConfigError("secondary.answerRange");
        adapter.setFeeds(
            asset,
            _feed(feed8),
            IOracleAdapter.Feed(feed18, MAX_AGE, int256(type(int128).min) - 1, 1),
            100
        );
        // the bounds themselves are accepted
        adapter.setFeeds(asset, IOracleAdapter.Feed(feed8, MAX_AGE, type(int128).min, type(int128).max), _none(), 0);
    }

    function test_setFeeds_revertsWhenDecimalsAbove36() public {
        MockFeed feed37 = new MockFeed(37);
        _expectConfigError("primary.decimals");
        adapter.setFeeds(asset, _feed(feed37), _none(), 0);
        _expectConfigError("secondary.decimals");
        adapter.setFeeds(asset, _feed(feed8), _feed(feed37), 100);
    }

    function test_setFeeds_revertsWhenDecimalsUnreadable() public {
        _expectConfigError("primary.decimals");
        adapter.setFeeds(asset, IOracleAdapter.Feed(AggregatorV3Interface(stranger), MAX_AGE, 0, 1), _none(), 0);
    }

    function test_setFeeds_revertsWhenDeviationOutOfRange() public {
        _expectConfigError("maxDeviationBps");
        adapter.setFeeds(asset, _feed(feed8), _feed(feed18), 0);
        _expectConfigError("maxDeviationBps");
        adapter.setFeeds(asset, _feed(feed8), _feed(feed18), 10_001);
        adapter.setFeeds(asset, _feed(feed8), _feed(feed18), 10_000); // 100 % is the largest bound
    }

    function test_setFeeds_revertsWhenSecondaryHasFieldsButNoAggregator() public {
        IOracleAdapter.Feed memory half = _none();
        half.maxAge = MAX_AGE;
        _expectConfigError("secondary.aggregator");
        adapter.setFeeds(asset, _feed(feed8), half, 100);
    }

    // ------------------------------------------------------------------ governance: storage and events

    function test_setFeeds_storesConfigAndCachesDecimals() public {
        IOracleAdapter.Feed memory p = IOracleAdapter.Feed(feed8, 2 hours, 1, 1e12);
        IOracleAdapter.Feed memory s = IOracleAdapter.Feed(feed18, 3 hours, -1, 1e30);
        adapter.setFeeds(asset, p, s, 250);
        IOracleAdapter.AssetFeeds memory got = adapter.feedsOf(asset);
        assertEq(abi.encode(got.primary), abi.encode(p));
        assertEq(abi.encode(got.secondary), abi.encode(s));
        assertEq(got.primaryDecimals, 8);
        assertEq(got.secondaryDecimals, 18);
        assertEq(got.maxDeviationBps, 250);
    }

    function test_setFeeds_ignoresDeviationWithoutSecondary() public {
        vm.expectEmit(address(adapter));
        emit IOracleAdapter.FeedsSet(asset, _feed(feed8), _none(), 0);
        adapter.setFeeds(asset, _feed(feed8), _none(), 777);
        assertEq(adapter.feedsOf(asset).maxDeviationBps, 0);
    }

    function test_setFeeds_replacingDropsSecondary() public {
        _setSecondary(100);
        feed18.setMode(MockFeed.Mode.Revert);
        adapter.setFeeds(asset, _feed(feed8), _none(), 0);
        _assertPrice(2000e18);
        assertEq(address(adapter.feedsOf(asset).secondary.aggregator), address(0));
    }

    function test_setFeeds_emitsFeedsSet() public {
        vm.expectEmit(address(adapter));
        emit IOracleAdapter.FeedsSet(asset, _feed(feed8), _feed(feed18), 300);
        _setSecondary(300);
    }

    function test_removeFeeds_emitsAndClears() public {
        _setSecondary(100);
        vm.expectEmit(address(adapter));
        emit IOracleAdapter.FeedsRemoved(asset);
        adapter.removeFeeds(asset);
        _assertFailure(IOracleAdapter.PriceFailure.NoFeed);
        IOracleAdapter.AssetFeeds memory got = adapter.feedsOf(asset);
        assertEq(abi.encode(got), abi.encode(IOracleAdapter.AssetFeeds(_none(), 0, _none(), 0, 0)));
    }

    function test_constructor_setsImmutableSequencerAndEmits() public {
        vm.expectEmit();
        emit IOracleAdapter.SequencerFeedSet(address(seq), GRACE);
        OracleAdapter withSeq = OracleAdapter(
            Artifacts.deploy("OracleAdapter.sol:OracleAdapter", abi.encode(address(manager), seq, GRACE))
        );
        (AggregatorV3Interface f, uint32 grace) = withSeq.sequencer();
        assertEq(address(f), address(seq));
        assertEq(grace, GRACE);
        (f, grace) = adapter.sequencer();
        assertEq(address(f), address(0));
    }

    // ------------------------------------------------------------------ gas

    /// @dev Cold storage and cold feed, as on the Vault's hot path: the first read in a transaction.
    function test_gas_getPrice_primaryOnly() public view {
        uint256 before = gasleft();
        adapter.getPrice(asset);
        uint256 used = before - gasleft();
        console2.log("getPrice gas, primary MockFeed only:", used);
        before = gasleft();
        adapter.getPrice(asset);
        console2.log("getPrice gas, same call again (warm):", before - gasleft());
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev Scaling matches a naive reference that multiplies or divides by ten one digit at a time.
    function testFuzz_getPrice_normalizesLikeReference(int256 answer, uint8 decimals) public {
        decimals = uint8(_bound(decimals, 0, 36));
        answer = _bound(answer, 1, type(int128).max - 1);
        MockFeed f = new MockFeed(decimals);
        f.setAnswer(answer);
        adapter.setFeeds(asset, _feed(f), _none(), 0);

        uint256 expected = uint256(answer);
        for (uint256 d = decimals; d < 18; d++) expected *= 10;
        for (uint256 d = 18; d < decimals; d++) expected /= 10;
        (uint256 price, IOracleAdapter.PriceFailure failure) = adapter.tryGetPrice(asset);
        // an answer under one wad unit is no usable price: a failure, never a price of 0
        IOracleAdapter.PriceFailure want =
            expected == 0 ? IOracleAdapter.PriceFailure.NonPositive : IOracleAdapter.PriceFailure.None;
        assertEq(uint8(failure), uint8(want));
        assertEq(price, expected);
    }

    /// @dev The deviation check matches ceil(|p1 - p2| * 10_000 / p1) > bound, computed with OpenZeppelin Math.
    function testFuzz_getPrice_deviationLikeReference(uint256 answer1, uint256 answer2, uint16 maxDeviationBps) public {
        answer1 = _bound(answer1, 1, 1e20); // [8 decimals] up to 1e12 USD
        answer2 = _bound(answer2, 1, 1e34); // [18 decimals] up to 1e16 USD
        maxDeviationBps = uint16(_bound(maxDeviationBps, 1, 10_000));
        feed8.setAnswer(int256(answer1));
        feed18.setAnswer(int256(answer2));
        _setSecondary(maxDeviationBps);

        uint256 p1 = answer1 * 1e10; // [wad]
        uint256 p2 = answer2; // [wad]
        uint256 diff = p1 > p2 ? p1 - p2 : p2 - p1;
        bool deviates = Math.mulDiv(diff, 10_000, p1, Math.Rounding.Ceil) > maxDeviationBps;
        (uint256 price, IOracleAdapter.PriceFailure failure) = adapter.tryGetPrice(asset);
        if (deviates) {
            assertEq(uint8(failure), uint8(IOracleAdapter.PriceFailure.Deviation));
            assertEq(price, 0);
        } else {
            assertEq(uint8(failure), uint8(IOracleAdapter.PriceFailure.None));
            assertEq(price, p1);
        }
    }

    /// @dev Near the bound: p2 = p1 * (1 ± bps / 10_000) passes, one wei further fails.
    function testFuzz_getPrice_deviationBoundaryIsInclusive(
        uint256 answer1,
        uint16 maxDeviationBps,
        bool above
    ) public {
        answer1 = _bound(answer1, 1, 1e20);
        maxDeviationBps = uint16(_bound(maxDeviationBps, 1, 9_999));
        uint256 p1 = answer1 * 1e10; // [wad], a multiple of 1e10 so p1 * bps / 10_000 is exact
        uint256 edge = (p1 * maxDeviationBps) / 10_000; // [wad] exact
        uint256 p2 = above ? p1 + edge : p1 - edge;
        feed8.setAnswer(int256(answer1));
        feed18.setAnswer(int256(p2));
        _setSecondary(maxDeviationBps);
        _assertPrice(p1);
        feed18.setAnswer(int256(above ? p2 + 1 : p2 - 1));
        _assertFailure(IOracleAdapter.PriceFailure.Deviation);
    }
}

/// @dev Gas of the full path (primary + second feed + sequencer), configured in setUp so that the measured call
///      starts with cold storage and cold feeds.
contract OracleAdapterFullPathGasTest is Test {
    OracleAdapter internal adapter;
    address internal asset = makeAddr("asset");

    function setUp() public {
        vm.warp(1_700_000_000);
        MockFeed feed8 = new MockFeed(8);
        MockFeed feed18 = new MockFeed(18);
        MockFeed seq = new MockFeed(0);
        adapter = OracleAdapter(
            Artifacts.deploy(
                "OracleAdapter.sol:OracleAdapter",
                abi.encode(address(new AccessManager(address(this))), seq, 1 hours)
            )
        );
        feed8.setAnswer(2000e8);
        feed18.setAnswer(2000e18);
        seq.setRound(1, 0, block.timestamp - 2 hours, block.timestamp - 2 hours);
        adapter.setFeeds(
            asset,
            IOracleAdapter.Feed(feed8, 1 hours, 0, type(int128).max),
            IOracleAdapter.Feed(feed18, 1 hours, 0, type(int128).max),
            100
        );
    }

    function test_gas_getPrice_withSecondaryAndSequencer() public view {
        uint256 before = gasleft();
        uint256 price = adapter.getPrice(asset);
        console2.log("getPrice gas, primary + second feed + sequencer:", before - gasleft());
        assertEq(price, 2000e18);
    }
}
