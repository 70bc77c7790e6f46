// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";

import {Fixture} from "./utils/Fixture.sol";
import {IVault} from "../contracts/interfaces/IVault.sol";
import {IStabilityModule} from "../contracts/interfaces/IStabilityModule.sol";
import {IOracleAdapter} from "../contracts/interfaces/IOracleAdapter.sol";
import {ISettlement} from "../contracts/interfaces/ISettlement.sol";
import {IReserveLens} from "../contracts/interfaces/IReserveLens.sol";
import {IBallastErrors} from "../contracts/interfaces/IBallastErrors.sol";
import {StabilityModule} from "../contracts/StabilityModule.sol";
import {Settlement} from "../contracts/Settlement.sol";
import {ReserveLens} from "../contracts/ReserveLens.sol";
import {Backing} from "../contracts/libraries/Backing.sol";
import {MockERC20} from "../contracts/mocks/MockERC20.sol";
import {MockFeed} from "../contracts/mocks/MockFeed.sol";
import {BlocklistToken, FeeOnTransferToken, ReentrantToken} from "../contracts/mocks/WeirdTokens.sol";
import {Artifacts} from "./utils/Artifacts.sol";

/// @dev Runs a round trip through the module inside a flash loan of bUSD: swap the loan out for the reserve, swap
///      the reserve back in, repay. It must pay both fees and the flash fee out of its own pocket.
contract ModuleFlashRoundTrip is IERC3156FlashBorrower {
    function onFlashLoan(
        address,
        address token,
        uint256 amount,
        uint256 fee,
        bytes calldata data
    ) external returns (bytes32) {
        StabilityModule m = abi.decode(data, (StabilityModule));
        IERC20(token).approve(address(m), amount);
        (uint256 reserveOut, ) = m.swapOut(amount, 0, address(this));
        m.reserve().approve(address(m), reserveOut);
        m.swapIn(reserveOut, 0, address(this));
        IERC20(token).approve(msg.sender, amount + fee);
        return keccak256("ERC3156FlashBorrower.onFlashLoan");
    }
}

/// @dev One transaction that swaps in, sees the reserve's feed move below the band (an update landing between its
///      steps, as a bundle or a feed's own transaction in the same block would), then tries to swap in again and
///      swaps out. Records what each step did.
contract DepegMidBatch {
    bool public secondInRefused;
    bytes public secondInError;
    uint256 public reserveOut;

    function run(StabilityModule m, MockFeed feed, int256 depegged, uint256 amount) external {
        IERC20 reserve = m.reserve();
        IERC20 unit = IERC20(address(m.synthetic()));
        reserve.approve(address(m), type(uint256).max);
        unit.approve(address(m), type(uint256).max);
        (uint256 minted, ) = m.swapIn(amount, 0, address(this));
        feed.setAnswer(depegged);
        try m.swapIn(amount, 0, address(this)) {
            secondInRefused = false;
        } catch (bytes memory err) {
            (secondInRefused, secondInError) = (true, err);
        }
        (reserveOut, ) = m.swapOut(minted, 0, address(this));
    }
}

