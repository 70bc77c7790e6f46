// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";

import {Fixture} from "./utils/Fixture.sol";
import {IVault} from "../contracts/interfaces/IVault.sol";
import {IRedemptions} from "../contracts/interfaces/IRedemptions.sol";
import {IBallastErrors} from "../contracts/interfaces/IBallastErrors.sol";
import {Redemptions} from "../contracts/Redemptions.sol";
import {Settlement} from "../contracts/Settlement.sol";
import {MockERC20} from "../contracts/mocks/MockERC20.sol";
import {ReentrantToken} from "../contracts/mocks/WeirdTokens.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Artifacts} from "./utils/Artifacts.sol";

/// @dev Reads the redemption fee from inside a flash loan of bUSD (the loan must not dilute it).
contract FeeInsideAFlashLoan is IERC3156FlashBorrower {
    uint256 public feeSeen;

    function onFlashLoan(
        address,
        address token,
        uint256 amount,
        uint256 fee,
        bytes calldata data
    ) external returns (bytes32) {
        (Redemptions r, uint256 synthId, uint256 asked) = abi.decode(data, (Redemptions, uint256, uint256));
        feeSeen = r.feeFor(synthId, asked);
        MockERC20(token).approve(msg.sender, amount + fee);
        return keccak256("ERC3156FlashBorrower.onFlashLoan");
    }
}

