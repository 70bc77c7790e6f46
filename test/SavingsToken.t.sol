// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SavingsToken} from "../contracts/SavingsToken.sol";
import {ISavingsToken} from "../contracts/interfaces/ISavingsToken.sol";
import {MockERC20} from "../contracts/mocks/MockERC20.sol";
import {FeeOnTransferToken, ReentrantToken} from "../contracts/mocks/WeirdTokens.sol";
import {Artifacts} from "./utils/Artifacts.sol";

/// @dev Funding helpers shared by the unit tests and the invariant handler.
abstract contract SavingsHelpers is Test {
    /// @dev [s] The time now: not `block.timestamp`, which the IR pipeline may read once for the whole test.
    function _now() internal view returns (uint256) {
        return vm.getBlockTimestamp();
    }

    function _asset(SavingsToken v) internal view returns (MockERC20) {
        return MockERC20(v.asset());
    }

    function _fund(SavingsToken v, address who, uint256 amount) internal {
        MockERC20 token = _asset(v); // read before the prank: the prank is for the next call only
        token.mint(who, amount);
        vm.prank(who);
        token.approve(address(v), type(uint256).max);
    }

    function _deposit(SavingsToken v, address who, uint256 amount) internal returns (uint256 shares) {
        _fund(v, who, amount);
        vm.prank(who);
        shares = v.deposit(amount, who);
    }

    function _redeemAll(SavingsToken v, address who) internal returns (uint256 assets) {
        uint256 shares = v.balanceOf(who);
        vm.prank(who);
        assets = v.redeem(shares, who, who);
    }

    function _distribute(SavingsToken v, address from, uint256 amount) internal {
        _fund(v, from, amount);
        vm.prank(from);
        v.distribute(amount);
    }

    /// @dev [token] Tokens sent to the vault without `distribute`.
    function _donate(SavingsToken v, uint256 amount) internal {
        _asset(v).mint(address(v), amount);
    }
}