/// @notice The stability module: swaps at par with fees and rounding against the swapper at 6 and 18 decimals (and
///         any from 0 to 36 by fuzzing), the exposure cap, the guardian freeze, the peg band and a failed oracle, the
///         module's debt in the Vault's debt identity and in the backing, and its reserves in settlement.
contract StabilityModuleTest is Fixture {
    uint16 internal constant FEE_IN = 10; // [bps] 0.1%
    uint16 internal constant FEE_OUT = 20; // [bps] 0.2%
    uint16 internal constant BAND = 100; // [bps] 1%
    uint256 internal constant CEILING = 1_000_000e18;

    StabilityModule internal psm; // bUSD / USDC (6 decimals)
    StabilityModule internal psm18; // bUSD / DAI (18 decimals)
    MockERC20 internal dai;
    Settlement internal settlement;
    ReserveLens internal lens;
    address internal swapper = makeAddr("swapper");

    function setUp() public override {
        super.setUp();
        _wireLiquidation();
        settlement = _wireSettlement();
        lens = ReserveLens(Artifacts.deploy("ReserveLens.sol:ReserveLens", abi.encode(vault)));
        dai = new MockERC20("Dai", "DAI", 18);
        _feed(address(dai), 8, 1e8);
        vault.listAsset(address(dai), IVault.AssetParams(9_000, 9_300, 300, 100_000_000, false));
        psm = _module(usdc);
        psm18 = _module(dai);
        usdc.mint(swapper, 10_000_000e6);
        dai.mint(swapper, 10_000_000e18);
        vm.startPrank(swapper);
        usdc.approve(address(psm), type(uint256).max);
        dai.approve(address(psm18), type(uint256).max);
        busd.approve(address(psm), type(uint256).max);
        busd.approve(address(psm18), type(uint256).max);
        vm.stopPrank();
    }

    function _module(MockERC20 reserve) internal returns (StabilityModule m) {
        m = StabilityModule(
            Artifacts.deploy(
                "StabilityModule.sol:StabilityModule",
                abi.encode(
                    address(manager),
                    vault,
                    BUSD,
                    reserve,
                    IStabilityModule.Config(FEE_IN, FEE_OUT, BAND, false, false)
                )
            )
        );
        vault.addModule(address(m), CEILING);
    }

    /// @dev Lists `token` with a $1 feed and no supply cap, and adds a fee-free bUSD module over it (ceiling CEILING).
    function _listedModule(address token) internal returns (StabilityModule m) {
        _feed(token, 8, 1e8);
        vault.listAsset(token, IVault.AssetParams(9_000, 9_300, 300, type(uint48).max, false));
        m = StabilityModule(
            Artifacts.deploy(
                "StabilityModule.sol:StabilityModule",
                abi.encode(
                    address(manager),
                    vault,
                    BUSD,
                    IERC20(token),
                    IStabilityModule.Config(0, 0, BAND, false, false)
                )
            )
        );
        vault.addModule(address(m), CEILING);
    }

    /// @dev A reserve of `decimals` decimals with a $1 feed, listed, and its module with fees `feeIn`/`feeOut`.
    function _moduleWithDecimals(
        uint8 decimals,
        uint16 feeIn,
        uint16 feeOut
    ) internal returns (StabilityModule m, MockERC20 reserve) {
        reserve = new MockERC20("Reserve", "RSV", decimals);
        _feed(address(reserve), 8, 1e8);
        vault.listAsset(address(reserve), IVault.AssetParams(9_000, 9_300, 300, type(uint48).max, false));
        m = StabilityModule(
            Artifacts.deploy(
                "StabilityModule.sol:StabilityModule",
                abi.encode(
                    address(manager),
                    vault,
                    BUSD,
                    reserve,
                    IStabilityModule.Config(feeIn, feeOut, BAND, false, false)
                )
            )
        );
        vault.addModule(address(m), type(uint96).max);
        vm.startPrank(swapper);
        reserve.approve(address(m), type(uint256).max);
        busd.approve(address(m), type(uint256).max);
        vm.stopPrank();
    }

    /// @dev supply + unminted fees == position debt + auction debt + bad debt + module debt (the debt identity),
    ///      with the rounding slack of the positions' debt (each rounds up).
    function _assertDebtIdentity() internal view {
        IVault.SyntheticState memory st = positionLens.synthetic(BUSD);
        uint256 lhs = busd.totalSupply() + st.unmintedFees;
        uint256 rhs = st.totalDebt + st.auctionDebt + st.badDebt + st.moduleDebt;
        assertLe(lhs, rhs, "supply + fees above the debt");
        assertLe(rhs - lhs, 1, "debt above supply + fees beyond rounding");
    }

    /// @dev The module's reserves, at par, back its debt.
    function _assertBacked(StabilityModule m) internal view {
        (uint256 debt, ) = m.debt();
        uint256 backed = m.reserves() * 1e18;
        assertGe(backed, debt * 10 ** m.reserveDecimals(), "module reserves below its debt at par");
    }

    // ------------------------------------------------------------------ swaps

    function test_swapIn_mintsAtParLessTheFee_andTheFeeGoesToTheTreasury() public {
        vm.expectEmit(address(psm));
        emit IStabilityModule.SwappedIn(swapper, alice, 1_000e6, 999e18, 1e18);
        vm.expectEmit(address(vault));
        emit IVault.ModuleMinted(address(psm), alice, 999e18, 1e18, 1_000e18);
        vm.prank(swapper);
        (uint256 minted, uint256 fee) = psm.swapIn(1_000e6, 999e18, alice);
        assertEq(minted, 999e18);
        assertEq(fee, 1e18);
        assertEq(busd.balanceOf(alice), 999e18);
        assertEq(busd.balanceOf(treasury), 1e18);
        assertEq(usdc.balanceOf(address(psm)), 1_000e6);
        (uint256 debt, uint256 ceiling) = psm.debt();
        assertEq(debt, 1_000e18);
        assertEq(ceiling, CEILING);
        assertEq(positionLens.synthetic(BUSD).moduleDebt, 1_000e18);
        _assertDebtIdentity();
        _assertBacked(psm);
    }

    function test_swapOut_paysAtParLessTheFee_burnsWhatThePaymentBacks() public {
        vm.prank(swapper);
        psm.swapIn(10_000e6, 0, swapper);
        uint256 treasuryBefore = busd.balanceOf(treasury);
        uint256 usdcBefore = usdc.balanceOf(bob);
        // 1,000 bUSD + 1 wei: the fee rounds up to 2 bUSD + 1 wei, the net of 998 bUSD pays 998 USDC
        uint256 amount = 1_000e18 + 1;
        (uint256 expectOut, uint256 expectFee, uint256 expectBurned) = psm.previewSwapOut(amount);
        vm.prank(swapper);
        (uint256 out, uint256 fee) = psm.swapOut(amount, 0, bob);
        assertEq(out, expectOut);
        assertEq(fee, expectFee);
        uint256 feeBps = (amount * FEE_OUT + 9_999) / 10_000; // rounded up
        assertEq(out, ((amount - feeBps) * 1e6) / 1e18, "net converted down");
        assertEq(expectBurned, out * 1e12, "burns exactly the units the payment backs");
        assertEq(fee, amount - expectBurned, "the fee and the conversion's remainder go to the treasury");
        assertEq(usdc.balanceOf(bob) - usdcBefore, out);
        assertEq(busd.balanceOf(treasury) - treasuryBefore, fee);
        (uint256 debt, ) = psm.debt();
        assertEq(debt, 10_000e18 - expectBurned);
        _assertDebtIdentity();
        _assertBacked(psm);
    }

    function test_swaps_at18Decimals() public {
        vm.prank(swapper);
        (uint256 minted, uint256 feeIn) = psm18.swapIn(500e18 + 3, 0, swapper);
        assertEq(feeIn, ((uint256(500e18) + 3) * FEE_IN + 9_999) / 10_000);
        assertEq(minted, 500e18 + 3 - feeIn);
        vm.prank(swapper);
        (uint256 out, uint256 feeOut) = psm18.swapOut(100e18, 0, swapper);
        assertEq(feeOut, (100e18 * uint256(FEE_OUT)) / 10_000);
        assertEq(out, 100e18 - feeOut, "18 decimals: the net is paid one for one");
        _assertBacked(psm18);
        _assertDebtIdentity();
    }

    /// @dev A round trip never gains: reserve in, units out and back, at any decimals from 0 to 36 and any fees.
    function testFuzz_roundTripNeverGains(uint8 decimals, uint256 amount, uint16 feeIn, uint16 feeOut) public {
        decimals = uint8(bound(decimals, 0, 36));
        feeIn = uint16(bound(feeIn, 0, 500));
        feeOut = uint16(bound(feeOut, 0, 500));
        (StabilityModule m, MockERC20 reserve) = _moduleWithDecimals(decimals, feeIn, feeOut);
        uint256 unit = 10 ** decimals;
        amount = bound(amount, 1, 1e9 * unit); // up to a billion whole units
        reserve.mint(swapper, amount);
        vm.startPrank(swapper);
        (uint256 minted, ) = m.previewSwapIn(amount);
        vm.assume(minted != 0);
        m.swapIn(amount, minted, swapper);
        (uint256 reserveOut, , ) = m.previewSwapOut(minted);
        if (reserveOut != 0) m.swapOut(minted, reserveOut, swapper);
        vm.stopPrank();
        assertLe(reserve.balanceOf(swapper), amount, "a round trip gained reserve");
        assertEq(busd.balanceOf(swapper), reserveOut == 0 ? minted : 0);
        _assertBacked(m);
        _assertDebtIdentity();
    }

    /// @dev Any sequence of swaps at any decimals keeps the reserves, at par, above the module's debt, and the
    ///      previews equal the swaps.
    function testFuzz_sequence_reservesBackTheDebt_andPreviewsEqualSwaps(
        uint8 decimals,
        uint256 seed,
        uint8 steps
    ) public {
        decimals = uint8(bound(decimals, 0, 36));
        (StabilityModule m, MockERC20 reserve) = _moduleWithDecimals(decimals, FEE_IN, FEE_OUT);
        uint256 unit = 10 ** decimals;
        reserve.mint(swapper, 1e7 * unit);
        steps = uint8(bound(steps, 1, 20));
        for (uint256 i; i < steps; ++i) {
            seed = uint256(keccak256(abi.encode(seed, i)));
            vm.startPrank(swapper);
            if (seed % 2 == 0) {
                uint256 amount = bound(seed >> 8, 1, reserve.balanceOf(swapper) / 4 + 1);
                (uint256 minted, uint256 fee) = m.previewSwapIn(amount);
                if (minted != 0) {
                    uint256 before = busd.balanceOf(swapper);
                    (uint256 gotMinted, uint256 gotFee) = m.swapIn(amount, 0, swapper);
                    assertEq(gotMinted, minted, "previewSwapIn");
                    assertEq(gotFee, fee, "previewSwapIn fee");
                    assertEq(busd.balanceOf(swapper) - before, minted);
                }
            } else if (busd.balanceOf(swapper) != 0) {
                uint256 amount = bound(seed >> 8, 1, busd.balanceOf(swapper));
                uint256 cap = m.maxSwapOut();
                if (amount > cap) amount = cap;
                (uint256 out, uint256 fee, ) = m.previewSwapOut(amount);
                if (out != 0) {
                    uint256 before = reserve.balanceOf(swapper);
                    (uint256 gotOut, uint256 gotFee) = m.swapOut(amount, 0, swapper);
                    assertEq(gotOut, out, "previewSwapOut");
                    assertEq(gotFee, fee, "previewSwapOut fee");
                    assertEq(reserve.balanceOf(swapper) - before, out);
                }
            }
            vm.stopPrank();
            _assertBacked(m);
            _assertDebtIdentity();
        }
    }

    function test_swaps_refuseZeroOutput_slippage_andTheZeroAddress() public {
        vm.startPrank(swapper);
        vm.expectRevert(IBallastErrors.ZeroAmount.selector);
        psm.swapIn(0, 0, swapper);
        vm.expectRevert(abi.encodeWithSelector(IStabilityModule.SlippageExceeded.selector, 999e18, 999e18 + 1));
        psm.swapIn(1_000e6, 999e18 + 1, swapper);
        vm.expectRevert(IBallastErrors.ZeroAddress.selector);
        psm.swapIn(1_000e6, 0, address(0));
        psm.swapIn(1_000e6, 0, swapper);
        // under one micro-dollar: the net converts to 0 USDC
        vm.expectRevert(IBallastErrors.ZeroAmount.selector);
        psm.swapOut(1e12, 0, swapper);
        vm.expectRevert(abi.encodeWithSelector(IStabilityModule.SlippageExceeded.selector, 998e6, 998e6 + 1));
        psm.swapOut(1_000e18, 998e6 + 1, swapper);
        vm.stopPrank();
    }

    function test_swapIn_refusesAFeeOnTransferReserve() public {
        FeeOnTransferToken fot = new FeeOnTransferToken(100);
        StabilityModule m = _listedModule(address(fot));
        fot.mint(swapper, 100e18);
        vm.startPrank(swapper);
        fot.approve(address(m), type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(IStabilityModule.TransferAmountMismatch.selector, address(fot), 100e18, 99e18)
        );
        m.swapIn(100e18, 0, swapper);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ the cap, the freeze, the band

    function test_ceiling_capsSwapsIn_andALowerCeilingStillLetsSwapsOut() public {
        vault.setModuleCeiling(address(psm), 2_000e18);
        assertEq(psm.maxSwapIn(), 2_000e6);
        vm.startPrank(swapper);
        psm.swapIn(1_500e6, 0, swapper);
        assertEq(psm.maxSwapIn(), 500e6);
        vm.expectRevert(
            abi.encodeWithSelector(IVault.ModuleCeilingExceeded.selector, address(psm), 2_000e18 + 1e18, 2_000e18)
        );
        psm.swapIn(501e6, 0, swapper);
        psm.swapIn(500e6, 0, swapper); // exactly the room
        vm.stopPrank();

        vm.expectEmit(address(vault));
        emit IVault.ModuleCeilingSet(address(psm), 100e18);
        vault.setModuleCeiling(address(psm), 100e18); // below the debt: forces nobody out
        assertEq(psm.maxSwapIn(), 0);
        vm.prank(swapper);
        psm.swapOut(1_000e18, 0, swapper);
        vm.expectRevert(abi.encodeWithSelector(IVault.AmountTooLarge.selector, uint256(1) << 96, type(uint96).max));
        vault.setModuleCeiling(address(psm), uint256(1) << 96);
    }

    function test_maxSwapIn_isAcceptedExactly_atOddDecimals() public {
        (StabilityModule m, MockERC20 reserve) = _moduleWithDecimals(30, FEE_IN, FEE_OUT);
        vault.setModuleCeiling(address(m), 1_234e18 + 7);
        uint256 max = m.maxSwapIn();
        reserve.mint(swapper, max + 1e12);
        vm.startPrank(swapper);
        // at 30 decimals 1e12 reserve wei make one unit: one wei more is one unit past the ceiling
        vm.expectRevert(
            abi.encodeWithSelector(IVault.ModuleCeilingExceeded.selector, address(m), 1_234e18 + 8, 1_234e18 + 7)
        );
        m.swapIn(max + 1, 0, swapper);
        m.swapIn(max, 0, swapper);
        vm.stopPrank();
        (uint256 debt, uint256 ceiling) = m.debt();
        assertEq(debt, ceiling, "the whole room used");
    }

    function test_maxSwapOut_isAccepted_andBoundedByTheDebt() public {
        vm.prank(swapper);
        psm.swapIn(1_000e6, 0, swapper);
        // the swapper holds 999; bob brings more units (from a position), so the module's debt is what binds
        _fundBusd(swapper, 5_000e18);
        uint256 max = psm.maxSwapOut();
        (uint256 debt, ) = psm.debt();
        (, , uint256 burned) = psm.previewSwapOut(max);
        assertLe(burned, debt);
        vm.prank(swapper);
        psm.swapOut(max, 0, swapper);
        (debt, ) = psm.debt();
        assertLt(debt, 2e12, "at most a micro-dollar and the fee's rounding left");
        vm.prank(swapper);
        vm.expectRevert();
        psm.swapOut(max, 0, swapper); // far past the debt left
    }

    function test_guardianFreeze_eachDirection_andOnlyByItsRole() public {
        vm.prank(swapper);
        psm.swapIn(1_000e6, 0, swapper);
        vm.expectEmit(address(psm));
        emit IStabilityModule.FrozenSet(true, false);
        psm.setFrozen(true, false);
        vm.startPrank(swapper);
        vm.expectRevert(abi.encodeWithSelector(IStabilityModule.SwapFrozen.selector, true));
        psm.swapIn(1e6, 0, swapper);
        psm.swapOut(10e18, 0, swapper); // the other direction works
        vm.stopPrank();
        assertEq(psm.maxSwapIn(), 0);
        psm.setFrozen(false, true);
        vm.startPrank(swapper);
        vm.expectRevert(abi.encodeWithSelector(IStabilityModule.SwapFrozen.selector, false));
        psm.swapOut(10e18, 0, swapper);
        psm.swapIn(1e6, 0, swapper);
        vm.stopPrank();
        assertEq(psm.maxSwapOut(), 0);

        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        psm.setFrozen(false, false);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        psm.setFees(0, 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        psm.setBand(50);
    }

    function test_setters_areBounded() public {
        vm.expectRevert(abi.encodeWithSelector(IStabilityModule.InvalidFees.selector, 501, 0));
        psm.setFees(501, 0);
        vm.expectRevert(abi.encodeWithSelector(IStabilityModule.InvalidFees.selector, 0, 501));
        psm.setFees(0, 501);
        vm.expectRevert(abi.encodeWithSelector(IStabilityModule.InvalidBand.selector, 9));
        psm.setBand(9);
        vm.expectRevert(abi.encodeWithSelector(IStabilityModule.InvalidBand.selector, 1_001));
        psm.setBand(1_001);
        vm.expectEmit(address(psm));
        emit IStabilityModule.FeesSet(500, 0);
        psm.setFees(500, 0);
        vm.expectEmit(address(psm));
        emit IStabilityModule.BandSet(1_000);
        psm.setBand(1_000);
        IStabilityModule.Config memory c = psm.config();
        assertEq(c.feeInBps, 500);
        assertEq(c.feeOutBps, 0);
        assertEq(c.bandBps, 1_000);
        vm.expectRevert(abi.encodeWithSelector(IStabilityModule.InvalidBand.selector, 0));
        StabilityModule(
            Artifacts.deploy(
                "StabilityModule.sol:StabilityModule",
                abi.encode(address(manager), vault, BUSD, usdc, IStabilityModule.Config(0, 0, 0, false, false))
            )
        );
    }

    function test_band_aDepeggedReserveCannotBuyUnitsAtPar_butHoldersCanLeave() public {
        vm.prank(swapper);
        psm.swapIn(10_000e6, 0, swapper);
        usdcFeed.setAnswer(0.98e8); // 2% below par, outside the 1% band
        vm.startPrank(swapper);
        vm.expectRevert(abi.encodeWithSelector(IStabilityModule.ReserveOffPeg.selector, 0.98e18, 0.99e18, 1.01e18));
        psm.swapIn(1_000e6, 0, swapper);
        psm.swapOut(1_000e18, 0, swapper); // the exit stays open: the holder takes the reserve at par
        vm.stopPrank();
        assertEq(psm.maxSwapIn(), 0);
        assertGt(psm.maxSwapOut(), 0);

        usdcFeed.setAnswer(0.99e8); // at the band's edge: allowed
        vm.prank(swapper);
        psm.swapIn(1e6, 0, swapper);

        usdcFeed.setAnswer(1.02e8); // above the band: the reserve may not leave at par
        vm.startPrank(swapper);
        vm.expectRevert(abi.encodeWithSelector(IStabilityModule.ReserveOffPeg.selector, 1.02e18, 0.99e18, 1.01e18));
        psm.swapOut(100e18, 0, swapper);
        psm.swapIn(1e6, 0, swapper);
        vm.stopPrank();
        assertEq(psm.maxSwapOut(), 0);
    }

    /// @dev A depeg in the middle of one transaction: the swap before it is at par, the swap in after it refused
    ///      (the band reads the price at each call, nothing is cached), the exit still at par; the reserves still
    ///      back the debt at par, and the backing report values them at the depegged price (nothing hidden).
    function test_aReserveDepegMidBatch_refusesTheNextSwapIn_andKeepsTheExit() public {
        DepegMidBatch batch = new DepegMidBatch();
        usdc.mint(address(batch), 20_000e6);
        uint256 before = psm.reserves();
        batch.run(psm, usdcFeed, 0.95e8, 10_000e6);
        assertTrue(batch.secondInRefused(), "swapped in at par after the depeg");
        assertEq(
            batch.secondInError(),
            abi.encodeWithSelector(IStabilityModule.ReserveOffPeg.selector, 0.95e18, 0.99e18, 1.01e18)
        );
        // 10,000 in less 0.1%, then those 9,990 out less 0.2%: paid at par
        assertEq(batch.reserveOut(), 9_970.02e6);
        (uint256 debt, ) = psm.debt();
        assertGe(psm.reserves() * 1e12, debt, "the reserves no longer back the debt at par");
        assertEq(psm.reserves(), before + 10_000e6 - 9_970.02e6);
        IReserveLens.SyntheticReserve memory sr = lens.syntheticReserve(BUSD);
        assertEq(sr.moduleDebt, debt);
        _assertDebtIdentity();
    }

    function test_failedOracle_refusesSwapsIn_andKeepsTheExitOpen() public {
        vm.prank(swapper);
        psm.swapIn(10_000e6, 0, swapper);
        vm.warp(block.timestamp + 2 days); // the USDC feed is stale
        (uint256 ratio, bool priced) = psm.pegRatio();
        assertEq(ratio, 0);
        assertFalse(priced);
        vm.startPrank(swapper);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStabilityModule.PegUnverified.selector,
                address(usdc),
                IOracleAdapter.PriceFailure.Stale
            )
        );
        psm.swapIn(1_000e6, 0, swapper);
        (uint256 out, ) = psm.swapOut(1_000e18, 0, swapper);
        vm.stopPrank();
        assertEq(out, 998e6);
    }

    function test_pricedSynthetic_theBandIsRelativeToItsPrice() public {
        // a bETH module against WETH: one bETH per WETH, whatever the dollar price
        StabilityModule m = StabilityModule(
            Artifacts.deploy(
                "StabilityModule.sol:StabilityModule",
                abi.encode(address(manager), vault, BETH, weth, IStabilityModule.Config(0, 0, BAND, false, false))
            )
        );
        vault.addModule(address(m), 1_000e18);
        (uint256 ratio, bool priced) = m.pegRatio();
        assertEq(ratio, 1e18);
        assertTrue(priced);
        vm.startPrank(alice);
        weth.approve(address(m), type(uint256).max);
        (uint256 minted, ) = m.swapIn(2e18, 0, alice);
        vm.stopPrank();
        assertEq(minted, 2e18);
        assertEq(beth.balanceOf(alice), 2e18);
        assertEq(positionLens.synthetic(BETH).moduleDebt, 2e18);
    }

    function test_vaultPause_stopsSwapsIn_notSwapsOut() public {
        vm.prank(swapper);
        psm.swapIn(1_000e6, 0, swapper);
        vault.setPaused(true);
        assertEq(psm.maxSwapIn(), 0);
        vm.startPrank(swapper);
        vm.expectRevert(IVault.Paused.selector);
        psm.swapIn(1e6, 0, swapper);
        psm.swapOut(100e18, 0, swapper);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ the Vault's side

    function test_moduleHooks_refuseAnyOtherCaller() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.ModuleNotFound.selector, alice));
        vm.prank(alice);
        vault.moduleMint(alice, 1e18, 0);
        vm.expectRevert(abi.encodeWithSelector(IVault.ModuleNotFound.selector, alice));
        vm.prank(alice);
        vault.moduleBurn(1e18);
        vm.expectRevert(abi.encodeWithSelector(IStabilityModule.CallerNotVault.selector, alice));
        vm.prank(alice);
        psm.releaseReserves(alice);
        // a module cannot burn more than its own debt
        vm.prank(swapper);
        psm.swapIn(100e6, 0, swapper);
        vm.prank(swapper);
        busd.transfer(address(psm), 99.9e18);
        vm.expectRevert(abi.encodeWithSelector(IVault.ExceedsModuleDebt.selector, address(psm), 101e18, 100e18));
        vm.prank(address(psm));
        vault.moduleBurn(101e18);
    }

    function test_addModule_checksTheModule() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.ModuleAlreadyAdded.selector, address(psm)));
        vault.addModule(address(psm), 1);
        vm.expectRevert(IBallastErrors.ZeroAddress.selector);
        vault.addModule(address(0), 1);
        vm.expectRevert(abi.encodeWithSelector(IVault.ModuleNotFound.selector, alice));
        vault.setModuleCeiling(alice, 1);

        // a module of another Vault
        vm.mockCall(address(0xdead), abi.encodeWithSelector(IStabilityModule.vault.selector), abi.encode(alice));
        vm.expectRevert(abi.encodeWithSelector(IVault.InvalidModule.selector, address(0xdead)));
        vault.addModule(address(0xdead), 1);
        // a module naming a token that is not its synthetic's
        vm.mockCall(address(0xdead), abi.encodeWithSelector(IStabilityModule.vault.selector), abi.encode(vault));
        vm.mockCall(address(0xdead), abi.encodeWithSelector(IStabilityModule.synthId.selector), abi.encode(BUSD));
        vm.mockCall(address(0xdead), abi.encodeWithSelector(IStabilityModule.synthetic.selector), abi.encode(beth));
        vm.expectRevert(abi.encodeWithSelector(IVault.InvalidModule.selector, address(0xdead)));
        vault.addModule(address(0xdead), 1);
        // an unknown synthetic
        vm.mockCall(address(0xdead), abi.encodeWithSelector(IStabilityModule.synthId.selector), abi.encode(7));
        vm.expectRevert(abi.encodeWithSelector(IVault.SyntheticNotFound.selector, 7));
        vault.addModule(address(0xdead), 1);
        // a reserve that is not listed, or whose decimals differ from the Vault's record
        vm.mockCall(address(0xdead), abi.encodeWithSelector(IStabilityModule.synthId.selector), abi.encode(BUSD));
        vm.mockCall(address(0xdead), abi.encodeWithSelector(IStabilityModule.synthetic.selector), abi.encode(busd));
        vm.mockCall(address(0xdead), abi.encodeWithSelector(IStabilityModule.reserve.selector), abi.encode(alice));
        vm.expectRevert(abi.encodeWithSelector(IVault.AssetNotListed.selector, alice));
        vault.addModule(address(0xdead), 1);
        vm.mockCall(address(0xdead), abi.encodeWithSelector(IStabilityModule.reserve.selector), abi.encode(usdc));
        vm.mockCall(address(0xdead), abi.encodeWithSelector(IStabilityModule.reserveDecimals.selector), abi.encode(18));
        vm.expectRevert(abi.encodeWithSelector(IVault.InvalidModule.selector, address(0xdead)));
        vault.addModule(address(0xdead), 1);

        // the constructor refuses a reserve the Vault has not listed
        MockERC20 unlisted = new MockERC20("U", "U", 6);
        vm.expectRevert(abi.encodeWithSelector(IStabilityModule.ReserveNotListed.selector, address(unlisted)));
        StabilityModule(
            Artifacts.deploy(
                "StabilityModule.sol:StabilityModule",
                abi.encode(address(manager), vault, BUSD, unlisted, IStabilityModule.Config(0, 0, BAND, false, false))
            )
        );

        // at most MAX_MODULES
        for (uint256 i = 2; i < 16; ++i) _moduleWithDecimals(6, 0, 0); // VaultStorage.MAX_MODULES (internal)
        MockERC20 one = new MockERC20("One", "ONE", 6);
        vault.listAsset(address(one), IVault.AssetParams(9_000, 9_300, 300, 1, false));
        StabilityModule extra = StabilityModule(
            Artifacts.deploy(
                "StabilityModule.sol:StabilityModule",
                abi.encode(address(manager), vault, BUSD, one, IStabilityModule.Config(0, 0, BAND, false, false))
            )
        );
        vm.expectRevert(abi.encodeWithSelector(IVault.TooManyModules.selector, 16, 16));
        vault.addModule(address(extra), 1);
    }

    function test_addModule_emits_andTheLineIsOneWord() public {
        MockERC20 reserve = new MockERC20("Reserve", "RSV", 6);
        vault.listAsset(address(reserve), IVault.AssetParams(9_000, 9_300, 300, 1, false));
        StabilityModule m = StabilityModule(
            Artifacts.deploy(
                "StabilityModule.sol:StabilityModule",
                abi.encode(address(manager), vault, BUSD, reserve, IStabilityModule.Config(0, 0, BAND, false, false))
            )
        );
        vm.expectEmit(address(vault));
        emit IVault.ModuleAdded(address(m), BUSD, address(reserve));
        vm.expectEmit(address(vault));
        emit IVault.ModuleCeilingSet(address(m), 5e18);
        vault.addModule(address(m), 5e18);
        // the packed word (VaultReader's layout): active | synthId | assetId | ceiling | debt
        uint256 w = uint256(vault.extSload(keccak256(abi.encode(address(m), uint256(14)))));
        assertEq(uint8(w), 1);
        assertEq(uint8(w >> 8), BUSD);
        assertEq(uint8(w >> 16), vault.assetConfig(address(reserve)).id);
        assertEq(uint96(w >> 24), 5e18);
        assertEq(uint128(w >> 120), 0);
        assertEq(uint256(vault.extSload(bytes32(uint256(15)))), 3, "the list holds three modules");
        IReserveLens.ModuleReserve[] memory all = lens.moduleReserves();
        assertEq(all.length, 3);
        assertEq(all[0].module, address(psm));
        assertEq(all[1].module, address(psm18));
        assertEq(all[0].reserve, address(usdc));
        assertEq(all[0].ceiling, CEILING);
        assertEq(all[0].pegRatio, 1e18);
        assertTrue(all[0].priced);
        assertEq(all[0].config.feeOutBps, FEE_OUT);
    }

    // ------------------------------------------------------------------ backing and settlement

    function test_backing_countsTheModulesReserves_andTheirUnits() public {
        IReserveLens.SystemReserve memory before = lens.systemReserve();
        vm.prank(swapper);
        psm.swapIn(10_000e6, 0, swapper);
        IReserveLens.AssetReserve memory r = lens.assetReserve(address(usdc));
        assertEq(r.inModules, 10_000e6);
        assertEq(r.exposure, r.credited + r.inAuctions + 10_000e6 - 0);
        assertEq(r.held, usdc.balanceOf(address(vault)) + usdc.balanceOf(address(engine)) + 10_000e6);
        IReserveLens.SyntheticReserve memory sr = lens.syntheticReserve(BUSD);
        assertEq(sr.moduleDebt, 10_000e18);
        IReserveLens.SystemReserve memory after_ = lens.systemReserve();
        assertEq(after_.collateralValue - before.collateralValue, 10_000e18);
        assertEq(after_.liabilityValue - before.liabilityValue, 10_000e18);
        // a donation is real backing: all of it goes to the settlement
        usdc.mint(address(psm), 5e6);
        assertEq(lens.assetReserve(address(usdc)).inModules, 10_005e6);
    }

    function test_readOnlyReentrancy_aSwapsHookCannotReadTheBacking() public {
        ReentrantToken hooked = new ReentrantToken();
        StabilityModule m = _listedModule(address(hooked));
        hooked.mint(swapper, 101e18);
        vm.prank(swapper);
        hooked.approve(address(m), type(uint256).max);
        // mid-swap the reserve has arrived and the units are not minted yet: the backing would be flattered
        hooked.arm(address(settlement), abi.encodeWithSelector(ISettlement.poke.selector));
        vm.prank(swapper);
        m.swapIn(100e18, 0, swapper);
        assertFalse(hooked.lastCallOk());
        assertEq(hooked.lastRevert(), abi.encodeWithSelector(Backing.SystemBusy.selector));
        // and a hook cannot re-enter the module mid-swap
        hooked.arm(address(m), abi.encodeWithSelector(IStabilityModule.swapIn.selector, 1e18, 0, swapper));
        vm.prank(swapper);
        m.swapIn(1e18, 0, swapper);
        assertFalse(hooked.lastCallOk());
        assertEq(hooked.lastRevert(), abi.encodeWithSignature("ReentrancyGuardReentrantCall()"));
    }

    function test_flashMintRoundTrip_throughTheModule_paysTheFees_andChangesNoDebt() public {
        vm.prank(swapper);
        psm.swapIn(100_000e6, 0, swapper);
        ModuleFlashRoundTrip borrower = new ModuleFlashRoundTrip();
        _fundBusd(address(borrower), 1_000e18); // to pay the fees
        (uint256 debtBefore, ) = psm.debt();
        uint256 treasuryBefore = busd.balanceOf(treasury);
        uint256 borrowerBefore = busd.balanceOf(address(borrower));
        busd.flashLoan(borrower, address(busd), 50_000e18, abi.encode(psm));
        (uint256 debtAfter, ) = psm.debt();
        // out: 50,000 - 100 fee = 49,900 USDC; in: 49,900 USDC minus 49.9 fee; the flash fee 45
        assertEq(debtAfter, debtBefore, "out 49,900 units, back in 49,900: the module's debt is where it was");
        uint256 paid = borrowerBefore - busd.balanceOf(address(borrower));
        assertEq(paid, 100e18 + 49.9e18 + 45e18, "both swap fees and the flash fee");
        assertEq(busd.balanceOf(treasury) - treasuryBefore, paid, "all of it to the treasury");
        _assertDebtIdentity();
        _assertBacked(psm);
    }

    function test_settlement_poolsTheModulesReserves_andEveryUnitIsRedeemed() public {
        // a position's units and the module's units, side by side
        uint256 id = _openEth(alice, 10e18, 5_000e18);
        vm.prank(swapper);
        psm.swapIn(3_000e6, 0, swapper);
        vm.prank(swapper);
        psm18.swapIn(2_000e18, 0, swapper);
        usdc.mint(address(psm), 1e6); // a donation joins the pool too
        settlement.shutdown();

        vm.startPrank(swapper);
        vm.expectRevert(abi.encodeWithSelector(IBallastErrors.SystemShutdown.selector, block.timestamp));
        psm.swapIn(1e6, 0, swapper);
        vm.expectRevert(abi.encodeWithSelector(IBallastErrors.SystemShutdown.selector, block.timestamp));
        psm.swapOut(1e18, 0, swapper);
        vm.stopPrank();

        settlement.settlePosition(id);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.ModuleDebtOutstanding.selector, BUSD, 5_000e18));
        settlement.finalize(BUSD);
        vm.expectEmit(address(settlement));
        emit ISettlement.ModuleSettled(address(psm), BUSD, 3_000e18, address(usdc), 3_001e6);
        settlement.settleModule(address(psm));
        settlement.settleModule(address(psm18));
        assertEq(usdc.balanceOf(address(psm)), 0);
        assertEq(positionLens.synthetic(BUSD).moduleDebt, 0);
        assertEq(settlement.pool(BUSD, address(usdc)), 3_001e6);
        assertEq(settlement.pool(BUSD, address(dai)), 2_000e18);
        (uint256 settledDebt, uint256 shortfall) = settlement.settledDebt(BUSD);
        assertEq(settledDebt, 10_000e18, "the position's 5,000 and the modules' 5,000");
        assertEq(shortfall, 0);
        settlement.finalize(BUSD);

        // every outstanding unit redeems; the pool empties exactly
        _redeemAll(alice);
        _redeemAll(swapper);
        assertEq(settlement.outstanding(BUSD), 0);
        assertEq(settlement.pool(BUSD, address(usdc)), 0);
        assertEq(settlement.pool(BUSD, address(dai)), 0);
        assertEq(settlement.pool(BUSD, address(weth)), 0);
    }

    function test_settlement_aDepeggedReserveIsRecordedAsShortfall() public {
        vm.prank(swapper);
        psm.swapIn(1_000e6, 0, swapper);
        usdcFeed.setAnswer(0.9e8);
        settlement.shutdown();
        settlement.settleModule(address(psm));
        (, uint256 shortfall) = settlement.settledDebt(BUSD);
        assertEq(shortfall, 100e18, "1,000 units against 900 dollars of reserve");
    }

    /// @dev A reserve whose issuer blocklists the settlement cannot hold the synthetic's settlement hostage: the
    ///      module's debt is released, the reserve stays in the module (shortfall recorded), bUSD finalizes, and a
    ///      later `settleModule` pools the reserve once the token lets it go.
    function test_settlement_aReserveThatRefusesTheTransferDoesNotBlockFinalization() public {
        BlocklistToken blk = new BlocklistToken();
        StabilityModule m = _listedModule(address(blk));
        blk.mint(swapper, 1_000e6);
        vm.startPrank(swapper);
        blk.approve(address(m), type(uint256).max);
        m.swapIn(1_000e6, 0, swapper);
        vm.stopPrank();
        settlement.shutdown();
        blk.setBlocked(address(settlement), true);
        vm.expectEmit(address(m));
        emit IStabilityModule.ReservesReleased(address(settlement), 0, 1_000e6);
        settlement.settleModule(address(m));
        (uint256 debt, ) = m.debt();
        assertEq(debt, 0, "the debt is released anyway");
        assertEq(blk.balanceOf(address(m)), 1_000e6, "the reserve stays in the module");
        (, uint256 shortfall) = settlement.settledDebt(BUSD);
        assertEq(shortfall, 1_000e18, "nothing arrived: the whole debt is shortfall");
        settlement.finalize(BUSD);
        blk.setBlocked(address(settlement), false);
        settlement.settleModule(address(m));
        assertEq(settlement.pool(BUSD, address(blk)), 1_000e6, "pooled once the token allows it");
        assertEq(blk.balanceOf(address(m)), 0);
    }

    function test_releaseModule_onlyTheSettlement_andOnlyAfterShutdown() public {
        vm.prank(address(settlement));
        vm.expectRevert(IBallastErrors.NotShutdown.selector);
        vault.releaseModule(address(psm));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        vault.releaseModule(address(psm));
        settlement.shutdown();
        vm.expectRevert(abi.encodeWithSelector(IVault.ModuleNotFound.selector, alice));
        settlement.settleModule(alice);
    }

    function _redeemAll(address who) internal {
        uint256 amount = busd.balanceOf(who);
        if (amount == 0) return;
        vm.startPrank(who);
        busd.approve(address(settlement), amount);
        settlement.redeem(BUSD, amount, who);
        vm.stopPrank();
    }
}