/// @notice Face-value redemptions: what a redeemer receives (the debt's worth at oracle prices less the fee, the
///         same share of every basket asset), what the owner keeps (no value lost; the health never falls; no dust),
///         which positions qualify (below the redeemable health, not liquidatable, the right synthetic, priced), the
///         fee (rises with volume, decays, capped, not diluted by a flash loan), the Vault hook's guards.
contract RedemptionsTest is Fixture {
    uint64 internal constant REDEEMABLE = 1.5e18;
    uint16 internal constant MIN_FEE = 50; // 0.5%
    uint16 internal constant MAX_FEE = 500; // 5%
    uint32 internal constant HALF_LIFE = 12 hours;

    Redemptions internal redemptions;
    address internal redeemer = makeAddr("redeemer");
    address internal carol = makeAddr("carol");

    function setUp() public override {
        super.setUp();
        _wireLiquidation();
        redemptions = Redemptions(Artifacts.deploy("Redemptions.sol:Redemptions", abi.encode(address(manager), vault)));
        vault.setRedeemer(address(redemptions));
        redemptions.setParams(BUSD, IRedemptions.Params(REDEEMABLE, MIN_FEE, MAX_FEE, HALF_LIFE));
        _fundBusd(redeemer, 50_000e18);
        vm.prank(redeemer);
        busd.approve(address(redemptions), type(uint256).max);
        weth.mint(carol, 200e18);
        vm.prank(carol);
        weth.approve(address(vault), type(uint256).max);
    }

    function _ids(uint256 a) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](1);
        ids[0] = a;
    }

    function _ids(uint256 a, uint256 b, uint256 c) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](3);
        (ids[0], ids[1], ids[2]) = (a, b, c);
    }

    /// @dev [wad] Health and collateral value of position `id` at oracle prices.
    function _state(uint256 id) internal view returns (uint256 health, uint256 value, uint256 debt) {
        IVault.PositionHealth memory h = positionLens.healthOf(id);
        return (h.health, h.collateralValue, h.debt);
    }

    // ------------------------------------------------------------------ what a redemption does

    function test_redeem_paysTheDebtsWorthLessTheFee_proRata_andTheOwnerLosesNothing() public {
        // 10 WETH and 1 WBTC ($80,000) against 50,000 bUSD: health 0.85 x 20,000 + 0.8 x 60,000 / 50,000 = 1.3
        vm.startPrank(alice);
        uint256 id = vault.openAndMint(BUSD, address(weth), 10e18, 0, alice);
        vault.deposit(id, address(wbtc), 1e8);
        vault.mint(id, 50_000e18, alice);
        vm.stopPrank();
        (uint256 h0, uint256 v0, uint256 d0) = _state(id);
        assertLt(h0, REDEEMABLE);
        uint256 fee = redemptions.feeFor(BUSD, 10_000e18);
        vm.expectEmit(address(redemptions));
        emit IRedemptions.Redemption(BUSD, redeemer, redeemer, 10_000e18, fee);
        vm.prank(redeemer);
        (uint256 redeemed, uint256 feeBps) = redemptions.redeem(BUSD, 10_000e18, _ids(id), fee, redeemer);
        assertEq(redeemed, 10_000e18);
        assertEq(feeBps, fee);
        // the redeemer: 10,000 worth less the fee, the same share (1/8 of the basket's value less the fee) of each
        uint256 take = (uint256(10_000e18) * (10_000 - fee)) / 10_000;
        assertEq(weth.balanceOf(redeemer), (uint256(10e18) * take) / 80_000e18);
        assertEq(wbtc.balanceOf(redeemer), (uint256(1e8) * take) / 80_000e18);
        assertEq(busd.balanceOf(redeemer), 40_000e18, "10,000 burned, nothing else taken");
        (uint256 h1, uint256 v1, uint256 d1) = _state(id);
        assertApproxEqAbs(d0 - d1, 10_000e18, 1, "the debt fell by what was redeemed");
        assertGe(h1, h0, "the health never falls");
        assertGe(int256(v1) - int256(d1), int256(v0) - int256(d0), "no value lost at the oracle price (the fee stays)");
    }

    function test_redeem_walksTheNamedPositions_skippingThoseItMayNotTouch() public {
        uint256 healthy = _openEth(alice, 10e18, 5_000e18); // health 3.4
        uint256 beth = _openBeth(bob);
        uint256 exposed = _openEth(carol, 10e18, 12_000e18); // health 1.4167
        vm.expectEmit(address(redemptions));
        emit IRedemptions.RedemptionSkipped(healthy, IRedemptions.Skip.HealthyEnough);
        vm.expectEmit(address(redemptions));
        emit IRedemptions.RedemptionSkipped(beth, IRedemptions.Skip.OtherSynthetic);
        vm.prank(redeemer);
        (uint256 redeemed, ) = redemptions.redeem(BUSD, 2_000e18, _ids(healthy, beth, exposed), MAX_FEE, redeemer);
        assertEq(redeemed, 2_000e18);
        assertEq(positionLens.debtOf(healthy), 5_000e18, "a healthy position is untouched");

        // a liquidatable position goes to auction, not to redemption
        ethFeed.setAnswer(1_100e8); // carol: 11,000 x 0.85 / 10,000 < 1
        vm.prank(redeemer);
        vm.expectRevert(IRedemptions.NothingRedeemed.selector);
        redemptions.redeem(BUSD, 1_000e18, _ids(exposed), MAX_FEE, redeemer);
        // an unpriced one cannot be valued
        ethFeed.setAnswer(1_900e8);
        vm.warp(block.timestamp + 2 days); // every feed stale
        vm.prank(redeemer);
        vm.expectRevert(IRedemptions.NothingRedeemed.selector);
        redemptions.redeem(BUSD, 1_000e18, _ids(exposed), MAX_FEE, redeemer);
    }

    function _openBeth(address who) internal returns (uint256 id) {
        vm.prank(who);
        id = vault.openAndMint(BETH, address(weth), 10e18, 5e18, who);
    }

    function test_redeem_neverLeavesDust_andRefundsWhatItDidNotRedeem() public {
        uint256 id = _openEth(carol, 1e18, 150e18); // minimum debt 100
        // health 1,700 / 150 is far above 1.5: lower ETH so the position is exposed
        ethFeed.setAnswer(220e8); // 0.85 x 220 / 150 = 1.2467
        uint256 before = busd.balanceOf(redeemer);
        vm.prank(redeemer);
        (uint256 redeemed, ) = redemptions.redeem(BUSD, 100e18, _ids(id), MAX_FEE, redeemer);
        assertEq(redeemed, 50e18, "100 would leave 50 under the minimum: it takes 50 and leaves 100");
        assertEq(busd.balanceOf(redeemer), before - 50e18, "the other 50 came back");
        assertApproxEqAbs(positionLens.debtOf(id), 100e18, 1);
        vm.prank(redeemer);
        (redeemed, ) = redemptions.redeem(BUSD, 1_000e18, _ids(id), MAX_FEE, redeemer);
        assertApproxEqAbs(redeemed, 100e18, 1, "all of it: a position is left at 0 debt or at least the minimum");
        assertEq(positionLens.debtOf(id), 0);
        (, , uint256 mask) = vault.positionOf(id);
        assertTrue(mask != 0, "the owner keeps the collateral beyond the debt's worth");
    }

    // ------------------------------------------------------------------ the fee

    function test_fee_risesWithVolume_decaysByHalvings_andIsCapped() public {
        uint256 id = _openEth(carol, 100e18, 130_000e18); // health 1.3077
        uint256 supply = busd.totalSupply();
        uint256 small = redemptions.feeFor(BUSD, 1e18);
        assertEq(small, MIN_FEE + 1, "the minimum plus the rounded-up volume part of one unit");
        vm.prank(redeemer);
        redemptions.redeem(BUSD, 20_000e18, _ids(id), MAX_FEE, redeemer);
        uint256 base = redemptions.baseRate(BUSD);
        assertEq(base, (uint256(20_000e18) * 1e18 + 2 * supply - 1) / (2 * supply), "redeemed / supply / 2, up");
        vm.warp(block.timestamp + HALF_LIFE);
        assertEq(redemptions.baseRate(BUSD), base / 2, "one half-life: halved");
        vm.warp(block.timestamp + HALF_LIFE / 2);
        assertEq(
            redemptions.baseRate(BUSD),
            base / 2 - (base / 2) / 4,
            "half a half-life more: a straight line, above 2^-1.5"
        );
        assertGe(redemptions.baseRate(BUSD), (base * 35355) / 100000, "never below the exponential");
        assertEq(redemptions.feeFor(BUSD, busd.totalSupply()), MAX_FEE, "capped");
        uint256 quarter = busd.totalSupply() / 4;
        vm.prank(redeemer);
        vm.expectRevert(abi.encodeWithSelector(IRedemptions.FeeAboveMax.selector, MAX_FEE, 100));
        redemptions.redeem(BUSD, quarter, _ids(id), 100, redeemer);
    }

    function test_fee_aFlashLoanDoesNotDiluteIt() public {
        FeeInsideAFlashLoan borrower = new FeeInsideAFlashLoan();
        _fundBusd(address(borrower), 1_000e18);
        uint256 outside = redemptions.feeFor(BUSD, 30_000e18);
        busd.flashLoan(borrower, address(busd), 900_000e18, abi.encode(redemptions, BUSD, 30_000e18));
        assertEq(borrower.feeSeen(), outside);
    }

    // ------------------------------------------------------------------ guards

    function test_redeemFrom_onlyTheRedeemer_andNotAfterShutdown() public {
        uint256 id = _openEth(carol, 10e18, 12_000e18);
        uint256[] memory lots = new uint256[](1);
        vm.expectRevert(abi.encodeWithSelector(IVault.CallerNotRedeemer.selector, alice));
        vm.prank(alice);
        vault.redeemFrom(id, 1e18, lots, alice);
        Settlement settlement = _wireSettlement();
        settlement.shutdown();
        vm.prank(redeemer);
        vm.expectRevert(abi.encodeWithSelector(IBallastErrors.SystemShutdown.selector, block.timestamp));
        redemptions.redeem(BUSD, 1_000e18, _ids(id), MAX_FEE, redeemer);
    }

    function test_setParams_isBounded_andOnlyByItsRole() public {
        IRedemptions.Params memory p = IRedemptions.Params(0.9e18, MIN_FEE, MAX_FEE, HALF_LIFE);
        vm.expectRevert(abi.encodeWithSelector(IRedemptions.InvalidParams.selector, p));
        redemptions.setParams(BUSD, p);
        p = IRedemptions.Params(REDEEMABLE, 600, 500, HALF_LIFE);
        vm.expectRevert(abi.encodeWithSelector(IRedemptions.InvalidParams.selector, p));
        redemptions.setParams(BUSD, p);
        p = IRedemptions.Params(REDEEMABLE, MIN_FEE, 1_001, HALF_LIFE);
        vm.expectRevert(abi.encodeWithSelector(IRedemptions.InvalidParams.selector, p));
        redemptions.setParams(BUSD, p);
        p = IRedemptions.Params(REDEEMABLE, MIN_FEE, MAX_FEE, 59 minutes);
        vm.expectRevert(abi.encodeWithSelector(IRedemptions.InvalidParams.selector, p));
        redemptions.setParams(BUSD, p);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        redemptions.setParams(BUSD, IRedemptions.Params(0, 0, 0, 0));
        redemptions.setParams(BETH, IRedemptions.Params(0, 0, 0, 0)); // off
        uint256 id = _openBeth(bob);
        vm.prank(redeemer);
        vm.expectRevert(abi.encodeWithSelector(IRedemptions.RedemptionsOff.selector, BETH));
        redemptions.redeem(BETH, 1e18, _ids(id), MAX_FEE, redeemer);
    }

    function test_exposureOf_tellsAnOwnerWhereItStands() public {
        uint256 id = _openEth(carol, 10e18, 12_000e18);
        IRedemptions.Exposure memory x = redemptions.exposureOf(id);
        assertTrue(x.redeemable);
        assertEq(x.redeemableHealth, REDEEMABLE);
        assertEq(x.health, positionLens.healthOf(id).health);
        assertEq(x.debt, positionLens.debtOf(id));
        assertEq(x.maxRedeemable, x.debt);
        assertEq(x.feeBps, redemptions.feeFor(BUSD, x.debt));
        // the owner repays enough to stand above the bound: no longer exposed
        vm.prank(carol);
        vault.repay(id, 3_000e18);
        x = redemptions.exposureOf(id);
        assertFalse(x.redeemable);
        assertGe(x.health, REDEEMABLE);
        assertEq(x.maxRedeemable, 0);
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev After a redemption from position `id` (health `h0`, value `v0`, debt `d0` before): it was in range, its
    ///      health did not fall, its owner lost no value at the oracle price, and no dust is left.
    function _assertOwnerKept(
        uint256 id,
        uint256 h0,
        uint256 v0,
        uint256 d0
    ) internal view returns (uint256 v1, uint256 d1) {
        assertTrue(h0 >= 1e18 && h0 < REDEEMABLE, "redeemed a position out of range");
        uint256 h1;
        (h1, v1, d1) = _state(id);
        assertGe(h1, h0, "the health fell");
        assertGe(int256(v1) - int256(d1) + 1, int256(v0) - int256(d0), "the owner lost value");
        assertTrue(d1 == 0 || d1 >= 100e18, "dust left");
    }

    /// @dev Any redemption of any amount against a one- or three-asset position at any prices that make it
    ///      redeemable: the health never falls, the owner loses no value at the oracle price, the debt is 0 or at
    ///      least the minimum, and the redeemer gets no more than the debt's worth.
    function testFuzz_redeem_healthNeverFalls_ownerLosesNoValue_noDust(
        uint256 debtSeed,
        uint256 amount,
        uint256 ethPrice,
        bool basket3
    ) public {
        vm.startPrank(carol);
        uint256 id = vault.openAndMint(BUSD, address(weth), 10e18, 0, carol);
        if (basket3) {
            wbtc.mint(carol, 1e7);
            usdc.mint(carol, 5_000e6);
            wbtc.approve(address(vault), type(uint256).max);
            usdc.approve(address(vault), type(uint256).max);
            vault.deposit(id, address(wbtc), 1e7);
            vault.deposit(id, address(usdc), 5_000e6);
        }
        uint256 limit = positionLens.healthOf(id).mintLimit;
        vault.mint(id, bound(debtSeed, 100e18, limit), carol);
        vm.stopPrank();
        ethFeed.setAnswer(int256(bound(ethPrice, 500e8, 4_000e8)));
        (uint256 h0, uint256 v0, uint256 d0) = _state(id);
        amount = bound(amount, 1e18, 50_000e18);
        vm.prank(redeemer);
        try redemptions.redeem(BUSD, amount, _ids(id), MAX_FEE, redeemer) returns (uint256 redeemed, uint256 fee) {
            (uint256 v1, uint256 d1) = _assertOwnerKept(id, h0, v0, d0);
            assertLe(d0 - d1, redeemed, "more debt removed than burned");
            uint256 got = v0 - v1; // [wad USD] what left the position
            assertLe(got, (redeemed * (10_000 - fee)) / 10_000 + 1, "the redeemer got more than the debt's worth");
        } catch (bytes memory err) {
            assertEq(bytes4(err), IRedemptions.NothingRedeemed.selector, "unexplained revert");
            assertTrue(h0 < 1e18 || h0 >= REDEEMABLE || d0 <= 100e18, "refused a redeemable position");
        }
    }

    // ------------------------------------------------------------------ decimals and hooks

    /// @dev A basket of a 0-decimal token ($1,000 a unit) and a 36-decimal one ($10,000 a whole unit; the Vault holds
    ///      at most 2^120 units of a token, about 1.3 whole units at 36 decimals): the lots round
    ///      down in each token's own units, so the redeemer gets at most the debt's worth less the fee, the owner
    ///      loses no value, the health does not fall and no dust is left.
    function testFuzz_redeem_zeroAnd36DecimalCollateral(
        uint256 coarse,
        uint256 fine,
        uint256 debtSeed,
        uint256 amount
    ) public {
        MockERC20 zero = new MockERC20("Zero", "ZERO", 0);
        MockERC20 wide = new MockERC20("Wide", "WIDE", 36);
        _feed(address(zero), 8, 1_000e8);
        _feed(address(wide), 8, 10_000e8);
        vault.listAsset(address(zero), IVault.AssetParams(7_000, 8_000, 500, type(uint48).max, false));
        vault.listAsset(address(wide), IVault.AssetParams(7_000, 8_000, 500, type(uint48).max, false));
        engine.setAssetCap(address(zero), 10_000_000e18);
        engine.setAssetCap(address(wide), 10_000_000e18);
        coarse = bound(coarse, 1, 100); // $1,000 … $100,000
        fine = bound(fine, 1e32, 1e36); // $1 … $10,000
        zero.mint(carol, coarse);
        wide.mint(carol, fine);
        vm.startPrank(carol);
        zero.approve(address(vault), type(uint256).max);
        wide.approve(address(vault), type(uint256).max);
        uint256 id = vault.openAndMint(BUSD, address(zero), coarse, 0, carol);
        vault.deposit(id, address(wide), fine);
        uint256 value = positionLens.healthOf(id).collateralValue;
        // health 1.2 … 1.4 (below the redeemable 1.5, within the 70% loan-to-value): debt = value × 0.8 / health
        uint256 debt = ((((value * 8) / 10 / 1e18) * 1e18) / bound(debtSeed, 12, 14)) * 10;
        if (debt < 100e18) debt = 100e18;
        vault.mint(id, debt, carol);
        vm.stopPrank();
        (uint256 h0, uint256 v0, uint256 d0) = _state(id);
        amount = bound(amount, 1e18, d0 < 50_000e18 ? d0 : 50_000e18); // the redeemer holds 50,000
        uint256 zeroBefore = zero.balanceOf(redeemer);
        uint256 wideBefore = wide.balanceOf(redeemer);
        vm.prank(redeemer);
        try redemptions.redeem(BUSD, amount, _ids(id), MAX_FEE, redeemer) returns (uint256 redeemed, uint256 fee) {
            (uint256 v1, ) = _assertOwnerKept(id, h0, v0, d0);
            uint256 got =
                (zero.balanceOf(redeemer) - zeroBefore) * 1_000e18 + (wide.balanceOf(redeemer) - wideBefore) / 1e14; // [wad USD]
            assertApproxEqAbs(got, v0 - v1, 1, "the redeemer got other than what left the position"); // valued apart
            assertLe(got, (redeemed * (10_000 - fee)) / 10_000, "the redeemer got more than the debt's worth");
        } catch (bytes memory err) {
            assertEq(bytes4(err), IRedemptions.NothingRedeemed.selector, "unexplained revert");
            assertTrue(h0 < 1e18 || h0 >= REDEEMABLE || d0 <= 100e18, "refused a redeemable position");
        }
    }

    /// @dev A collateral token whose transfer calls back: the lot is sent after the redemption's effects, and a
    ///      redemption re-entered from the hook is refused by the lock (as is the Vault's hook for anyone but the
    ///      redeemer); the outer redemption completes with the same amounts as without the hook.
    function test_redeem_aTokenHookCannotReenter() public {
        ReentrantToken hooked = new ReentrantToken();
        _listForAlice(address(hooked), 7_000, 8_000, 60_000e18);
        engine.setAssetCap(address(hooked), 10_000_000e18);
        vm.startPrank(alice);
        uint256 id = vault.openAndMint(BUSD, address(hooked), 60_000e18, 40_000e18, alice); // health 1.2
        vm.stopPrank();
        uint256 fee = redemptions.feeFor(BUSD, 10_000e18);
        hooked.arm(
            address(redemptions),
            abi.encodeCall(redemptions.redeem, (BUSD, 1_000e18, _ids(id), MAX_FEE, address(hooked)))
        );
        vm.prank(redeemer);
        (uint256 redeemed, ) = redemptions.redeem(BUSD, 10_000e18, _ids(id), MAX_FEE, redeemer);
        assertEq(redeemed, 10_000e18);
        assertFalse(hooked.lastCallOk(), "the hook re-entered a redemption");
        assertEq(
            hooked.lastRevert(),
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)
        );
        assertEq(hooked.balanceOf(redeemer), (uint256(10_000e18) * (10_000 - fee)) / 10_000, "the lot at $1 a unit");
        assertEq(positionLens.debtOf(id), 30_000e18);

        hooked.arm(address(vault), abi.encodeCall(vault.redeemFrom, (id, 1_000e18, new uint256[](1), address(hooked))));
        vm.prank(redeemer);
        redemptions.redeem(BUSD, 1_000e18, _ids(id), MAX_FEE, redeemer);
        assertFalse(hooked.lastCallOk(), "the hook called the Vault's redemption hook");
    }
}