/// @dev `sv` is a 7-day vault over an 18-decimal synthetic, `sv6` the same over a 6-decimal token.
contract SavingsTokenTest is SavingsHelpers {
    uint256 private constant T = 7 days; // [s]
    uint8 private constant OFFSET = 9; // DECIMALS_OFFSET
    uint256 private constant VIRTUAL_SHARES = 10 ** OFFSET;
    uint256 private constant SHARES_PER_TOKEN = 1e18 * VIRTUAL_SHARES; // at the initial price

    MockERC20 private synth;
    MockERC20 private usdc;
    SavingsToken private sv;
    SavingsToken private sv6;

    address private treasury = makeAddr("treasury");
    address private alice = makeAddr("alice");
    address private bob = makeAddr("bob");
    address private attacker = makeAddr("attacker");
    address private victim = makeAddr("victim");

    function setUp() public {
        vm.warp(1_700_000_000);
        synth = new MockERC20("Ballast USD", "bUSD", 18);
        usdc = new MockERC20("USD Coin", "USDC", 6);
        sv = SavingsToken(
            Artifacts.deploy("SavingsToken.sol:SavingsToken", abi.encode(synth, "Savings bUSD", "sbUSD", T))
        );
        sv6 = SavingsToken(
            Artifacts.deploy("SavingsToken.sol:SavingsToken", abi.encode(usdc, "Savings USDC", "sUSDC", T))
        );
    }

    /// @dev [token] What the current stream has vested `k` seconds after it was (re)started with `u` unvested.
    function _linear(uint256 u, uint256 k) private pure returns (uint256) {
        return k >= T ? u : (u * k) / T;
    }

    // ---------------------------------------------------------------- constructor

    function test_constructor_setsState() public view {
        assertEq(sv.asset(), address(synth));
        assertEq(sv.name(), "Savings bUSD");
        assertEq(sv.symbol(), "sbUSD");
        assertEq(sv.decimals(), 18 + OFFSET);
        assertEq(sv.vestingPeriod(), T);
        assertEq(sv.MIN_VESTING_PERIOD(), 1 hours);
        assertEq(sv.MAX_VESTING_PERIOD(), 30 days);
        assertEq(sv.DECIMALS_OFFSET(), OFFSET);
        assertEq(sv.totalAssets(), 0);
        assertEq(sv.accountedAssets(), 0);
        (uint256 unvested, uint256 end, uint256 rate) = sv.vesting();
        assertEq(unvested, 0);
        assertEq(end, 0);
        assertEq(rate, 0);
        assertEq(sv.apr(), 0);
        assertEq(sv.skimmable(), 0);
        // one unit buys 10^9 shares in an empty vault
        assertEq(sv.previewDeposit(1e18), SHARES_PER_TOKEN);
    }

    function test_constructor_revertsForPeriodBelowMin() public {
        vm.expectRevert(
            abi.encodeWithSelector(ISavingsToken.VestingPeriodOutOfBounds.selector, 1 hours - 1, 1 hours, 30 days)
        );
        SavingsToken(Artifacts.deploy("SavingsToken.sol:SavingsToken", abi.encode(synth, "x", "x", 1 hours - 1)));
    }

    function test_constructor_revertsForPeriodAboveMax() public {
        vm.expectRevert(
            abi.encodeWithSelector(ISavingsToken.VestingPeriodOutOfBounds.selector, 30 days + 1, 1 hours, 30 days)
        );
        SavingsToken(Artifacts.deploy("SavingsToken.sol:SavingsToken", abi.encode(synth, "x", "x", 30 days + 1)));
    }

    function test_constructor_acceptsBothBounds() public {
        assertEq(
            SavingsToken(Artifacts.deploy("SavingsToken.sol:SavingsToken", abi.encode(synth, "x", "x", 1 hours)))
                .vestingPeriod(),
            1 hours
        );
        assertEq(
            SavingsToken(Artifacts.deploy("SavingsToken.sol:SavingsToken", abi.encode(synth, "x", "x", 30 days)))
                .vestingPeriod(),
            30 days
        );
    }

    function test_constructor_revertsForZeroAsset() public {
        vm.expectRevert(ISavingsToken.ZeroAsset.selector);
        SavingsToken(Artifacts.deploy("SavingsToken.sol:SavingsToken", abi.encode(IERC20(address(0)), "x", "x", T)));
    }

    function test_decimals_sixDecimalAsset() public view {
        assertEq(sv6.decimals(), 6 + OFFSET);
        assertEq(sv6.previewDeposit(1e6), 1e6 * VIRTUAL_SHARES);
    }

    // ---------------------------------------------------------------- deposit / mint / withdraw / redeem

    function test_deposit_booksAssetsAndEmits() public {
        _fund(sv, alice, 100e18);
        vm.expectEmit(address(sv));
        emit IERC4626.Deposit(alice, bob, 100e18, 100 * SHARES_PER_TOKEN);
        vm.prank(alice);
        assertEq(sv.deposit(100e18, bob), 100 * SHARES_PER_TOKEN);
        assertEq(sv.balanceOf(bob), 100 * SHARES_PER_TOKEN);
        assertEq(sv.totalAssets(), 100e18);
        assertEq(sv.accountedAssets(), 100e18);
        assertEq(synth.balanceOf(address(sv)), 100e18);
    }

    function test_withdraw_takesAssetsOutOfAccountAndEmits() public {
        _deposit(sv, alice, 100e18);
        vm.expectEmit(address(sv));
        emit IERC4626.Withdraw(alice, bob, alice, 40e18, 40 * SHARES_PER_TOKEN);
        vm.prank(alice);
        assertEq(sv.withdraw(40e18, bob, alice), 40 * SHARES_PER_TOKEN);
        assertEq(synth.balanceOf(bob), 40e18);
        assertEq(sv.accountedAssets(), 60e18);
        assertEq(sv.totalAssets(), 60e18);
    }

    function test_redeem_bySpenderNeedsAllowance() public {
        _deposit(sv, alice, 10e18);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, bob, 0, SHARES_PER_TOKEN)
        );
        vm.prank(bob);
        sv.redeem(SHARES_PER_TOKEN, bob, alice);
    }

    function test_deposit_revertsForAssetTakingAFee() public {
        FeeOnTransferToken fot = new FeeOnTransferToken(100); // 1%
        SavingsToken v = SavingsToken(Artifacts.deploy("SavingsToken.sol:SavingsToken", abi.encode(fot, "x", "x", T)));
        fot.mint(alice, 100e18);
        vm.startPrank(alice);
        fot.approve(address(v), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(ISavingsToken.TransferShortfall.selector, 100e18, 99e18));
        v.deposit(100e18, alice);
        vm.expectRevert(abi.encodeWithSelector(ISavingsToken.TransferShortfall.selector, 100e18, 99e18));
        v.distribute(100e18);
        vm.stopPrank();
    }

    function test_deposit_rejectsReentryFromTheToken() public {
        ReentrantToken ret = new ReentrantToken();
        SavingsToken v = SavingsToken(Artifacts.deploy("SavingsToken.sol:SavingsToken", abi.encode(ret, "x", "x", T)));
        ret.mint(alice, 10e18);
        vm.prank(alice);
        ret.approve(address(v), type(uint256).max);
        // the token calls back into the vault from inside transferFrom: skim (no arguments) is refused
        ret.arm(address(v), abi.encodeCall(ISavingsToken.skim, ()));
        vm.prank(alice);
        v.deposit(10e18, alice);
        assertFalse(ret.lastCallOk());
        assertEq(
            ret.lastRevert(),
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)
        );
        // the deposit itself went through, and nothing was skimmed
        assertEq(v.totalAssets(), 10e18);
        (uint256 unvested, , ) = v.vesting();
        assertEq(unvested, 0);
    }

    function test_distribute_rejectsReentryFromTheToken() public {
        ReentrantToken ret = new ReentrantToken();
        SavingsToken v = SavingsToken(Artifacts.deploy("SavingsToken.sol:SavingsToken", abi.encode(ret, "x", "x", T)));
        ret.mint(alice, 10e18);
        vm.prank(alice);
        ret.approve(address(v), type(uint256).max);
        ret.arm(address(v), abi.encodeCall(IERC4626.deposit, (1, alice)));
        vm.prank(alice);
        v.distribute(5e18);
        assertFalse(ret.lastCallOk());
        assertEq(
            ret.lastRevert(),
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)
        );
        assertEq(v.totalSupply(), 0);
    }

    // ---------------------------------------------------------------- preview == action, mid-stream

    /// @dev Alice in, a distribution, `t` seconds, a second distribution (roll-over), `t2` more seconds.
    function _midStream(SavingsToken v, uint256 dep, uint256 d1, uint256 t, uint256 d2, uint256 t2) private {
        _deposit(v, alice, bound(dep, 1, 1e30));
        _distribute(v, treasury, bound(d1, 1, 1e30));
        vm.warp(_now() + bound(t, 0, 2 * T));
        _distribute(v, treasury, bound(d2, 1, 1e30));
        vm.warp(_now() + bound(t2, 0, T));
    }

    function testFuzz_previewDeposit_equalsDeposit(
        uint256 dep,
        uint256 d1,
        uint256 t,
        uint256 d2,
        uint256 t2,
        uint256 a
    ) public {
        _midStream(sv, dep, d1, t, d2, t2);
        a = bound(a, 0, 1e30);
        uint256 expected = sv.previewDeposit(a);
        uint256 shares = _deposit(sv, bob, a);
        assertEq(shares, expected);
        assertEq(sv.balanceOf(bob), expected);
    }

    function testFuzz_previewMint_equalsMint(
        uint256 dep,
        uint256 d1,
        uint256 t,
        uint256 d2,
        uint256 t2,
        uint256 s
    ) public {
        _midStream(sv, dep, d1, t, d2, t2);
        s = bound(s, 0, 1e39);
        uint256 expected = sv.previewMint(s);
        _fund(sv, bob, expected);
        vm.prank(bob);
        assertEq(sv.mint(s, bob), expected);
        assertEq(synth.balanceOf(bob), 0); // paid exactly the preview
        assertEq(sv.balanceOf(bob), s);
    }

    function testFuzz_previewWithdraw_equalsWithdraw(
        uint256 dep,
        uint256 d1,
        uint256 t,
        uint256 d2,
        uint256 t2,
        uint256 a
    ) public {
        _midStream(sv, dep, d1, t, d2, t2);
        a = bound(a, 0, sv.maxWithdraw(alice));
        uint256 expected = sv.previewWithdraw(a);
        uint256 before = sv.balanceOf(alice);
        vm.prank(alice);
        assertEq(sv.withdraw(a, alice, alice), expected);
        assertEq(before - sv.balanceOf(alice), expected);
        assertEq(synth.balanceOf(alice), a);
    }

    function testFuzz_previewRedeem_equalsRedeem(
        uint256 dep,
        uint256 d1,
        uint256 t,
        uint256 d2,
        uint256 t2,
        uint256 s
    ) public {
        _midStream(sv, dep, d1, t, d2, t2);
        s = bound(s, 0, sv.balanceOf(alice));
        uint256 expected = sv.previewRedeem(s);
        vm.prank(alice);
        assertEq(sv.redeem(s, alice, alice), expected);
        assertEq(synth.balanceOf(alice), expected);
    }

    // ---------------------------------------------------------------- round trips never gain

    function testFuzz_roundTrip_depositRedeemNeverGains(uint256 dep, uint256 d1, uint256 t, uint256 a) public {
        _midStream(sv, dep, d1, t, 1, 0);
        a = bound(a, 0, 1e30);
        _deposit(sv, bob, a);
        assertLe(_redeemAll(sv, bob), a);
    }

    function testFuzz_roundTrip_mintRedeemNeverGains(uint256 dep, uint256 d1, uint256 t, uint256 s) public {
        _midStream(sv, dep, d1, t, 1, 0);
        s = bound(s, 0, 1e39);
        uint256 paid = sv.previewMint(s);
        _fund(sv, bob, paid);
        vm.prank(bob);
        sv.mint(s, bob);
        assertLe(_redeemAll(sv, bob), paid);
    }

    function testFuzz_roundTrip_depositWithdrawNeverGains(uint256 dep, uint256 d1, uint256 t, uint256 a) public {
        _midStream(sv, dep, d1, t, 1, 0);
        a = bound(a, 0, 1e30);
        _deposit(sv, bob, a);
        uint256 out = sv.maxWithdraw(bob);
        assertLe(out, a);
        vm.prank(bob);
        sv.withdraw(out, bob, bob);
    }

    function testFuzz_roundTrip_withdrawDepositNeverGainsShares(uint256 dep, uint256 d1, uint256 t, uint256 a) public {
        _midStream(sv, dep, d1, t, 1, 0);
        a = bound(a, 0, sv.maxWithdraw(alice));
        vm.prank(alice);
        uint256 burned = sv.withdraw(a, alice, alice);
        vm.prank(alice);
        synth.approve(address(sv), a);
        vm.prank(alice);
        assertLe(sv.deposit(a, alice), burned);
    }

    function testFuzz_roundTrip_redeemMintNeverGainsAssets(uint256 dep, uint256 d1, uint256 t, uint256 s) public {
        _midStream(sv, dep, d1, t, 1, 0);
        s = bound(s, 0, sv.balanceOf(alice));
        vm.prank(alice);
        uint256 got = sv.redeem(s, alice, alice);
        assertGe(sv.previewMint(s), got);
    }

    // ---------------------------------------------------------------- distribute and vesting

    function test_distribute_revertsForZeroAmount() public {
        vm.expectRevert(ISavingsToken.ZeroDistribution.selector);
        vm.prank(treasury);
        sv.distribute(0);
    }

    function test_distribute_revertsWithoutAllowance() public {
        synth.mint(treasury, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(sv), 0, 1e18));
        vm.prank(treasury);
        sv.distribute(1e18);
    }

    function test_distribute_pullsStreamsAndEmits() public {
        _deposit(sv, alice, 1_000e18);
        _fund(sv, treasury, 70e18);
        vm.expectEmit(address(sv));
        emit ISavingsToken.Distributed(treasury, 70e18, 70e18, _now() + T);
        vm.prank(treasury);
        sv.distribute(70e18);

        assertEq(synth.balanceOf(treasury), 0);
        assertEq(synth.balanceOf(address(sv)), 1_070e18);
        // nothing vests in the block of the distribution
        assertEq(sv.totalAssets(), 1_000e18);
        (uint256 unvested, uint256 end, uint256 rate) = sv.vesting();
        assertEq(unvested, 70e18);
        assertEq(end, _now() + T);
        assertEq(rate, (70e18 * 1e18) / T);
    }

    function test_vesting_nothingBeforeTimeThenOneSecondsWorth() public {
        _deposit(sv, alice, 1_000e18);
        _distribute(sv, treasury, 70e18);
        assertEq(sv.totalAssets(), 1_000e18);
        uint256 before = sv.convertToAssets(SHARES_PER_TOKEN);
        vm.warp(_now() + 1);
        assertEq(sv.totalAssets(), 1_000e18 + 70e18 / T);
        assertGt(sv.convertToAssets(SHARES_PER_TOKEN), before);
    }

    function testFuzz_vesting_linear(uint256 d, uint256 k) public {
        d = bound(d, 1, 1e30);
        k = bound(k, 0, 3 * T);
        _deposit(sv, alice, 500e18);
        _distribute(sv, treasury, d);
        vm.warp(_now() + k);
        assertEq(sv.totalAssets(), 500e18 + _linear(d, k));
        (uint256 unvested, , ) = sv.vesting();
        assertEq(unvested, d - _linear(d, k));
        assertEq(sv.accountedAssets(), 500e18); // views do not write
    }

    function test_vesting_fullyVestedAfterThePeriod() public {
        _deposit(sv, alice, 100e18);
        _distribute(sv, treasury, 10e18);
        uint256 end = _now() + T;
        vm.warp(end - 1);
        assertLt(sv.totalAssets(), 110e18);
        vm.warp(end);
        assertEq(sv.totalAssets(), 110e18);
        (uint256 unvested, uint256 end_, uint256 rate) = sv.vesting();
        assertEq(unvested, 0);
        assertEq(end_, end);
        assertEq(rate, 0);
        assertEq(sv.apr(), 0);
        vm.warp(end + 365 days);
        assertEq(sv.totalAssets(), 110e18);
        // alice owns all but the virtual shares' sliver: (110e18 + 1) * 1e9 / (100e27 + 1e9) < 2 wei
        assertApproxEqAbs(_redeemAll(sv, alice), 110e18, 2);
        assertLe(synth.balanceOf(alice), 110e18);
    }

    function testFuzz_vesting_rollsTheRemainderOver(uint256 a, uint256 b, uint256 t, uint256 k) public {
        a = bound(a, 1, 1e30);
        b = bound(b, 1, 1e30);
        t = bound(t, 0, 2 * T);
        k = bound(k, 0, 2 * T);
        _deposit(sv, alice, 1e18);
        _distribute(sv, treasury, a);
        vm.warp(_now() + t);
        uint256 vestedA = _linear(a, t);
        uint256 remainder = a - vestedA;

        _fund(sv, treasury, b);
        vm.expectEmit(address(sv));
        emit ISavingsToken.Distributed(treasury, b, remainder + b, _now() + T);
        vm.prank(treasury);
        sv.distribute(b);
        (uint256 unvested, uint256 end, ) = sv.vesting();
        assertEq(unvested, remainder + b);
        assertEq(end, _now() + T);
        assertEq(sv.accountedAssets(), 1e18 + vestedA); // the vested part was brought to account first

        vm.warp(_now() + k);
        assertEq(sv.totalAssets(), 1e18 + vestedA + _linear(remainder + b, k));
    }

    /// @dev Syncing mid-stream (any deposit) re-spreads the remainder over the time left: the schedule never runs
    ///      ahead of the straight line, and each sync can delay it by less than one unit.
    function testFuzz_vesting_syncsNeverRunAheadAndLagLessThanAUnitEach(uint256 d, uint256[6] memory steps) public {
        d = bound(d, 1, 1e30);
        _deposit(sv, alice, 1e18);
        _distribute(sv, treasury, d);
        uint256 start = _now();
        uint256 deposits = 1e18;
        for (uint256 i; i < steps.length; ++i) {
            vm.warp(_now() + bound(steps[i], 1, T / 4));
            _deposit(sv, bob, 1); // brings the stream to now
            deposits += 1;
            uint256 linear = _linear(d, _now() - start);
            uint256 vested = sv.totalAssets() - deposits;
            assertLe(vested, linear, "vesting ran ahead of the line");
            assertGe(vested + i + 2, linear, "vesting lagged by more than a unit per sync");
        }
        vm.warp(start + T);
        assertEq(sv.totalAssets(), deposits + d); // all of it at the end, whatever the syncs
    }

    function test_vesting_rateAndApr() public {
        _deposit(sv, alice, 1_000e18);
        _distribute(sv, treasury, 10e18);
        (, , uint256 rate) = sv.vesting();
        assertEq(rate, (10e18 * 1e18) / T);
        assertEq(sv.apr(), Math.mulDiv(rate, 365 days, 1_000e18));
        // 1% of the assets a week: 52.14% a year, simple
        assertApproxEqRel(sv.apr(), uint256(0.5214e18), 0.001e18);
        // half way: half left over half the time, the same rate over a slightly larger base
        vm.warp(_now() + T / 2);
        (uint256 unvested, , uint256 rate2) = sv.vesting();
        assertEq(unvested, 5e18);
        assertEq(rate2, (5e18 * 1e18) / (T / 2));
        assertEq(sv.apr(), Math.mulDiv(rate2, 365 days, 1_005e18));
    }

    function test_vesting_sixDecimalRateDoesNotRoundToZero() public {
        _deposit(sv6, alice, 1_000e6);
        _distribute(sv6, treasury, 1); // 1 unit over a week
        (, , uint256 rate) = sv6.vesting();
        assertEq(rate, 1e18 / T);
        assertGt(sv6.apr(), 0);
    }

    // ---------------------------------------------------------------- donations and skim

    function testFuzz_donation_doesNotMoveThePrice(uint256 dep, uint256 donation, uint256 a) public {
        dep = bound(dep, 1, 1e30);
        donation = bound(donation, 1, 1e30);
        a = bound(a, 0, 1e30);
        _deposit(sv, alice, dep);
        uint256 assets = sv.totalAssets();
        uint256 price = sv.convertToAssets(SHARES_PER_TOKEN);
        uint256 quote = sv.previewDeposit(a);
        _donate(sv, donation);
        assertEq(sv.totalAssets(), assets);
        assertEq(sv.convertToAssets(SHARES_PER_TOKEN), price);
        assertEq(sv.previewDeposit(a), quote);
        assertEq(sv.skimmable(), donation);
        vm.warp(_now() + 10 * T); // not even with time: a donation counts only once skimmed
        assertEq(sv.totalAssets(), assets);
    }

    function test_skim_streamsADonation() public {
        _deposit(sv, alice, 100e18);
        _donate(sv, 14e18);
        vm.expectEmit(address(sv));
        emit ISavingsToken.Skimmed(bob, 14e18, 14e18, _now() + T);
        vm.prank(bob);
        assertEq(sv.skim(), 14e18);
        assertEq(sv.skimmable(), 0);
        assertEq(sv.totalAssets(), 100e18); // never instant
        vm.warp(_now() + T / 2);
        assertEq(sv.totalAssets(), 107e18);
        vm.warp(_now() + T / 2);
        assertEq(sv.totalAssets(), 114e18); // never stuck
    }

    function test_skim_takesOnlyTheUntrackedPartMidStream() public {
        _deposit(sv, alice, 100e18);
        _distribute(sv, treasury, 10e18);
        vm.warp(_now() + T / 2);
        _donate(sv, 3e18);
        assertEq(sv.skimmable(), 3e18);
        vm.expectEmit(address(sv));
        emit ISavingsToken.Skimmed(address(this), 3e18, 5e18 + 3e18, _now() + T);
        assertEq(sv.skim(), 3e18);
        assertEq(sv.accountedAssets(), 105e18);
        vm.warp(_now() + T);
        assertEq(sv.totalAssets(), 113e18);
        assertEq(sv.totalAssets(), synth.balanceOf(address(sv)));
    }

    function test_skim_revertsWhenNothingIsUntracked() public {
        _deposit(sv, alice, 100e18);
        _distribute(sv, treasury, 10e18);
        vm.warp(_now() + T / 3);
        vm.expectRevert(abi.encodeWithSelector(ISavingsToken.NothingToSkim.selector, 110e18, 110e18));
        sv.skim();
    }

    function test_skim_revertsOnAnEmptyVault() public {
        vm.expectRevert(abi.encodeWithSelector(ISavingsToken.NothingToSkim.selector, 0, 0));
        sv.skim();
    }

    // ---------------------------------------------------------------- inflation attack

    /// @dev A direct transfer is the classic vector: here it does not count at all.
    function testFuzz_inflation_viaDonationFails(uint256 donation, uint256 v) public {
        donation = bound(donation, 1, 1e30);
        v = bound(v, 1, 1e30);
        _deposit(sv, attacker, 1);
        synth.mint(attacker, donation);
        vm.prank(attacker);
        synth.transfer(address(sv), donation);

        _deposit(sv, victim, v);
        assertEq(sv.balanceOf(victim), v * VIRTUAL_SHARES); // priced as if nothing had been sent
        assertGe(_redeemAll(sv, victim), v - 1);
        assertLe(_redeemAll(sv, attacker), 1); // the donation is not the attacker's to take back
    }

    /// @dev The vector this vault adds: 1 unit in, a large stream (distributed or donated then skimmed), wait the
    ///      vesting period, then the victim deposits. With fewer than `minVestingShares` out the stream waits: nothing
    ///      has vested, the price has not moved, and the victim gets back what it put in (in the same block nothing
    ///      vests). The attacker gets back at most its unit: the stream is left to whoever saves a whole unit's
    ///      shares (it vests to them from then on).
    function _inflationViaStream(
        SavingsToken v,
        uint256 d,
        uint256 dep,
        bool viaSkim
    ) private returns (uint256 victimLoss, uint256 attackerLoss) {
        _deposit(v, attacker, 1);
        if (viaSkim) {
            _donate(v, d);
            vm.prank(attacker);
            v.skim();
        } else {
            _distribute(v, attacker, d);
        }
        vm.warp(_now() + T);
        assertFalse(v.vestingActive(), "one unit's shares are below the vesting minimum");
        assertEq(v.totalAssets(), 1, "the stream waits while almost no share is out");
        (uint256 unvested, uint256 end, uint256 rate) = v.vesting();
        assertEq(unvested, d);
        assertEq(rate, 0);
        assertEq(end, _now() + T, "the schedule moved on by the time waited");

        _deposit(v, victim, dep);
        uint256 victimOut = _redeemAll(v, victim);
        assertLe(victimOut, dep);
        victimLoss = dep - victimOut;
        assertLe(victimLoss, 1, "the victim lost more than a unit");

        uint256 attackerOut = _redeemAll(v, attacker);
        assertLe(attackerOut, 1, "the attacker took its stream back");
        attackerLoss = d + 1 - attackerOut;
    }

    /// @dev The same with the attacker holding exactly `minVestingShares` (one whole unit): the stream vests to it,
    ///      and a victim depositing after loses less than one share's worth, `(A + 1) / (S + 10^9)` with S at least a
    ///      whole unit's shares: about A × 10^-decimals.
    function _inflationWithAWholeUnit(SavingsToken v, uint256 d, uint256 dep) private {
        uint256 unit = 10 ** IERC20Metadata(v.asset()).decimals();
        _deposit(v, attacker, unit);
        assertTrue(v.vestingActive());
        _distribute(v, attacker, d);
        vm.warp(_now() + T);
        assertEq(v.totalAssets(), d + unit, "vested in full");
        _deposit(v, victim, dep);
        uint256 victimOut = _redeemAll(v, victim);
        assertLe(victimOut, dep);
        assertLe(dep - victimOut, (d + unit + 1) / v.minVestingShares() + 1, "victim lost more than one share's worth");
        assertLe(_redeemAll(v, attacker), d + unit, "the attacker got back more than it put in");
    }

    function testFuzz_inflation_withAWholeUnit(uint256 d, uint256 dep) public {
        _inflationWithAWholeUnit(sv, bound(d, 1, 1e30), bound(dep, 1, 1e30));
    }

    function testFuzz_inflation_withAWholeUnit_sixDecimals(uint256 d, uint256 dep) public {
        _inflationWithAWholeUnit(sv6, bound(d, 1, 1e24), bound(dep, 1, 1e24));
    }

    function testFuzz_inflation_viaDistributeFails(uint256 d, uint256 dep) public {
        _inflationViaStream(sv, bound(d, 2, 1e30), bound(dep, 1, 1e30), false);
    }

    function testFuzz_inflation_viaSkimFails(uint256 d, uint256 dep) public {
        _inflationViaStream(sv, bound(d, 2, 1e30), bound(dep, 1, 1e30), true);
    }

    function testFuzz_inflation_viaDistributeFails_sixDecimals(uint256 d, uint256 dep) public {
        _inflationViaStream(sv6, bound(d, 2, 1e24), bound(dep, 1, 1e24), false);
    }

    /// @dev The worked example: 1 wei, then 1M tokens streamed; a week later nothing has vested, a 1-token victim
    ///      loses nothing, and the attacker's million waits for savers.
    function test_inflation_workedExample() public {
        (uint256 victimLoss, uint256 attackerLoss) = _inflationViaStream(sv, 1_000_000e18, 1e18, false);
        assertEq(victimLoss, 0);
        assertGe(attackerLoss, 1_000_000e18);
        (uint256 unvested, , ) = sv.vesting();
        assertEq(unvested, 1_000_000e18, "the stream is still there for the next saver of a whole unit");
    }

    /// @dev A stream into a vault nobody is in waits for savers: the first depositor loses at most a unit.
    function testFuzz_inflation_streamIntoEmptyVaultFails(uint256 d, uint256 dep) public {
        d = bound(d, 1, 1e30);
        dep = bound(dep, 1, 1e30);
        _distribute(sv, attacker, d);
        vm.warp(_now() + T);
        _deposit(sv, victim, dep);
        uint256 out = _redeemAll(sv, victim);
        assertLe(out, dep);
        assertLe(dep - out, 1);
    }

    // ---------------------------------------------------------------- sandwich bound

    /// @dev Bob deposits `a` just before a distribution of `d` and redeems his `s` shares `k` seconds later. Nothing
    ///      else happens in the window, so the supply (with the virtual shares) stays `S + 10^9` and what vests in it is
    ///      `W = (U0 + d) × min(k, T) / T` (rounded down), `U0` being the remainder rolled over. Bound tested:
    ///      `out − a ≤ floor(s × W / (S + 10^9))`: his pro-rata share of what vested while he was in, no rounding
    ///      slack (rounding favours the vault), and nothing at all when `k = 0`.
    function _sandwich(
        SavingsToken v,
        uint256 dep,
        uint256 d0,
        uint256 t0,
        uint256 a,
        uint256 d,
        uint256 k,
        uint256 maxAmount
    ) private {
        _deposit(v, alice, bound(dep, 1, maxAmount));
        d0 = bound(d0, 0, maxAmount);
        if (d0 != 0) _distribute(v, treasury, d0);
        vm.warp(_now() + bound(t0, 0, 2 * T));
        a = bound(a, 1, maxAmount);
        d = bound(d, 1, maxAmount);
        k = bound(k, 0, 2 * T);

        (uint256 u0, , ) = v.vesting();
        uint256 s = _deposit(v, bob, a);
        _distribute(v, treasury, d);
        uint256 supply = v.totalSupply() + VIRTUAL_SHARES;
        uint256 assetsIn = v.totalAssets();

        vm.warp(_now() + k);
        uint256 w = v.totalAssets() - assetsIn;
        // nothing vests while fewer than `minVestingShares` are out (then bob gains nothing)
        assertEq(w, v.vestingActive() ? _linear(u0 + d, k) : 0, "vested in the window");
        uint256 out = _redeemAll(v, bob);
        assertLe(out, a + Math.mulDiv(s, w, supply), "sandwich gained more than its share of the vested yield");
        if (k == 0) assertLe(out, a);
    }

    function testFuzz_sandwich_gainsAtMostItsShareOfWhatVests(
        uint256 dep,
        uint256 d0,
        uint256 t0,
        uint256 a,
        uint256 d,
        uint256 k
    ) public {
        _sandwich(sv, dep, d0, t0, a, d, k, 1e30);
    }

    function testFuzz_sandwich_gainsAtMostItsShareOfWhatVests_sixDecimals(
        uint256 dep,
        uint256 d0,
        uint256 t0,
        uint256 a,
        uint256 d,
        uint256 k
    ) public {
        _sandwich(sv6, dep, d0, t0, a, d, k, 1e24);
    }

    function test_sandwich_sameBlockGainsNothing() public {
        _deposit(sv, alice, 1_000e18);
        uint256 s = _deposit(sv, bob, 1_000_000e18); // a whale, just before
        _distribute(sv, treasury, 100_000e18); // a large distribution
        vm.prank(bob);
        uint256 out = sv.redeem(s, bob, bob);
        assertLe(out, 1_000_000e18);
        assertGe(out, 1_000_000e18 - 1);
    }

    // ---------------------------------------------------------------- solvency

    function testFuzz_solvency_everyoneCanLeave(
        uint256[4] memory amounts,
        uint256 d,
        uint256 donation,
        uint256 t
    ) public {
        address[4] memory who = [alice, bob, attacker, victim];
        for (uint256 i; i < 4; ++i) _deposit(sv, who[i], bound(amounts[i], 0, 1e30));
        _distribute(sv, treasury, bound(d, 1, 1e30));
        _donate(sv, bound(donation, 0, 1e30));
        vm.warp(_now() + bound(t, 0, 2 * T));
        assertLe(sv.totalAssets(), synth.balanceOf(address(sv)));
        for (uint256 i; i < 4; ++i) {
            _redeemAll(sv, who[i]);
            assertEq(sv.balanceOf(who[i]), 0);
            assertLe(sv.totalAssets(), synth.balanceOf(address(sv)));
        }
        assertEq(sv.totalSupply(), 0);
    }

    // ---------------------------------------------------------------- permit

    function test_permit_onShares() public {
        (address owner, uint256 key) = makeAddrAndKey("owner");
        uint256 deadline = _now() + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                bob,
                5e24,
                0,
                deadline
            )
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", sv.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        sv.permit(owner, bob, 5e24, deadline, v, r, s);
        assertEq(sv.allowance(owner, bob), 5e24);
        assertEq(sv.nonces(owner), 1);
    }
}

