// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {console2} from "forge-std/console2.sol"; // forge-std `console` uses selectors EDR does not decode
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {DynamicRateModel} from "../contracts/DynamicRateModel.sol";
import {IDynamicRateModel} from "../contracts/interfaces/IDynamicRateModel.sol";
import {IRateModel} from "../contracts/interfaces/IRateModel.sol";
import {IOracleAdapter} from "../contracts/interfaces/IOracleAdapter.sol";
import {OracleAdapter} from "../contracts/OracleAdapter.sol";
import {Vault} from "../contracts/Vault.sol";
import {MockFeed} from "../contracts/mocks/MockFeed.sol";
import {IBallastErrors} from "../contracts/interfaces/IBallastErrors.sol";
import {Artifacts} from "./utils/Artifacts.sol";

/// @dev An oracle whose `tryGetPrice` reverts: with a plain error (`burn == false`) or by burning all its gas.
contract RevertingOracle {
    bool public burn;

    function setBurn(bool burn_) external {
        burn = burn_;
    }

    function tryGetPrice(address) external view returns (uint256, IOracleAdapter.PriceFailure) {
        if (burn) {
            assembly ("memory-safe") {
                invalid()
            }
        }
        revert("oracle down");
    }
}

/// @dev Unit and fuzz tests of DynamicRateModel, organised by entry point. Keys are plain addresses: `busd` is the
///      synthetic whose rate is asked, `busdMarket` the oracle key of its market price (8-decimal feed), `eth` an
///      oracle key used as a target (bETH-style synthetics).
contract DynamicRateModelTest is Test {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant RAY = 1e27;
    uint256 internal constant YEAR = 365 days;
    uint256 internal constant MAX_ANNUAL = 1e18; // [wad/yr]
    uint256 internal constant MAX_SLOPE = 10e18; // [wad/yr]
    uint256 internal constant MAX_SENS = 10e18; // [wad/yr]

    AccessManager internal manager;
    OracleAdapter internal oracle;
    DynamicRateModel internal model;
    MockFeed internal marketFeed; // bUSD market price, 8 decimals
    MockFeed internal ethFeed; // ETH price, 8 decimals
    MockFeed internal ethMarketFeed; // bETH market price, 8 decimals

    address internal busd = makeAddr("bUSD");
    address internal beth = makeAddr("bETH");
    address internal busdMarket = makeAddr("bUSD market");
    address internal bethMarket = makeAddr("bETH market");
    address internal eth = makeAddr("ETH");
    address internal stranger = makeAddr("stranger");

    function setUp() public {
        vm.warp(1_700_000_000);
        manager = new AccessManager(address(this));
        oracle = OracleAdapter(
            Artifacts.deploy(
                "OracleAdapter.sol:OracleAdapter",
                abi.encode(address(manager), AggregatorV3Interface(address(0)), 0)
            )
        );
        model = DynamicRateModel(
            Artifacts.deploy("DynamicRateModel.sol:DynamicRateModel", abi.encode(address(manager), oracle))
        );
        marketFeed = _feed(busdMarket, 8, 1e8);
        ethFeed = _feed(eth, 8, 2_000e8);
        ethMarketFeed = _feed(bethMarket, 8, 2_000e8);
    }

    // ------------------------------------------------------------------ helpers

    function _feed(address key, uint8 decimals, int256 answer) internal returns (MockFeed feed) {
        feed = new MockFeed(decimals);
        feed.setAnswer(answer);
        IOracleAdapter.Feed memory none;
        oracle.setFeeds(key, IOracleAdapter.Feed(AggregatorV3Interface(address(feed)), 1 days, 0, 1e38), none, 0);
    }

    /// @dev base 2%, slopeLow 10%, slopeHigh 100%, kink 80%, rate in [0, 100%].
    function _curve() internal pure returns (IDynamicRateModel.RateParams memory) {
        return IDynamicRateModel.RateParams(0.02e18, 0.1e18, 1e18, 0.8e18, 0, 1e18);
    }

    /// @dev Peg of bUSD at a fixed 1 USD: sensitivity `sens`, bound `maxAdj`.
    function _usdPeg(uint256 sens, uint256 maxAdj) internal view returns (IDynamicRateModel.PegParams memory) {
        return IDynamicRateModel.PegParams(busdMarket, uint64(sens), address(0), uint64(maxAdj), 1e18);
    }

    function _setFlat(address synthetic, uint256 base) internal {
        model.setRateParams(synthetic, IDynamicRateModel.RateParams(uint64(base), 0, 0, 0.5e18, 0, uint64(MAX_ANNUAL)));
    }

    /// @dev Fuzzed rate parameters, inside every bound.
    function _boundParams(
        IDynamicRateModel.RateParams memory p
    ) internal pure returns (IDynamicRateModel.RateParams memory) {
        p.baseRate = uint64(_bound(p.baseRate, 0, MAX_ANNUAL));
        p.slopeLow = uint64(_bound(p.slopeLow, 0, MAX_SLOPE));
        p.slopeHigh = uint64(_bound(p.slopeHigh, 0, MAX_SLOPE));
        p.kink = uint64(_bound(p.kink, 1, WAD - 1));
        p.maxRate = uint64(_bound(p.maxRate, 0, MAX_ANNUAL));
        p.minRate = uint64(_bound(p.minRate, 0, p.maxRate));
        return p;
    }

    function _perSecond(uint256 annual) internal pure returns (uint256) {
        return (annual * 1e9) / YEAR;
    }

    function _abs(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }

    // ------------------------------------------------------------------ constructor and constants

    function test_constructor_setsOracleAndAuthority() public view {
        assertEq(address(model.oracle()), address(oracle));
        assertEq(model.authority(), address(manager));
    }

    function test_constructor_revertsOnZeroOracle() public {
        vm.expectRevert(IBallastErrors.ZeroAddress.selector);
        DynamicRateModel(
            Artifacts.deploy(
                "DynamicRateModel.sol:DynamicRateModel",
                abi.encode(address(manager), IOracleAdapter(address(0)))
            )
        );
    }

    function test_constants_maxRateIsTheVaultCap() public view {
        assertEq(model.MAX_RATE_PER_SECOND(), RAY / YEAR);
        assertEq(model.MAX_RATE_PER_SECOND(), _perSecond(model.MAX_ANNUAL_RATE()));
        assertEq(model.MAX_RATE_PER_SECOND(), 31_709_791_983_764_586_504); // Vault.MAX_RATE_PER_SECOND
        assertEq(model.MAX_ANNUAL_RATE(), MAX_ANNUAL);
        assertEq(model.MAX_SLOPE(), MAX_SLOPE);
        assertEq(model.MAX_PEG_SENSITIVITY(), MAX_SENS);
        assertEq(model.MAX_TARGET_PRICE(), 1e36);
    }

    function test_constants_matchVault() public {
        Vault vault = Vault(
            Artifacts.deploy("Vault.sol:Vault", abi.encode(address(manager), oracle, makeAddr("treasury")))
        );
        assertEq(model.MAX_RATE_PER_SECOND(), vault.MAX_RATE_PER_SECOND());
    }

    // ------------------------------------------------------------------ setRateParams

    function test_setRateParams_storesAndEmits() public {
        IDynamicRateModel.RateParams memory p = _curve();
        vm.expectEmit(address(model));
        emit IDynamicRateModel.RateParamsSet(busd, p);
        model.setRateParams(busd, p);
        IDynamicRateModel.RateParams memory got = model.rateParams(busd);
        assertEq(got.baseRate, p.baseRate);
        assertEq(got.slopeLow, p.slopeLow);
        assertEq(got.slopeHigh, p.slopeHigh);
        assertEq(got.kink, p.kink);
        assertEq(got.minRate, p.minRate);
        assertEq(got.maxRate, p.maxRate);
        // per synthetic: another synthetic is untouched
        assertEq(model.rateParams(beth).kink, 0);
    }

    function test_setRateParams_acceptsEveryBound() public {
        model.setRateParams(busd, IDynamicRateModel.RateParams(1e18, 10e18, 10e18, 1, 1e18, 1e18));
        assertEq(model.rateParams(busd).kink, 1);
        model.setRateParams(busd, IDynamicRateModel.RateParams(0, 0, 0, uint64(WAD - 1), 0, 0));
        assertEq(model.rateParams(busd).kink, WAD - 1);
        assertEq(model.ratePerSecond(busd, 1, 1), 0); // maxRate 0: interest-free
    }

    function test_setRateParams_replacesPrevious() public {
        model.setRateParams(busd, _curve());
        _setFlat(busd, 0.07e18);
        assertEq(model.annualRate(busd, 0, 1e18), 0.07e18);
    }

    function test_setRateParams_revertsOnZeroSynthetic() public {
        vm.expectRevert(IBallastErrors.ZeroAddress.selector);
        model.setRateParams(address(0), _curve());
    }

    function test_setRateParams_revertsWhenBaseRateTooHigh() public {
        IDynamicRateModel.RateParams memory p = _curve();
        p.baseRate = 1e18 + 1;
        vm.expectRevert(abi.encodeWithSelector(IRateModel.RateTooHigh.selector, 1e18 + 1, MAX_ANNUAL));
        model.setRateParams(busd, p);
    }

    function test_setRateParams_revertsWhenMaxRateTooHigh() public {
        IDynamicRateModel.RateParams memory p = _curve();
        p.maxRate = 1e18 + 1;
        vm.expectRevert(abi.encodeWithSelector(IRateModel.RateTooHigh.selector, 1e18 + 1, MAX_ANNUAL));
        model.setRateParams(busd, p);
    }

    function test_setRateParams_revertsWhenMinAboveMax() public {
        IDynamicRateModel.RateParams memory p = _curve();
        (p.minRate, p.maxRate) = (0.5e18, 0.5e18 - 1);
        vm.expectRevert(abi.encodeWithSelector(IDynamicRateModel.RateBoundsInverted.selector, 0.5e18, 0.5e18 - 1));
        model.setRateParams(busd, p);
    }

    function test_setRateParams_revertsWhenSlopeLowTooHigh() public {
        IDynamicRateModel.RateParams memory p = _curve();
        p.slopeLow = uint64(MAX_SLOPE + 1);
        vm.expectRevert(abi.encodeWithSelector(IDynamicRateModel.SlopeTooHigh.selector, MAX_SLOPE + 1, MAX_SLOPE));
        model.setRateParams(busd, p);
    }

    function test_setRateParams_revertsWhenSlopeHighTooHigh() public {
        IDynamicRateModel.RateParams memory p = _curve();
        p.slopeHigh = type(uint64).max;
        vm.expectRevert(abi.encodeWithSelector(IDynamicRateModel.SlopeTooHigh.selector, type(uint64).max, MAX_SLOPE));
        model.setRateParams(busd, p);
    }

    function test_setRateParams_revertsWhenKinkZero() public {
        IDynamicRateModel.RateParams memory p = _curve();
        p.kink = 0;
        vm.expectRevert(abi.encodeWithSelector(IDynamicRateModel.KinkOutOfRange.selector, 0));
        model.setRateParams(busd, p);
    }

    function test_setRateParams_revertsWhenKinkFull() public {
        IDynamicRateModel.RateParams memory p = _curve();
        p.kink = uint64(WAD);
        vm.expectRevert(abi.encodeWithSelector(IDynamicRateModel.KinkOutOfRange.selector, WAD));
        model.setRateParams(busd, p);
    }

    function testFuzz_setRateParams_revertsWhenKinkAboveFull(uint64 kink) public {
        kink = uint64(_bound(kink, WAD, type(uint64).max));
        IDynamicRateModel.RateParams memory p = _curve();
        p.kink = kink;
        vm.expectRevert(abi.encodeWithSelector(IDynamicRateModel.KinkOutOfRange.selector, kink));
        model.setRateParams(busd, p);
    }

    function testFuzz_setRateParams_revertsWhenBaseRateTooHigh(uint64 base) public {
        base = uint64(_bound(base, MAX_ANNUAL + 1, type(uint64).max));
        IDynamicRateModel.RateParams memory p = _curve();
        p.baseRate = base;
        vm.expectRevert(abi.encodeWithSelector(IRateModel.RateTooHigh.selector, base, MAX_ANNUAL));
        model.setRateParams(busd, p);
    }

    function testFuzz_setRateParams_acceptsEveryValidSet(IDynamicRateModel.RateParams memory p) public {
        p = _boundParams(p);
        model.setRateParams(busd, p);
        assertEq(model.rateParams(busd).kink, p.kink);
    }

    function test_setRateParams_revertsWhenUnauthorized() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        vm.prank(stranger);
        model.setRateParams(busd, _curve());
    }

    // ------------------------------------------------------------------ setPegParams

    function test_setPegParams_storesAndEmits() public {
        IDynamicRateModel.PegParams memory p = _usdPeg(2e18, 0.05e18);
        vm.expectEmit(address(model));
        emit IDynamicRateModel.PegParamsSet(busd, p);
        model.setPegParams(busd, p);
        IDynamicRateModel.PegParams memory got = model.pegParams(busd);
        assertEq(got.marketKey, busdMarket);
        assertEq(got.sensitivity, 2e18);
        assertEq(got.targetKey, address(0));
        assertEq(got.maxAdjustment, 0.05e18);
        assertEq(got.targetPrice, 1e18);
    }

    function test_setPegParams_storesTargetKey() public {
        IDynamicRateModel.PegParams memory p = IDynamicRateModel.PegParams(bethMarket, 1e18, eth, 0.1e18, 0);
        model.setPegParams(beth, p);
        assertEq(model.pegParams(beth).targetKey, eth);
        assertEq(model.pegParams(beth).targetPrice, 0);
    }

    function test_setPegParams_acceptsEveryBound() public {
        model.setPegParams(busd, IDynamicRateModel.PegParams(busdMarket, uint64(MAX_SENS), address(0), 1e18, 1e36));
        assertEq(model.pegParams(busd).targetPrice, 1e36);
        model.setPegParams(busd, IDynamicRateModel.PegParams(busdMarket, 0, address(0), 0, 1));
        assertEq(model.pegParams(busd).targetPrice, 1);
    }

    function test_setPegParams_removesWithAllZero() public {
        model.setPegParams(busd, _usdPeg(2e18, 0.05e18));
        IDynamicRateModel.PegParams memory none;
        vm.expectEmit(address(model));
        emit IDynamicRateModel.PegParamsSet(busd, none);
        model.setPegParams(busd, none);
        assertEq(model.pegParams(busd).marketKey, address(0));
        assertEq(model.pegAdjustment(busd), 0);
    }

    function test_setPegParams_revertsOnZeroSynthetic() public {
        vm.expectRevert(IBallastErrors.ZeroAddress.selector);
        model.setPegParams(address(0), _usdPeg(1e18, 0.05e18));
    }

    function test_setPegParams_revertsWhenSensitivityTooHigh() public {
        IDynamicRateModel.PegParams memory p = _usdPeg(MAX_SENS + 1, 0.05e18);
        vm.expectRevert(
            abi.encodeWithSelector(IDynamicRateModel.PegSensitivityTooHigh.selector, MAX_SENS + 1, MAX_SENS)
        );
        model.setPegParams(busd, p);
    }

    function test_setPegParams_revertsWhenMaxAdjustmentTooHigh() public {
        IDynamicRateModel.PegParams memory p = _usdPeg(1e18, MAX_ANNUAL + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IDynamicRateModel.PegAdjustmentTooHigh.selector, MAX_ANNUAL + 1, MAX_ANNUAL)
        );
        model.setPegParams(busd, p);
    }

    function test_setPegParams_revertsWhenTargetPriceTooHigh() public {
        IDynamicRateModel.PegParams memory p = _usdPeg(1e18, 0.05e18);
        p.targetPrice = 1e36 + 1;
        vm.expectRevert(abi.encodeWithSelector(IDynamicRateModel.TargetPriceTooHigh.selector, 1e36 + 1, 1e36));
        model.setPegParams(busd, p);
    }

    function test_setPegParams_revertsWithoutTarget() public {
        IDynamicRateModel.PegParams memory p = _usdPeg(1e18, 0.05e18);
        p.targetPrice = 0;
        vm.expectRevert(abi.encodeWithSelector(IDynamicRateModel.InvalidPegTarget.selector, busdMarket, address(0), 0));
        model.setPegParams(busd, p);
    }

    function test_setPegParams_revertsWithBothTargets() public {
        IDynamicRateModel.PegParams memory p = _usdPeg(1e18, 0.05e18);
        p.targetKey = eth;
        vm.expectRevert(abi.encodeWithSelector(IDynamicRateModel.InvalidPegTarget.selector, busdMarket, eth, 1e18));
        model.setPegParams(busd, p);
    }

    function test_setPegParams_revertsWhenTargetKeyIsMarketKey() public {
        IDynamicRateModel.PegParams memory p = IDynamicRateModel.PegParams(eth, 1e18, eth, 0.05e18, 0);
        vm.expectRevert(abi.encodeWithSelector(IDynamicRateModel.InvalidPegTarget.selector, eth, eth, 0));
        model.setPegParams(busd, p);
    }

    function test_setPegParams_revertsWhenDisabledPegCarriesFields() public {
        IDynamicRateModel.PegParams memory p;
        p.sensitivity = 1;
        vm.expectRevert(abi.encodeWithSelector(IDynamicRateModel.InvalidPegTarget.selector, address(0), address(0), 0));
        model.setPegParams(busd, p);

        p.sensitivity = 0;
        p.maxAdjustment = 1;
        vm.expectRevert(abi.encodeWithSelector(IDynamicRateModel.InvalidPegTarget.selector, address(0), address(0), 0));
        model.setPegParams(busd, p);

        p.maxAdjustment = 0;
        p.targetKey = eth;
        vm.expectRevert(abi.encodeWithSelector(IDynamicRateModel.InvalidPegTarget.selector, address(0), eth, 0));
        model.setPegParams(busd, p);

        p.targetKey = address(0);
        p.targetPrice = 1e18;
        vm.expectRevert(
            abi.encodeWithSelector(IDynamicRateModel.InvalidPegTarget.selector, address(0), address(0), 1e18)
        );
        model.setPegParams(busd, p);
    }

    function test_setPegParams_revertsWhenUnauthorized() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        vm.prank(stranger);
        model.setPegParams(busd, _usdPeg(1e18, 0.05e18));
    }

    // ------------------------------------------------------------------ ratePerSecond: curve

    function test_ratePerSecond_revertsWhenNotConfigured() public {
        vm.expectRevert(abi.encodeWithSelector(IDynamicRateModel.SyntheticNotConfigured.selector, busd));
        model.ratePerSecond(busd, 0, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IDynamicRateModel.SyntheticNotConfigured.selector, busd));
        model.annualRate(busd, 0, 1e18);
    }

    function test_ratePerSecond_followsTheCurve() public {
        model.setRateParams(busd, _curve()); // 2% + 10% * min(u, 80%) + 100% * max(u - 80%, 0)
        uint256 ceiling = 1_000_000e18;
        assertEq(model.annualRate(busd, 0, ceiling), 0.02e18, "u = 0");
        assertEq(model.annualRate(busd, 500_000e18, ceiling), 0.07e18, "u = 50%");
        assertEq(model.annualRate(busd, 800_000e18, ceiling), 0.10e18, "u = kink");
        assertEq(model.annualRate(busd, 900_000e18, ceiling), 0.20e18, "u = 90%");
        assertEq(model.annualRate(busd, ceiling, ceiling), 0.30e18, "u = 100%");
        assertEq(model.ratePerSecond(busd, 500_000e18, ceiling), _perSecond(0.07e18));
    }

    function test_ratePerSecond_fivePercentIsTheFixedModelRate() public {
        _setFlat(busd, 0.05e18);
        // the same figure FixedRateModel's test derives: 0.05e27 / 365 days, rounded down
        assertEq(model.ratePerSecond(busd, 0, 1e18), 1_585_489_599_188_229_325);
    }

    function test_ratePerSecond_conversionRoundsDown() public {
        _setFlat(busd, 1); // 1 wei a year: 1e9 / 31_536_000 = 31.7... -> 31
        assertEq(model.ratePerSecond(busd, 0, 1e18), 31);
        _setFlat(busd, 31_536); // 31_536e9 / 31_536_000 = 1_000_000 exactly
        assertEq(model.ratePerSecond(busd, 0, 1e18), 1_000_000);
        _setFlat(busd, 31_537); // 1_000_031.7... -> 1_000_031
        assertEq(model.ratePerSecond(busd, 0, 1e18), 1_000_031);
    }

    function test_ratePerSecond_utilizationRoundsUp() public {
        // slopeLow 100%: rate = u. debt 1 wei of a 3-wei ceiling is 0.333...e18, rounded up.
        model.setRateParams(busd, IDynamicRateModel.RateParams(0, 1e18, 0, 0.9e18, 0, 1e18));
        assertEq(model.annualRate(busd, 1, 3), 333_333_333_333_333_334);
    }

    function test_ratePerSecond_zeroCeilingIsFullUtilization() public {
        model.setRateParams(busd, _curve());
        assertEq(model.annualRate(busd, 0, 0), 0.30e18);
        assertEq(model.annualRate(busd, 5e18, 0), 0.30e18);
    }

    function test_ratePerSecond_debtAboveCeilingIsCapped() public {
        model.setRateParams(busd, _curve());
        assertEq(model.annualRate(busd, 2e18, 1e18), 0.30e18);
        assertEq(model.annualRate(busd, type(uint256).max, 1), 0.30e18);
    }

    function test_ratePerSecond_clampedToMinAndMax() public {
        IDynamicRateModel.RateParams memory p = _curve();
        (p.minRate, p.maxRate) = (0.05e18, 0.15e18);
        model.setRateParams(busd, p);
        assertEq(model.annualRate(busd, 0, 1e18), 0.05e18, "floor");
        assertEq(model.annualRate(busd, 0.5e18, 1e18), 0.07e18, "inside");
        assertEq(model.annualRate(busd, 1e18, 1e18), 0.15e18, "cap");
    }

    function test_ratePerSecond_atEveryMaximumIsTheVaultCap() public {
        model.setRateParams(busd, IDynamicRateModel.RateParams(1e18, 10e18, 10e18, 0.5e18, 1e18, 1e18));
        model.setPegParams(busd, _usdPeg(MAX_SENS, 1e18));
        marketFeed.setAnswer(1); // market at 1e-8 USD: the peg term is at its maximum
        assertEq(model.ratePerSecond(busd, 1e18, 1e18), model.MAX_RATE_PER_SECOND());
    }

    function test_ratePerSecond_perSynthetic() public {
        model.setRateParams(busd, _curve());
        _setFlat(beth, 0.01e18);
        assertEq(model.annualRate(busd, 0, 1e18), 0.02e18);
        assertEq(model.annualRate(beth, 0, 1e18), 0.01e18);
    }

    // ------------------------------------------------------------------ ratePerSecond: peg term

    function test_peg_belowTargetRaisesRate() public {
        _setFlat(busd, 0.05e18);
        model.setPegParams(busd, _usdPeg(1e18, 0.05e18)); // 1% discount -> +1% a year
        marketFeed.setAnswer(0.98e8);
        assertEq(model.pegAdjustment(busd), 0.02e18);
        assertEq(model.annualRate(busd, 0, 1e18), 0.07e18);
    }

    function test_peg_aboveTargetLowersRate() public {
        _setFlat(busd, 0.05e18);
        model.setPegParams(busd, _usdPeg(1e18, 0.05e18));
        marketFeed.setAnswer(1.03e8);
        assertEq(model.pegAdjustment(busd), -0.03e18);
        assertEq(model.annualRate(busd, 0, 1e18), 0.02e18);
    }

    function test_peg_atTargetIsZero() public {
        _setFlat(busd, 0.05e18);
        model.setPegParams(busd, _usdPeg(MAX_SENS, 1e18));
        assertEq(model.pegAdjustment(busd), 0);
        assertEq(model.annualRate(busd, 0, 1e18), 0.05e18);
    }

    function test_peg_boundedByMaxAdjustment() public {
        _setFlat(busd, 0.05e18);
        model.setPegParams(busd, _usdPeg(5e18, 0.04e18));
        marketFeed.setAnswer(0.9e8); // 10% discount * 5 = 50%, bounded to 4%
        assertEq(model.pegAdjustment(busd), 0.04e18);
        marketFeed.setAnswer(1.1e8);
        assertEq(model.pegAdjustment(busd), -0.04e18);
    }

    function test_peg_roundsTowardsHigherRate() public {
        _setFlat(busd, 0.05e18);
        // target 3 wad-wei: a market of 2 is a 1/3 discount, of 4 a 1/3 premium
        model.setPegParams(busd, IDynamicRateModel.PegParams(busdMarket, 1e18, address(0), 1e18, 3));
        MockFeed tiny = _feed(busdMarket, 18, 2); // 18 decimals: answer = price in wad
        assertEq(model.pegAdjustment(busd), 333_333_333_333_333_334, "discount rounds up");
        tiny.setAnswer(4);
        assertEq(model.pegAdjustment(busd), -333_333_333_333_333_333, "premium rounds down");
    }

    function test_peg_premiumDeviationCappedAt100Percent() public {
        _setFlat(busd, 0.5e18);
        model.setPegParams(busd, _usdPeg(0.2e18, 1e18));
        marketFeed.setAnswer(5e8); // +400%, counted as +100%
        assertEq(model.pegAdjustment(busd), -0.2e18);
        assertEq(model.annualRate(busd, 0, 1e18), 0.3e18);
    }

    function test_peg_cannotTakeRateBelowZeroOrMin() public {
        IDynamicRateModel.RateParams memory p = IDynamicRateModel.RateParams(0.01e18, 0, 0, 0.5e18, 0, 1e18);
        model.setRateParams(busd, p);
        model.setPegParams(busd, _usdPeg(1e18, 0.5e18));
        marketFeed.setAnswer(1.2e8); // -20% on a 1% curve: saturates at 0
        assertEq(model.annualRate(busd, 0, 1e18), 0);
        p.minRate = 0.005e18;
        model.setRateParams(busd, p);
        assertEq(model.annualRate(busd, 0, 1e18), 0.005e18);
    }

    function test_peg_targetKeyTracksOraclePrice() public {
        _setFlat(beth, 0.02e18);
        // bETH targets the ETH price: market 1990 vs target 2000 is a 0.5% discount; sensitivity 2 -> +1%
        model.setPegParams(beth, IDynamicRateModel.PegParams(bethMarket, 2e18, eth, 0.1e18, 0));
        ethMarketFeed.setAnswer(1_990e8);
        assertEq(model.pegAdjustment(beth), 0.01e18);
        assertEq(model.annualRate(beth, 0, 1e18), 0.03e18);
        // the target moves with ETH: at 1990 the market is on peg
        ethFeed.setAnswer(1_990e8);
        assertEq(model.pegAdjustment(beth), 0);
    }

    function test_peg_zeroWhenMarketHasNoFeed() public {
        _setFlat(busd, 0.05e18);
        model.setPegParams(busd, IDynamicRateModel.PegParams(makeAddr("unpriced"), 1e18, address(0), 0.05e18, 1e18));
        assertEq(model.pegAdjustment(busd), 0);
        assertEq(model.annualRate(busd, 0, 1e18), 0.05e18);
    }

    function test_peg_zeroWhenMarketStale() public {
        _setFlat(busd, 0.05e18);
        model.setPegParams(busd, _usdPeg(1e18, 0.05e18));
        marketFeed.setAnswer(0.9e8);
        assertEq(model.pegAdjustment(busd), 0.05e18);
        vm.warp(block.timestamp + 1 days + 1);
        assertEq(model.pegAdjustment(busd), 0);
        assertEq(model.annualRate(busd, 0, 1e18), 0.05e18);
    }

    function test_peg_zeroWhenMarketFeedReverts() public {
        _setFlat(busd, 0.05e18);
        model.setPegParams(busd, _usdPeg(1e18, 0.05e18));
        marketFeed.setAnswer(0.9e8);
        marketFeed.setMode(MockFeed.Mode.Revert);
        assertEq(model.pegAdjustment(busd), 0);
        marketFeed.setMode(MockFeed.Mode.Malformed);
        assertEq(model.pegAdjustment(busd), 0);
    }

    function test_peg_zeroWhenTargetUnavailable() public {
        _setFlat(beth, 0.02e18);
        model.setPegParams(beth, IDynamicRateModel.PegParams(bethMarket, 2e18, eth, 0.1e18, 0));
        ethMarketFeed.setAnswer(1_900e8);
        assertEq(model.pegAdjustment(beth), 0.1e18);
        ethFeed.setMode(MockFeed.Mode.Revert);
        assertEq(model.pegAdjustment(beth), 0);
        assertEq(model.annualRate(beth, 0, 1e18), 0.02e18);
    }

    function test_peg_zeroWhenPriceRoundsToZero() public {
        _setFlat(busd, 0.05e18);
        model.setPegParams(busd, _usdPeg(1e18, 0.05e18));
        _feed(busdMarket, 36, 2); // 2e-36 USD rounds down to 0 wad: treated as unavailable, not as a 100% discount
        assertEq(model.pegAdjustment(busd), 0);
    }

    function test_peg_zeroWhenOracleRevertsWithGasToSpare() public {
        RevertingOracle bad = new RevertingOracle();
        DynamicRateModel m = DynamicRateModel(
            Artifacts.deploy(
                "DynamicRateModel.sol:DynamicRateModel",
                abi.encode(address(manager), IOracleAdapter(address(bad)))
            )
        );
        m.setRateParams(busd, IDynamicRateModel.RateParams(0.05e18, 0, 0, 0.5e18, 0, 1e18));
        m.setPegParams(busd, _usdPeg(1e18, 0.05e18));
        assertEq(m.pegAdjustment(busd), 0);
        assertEq(m.annualRate(busd, 0, 1e18), 0.05e18);
    }

    function test_peg_revertsWhenOracleBurnsAllGas() public {
        RevertingOracle bad = new RevertingOracle();
        bad.setBurn(true);
        DynamicRateModel m = DynamicRateModel(
            Artifacts.deploy(
                "DynamicRateModel.sol:DynamicRateModel",
                abi.encode(address(manager), IOracleAdapter(address(bad)))
            )
        );
        m.setRateParams(busd, IDynamicRateModel.RateParams(0.05e18, 0, 0, 0.5e18, 0, 1e18));
        m.setPegParams(busd, _usdPeg(1e18, 0.05e18));
        (bool ok, bytes memory ret) = address(m).staticcall{gas: 100_000}(
            abi.encodeCall(IRateModel.ratePerSecond, (busd, 0, 1e18))
        );
        assertFalse(ok);
        assertEq(bytes4(ret), IDynamicRateModel.PegPriceStarved.selector);
    }

    /// @dev A feed that burns its gas inside the Vault's 100k budget starves the oracle: the model reverts (the Vault
    ///      keeps the previous rate) instead of answering without the peg term. Given ample gas, the same feed is a
    ///      plain `FeedReverted` failure and the peg term is 0.
    function test_peg_starvedOracleRevertsButAmpleGasDegrades() public {
        _setFlat(busd, 0.05e18);
        model.setPegParams(busd, _usdPeg(1e18, 0.05e18));
        marketFeed.setAnswer(0.9e8);
        marketFeed.setMode(MockFeed.Mode.BurnGas);
        bytes memory call = abi.encodeCall(IRateModel.ratePerSecond, (busd, 0, 1e18));

        (bool ok, bytes memory ret) = address(model).staticcall{gas: 100_000}(call);
        assertFalse(ok, "starved call answered");
        assertEq(bytes4(ret), IDynamicRateModel.PegPriceStarved.selector);

        (ok, ret) = address(model).staticcall{gas: 1_000_000}(call);
        assertTrue(ok, "ample gas reverted");
        assertEq(abi.decode(ret, (uint256)), _perSecond(0.05e18));
    }

    /// @dev Starving the model never yields an answer without the peg term: with any gas, the call either reverts or
    ///      returns the full rate (base 5% + peg 5%).
    function testFuzz_peg_starvationNeverDropsThePegTerm(uint256 gas) public {
        gas = _bound(gas, 5_000, 200_000);
        _setFlat(busd, 0.05e18);
        model.setPegParams(busd, _usdPeg(1e18, 0.05e18));
        marketFeed.setAnswer(0.9e8);
        (bool ok, bytes memory ret) = address(model).staticcall{gas: gas}(
            abi.encodeCall(IRateModel.ratePerSecond, (busd, 0, 1e18))
        );
        if (ok) assertEq(abi.decode(ret, (uint256)), _perSecond(0.1e18));
    }

    // ------------------------------------------------------------------ fuzz: curve properties

    /// @dev Reference: the curve in plain arithmetic on the exact utilization, rounded once at the end.
    function testFuzz_annualRate_matchesReference(
        IDynamicRateModel.RateParams memory p,
        uint256 debt,
        uint256 ceiling
    ) public {
        p = _boundParams(p);
        ceiling = _bound(ceiling, 1, 1e30);
        debt = _bound(debt, 0, ceiling * 2);
        model.setRateParams(busd, p);
        uint256 u = debt >= ceiling ? WAD : (debt * WAD + ceiling - 1) / ceiling; // [wad] rounded up
        uint256 scaled = uint256(p.baseRate) * WAD; // [wad/yr * wad]
        if (u <= p.kink) scaled += uint256(p.slopeLow) * u;
        else scaled += uint256(p.slopeLow) * p.kink + uint256(p.slopeHigh) * (u - p.kink);
        uint256 ref = (scaled + WAD - 1) / WAD;
        if (ref < p.minRate) ref = p.minRate;
        if (ref > p.maxRate) ref = p.maxRate;
        uint256 got = model.annualRate(busd, debt, ceiling);
        // the model rounds each of up to two products up: at most 1 wei above the single-rounding reference
        assertLe(got, ref + 1);
        assertGe(got, ref);
        assertEq(model.ratePerSecond(busd, debt, ceiling), _perSecond(got));
    }

    function testFuzz_ratePerSecond_monotonicInUtilization(
        IDynamicRateModel.RateParams memory p,
        uint256 debtA,
        uint256 debtB,
        uint256 ceiling
    ) public {
        p = _boundParams(p);
        model.setRateParams(busd, p);
        ceiling = _bound(ceiling, 0, 1e30);
        debtA = _bound(debtA, 0, 2e30);
        debtB = _bound(debtB, debtA, 2e30);
        assertLe(model.annualRate(busd, debtA, ceiling), model.annualRate(busd, debtB, ceiling));
        assertLe(model.ratePerSecond(busd, debtA, ceiling), model.ratePerSecond(busd, debtB, ceiling));
    }

    function testFuzz_ratePerSecond_boundedByMinAndMax(
        IDynamicRateModel.RateParams memory p,
        uint256 debt,
        uint256 ceiling,
        uint256 sens,
        uint256 maxAdj,
        uint256 market
    ) public {
        p = _boundParams(p);
        model.setRateParams(busd, p);
        model.setPegParams(busd, _usdPeg(_bound(sens, 0, MAX_SENS), _bound(maxAdj, 0, MAX_ANNUAL)));
        marketFeed.setAnswer(int256(_bound(market, 1, 1e15)));
        uint256 annual = model.annualRate(busd, debt, ceiling);
        assertGe(annual, p.minRate);
        assertLe(annual, p.maxRate);
        uint256 rate = model.ratePerSecond(busd, debt, ceiling);
        assertGe(rate, _perSecond(p.minRate));
        assertLe(rate, _perSecond(p.maxRate));
        assertLe(rate, model.MAX_RATE_PER_SECOND());
    }

    /// @dev With a ceiling of 1e18, the debt is the utilization [wad]: one wei of debt is one wei of utilization.
    ///      Across the kink the rate moves by at most the slope times one wei of utilization (slope / 1e18), plus one
    ///      wei of rounding: there is no jump.
    function testFuzz_ratePerSecond_continuousAtKink(IDynamicRateModel.RateParams memory p) public {
        p = _boundParams(p);
        model.setRateParams(busd, p);
        uint256 below = model.annualRate(busd, p.kink - 1, WAD);
        uint256 at = model.annualRate(busd, p.kink, WAD);
        uint256 above = model.annualRate(busd, uint256(p.kink) + 1, WAD);
        assertLe(at - below, uint256(p.slopeLow) / WAD + 1, "below -> kink");
        assertLe(above - at, uint256(p.slopeHigh) / WAD + 1, "kink -> above");
        // per second: the same bound, converted (rounding down can add at most 1)
        assertLe(
            model.ratePerSecond(busd, p.kink, WAD) - model.ratePerSecond(busd, p.kink - 1, WAD),
            _perSecond(uint256(p.slopeLow) / WAD + 1) + 1
        );
    }

    /// @dev Approaching the kink from either side meets the same value: the two segments agree at u = kink.
    function testFuzz_ratePerSecond_segmentsMeetAtKink(IDynamicRateModel.RateParams memory p) public {
        p = _boundParams(p);
        (p.minRate, p.maxRate) = (0, uint64(MAX_ANNUAL));
        p.baseRate = 0;
        p.slopeLow = uint64(_bound(p.slopeLow, 0, 1e18));
        model.setRateParams(busd, p);
        // at the kink: slopeLow * kink, rounded up, on both formulas
        assertEq(model.annualRate(busd, p.kink, WAD), (uint256(p.slopeLow) * p.kink + WAD - 1) / WAD);
    }

    // ------------------------------------------------------------------ fuzz: peg properties

    function testFuzz_peg_monotonicInMarketPrice(
        IDynamicRateModel.RateParams memory p,
        uint256 sens,
        uint256 maxAdj,
        uint256 priceA,
        uint256 priceB,
        uint256 debt
    ) public {
        p = _boundParams(p);
        model.setRateParams(busd, p);
        model.setPegParams(busd, _usdPeg(_bound(sens, 0, MAX_SENS), _bound(maxAdj, 0, MAX_ANNUAL)));
        priceA = _bound(priceA, 1, 1e12); // [8 decimals] up to 10_000 USD
        priceB = _bound(priceB, priceA, 1e12);
        debt = _bound(debt, 0, 1e18);

        marketFeed.setAnswer(int256(priceA));
        int256 adjA = model.pegAdjustment(busd);
        uint256 rateA = model.ratePerSecond(busd, debt, 1e18);
        marketFeed.setAnswer(int256(priceB));
        int256 adjB = model.pegAdjustment(busd);
        uint256 rateB = model.ratePerSecond(busd, debt, 1e18);
        // lower market price -> higher or equal peg term and rate
        assertGe(adjA, adjB);
        assertGe(rateA, rateB);
    }

    function testFuzz_peg_bounded(uint256 sens, uint256 maxAdj, uint256 price, uint256 target) public {
        sens = _bound(sens, 0, MAX_SENS);
        maxAdj = _bound(maxAdj, 0, MAX_ANNUAL);
        target = _bound(target, 1, 1e36);
        model.setPegParams(
            busd,
            IDynamicRateModel.PegParams(busdMarket, uint64(sens), address(0), uint64(maxAdj), uint128(target))
        );
        _feed(busdMarket, 18, int256(_bound(price, 1, 1e38 - 1))); // 18 decimals: the answer is the price [wad]
        int256 adj = model.pegAdjustment(busd);
        assertLe(_abs(adj), maxAdj, "maxAdjustment");
        assertLe(_abs(adj), sens, "sensitivity * 100%");
        uint256 market = _bound(price, 1, 1e38 - 1);
        if (market < target) assertGe(adj, 0);
        if (market > target) assertLe(adj, 0);
        if (market == target) assertEq(adj, 0);
    }

    /// @dev Every kind of oracle failure on the market or the target gives a zero peg term, whatever the parameters
    ///      and the last good price; the rate is then the curve alone.
    function testFuzz_peg_oracleFailureIsZero(
        IDynamicRateModel.RateParams memory p,
        uint256 sens,
        uint256 maxAdj,
        uint256 price,
        uint8 failure,
        bool onTarget
    ) public {
        p = _boundParams(p);
        model.setRateParams(beth, p);
        model.setPegParams(
            beth,
            IDynamicRateModel.PegParams(
                bethMarket,
                uint64(_bound(sens, 0, MAX_SENS)),
                eth,
                uint64(_bound(maxAdj, 0, MAX_ANNUAL)),
                0
            )
        );
        ethMarketFeed.setAnswer(int256(_bound(price, 1, 1e14)));

        MockFeed feed = onTarget ? ethFeed : ethMarketFeed;
        failure = uint8(_bound(failure, 0, 4));
        if (failure == 0) feed.setMode(MockFeed.Mode.Revert);
        else if (failure == 1) feed.setMode(MockFeed.Mode.Malformed);
        else if (failure == 2) feed.setAnswer(-1);
        else if (failure == 3)
            vm.warp(block.timestamp + 1 days + 1); // stale
        else oracle.removeFeeds(onTarget ? eth : bethMarket);

        assertEq(model.pegAdjustment(beth), 0);
        uint256 expected = RateMathRef.clampedCurve(p, 0.5e18);
        assertEq(model.annualRate(beth, 0.5e18, 1e18), expected);
    }
}

