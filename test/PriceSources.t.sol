// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IOracleAdapter} from "../contracts/interfaces/IOracleAdapter.sol";
import {IPriceSource} from "../contracts/interfaces/IPriceSource.sol";
import {OracleAdapter} from "../contracts/OracleAdapter.sol";
import {ChainlinkSource} from "../contracts/sources/ChainlinkSource.sol";
import {RateAdjustedSource} from "../contracts/sources/RateAdjustedSource.sol";
import {NavSource} from "../contracts/sources/NavSource.sol";
import {MockFeed} from "../contracts/mocks/MockFeed.sol";
import {MockERC20} from "../contracts/mocks/MockERC20.sol";
import {MockRateToken} from "../contracts/mocks/MockRateToken.sol";
import {MockVaultShare} from "../contracts/mocks/MockVaultShare.sol";
import {Artifacts} from "./utils/Artifacts.sol";

/// @notice The price sources (contracts/sources/) alone and behind the OracleAdapter: the Chainlink source judges as
///         the adapter's built-in feeds do (differential), the rate-adjusted source's cap holds however the rate moves
///         (including a donation to a real OpenZeppelin ERC-4626 vault) while drops pass through, staleness of any leg
///         fails the price, the NAV source's attestation lapses without failing, and the adapter's write-down, gas
///         guard and per-asset isolation.
contract PriceSourcesTest is Test {
    uint256 internal constant START = 1_700_000_000; // [s]
    uint32 internal constant MAX_AGE = 1 hours; // [s]
    uint256 internal constant WAD = 1e18;

    AccessManager internal manager;
    OracleAdapter internal adapter;
    MockFeed internal stethFeed; // stETH/USD, 8 decimals
    ChainlinkSource internal stethSource;
    MockRateToken internal wsteth;
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
        stethFeed = new MockFeed(8);
        stethFeed.setAnswer(2_000e8);
        stethSource = ChainlinkSource(
            Artifacts.deploy("ChainlinkSource.sol:ChainlinkSource", abi.encode(_feed(stethFeed), _none(), 0))
        );
        wsteth = new MockRateToken("Wrapped stETH", "wstETH", 18, 1.15e18);
    }

    // ------------------------------------------------------------------ helpers

    function _feed(MockFeed f) internal pure returns (IOracleAdapter.Feed memory) {
        return IOracleAdapter.Feed(f, MAX_AGE, 0, type(int128).max);
    }

    function _none() internal pure returns (IOracleAdapter.Feed memory) {}

    /// @dev A rate-adjusted source over `base` reading `stEthPerToken()` of `token` (18 decimals), snapshot now at
    ///      `snapshot`, 10% a year cap, floor 50% of the snapshot.
    function _wstethSource(IPriceSource base, address token, uint256 snapshot) internal returns (RateAdjustedSource) {
        return
            RateAdjustedSource(
                Artifacts.deploy(
                    "RateAdjustedSource.sol:RateAdjustedSource",
                    abi.encode(
                        RateAdjustedSource.Params({
                            base: base,
                            rateProvider: token,
                            rateSelector: bytes4(keccak256("stEthPerToken()")),
                            rateHasArgument: false,
                            rateArgument: 0,
                            rateMaxAge: 0,
                            rateDecimals: 18,
                            snapshotRate: snapshot,
                            snapshotTime: uint40(block.timestamp),
                            maxYearlyGrowthBps: 1_000,
                            minRateBps: 5_000
                        })
                    )
                )
            );
    }

    /// @dev A rate-adjusted source over an ERC-4626 share: `convertToAssets(10**shareDecimals)` in the asset's decimals.
    function _shareSource(
        IPriceSource base,
        MockVaultShare share,
        uint16 growthBps
    ) internal returns (RateAdjustedSource) {
        uint8 assetDecimals = MockERC20(share.asset()).decimals();
        uint256 one = 10 ** share.decimals();
        return
            RateAdjustedSource(
                Artifacts.deploy(
                    "RateAdjustedSource.sol:RateAdjustedSource",
                    abi.encode(
                        RateAdjustedSource.Params({
                            base: base,
                            rateProvider: address(share),
                            rateSelector: share.convertToAssets.selector,
                            rateHasArgument: true,
                            rateArgument: one,
                            rateMaxAge: 0,
                            rateDecimals: assetDecimals,
                            snapshotRate: share.convertToAssets(one),
                            snapshotTime: uint40(block.timestamp),
                            maxYearlyGrowthBps: growthBps,
                            minRateBps: 9_000
                        })
                    )
                )
            );
    }

    function _assertSource(IPriceSource s, uint256 price, IOracleAdapter.PriceFailure failure) internal view {
        (uint256 p, , IOracleAdapter.PriceFailure f) = s.price();
        assertEq(uint8(f), uint8(failure), "failure");
        assertEq(p, price, "price");
    }

    function _assertAdapter(uint256 price, IOracleAdapter.PriceFailure failure) internal view {
        (uint256 p, IOracleAdapter.PriceFailure f) = adapter.tryGetPrice(asset);
        assertEq(uint8(f), uint8(failure), "adapter failure");
        assertEq(p, price, "adapter price");
    }

    // ------------------------------------------------------------------ Chainlink source

    /// @dev The Chainlink source and the adapter's built-in feeds judge every feed state alike (one rule, FeedGuard):
    ///      answers, timestamps, bounds, decimals and a second feed with a deviation bound.
    function testFuzz_chainlinkSource_matchesBuiltInFeeds(
        int256 answer,
        int256 second,
        uint256 age,
        uint8 decimals,
        uint16 deviationBps,
        bool withSecond
    ) public {
        decimals = uint8(bound(decimals, 0, 36));
        answer = bound(answer, -10, 1e30);
        second = bound(second, -10, 1e30);
        age = bound(age, 0, 2 hours);
        deviationBps = uint16(bound(deviationBps, 1, 10_000));
        MockFeed f1 = new MockFeed(decimals);
        MockFeed f2 = new MockFeed(decimals);
        f1.setRound(1, answer, block.timestamp - age, block.timestamp - age);
        f2.setRound(1, second, block.timestamp, block.timestamp);
        IOracleAdapter.Feed memory p = IOracleAdapter.Feed(f1, MAX_AGE, 5, 1e29);
        IOracleAdapter.Feed memory s = withSecond ? IOracleAdapter.Feed(f2, MAX_AGE, 5, 1e29) : _none();
        uint16 dev = withSecond ? deviationBps : 0;
        adapter.setFeeds(asset, p, s, dev);
        ChainlinkSource source = ChainlinkSource(
            Artifacts.deploy("ChainlinkSource.sol:ChainlinkSource", abi.encode(p, s, dev))
        );
        (uint256 builtIn, IOracleAdapter.PriceFailure builtInFailure) = adapter.tryGetPrice(asset);
        _assertSource(source, builtIn, builtInFailure);
        // and through the adapter as a source, the same again
        adapter.setSource(asset, source);
        _assertAdapter(builtIn, builtInFailure);
    }

    function test_chainlinkSource_scalesEveryDecimals() public {
        uint8[6] memory list = [0, 2, 6, 8, 18, 36];
        for (uint256 i; i < list.length; ++i) {
            MockFeed f = new MockFeed(list[i]);
            f.setAnswer(int256(12 * 10 ** list[i]));
            _assertSource(
                ChainlinkSource(
                    Artifacts.deploy("ChainlinkSource.sol:ChainlinkSource", abi.encode(_feed(f), _none(), 0))
                ),
                12e18,
                IOracleAdapter.PriceFailure.None
            );
        }
    }

    function test_chainlinkSource_staleFeedFails() public {
        vm.warp(block.timestamp + MAX_AGE + 1);
        _assertSource(stethSource, 0, IOracleAdapter.PriceFailure.Stale);
    }

    function test_chainlinkSource_rejectsBadConfig() public {
        vm.expectRevert();
        ChainlinkSource(
            Artifacts.deploy(
                "ChainlinkSource.sol:ChainlinkSource",
                abi.encode(IOracleAdapter.Feed(stethFeed, 0, 0, 1), _none(), 0)
            )
        ); // maxAge 0
        vm.expectRevert();
        ChainlinkSource(
            Artifacts.deploy("ChainlinkSource.sol:ChainlinkSource", abi.encode(_feed(stethFeed), _none(), 100))
        ); // a deviation bound without a second feed
        vm.expectRevert();
        ChainlinkSource(
            Artifacts.deploy("ChainlinkSource.sol:ChainlinkSource", abi.encode(_feed(stethFeed), _feed(stethFeed), 0))
        ); // a second feed without a bound
    }

    // ------------------------------------------------------------------ rate-adjusted source

    function test_rateAdjusted_pricesBaseTimesRate() public {
        RateAdjustedSource s = _wstethSource(stethSource, address(wsteth), 1.15e18);
        _assertSource(s, 2_300e18, IOracleAdapter.PriceFailure.None); // 2,000 * 1.15
        adapter.setSource(address(wsteth), s);
        assertEq(adapter.getPrice(address(wsteth)), 2_300e18);
        (, uint256 ttl, bool down) = adapter.sourceOf(address(wsteth));
        assertEq(ttl, 0);
        assertFalse(down);
    }

    /// @dev The stETH/ETH discount is priced in: the base is stETH's own USD price, not ETH's.
    function test_rateAdjusted_followsTheBaseDiscount() public {
        RateAdjustedSource s = _wstethSource(stethSource, address(wsteth), 1.15e18);
        stethFeed.setAnswer(1_900e8); // stETH trades 5% under ETH
        _assertSource(s, 2_185e18, IOracleAdapter.PriceFailure.None);
    }

    /// @dev However the rate moves and whenever it is read, the rate counted never exceeds the cap, and the price is
    ///      exactly base * min(rate, cap) rounded down.
    function testFuzz_rateAdjusted_capNeverExceeded(uint256 rate, uint256 elapsed) public {
        RateAdjustedSource s = _wstethSource(stethSource, address(wsteth), 1.15e18);
        rate = bound(rate, 0.575e18, 1e30); // from the floor up to absurd
        elapsed = bound(elapsed, 0, 20 * 365 days);
        vm.warp(block.timestamp + elapsed);
        stethFeed.setAnswer(2_000e8);
        wsteth.setRate(rate);
        uint256 cap = s.capAt(block.timestamp);
        // the cap: 1.15 grown by 10% a year, linearly
        assertEq(cap, 1.15e18 + (1.15e18 * 1_000 * elapsed) / (10_000 * 365 days));
        uint256 counted = rate < cap ? rate : cap;
        (uint256 p, , IOracleAdapter.PriceFailure f) = s.price();
        assertEq(uint8(f), 0);
        assertEq(p, (2_000e18 * counted) / WAD);
        assertLe(p, (2_000e18 * cap) / WAD, "price above the cap");
    }

    /// @dev A donation to a real OpenZeppelin ERC-4626 vault raises its share price at once; the source counts at most
    ///      the capped growth, for every asset decimals and share offset.
    function testFuzz_rateAdjusted_donationToErc4626IsCapped(uint256 donation, uint256 elapsed, uint8 which) public {
        uint8[5] memory assetDecimals = [0, 2, 6, 8, 18];
        uint8[5] memory offsets = [0, 4, 6, 12, 18]; // share decimals 0, 6, 12, 20, 36
        uint256 k = bound(which, 0, 4);
        MockERC20 underlying = new MockERC20("Dai", "DAI", assetDecimals[k]);
        MockVaultShare share = new MockVaultShare(underlying, "Savings Dai", "sDAI", offsets[k]);
        uint256 unit = 10 ** assetDecimals[k];
        underlying.mint(address(this), 1_000_000 * unit);
        underlying.approve(address(share), type(uint256).max);
        share.deposit(1_000_000 * unit, address(this));
        MockFeed daiFeed = new MockFeed(8);
        daiFeed.setAnswer(1e8);
        RateAdjustedSource s = _shareSource(
            ChainlinkSource(
                Artifacts.deploy("ChainlinkSource.sol:ChainlinkSource", abi.encode(_feed(daiFeed), _none(), 0))
            ),
            share,
            500
        ); // 5% a year
        (uint256 before, , ) = s.price();
        assertApproxEqRel(before, 1e18, 1e12, "a fresh share is worth one dollar");

        elapsed = bound(elapsed, 0, 2 * 365 days);
        donation = bound(donation, 1, 1e9 * unit);
        vm.warp(block.timestamp + elapsed);
        daiFeed.setAnswer(1e8);
        underlying.mint(address(share), donation); // the donation: no shares minted for it
        uint256 raw = s.rawRate();
        uint256 cap = s.capAt(block.timestamp);
        (uint256 p, , IOracleAdapter.PriceFailure f) = s.price();
        assertEq(uint8(f), 0);
        assertLe(p, cap, "price above the capped rate at $1");
        assertEq(p, raw < cap ? raw : cap);
    }

    /// @dev A slashing (or a loss of the vault) lowers the price at once, by exactly the rate's drop.
    function test_rateAdjusted_dropPassesThrough() public {
        RateAdjustedSource s = _wstethSource(stethSource, address(wsteth), 1.15e18);
        wsteth.setRate(1.10e18);
        _assertSource(s, 2_200e18, IOracleAdapter.PriceFailure.None);
        wsteth.setRate(0.575e18); // exactly the floor: half the snapshot
        _assertSource(s, 1_150e18, IOracleAdapter.PriceFailure.None);
        wsteth.setRate(0.575e18 - 1); // under it: not believed
        _assertSource(s, 0, IOracleAdapter.PriceFailure.RateBelowFloor);
    }

    /// @dev A loss inside an ERC-4626 vault (assets leave it) is priced in at once.
    function test_rateAdjusted_erc4626LossPassesThrough() public {
        MockERC20 underlying = new MockERC20("Dai", "DAI", 18);
        MockVaultShare share = new MockVaultShare(underlying, "Savings Dai", "sDAI", 0);
        underlying.mint(address(this), 1_000e18);
        underlying.approve(address(share), type(uint256).max);
        share.deposit(1_000e18, address(this));
        MockFeed daiFeed = new MockFeed(8);
        daiFeed.setAnswer(1e8);
        RateAdjustedSource s = _shareSource(
            ChainlinkSource(
                Artifacts.deploy("ChainlinkSource.sol:ChainlinkSource", abi.encode(_feed(daiFeed), _none(), 0))
            ),
            share,
            500
        );
        vm.prank(address(share));
        underlying.transfer(stranger, 50e18); // the vault loses 5%
        (uint256 p, , ) = s.price();
        assertApproxEqAbs(p, 0.95e18, 1e9);
    }

    function test_rateAdjusted_staleBaseFails() public {
        RateAdjustedSource s = _wstethSource(stethSource, address(wsteth), 1.15e18);
        vm.warp(block.timestamp + MAX_AGE + 1);
        _assertSource(s, 0, IOracleAdapter.PriceFailure.Stale);
    }

    /// @dev With the rate from a feed (a Chainlink exchange-rate feed), a stale rate fails the price too, and the
    ///      price's time is the older leg's.
    function test_rateAdjusted_staleRateFeedFails() public {
        MockFeed rateFeed = new MockFeed(18);
        rateFeed.setAnswer(1.15e18);
        RateAdjustedSource s = RateAdjustedSource(
            Artifacts.deploy(
                "RateAdjustedSource.sol:RateAdjustedSource",
                abi.encode(
                    RateAdjustedSource.Params({
                        base: stethSource,
                        rateProvider: address(rateFeed),
                        rateSelector: bytes4(0),
                        rateHasArgument: false,
                        rateArgument: 0,
                        rateMaxAge: 1 days,
                        rateDecimals: 18,
                        snapshotRate: 1.15e18,
                        snapshotTime: uint40(block.timestamp),
                        maxYearlyGrowthBps: 1_000,
                        minRateBps: 5_000
                    })
                )
            )
        );
        vm.warp(block.timestamp + 2 hours);
        stethFeed.setAnswer(2_000e8);
        (uint256 p, uint256 at, IOracleAdapter.PriceFailure f) = s.price();
        assertEq(uint8(f), 0);
        assertEq(p, 2_300e18);
        assertEq(at, START, "the older leg's time");
        vm.warp(START + 1 days + 1);
        stethFeed.setAnswer(2_000e8);
        _assertSource(s, 0, IOracleAdapter.PriceFailure.Stale);
    }

    function test_rateAdjusted_brokenRateFails() public {
        RateAdjustedSource s = _wstethSource(stethSource, address(wsteth), 1.15e18);
        wsteth.setRate(0);
        _assertSource(s, 0, IOracleAdapter.PriceFailure.RateFailed);
        wsteth.setRate(uint256(type(uint128).max) + 1);
        _assertSource(s, 0, IOracleAdapter.PriceFailure.RateFailed);
        // a provider without the view: the call reverts
        RateAdjustedSource wrong = _wstethSource(stethSource, address(stethFeed), 1.15e18);
        _assertSource(wrong, 0, IOracleAdapter.PriceFailure.RateFailed);
    }

    /// @dev Rates of 0, 2, 6, 8, 18 and 36 decimals are normalized alike.
    function test_rateAdjusted_everyRateDecimals() public {
        uint8[6] memory list = [0, 2, 6, 8, 18, 36];
        for (uint256 i; i < list.length; ++i) {
            MockFeed rateFeed = new MockFeed(list[i]);
            rateFeed.setAnswer(int256(3 * 10 ** list[i])); // a rate of 3
            RateAdjustedSource s = RateAdjustedSource(
                Artifacts.deploy(
                    "RateAdjustedSource.sol:RateAdjustedSource",
                    abi.encode(
                        RateAdjustedSource.Params({
                            base: stethSource,
                            rateProvider: address(rateFeed),
                            rateSelector: bytes4(0),
                            rateHasArgument: false,
                            rateArgument: 0,
                            rateMaxAge: 1 days,
                            rateDecimals: list[i],
                            snapshotRate: 3 * 10 ** list[i],
                            snapshotTime: uint40(block.timestamp),
                            maxYearlyGrowthBps: 1_000,
                            minRateBps: 5_000
                        })
                    )
                )
            );
            _assertSource(s, 6_000e18, IOracleAdapter.PriceFailure.None);
        }
    }

    function test_rateAdjusted_rejectsBadConfig() public {
        RateAdjustedSource.Params memory p = RateAdjustedSource.Params({
            base: stethSource,
            rateProvider: address(wsteth),
            rateSelector: bytes4(keccak256("stEthPerToken()")),
            rateHasArgument: false,
            rateArgument: 0,
            rateMaxAge: 0,
            rateDecimals: 18,
            snapshotRate: 1.15e18,
            snapshotTime: uint40(block.timestamp),
            maxYearlyGrowthBps: 0,
            minRateBps: 5_000
        });
        vm.expectRevert(
            abi.encodeWithSelector(RateAdjustedSource.InvalidRateSourceConfig.selector, "maxYearlyGrowthBps")
        );
        RateAdjustedSource(Artifacts.deploy("RateAdjustedSource.sol:RateAdjustedSource", abi.encode(p)));
        p.maxYearlyGrowthBps = 1_000;
        p.snapshotTime = uint40(block.timestamp + 1);
        vm.expectRevert(abi.encodeWithSelector(RateAdjustedSource.InvalidRateSourceConfig.selector, "snapshotTime"));
        RateAdjustedSource(Artifacts.deploy("RateAdjustedSource.sol:RateAdjustedSource", abi.encode(p)));
        p.snapshotTime = uint40(block.timestamp);
        p.minRateBps = 0;
        vm.expectRevert(abi.encodeWithSelector(RateAdjustedSource.InvalidRateSourceConfig.selector, "minRateBps"));
        RateAdjustedSource(Artifacts.deploy("RateAdjustedSource.sol:RateAdjustedSource", abi.encode(p)));
        p.minRateBps = 5_000;
        p.rateDecimals = 37;
        vm.expectRevert(abi.encodeWithSelector(RateAdjustedSource.InvalidRateSourceConfig.selector, "rateDecimals"));
        RateAdjustedSource(Artifacts.deploy("RateAdjustedSource.sol:RateAdjustedSource", abi.encode(p)));
        p.rateDecimals = 18;
        p.base = IPriceSource(address(0));
        vm.expectRevert(abi.encodeWithSelector(RateAdjustedSource.InvalidRateSourceConfig.selector, "base"));
        RateAdjustedSource(Artifacts.deploy("RateAdjustedSource.sol:RateAdjustedSource", abi.encode(p)));
    }

    // ------------------------------------------------------------------ NAV source

    function test_nav_priceAndAttestationAtEveryDecimals() public {
        uint8[6] memory list = [0, 2, 6, 8, 18, 36];
        for (uint256 i; i < list.length; ++i) {
            MockFeed nav = new MockFeed(list[i]);
            nav.setAnswer(int256(101 * 10 ** list[i]));
            NavSource s = NavSource(
                Artifacts.deploy(
                    "NavSource.sol:NavSource",
                    abi.encode(IOracleAdapter.Feed(nav, 0, 0, type(int128).max), 7 days)
                )
            );
            (uint256 p, uint256 at, IOracleAdapter.PriceFailure f) = s.price();
            assertEq(uint8(f), 0);
            assertEq(p, 101e18);
            assertEq(at, block.timestamp);
            assertEq(s.attestationTtl(), 7 days);
        }
    }

    /// @dev Past its time-to-live the NAV still serves; the adapter reports the lapse (and since when).
    function test_nav_lapsesWithoutFailing() public {
        MockFeed nav = new MockFeed(8);
        nav.setAnswer(100e8);
        NavSource s = NavSource(
            Artifacts.deploy(
                "NavSource.sol:NavSource",
                abi.encode(IOracleAdapter.Feed(nav, 0, 0, type(int128).max), 7 days)
            )
        );
        adapter.setSource(asset, s);
        (uint256 at, uint256 ttl, uint256 lapsedAt) = adapter.attestation(asset);
        assertEq(at, START);
        assertEq(ttl, 7 days);
        assertEq(lapsedAt, 0);
        vm.warp(START + 7 days);
        (, , lapsedAt) = adapter.attestation(asset);
        assertEq(lapsedAt, 0, "exactly at the time-to-live: still in force");
        vm.warp(START + 7 days + 1);
        (, , lapsedAt) = adapter.attestation(asset);
        assertEq(lapsedAt, START + 7 days);
        (uint256 p, IOracleAdapter.PriceFailure f, bool lapsed) = adapter.tryGetAttestedPrice(asset);
        assertEq(p, 100e18, "the last NAV still prices the asset");
        assertEq(uint8(f), 0);
        assertTrue(lapsed);
        _assertAdapter(100e18, IOracleAdapter.PriceFailure.None);
        nav.setAnswer(99e8); // a new attestation
        (, , lapsed) = adapter.tryGetAttestedPrice(asset);
        assertFalse(lapsed);
    }

    function test_nav_badAnswersFail() public {
        MockFeed nav = new MockFeed(8);
        NavSource s = NavSource(
            Artifacts.deploy("NavSource.sol:NavSource", abi.encode(IOracleAdapter.Feed(nav, 0, 0, 1_000e8), 7 days))
        );
        nav.setAnswer(0);
        _assertSource(s, 0, IOracleAdapter.PriceFailure.NonPositive);
        nav.setAnswer(1_000e8);
        _assertSource(s, 0, IOracleAdapter.PriceFailure.AtMaxAnswer);
        nav.setRound(2, 100e8, block.timestamp + 1, block.timestamp + 1);
        _assertSource(s, 0, IOracleAdapter.PriceFailure.Stale); // dated in the future
        nav.setMode(MockFeed.Mode.Revert);
        _assertSource(s, 0, IOracleAdapter.PriceFailure.FeedReverted);
        address next = vm.computeCreateAddress(address(this), vm.getNonce(address(this)));
        vm.expectRevert(abi.encodeWithSelector(IOracleAdapter.InvalidFeedConfig.selector, next, "nav.ttl"));
        NavSource(
            Artifacts.deploy("NavSource.sol:NavSource", abi.encode(IOracleAdapter.Feed(nav, 0, 0, 1_000e8), 59 minutes))
        );
    }

    // ------------------------------------------------------------------ adapter: sources, write-down, isolation

    function test_setSource_replacesFeedsAndBack() public {
        MockFeed f = new MockFeed(8);
        f.setAnswer(5e8);
        adapter.setFeeds(asset, _feed(f), _none(), 0);
        adapter.setSource(asset, stethSource);
        _assertAdapter(2_000e18, IOracleAdapter.PriceFailure.None);
        assertEq(address(adapter.feedsOf(asset).primary.aggregator), address(0), "feeds removed");
        adapter.setFeeds(asset, _feed(f), _none(), 0);
        _assertAdapter(5e18, IOracleAdapter.PriceFailure.None);
        (IPriceSource src, , ) = adapter.sourceOf(asset);
        assertEq(address(src), address(0), "source removed");
        adapter.removeFeeds(asset);
        _assertAdapter(0, IOracleAdapter.PriceFailure.NoFeed);
    }

    function test_setSource_rejectsNoCode() public {
        vm.expectRevert(abi.encodeWithSelector(IOracleAdapter.InvalidFeedConfig.selector, asset, "source"));
        adapter.setSource(asset, IPriceSource(stranger));
    }

    function test_governance_isRestricted() public {
        vm.startPrank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        adapter.setSource(asset, stethSource);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        adapter.writeDown(asset);
        vm.stopPrank();
    }

    /// @dev A write-down is final: the price fails WrittenDown and can never be set again.
    function test_writeDown_isFinal() public {
        vm.expectRevert(abi.encodeWithSelector(IOracleAdapter.InvalidFeedConfig.selector, asset, "source"));
        adapter.writeDown(asset); // only a sourced asset
        adapter.setSource(asset, stethSource);
        vm.expectEmit(address(adapter));
        emit IOracleAdapter.AssetWriteDown(asset, stethSource);
        adapter.writeDown(asset);
        _assertAdapter(0, IOracleAdapter.PriceFailure.WrittenDown);
        (, IOracleAdapter.PriceFailure f, bool lapsed) = adapter.tryGetAttestedPrice(asset);
        assertEq(uint8(f), uint8(IOracleAdapter.PriceFailure.WrittenDown));
        assertFalse(lapsed);
        vm.expectRevert(abi.encodeWithSelector(IOracleAdapter.AssetWrittenDown.selector, asset));
        adapter.setSource(asset, stethSource);
        vm.expectRevert(abi.encodeWithSelector(IOracleAdapter.AssetWrittenDown.selector, asset));
        adapter.setFeeds(asset, _feed(stethFeed), _none(), 0);
        vm.expectRevert(abi.encodeWithSelector(IOracleAdapter.AssetWrittenDown.selector, asset));
        adapter.removeFeeds(asset);
        vm.expectRevert(abi.encodeWithSelector(IOracleAdapter.AssetWrittenDown.selector, asset));
        adapter.writeDown(asset);
    }

    /// @dev One failing source fails only its asset: another asset's built-in feed and another source still price.
    function test_failedSourceIsIsolated() public {
        RateAdjustedSource s = _wstethSource(stethSource, address(wsteth), 1.15e18);
        adapter.setSource(address(wsteth), s);
        MockFeed other = new MockFeed(8);
        other.setAnswer(1e8);
        adapter.setFeeds(asset, _feed(other), _none(), 0);
        MockFeed nav = new MockFeed(8);
        nav.setAnswer(100e8);
        address rwa = makeAddr("rwa");
        adapter.setSource(
            rwa,
            NavSource(
                Artifacts.deploy(
                    "NavSource.sol:NavSource",
                    abi.encode(IOracleAdapter.Feed(nav, 0, 0, type(int128).max), 7 days)
                )
            )
        );
        wsteth.setRate(0);
        (, IOracleAdapter.PriceFailure f) = adapter.tryGetPrice(address(wsteth));
        assertEq(uint8(f), uint8(IOracleAdapter.PriceFailure.RateFailed));
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleAdapter.PriceUnavailable.selector,
                address(wsteth),
                IOracleAdapter.PriceFailure.RateFailed
            )
        );
        adapter.getPrice(address(wsteth));
        assertEq(adapter.getPrice(asset), 1e18);
        assertEq(adapter.getPrice(rwa), 100e18);
    }

    /// @dev A source that answers nonsense is a broken source (FeedReverted), never a price.
    function test_brokenSourceAnswersAreRefused() public {
        BadSource bad = new BadSource();
        adapter.setSource(asset, IPriceSource(address(bad)));
        bad.set(0, block.timestamp, 0); // price 0 without a failure
        _assertAdapter(0, IOracleAdapter.PriceFailure.FeedReverted);
        bad.set(1e18, block.timestamp + 1, 0); // dated in the future
        _assertAdapter(0, IOracleAdapter.PriceFailure.FeedReverted);
        bad.set(1e18, block.timestamp, 99); // no such failure
        _assertAdapter(0, IOracleAdapter.PriceFailure.FeedReverted);
        bad.set(1e18, block.timestamp, uint8(IOracleAdapter.PriceFailure.Stale)); // a failure passes through
        _assertAdapter(0, IOracleAdapter.PriceFailure.Stale);
        bad.set(1e18, block.timestamp, 0);
        _assertAdapter(1e18, IOracleAdapter.PriceFailure.None);
    }

    /// @dev The gas guard holds through a composed source: sweeping the gas given to `tryGetPrice` over a heavy base
    ///      feed, every call returns the right price or reverts (`OracleCallStarved` or out of gas); none reports a
    ///      failure.
    function test_composedSource_neverReportsFailureWhenStarved() public {
        stethFeed.setExtraGas(100_000);
        adapter.setSource(address(wsteth), _wstethSource(stethSource, address(wsteth), 1.15e18));
        uint256 starvedSeen;
        uint256 pricesSeen;
        for (uint256 gas = 20_000; gas < 200_000; gas += 1_000) {
            try adapter.tryGetPrice{gas: gas}(address(wsteth)) returns (uint256 p, IOracleAdapter.PriceFailure f) {
                assertEq(uint8(f), 0, "failure reported under starvation");
                assertEq(p, 2_300e18);
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

    /// @dev With ample gas, a base feed that burns its whole cap is a failure of that asset, not a revert.
    function test_composedSource_gasBurningFeedIsAFailure() public {
        adapter.setSource(address(wsteth), _wstethSource(stethSource, address(wsteth), 1.15e18));
        stethFeed.setMode(MockFeed.Mode.BurnGas);
        (, IOracleAdapter.PriceFailure f) = adapter.tryGetPrice{gas: 3_000_000}(address(wsteth));
        assertEq(uint8(f), uint8(IOracleAdapter.PriceFailure.FeedReverted));
    }
}

/// @notice A price source that answers whatever it is told (failure codes out of the enum's range included), to test
///         how the adapter judges a source's answer. Not an `IPriceSource` in Solidity's eyes: it returns the code as
///         a plain byte, which the enum could not carry.
contract BadSource {
    uint256 internal _price;
    uint256 internal _at;
    uint8 internal _code;

    function set(uint256 p, uint256 at, uint8 code) external {
        (_price, _at, _code) = (p, at, code);
    }

    function price() external view returns (uint256, uint256, uint8) {
        return (_price, _at, _code);
    }

    function attestationTtl() external pure returns (uint256) {
        return 0;
    }
}