/// @dev Random deposits, mints, withdrawals, redemptions, distributions, donations, skims and time, by three actors.
///      Every call is bounded so it cannot revert (the runner fails on reverts). Ghost: the assets the vault should
///      track, and whether the share price ever fell.
contract SavingsHandler is SavingsHelpers {
    SavingsToken public immutable sv;
    address[3] internal actors;
    address internal immutable treasury = makeAddr("treasury");

    uint256 public ghostIn; // [token] deposited + minted + distributed + skimmed
    uint256 public ghostOut; // [token] withdrawn + redeemed
    bool public priceFell;
    uint256 public calls;

    constructor(SavingsToken sv_) {
        sv = sv_;
        actors = [makeAddr("alice"), makeAddr("bob"), makeAddr("carol")];
    }

    /// @dev The share price must never fall across any action (time passing included).
    modifier checkPrice() {
        uint256 unit = 10 ** sv.decimals();
        uint256 before = sv.convertToAssets(unit);
        _;
        if (sv.convertToAssets(unit) < before) priceFell = true;
        ++calls;
    }

    function deposit(uint256 actor, uint256 amount) external checkPrice {
        address who = actors[actor % 3];
        amount = bound(amount, 0, 1e30);
        _deposit(sv, who, amount);
        ghostIn += amount;
    }

    function mint(uint256 actor, uint256 shares) external checkPrice {
        address who = actors[actor % 3];
        shares = bound(shares, 0, 1e39);
        uint256 assets = sv.previewMint(shares);
        _fund(sv, who, assets);
        vm.prank(who);
        ghostIn += sv.mint(shares, who);
    }

    function withdraw(uint256 actor, uint256 amount) external checkPrice {
        address who = actors[actor % 3];
        amount = bound(amount, 0, sv.maxWithdraw(who));
        vm.prank(who);
        sv.withdraw(amount, who, who);
        ghostOut += amount;
    }

    function redeem(uint256 actor, uint256 shares) external checkPrice {
        address who = actors[actor % 3];
        shares = bound(shares, 0, sv.balanceOf(who));
        vm.prank(who);
        ghostOut += sv.redeem(shares, who, who);
    }

    function distribute(uint256 amount) external checkPrice {
        amount = bound(amount, 1, 1e30);
        _distribute(sv, treasury, amount);
        ghostIn += amount;
    }

    function donate(uint256 amount) external checkPrice {
        _donate(sv, bound(amount, 1, 1e30));
    }

    function skim() external checkPrice {
        if (sv.skimmable() == 0) return;
        ghostIn += sv.skim();
    }

    function wait(uint256 seconds_) external checkPrice {
        vm.warp(_now() + bound(seconds_, 0, 3 days));
    }

    function actorAt(uint256 i) external view returns (address) {
        return actors[i];
    }
}