/// @dev Cold gas of `ratePerSecond`: everything is configured in setUp, so each test's first call touches the model,
///      its storage, the oracle, the oracle's storage and the feeds cold, as the Vault's once-per-block query does.
///      Measured as the gasleft() delta around the external call from this contract (includes the CALL itself).
contract DynamicRateModelGasTest is Test {
    AccessManager internal manager;
    OracleAdapter internal oracle;
    DynamicRateModel internal model;
    address internal busd = makeAddr("bUSD");
    address internal busdPegged = makeAddr("bUSD pegged");
    address internal beth = makeAddr("bETH");
    address internal busdMarket = makeAddr("bUSD market");
    address internal bethMarket = makeAddr("bETH market");
    address internal eth = makeAddr("ETH");

    function setUp() public {
        vm.warp(1_700_000_000);
        manager = new AccessManager(address(this));
        oracle = OracleAdapter(
            Artifacts.deploy(
                "OracleAdapter.sol:OracleAdapter",
                abi.encode(address(manager), AggregatorV3Interface(address(0)), 0)
            )
        );
        model = DynamicRateModel(
            Artifacts.deploy("DynamicRateModel.sol:DynamicRateModel", abi.encode(address(manager), oracle))
        );
        _feed(busdMarket, 0.99e8);
        _feed(bethMarket, 1_990e8);
        _feed(eth, 2_000e8);
        IDynamicRateModel.RateParams memory curve = IDynamicRateModel.RateParams(
            0.02e18,
            0.1e18,
            1e18,
            0.8e18,
            0,
            1e18
        );
        model.setRateParams(busd, curve);
        model.setRateParams(busdPegged, curve);
        model.setRateParams(beth, curve);
        model.setPegParams(busdPegged, IDynamicRateModel.PegParams(busdMarket, 1e18, address(0), 0.05e18, 1e18));
        model.setPegParams(beth, IDynamicRateModel.PegParams(bethMarket, 1e18, eth, 0.05e18, 0));
    }

    function _feed(address key, int256 answer) internal {
        MockFeed feed = new MockFeed(8);
        feed.setAnswer(answer);
        IOracleAdapter.Feed memory none;
        oracle.setFeeds(key, IOracleAdapter.Feed(AggregatorV3Interface(address(feed)), 1 days, 0, 1e38), none, 0);
    }

    function _measure(address synthetic) internal view returns (uint256 g) {
        g = gasleft();
        model.ratePerSecond(synthetic, 900_000e18, 1_000_000e18);
        g -= gasleft();
    }

    function test_gas_ratePerSecond_curveOnly() public view {
        uint256 g = _measure(busd);
        console2.log("ratePerSecond cold, curve only [gas]", g);
        assertLt(g, 25_000);
    }

    function test_gas_ratePerSecond_fixedTargetPeg() public view {
        uint256 g = _measure(busdPegged);
        console2.log("ratePerSecond cold, peg with fixed target [gas]", g);
        assertLt(g, 50_000); // well inside the Vault's RATE_MODEL_GAS (100k)
    }

    function test_gas_ratePerSecond_targetKeyPeg() public view {
        uint256 g = _measure(beth);
        console2.log("ratePerSecond cold, peg with target key [gas]", g);
        assertLt(g, 70_000);
    }
}

/// @dev The curve clamped to the bounds, for an exact utilization [wad], as an independent reference.
library RateMathRef {
    function clampedCurve(IDynamicRateModel.RateParams memory p, uint256 u) internal pure returns (uint256 r) {
        uint256 scaledLow = uint256(p.slopeLow) * (u < p.kink ? u : p.kink);
        uint256 scaledHigh = u > p.kink ? uint256(p.slopeHigh) * (u - p.kink) : 0;
        r = p.baseRate + (scaledLow + 1e18 - 1) / 1e18 + (scaledHigh + 1e18 - 1) / 1e18;
        if (r < p.minRate) r = p.minRate;
        if (r > p.maxRate) r = p.maxRate;
    }
}
