// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console2} from "forge-std/console2.sol"; // forge-std `console` uses selectors EDR does not decode
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {Fixture} from "./utils/Fixture.sol";
import {IVault} from "../contracts/interfaces/IVault.sol";
import {IOracleAdapter} from "../contracts/interfaces/IOracleAdapter.sol";
import {IDynamicRateModel} from "../contracts/interfaces/IDynamicRateModel.sol";
import {DynamicRateModel} from "../contracts/DynamicRateModel.sol";
import {MockFeed} from "../contracts/mocks/MockFeed.sol";
import {FixedMath} from "../contracts/libraries/FixedMath.sol";
import {DebtMath} from "../contracts/libraries/DebtMath.sol";
import {MockRateModel} from "../contracts/mocks/MockRateModels.sol";
import {Artifacts} from "./utils/Artifacts.sol";

/// @notice The Vault's interest accrual driven by DynamicRateModel, against closed-form figures.
/// @dev Set-up: bUSD is switched to the dynamic model with a 4% base rate and a peg term: its market feed reads
///      0.99 USD against a 1 USD target with sensitivity 1, so the peg adds +1% and the rate is 5% simple a year,
///      per second `RATE_5PCT = 0.05e27 / 365 days` (rounded down) = 1_585_489_599_188_229_325 [ray/s]. The curve
///      stays flat (slopeLow 0; utilization 1% is far below the 80% kink), so the rate is constant all year and
///      closed forms apply. Alice owes exactly DEBT at the start (minted at index 1e27).
///
///      Expected values, derived off-chain with 80-digit decimal arithmetic (Python `decimal`, prec = 80):
///        r = RATE_5PCT / 1e27 = 1.585489599188229325e-9 per second, t = 31_536_000 s,
///        x = r * t = 0.0499999999999999999932 (the floor in RATE_5PCT trims 6.8e-21 off 0.05).
///      - Continuous compounding: e^x = 1.05127109637602403969036899288...; e^0.05 itself is
///        1.05127109637602403969751763633..., 7.1e-21 relative higher, i.e. ~7_000 wei on DEBT: we use e^x.
///      - Per-second compounding, what the Vault computes: (1 + r)^t = exp(t * ln(1 + r)) = e^x * exp(-t r^2 / 2 + ...)
///        = 1.05127109633435455500445436202...; relative to e^x that is -x * r / 2 = -3.96e-11.
///
///      Tolerances asserted:
///      - against the continuous closed form: relative 1e-10, one-sided (per-second compounding is always below
///        continuous). The analytic gap is 3.96e-11 and rounding adds < 1e-19, so 1e-10 is 2.5x the gap: still far
///        below any real formula error, such as a 365.25-day year (6.8e-4 relative over the year) or a second lost
///        per accrual (1.6e-9 per accrual, 1.4e-5 over a year of hourly accruals).
///      - against the exact per-second figure DEBT * (1 + r)^t: never below it (every step rounds up) and above it
///        by at most DEBT * 200 * n / 1e27 + 2 wei for n accruals. Derivation: `DebtMath.growthUp` sums the binomial
///        series of (1 + r)^dt term by term, each term rounded up from the one before; with K terms each within
///        k wei of its exact value (a rounding adds < 1 wei, and the ratio between terms is below 1 when r dt <= 1),
///        plus at most 2 for the tail, the growth overshoots the exact power by at most K (K + 1) / 2 + 2 ray-wei.
///        At 5% a year K is at most 18 for any gap up to a year (the terms fall below 1e-27 by then): 173 ray-wei, and
///        the index's own `index * growth` rounds up by one more: under 200 per accrual; plus the final rounding
///        up to debt and the floor in `exact`. For DEBT = 1e24 that is 2 wei for one accrual and 1,754 for hourly.
///        Measured: 1 wei for one accrual, 35 for hourly.
///      - between paths (one accrual, hourly, irregular): at most one wei per accrual of the longer path, plus 2.
///        Measured: hourly vs one accrual 34 wei over 8_760 accruals; irregular (359 accruals) vs one accrual 2 wei.
contract RateAccrualTest is Fixture {
    uint256 internal constant YEAR = 365 days; // [s]
    uint256 internal constant DEBT = 1_000_000e18; // [wad]
    /// [ray] e^x, x = RATE_5PCT * 365 days / 1e27 (see contract doc), rounded down.
    uint256 internal constant EXP_RT = 1_051271096376024039690368992;
    /// [ray] (1 + RATE_5PCT / 1e27) ^ (365 days): exact per-second compounding over the year, rounded down.
    uint256 internal constant GROWTH_PER_SECOND = 1_051271096334354555004454362;
    /// [wad] Relative tolerance against the continuous closed form: 1e-10 (assertApproxEqRel: 1e18 = 100%).
    uint256 internal constant CLOSED_FORM_TOLERANCE = 1e8;

    DynamicRateModel internal dynamicModel;
    MockFeed internal pegFeed;
    address internal busdMarket = makeAddr("bUSD market");
    uint256 internal id; // alice's bUSD position
    uint256 internal start; // [s]

    function setUp() public override {
        super.setUp();
        dynamicModel = DynamicRateModel(
            Artifacts.deploy("DynamicRateModel.sol:DynamicRateModel", abi.encode(address(manager), oracle))
        );
        // the market feed may go a year without an update (max age 400 days): nothing needs a keeper in the loops
        pegFeed = new MockFeed(8);
        pegFeed.setAnswer(0.99e8);
        IOracleAdapter.Feed memory none;
        oracle.setFeeds(
            busdMarket,
            IOracleAdapter.Feed(AggregatorV3Interface(address(pegFeed)), 400 days, 0, 1e38),
            none,
            0
        );
        // 4% base, flat below an 80% kink, +50% per 100% above it; rate bounds [0, 100%]
        dynamicModel.setRateParams(address(busd), IDynamicRateModel.RateParams(0.04e18, 0, 0.5e18, 0.8e18, 0, 1e18));
        // +1% a year per 1% below 1 USD, at most 5%
        dynamicModel.setPegParams(
            address(busd),
            IDynamicRateModel.PegParams(busdMarket, 1e18, address(0), 0.05e18, 1e18)
        );
        vault.setSyntheticParams(BUSD, IVault.SyntheticParams(address(0), dynamicModel, 100_000_000e18, 100e18));
        id = _openEth(alice, 1_000e18, DEBT);
        start = block.timestamp;
    }

    // ------------------------------------------------------------------ paths through the year

    /// @return n accruals made: one, at the end of the year.
    function _oneAccrual() internal returns (uint256 n) {
        vm.warp(start + YEAR);
        vault.accrue(BUSD);
        return 1;
    }

    /// @return n accruals made: one every hour (8_760).
    function _hourly() internal returns (uint256 n) {
        uint256 t = start; // [s] tracked locally: `block.timestamp` may be cached across warps under via-IR
        for (; n < YEAR / 1 hours; ++n) {
            t += 1 hours;
            vm.warp(t);
            vault.accrue(BUSD);
        }
    }

    /// @return n accruals made at pseudo-random gaps of 1 s to `maxGap`, the last one clipped to end the year.
    function _irregular(uint256 seed, uint256 maxGap) internal returns (uint256 n) {
        uint256 t = start; // [s]
        uint256 end = start + YEAR; // [s]
        while (t < end) {
            seed = uint256(keccak256(abi.encode(seed)));
            t += 1 + (seed % maxGap);
            if (t > end) t = end;
            vm.warp(t);
            vault.accrue(BUSD);
            ++n;
        }
    }

    /// @dev Checks the year's outcome against both closed forms and the fee books; returns alice's debt [wad].
    function _assertYear(uint256 accruals) internal view returns (uint256 debt) {
        debt = positionLens.debtOf(id);
        IVault.SyntheticState memory st = positionLens.synthetic(BUSD);
        assertEq(st.lastAccrual, start + YEAR, "accrued to the end of the year");

        // fees booked = debt growth, to the wei (alice's is the only position, minted at index 1e27)
        assertEq(st.totalDebt, debt, "total debt = alice's debt");
        assertEq(st.unmintedFees, debt - DEBT, "fees = debt growth");

        // continuous closed form DEBT * e^x: below it, within 1e-10
        uint256 continuous = (DEBT * EXP_RT) / RAY; // [wad]
        assertLt(debt, continuous, "per-second compounding is below continuous");
        assertApproxEqRel(debt, continuous, CLOSED_FORM_TOLERANCE, "continuous closed form");

        // exact per-second figure DEBT * (1 + r)^t: never below it, above by at most the rounding bound
        uint256 exact = (DEBT * GROWTH_PER_SECOND) / RAY; // [wad] rounded down
        assertGe(debt, exact, "never below the exact per-second figure");
        assertLe(debt - exact, _roundingBound(accruals), "rounding overshoot");
    }

    /// @return [wad] Most the rounded-up path may exceed the exact per-second figure after `accruals` accruals.
    function _roundingBound(uint256 accruals) internal pure returns (uint256) {
        return (DEBT * 200 * accruals) / RAY + 2;
    }

    function _diff(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > b ? a - b : b - a;
    }

    // ------------------------------------------------------------------ set-up sanity

    function test_setUp_vaultUsesTheDynamicRate() public view {
        IVault.SyntheticState memory st = positionLens.synthetic(BUSD);
        assertEq(address(st.params.rateModel), address(dynamicModel));
        assertEq(dynamicModel.pegAdjustment(address(busd)), 0.01e18);
        assertEq(st.ratePerSecond, RATE_5PCT);
        assertEq(st.ratePerSecond, 1_585_489_599_188_229_325);
        assertEq(positionLens.debtOf(id), DEBT);
        assertEq(st.rateIndex, RAY);
    }

    // ------------------------------------------------------------------ one year, three paths

    function test_accrual_oneAccrualMatchesClosedForm() public {
        uint256 debt = _assertYear(_oneAccrual());
        console2.log("one accrual: debt - exact per-second [wei]", debt - (DEBT * GROWTH_PER_SECOND) / RAY);
    }

    function test_accrual_hourlyMatchesClosedForm() public {
        uint256 debt = _assertYear(_hourly());
        console2.log("hourly: debt - exact per-second [wei]", debt - (DEBT * GROWTH_PER_SECOND) / RAY);
    }

    /// @dev Gaps from 1 s up to `maxGap` in [1 day, 60 days]: from ~6 to ~730 accruals.
    function testFuzz_accrual_irregularMatchesClosedForm(uint256 seed, uint256 maxGap) public {
        maxGap = _bound(maxGap, 1 days, 60 days);
        _assertYear(_irregular(seed, maxGap));
    }

    /// @return [wad] Most two paths may differ by, the longer one making `accruals` accruals: one wei per accrual.
    function _pathBound(uint256 accruals) internal pure returns (uint256) {
        return accruals + 2;
    }

    /// @dev The three paths end within one wei per accrual of each other (see contract doc).
    function test_accrual_threePathsAgree() public {
        uint256 snap = vm.snapshot();
        uint256 nA = _oneAccrual();
        uint256 debtA = _assertYear(nA);
        vm.revertTo(snap);
        uint256 nB = _hourly();
        uint256 debtB = _assertYear(nB);
        vm.revertTo(snap);
        uint256 nC = _irregular(0xba11a57, 2 days);
        uint256 debtC = _assertYear(nC);

        console2.log("accruals: one / hourly / irregular", nA, nB, nC);
        console2.log("|debt hourly - one| [wei]", _diff(debtB, debtA));
        console2.log("|debt irregular - one| [wei]", _diff(debtC, debtA));
        assertLe(_diff(debtA, debtB), _pathBound(nB), "one vs hourly");
        assertLe(_diff(debtA, debtC), _pathBound(nC), "one vs irregular");
        assertLe(_diff(debtB, debtC), _pathBound(nB), "hourly vs irregular");
    }

    function testFuzz_accrual_irregularAgreesWithOneAccrual(uint256 seed, uint256 maxGap) public {
        maxGap = _bound(maxGap, 1 days, 60 days);
        uint256 snap = vm.snapshot();
        _oneAccrual();
        uint256 debtA = positionLens.debtOf(id);
        vm.revertTo(snap);
        uint256 n = _irregular(seed, maxGap);
        assertLe(_diff(debtA, positionLens.debtOf(id)), _pathBound(n));
    }

    // ------------------------------------------------------------------ the model inside the Vault

    /// @dev The Vault passes the synthetic's total debt and ceiling: at full utilization the curve adds 50% * 20%.
    function test_accrual_utilizationDrivesTheVaultRate() public {
        vault.setSyntheticParams(BUSD, IVault.SyntheticParams(address(0), dynamicModel, uint96(DEBT), 100e18));
        // 4% + 50% * (100% - 80%) + 1% peg = 15%
        assertEq(positionLens.synthetic(BUSD).ratePerSecond, (uint256(0.15e18) * 1e9) / YEAR);
    }

    /// @dev A peg move changes the rate at the next accrual; the elapsed period is charged at the old rate.
    function test_accrual_pegMoveAppliesFromNextAccrual() public {
        pegFeed.setAnswer(0.97e8); // 3% below: peg +3%
        vm.warp(start + 1 hours);
        vault.accrue(BUSD);
        IVault.SyntheticState memory st = positionLens.synthetic(BUSD);
        assertEq(st.ratePerSecond, (uint256(0.07e18) * 1e9) / YEAR, "new rate: 4% + 3%");
        // the hour just ended grew at 5%: (1 + r)^3600 = 1.000005707778841860496471220813... (Python decimal),
        // the Vault's figure rounds up, by less than 2 * 3600 + 1 ray-wei (see contract doc)
        uint256 hourGrowth = 1_000005707778841860496471220; // [ray] rounded down
        assertGe(st.rateIndex, hourGrowth);
        assertLe(st.rateIndex - hourGrowth, 2 * 1 hours + 1);
    }

    /// @dev A stale market price zeroes the peg term: the Vault continues at the curve's 4%.
    function test_accrual_stalePegPriceFallsBackToCurve() public {
        vm.warp(start + 401 days);
        vault.accrue(BUSD);
        assertEq(positionLens.synthetic(BUSD).ratePerSecond, (uint256(0.04e18) * 1e9) / YEAR);
    }

    /// @dev A market feed that burns its gas inside the Vault's 100k budget starves the oracle; the model reverts
    ///      `PegPriceStarved` rather than answer without the peg, and the Vault keeps the previous rate.
    function test_accrual_gasBurningPegFeedKeepsPreviousRate() public {
        pegFeed.setAnswer(0.9e8); // would be +5% (capped)
        pegFeed.setMode(MockFeed.Mode.BurnGas);
        vm.warp(start + 1 hours);
        vault.accrue(BUSD);
        IVault.SyntheticState memory st = positionLens.synthetic(BUSD);
        assertEq(st.lastAccrual, start + 1 hours);
        assertEq(st.ratePerSecond, RATE_5PCT, "previous rate kept");
    }

    /// @dev The model's full path (two rate slots, three peg slots, oracle, feed) fits the Vault's gas cap: the rate
    ///      the Vault stores equals the model's answer after a cold accrual.
    function test_accrual_modelFitsTheVaultGasCap() public {
        pegFeed.setAnswer(0.98e8);
        vm.warp(start + 1 days);
        vault.accrue(BUSD);
        IVault.SyntheticState memory st = positionLens.synthetic(BUSD);
        assertEq(st.ratePerSecond, dynamicModel.ratePerSecond(address(busd), st.totalDebt, st.params.debtCeiling));
        assertEq(st.ratePerSecond, (uint256(0.06e18) * 1e9) / YEAR);
    }

    // ------------------------------------------------------------------------------------------------------------
    // DebtMath.growthUp: the binomial series of (1 + r)^dt, between the powers rounded down and up
    // ------------------------------------------------------------------------------------------------------------

    /// @dev Exponentiation by squaring with every product rounded down: at most the exact power.
    function rpowDownReference(uint256 x, uint256 n) public pure returns (uint256) {
        return _rpowReference(x, n, false);
    }

    function growthUp(uint256 rate, uint256 dt) public pure returns (uint256) {
        return DebtMath.growthUp(rate, dt);
    }

    /// @dev Every rate the Vault accepts, over up to 25 years between accruals: never below the power rounded down
    ///      (itself at most the exact power; the exact bound is checked in bigint by test/math.differential.test.ts),
    ///      and at most a few wei above the power rounded up at every squaring (3 over 200,000 draws off-chain).
    function testFuzz_growthUp_betweenThePowersRoundedDownAndUp(uint256 rate, uint256 dt) public view {
        rate = bound(rate, 0, vault.MAX_RATE_PER_SECOND());
        dt = bound(dt, 0, 25 * YEAR);
        uint256 g = DebtMath.growthUp(rate, dt);
        assertGe(g, rpowDownReference(1e27 + rate, dt), "at least the power rounded down");
        assertLe(g, rpowUpReference(1e27 + rate, dt) + 16, "within a few wei of the power rounded up");
    }

    function test_growthUp_edges() public pure {
        assertEq(DebtMath.growthUp(0, 365 days), 1e27, "no rate: no growth");
        assertEq(DebtMath.growthUp(3e19, 0), 1e27, "no time: no growth");
        assertEq(DebtMath.growthUp(3e19, 1), 1e27 + 3e19, "one second: 1 + r exactly");
        // (1 + 1e-8)^3 = 1 + 3e-8 + 3e-16 + 1e-24, every term exact: the series ends by itself at k = dt
        assertEq(DebtMath.growthUp(1e19, 3), 1e27 + 3e19 + 3e11 + 1e3);
        // 1 + 3 r + 3 r^2 + r^3 with r = 1e-27: the second term rounds up to 1 ray-wei, so the tail counts 2
        assertEq(DebtMath.growthUp(1, 3), 1e27 + 3 + 2);
        // 2^128 - 1 at most: 30 years at the highest rate passes the index's width
        assertEq(DebtMath.growthUp(31_709_791_983_764_586_504, 30 * 365 days), type(uint128).max);
    }

    function test_growthUp_panicsOutsideItsDomain() public {
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        this.growthUp(2 ** 65, 1);
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        this.growthUp(1, 2 ** 40);
        assertGt(this.growthUp(2 ** 65 - 1, 2 ** 40 - 1), 0); // the largest inputs are inside (and saturate)
    }

    /// @dev Sixty years without an accrual at the highest rate: the index saturates and repay still works (raising
    ///      the per-second factor by squaring, as `FixedMath.rpowUp` does, overflows after about 54 years).
    function test_accrual_sixtyIdleYearsAtTheHighestRateSaturates() public {
        MockRateModel maxed = new MockRateModel();
        maxed.set(vault.MAX_RATE_PER_SECOND(), MockRateModel.Mode.Normal);
        vault.setSyntheticParams(BUSD, IVault.SyntheticParams(address(0), maxed, 100_000_000e18, 100e18));
        vm.warp(start + 60 * YEAR);
        vault.accrue(BUSD);
        assertEq(positionLens.synthetic(BUSD).rateIndex, type(uint128).max);
        uint256 debt = positionLens.debtOf(id);
        deal(address(busd), alice, debt, true);
        vm.prank(alice);
        assertEq(vault.repay(id, type(uint256).max), debt);
        assertEq(positionLens.debtOf(id), 0);
    }

    // ------------------------------------------------------------------------------------------------------------
    // FixedMath.rpowUp, written in assembly, against the checked loop it writes out
    // ------------------------------------------------------------------------------------------------------------

    /// @dev The reference: exponentiation by squaring with checked `mulDivUp` at every step.
    function rpowUpReference(uint256 x, uint256 n) public pure returns (uint256) {
        return _rpowReference(x, n, true);
    }

    /// @dev x^n [ray] by squaring, every product by the checked `mulDivUp` (`up`) or `mulDivDown`.
    function _rpowReference(uint256 x, uint256 n, bool up) internal pure returns (uint256 z) {
        function(uint256, uint256, uint256) pure returns (uint256) mul = up ? FixedMath.mulDivUp : FixedMath.mulDivDown;
        z = n % 2 != 0 ? x : 1e27;
        for (n /= 2; n != 0; n /= 2) {
            x = mul(x, x, 1e27);
            if (n % 2 != 0) z = mul(z, x, 1e27);
        }
    }

    function rpowUp(uint256 x, uint256 n) public pure returns (uint256) {
        return FixedMath.rpowUp(x, n);
    }

    /// @dev Every rate the Vault accepts, over up to 25 years between accruals: the same growth to the wei. (At the
    ///      highest rate, 100% a year, a product overflows after about 54 years without an accrual, in both.)
    function testFuzz_rpowUp_equalsTheCheckedLoopAtEveryRate(uint256 rate, uint256 dt) public view {
        rate = bound(rate, 0, vault.MAX_RATE_PER_SECOND());
        dt = bound(dt, 0, 25 * YEAR);
        assertEq(FixedMath.rpowUp(1e27 + rate, dt), rpowUpReference(1e27 + rate, dt));
    }

    /// @dev Any base and exponent: the same answer, or the same overflow panic (0x11).
    function testFuzz_rpowUp_anyBase_sameAnswerOrSamePanic(uint256 x, uint256 n) public view {
        n = bound(n, 0, type(uint64).max);
        (bool okAsm, bytes memory asm_) = address(this).staticcall(abi.encodeCall(this.rpowUp, (x, n)));
        (bool okRef, bytes memory ref) = address(this).staticcall(abi.encodeCall(this.rpowUpReference, (x, n)));
        assertEq(okAsm, okRef, "both succeed or both revert");
        assertEq(asm_, ref, "same result or same panic");
    }

    function test_rpowUp_edges() public pure {
        assertEq(FixedMath.rpowUp(5e27, 0), 1e27, "x^0 = 1");
        assertEq(FixedMath.rpowUp(5e27, 1), 5e27, "x^1 = x");
        assertEq(FixedMath.rpowUp(0, 2), 0, "0^2 = 0");
        assertEq(FixedMath.rpowUp(1, 2), 1, "a product under one ray-wei rounds up to 1");
        assertEq(FixedMath.rpowUp(2e27, 10), 1024e27);
        assertEq(FixedMath.rpowUp(1.5e27, 3), 3.375e27);
    }

    function test_rpowUp_overflowPanics() public {
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        this.rpowUp(type(uint256).max, 2);
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        this.rpowUp(1e36, 3); // the squaring fits (1e72), z * x does not (1e81)
    }
}