contract SavingsTokenInvariantTest is Test {
    SavingsToken internal sv;
    MockERC20 internal synth;
    SavingsHandler internal handler;

    function setUp() public {
        synth = new MockERC20("Ballast USD", "bUSD", 18);
        sv = SavingsToken(
            Artifacts.deploy("SavingsToken.sol:SavingsToken", abi.encode(synth, "Savings bUSD", "sbUSD", 7 days))
        );
        handler = new SavingsHandler(sv);
        targetContract(address(handler));
    }

    /// @notice Solvency: what the vault counts (assets + the unvested stream) is never more than it holds, and the
    ///         difference is exactly what `skim` would stream.
    function invariant_tracksNoMoreThanItHolds() public view {
        (uint256 unvested, , ) = sv.vesting();
        uint256 balance = synth.balanceOf(address(sv));
        assertLe(sv.totalAssets() + unvested, balance);
        assertEq(balance - sv.totalAssets() - unvested, sv.skimmable());
    }

    /// @notice Accounting: tracked = everything put in by deposit, mint, distribute and skim, minus what was taken out.
    function invariant_accountingMatchesTheGhost() public view {
        (uint256 unvested, , ) = sv.vesting();
        assertEq(sv.totalAssets() + unvested, handler.ghostIn() - handler.ghostOut());
    }

    /// @notice Every share is redeemable: the holders' redemption values sum to at most `totalAssets()`.
    function invariant_everyShareRedeemable() public view {
        uint256 sum;
        for (uint256 i; i < 3; ++i) sum += sv.previewRedeem(sv.balanceOf(handler.actorAt(i)));
        assertLe(sum, sv.totalAssets());
        assertEq(
            sv.totalSupply(),
            sv.balanceOf(handler.actorAt(0)) + sv.balanceOf(handler.actorAt(1)) + sv.balanceOf(handler.actorAt(2))
        );
    }

    /// @notice The share price never falls (rounding favours the vault; vesting only adds).
    function invariant_priceNeverFalls() public view {
        assertFalse(handler.priceFell());
    }
}
