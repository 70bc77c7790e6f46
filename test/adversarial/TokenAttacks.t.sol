// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {stdError} from "forge-std/StdError.sol";

import {AdversarialBase} from "./AdversarialBase.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {IReserveLens} from "../../contracts/interfaces/IReserveLens.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {ReserveLens} from "../../contracts/ReserveLens.sol";
import {Settlement} from "../../contracts/Settlement.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {MockFeed} from "../../contracts/mocks/MockFeed.sol";
import {
    NoReturnToken,
    FalseReturnToken,
    FeeOnTransferToken,
    BlocklistToken
} from "../../contracts/mocks/WeirdTokens.sol";
import {RebasingToken} from "../../contracts/mocks/AdversarialTokens.sol";
import {Artifacts} from "../utils/Artifacts.sol";

/// @notice Collateral tokens that misbehave: fee on transfer, rebasing up and down, no return value, false return
///         value, blocklisting. Each asserts what the Vault and the engine actually do, to the wei.
contract TokenAttacksTest is AdversarialBase {
    // ---------------------------------------------------------------- fee on transfer

    /// @dev The Vault measures what arrived: a 1% fee makes 9.9 of 10 arrive, and the deposit is refused whole.
    function test_attack_feeOnTransferDeposit_refusedWithExactFigures() public {
        FeeOnTransferToken fot = new FeeOnTransferToken(100);
        _listToken(address(fot), 1e8, 5_000, 6_000, 300, 100e18);
        vm.startPrank(alice);
        uint256 id = vault.open(BUSD);
        vm.expectRevert(abi.encodeWithSelector(IVault.TransferAmountMismatch.selector, address(fot), 10e18, 9.9e18));
        vault.deposit(id, address(fot), 10e18);
        vm.stopPrank();
        assertEq(fot.balanceOf(alice), 100e18, "nothing left alice");
        assertEq(fot.balanceOf(address(vault)), 0);
        assertEq(vault.totalCollateral(address(fot)), 0);
        assertEq(vault.collateralOf(id, address(fot)), 0);
        (, , uint256 mask) = vault.positionOf(id);
        assertEq(mask, 0, "not in the basket");
    }

    /// @dev A token that starts charging a fee after it was deposited: the withdrawer bears the fee, and the Vault
    ///      still holds exactly what it credits to the other depositor.
    function test_attack_feeSwitchedOnAfterDeposit_withdrawerBearsIt_otherCreditIntact() public {
        FeeOnTransferToken fot = new FeeOnTransferToken(0);
        _listToken(address(fot), 1e8, 5_000, 6_000, 300, 10e18);
        fot.mint(bob, 10e18);
        vm.prank(bob);
        fot.approve(address(vault), MAX);
        vm.prank(alice);
        uint256 a = vault.openAndMint(BUSD, address(fot), 10e18, 0, alice);
        vm.prank(bob);
        uint256 b = vault.openAndMint(BUSD, address(fot), 10e18, 0, bob);

        fot.setFee(100);
        vm.prank(alice);
        vault.withdraw(a, address(fot), 10e18, alice);
        assertEq(fot.balanceOf(alice), 9.9e18, "the fee is the withdrawer's");
        assertEq(fot.balanceOf(address(vault)), 10e18);
        assertEq(vault.totalCollateral(address(fot)), 10e18);
        assertEq(vault.collateralOf(b, address(fot)), 10e18, "bob's credit is whole and held");
    }

    // ---------------------------------------------------------------- rebasing

    /// @dev A positive rebase grows the Vault's balance, never a credit: alice gets back what she deposited (less
    ///      the token's own share rounding), the extra stays in the Vault outside every position.
    function test_attack_positiveRebase_neverCredited() public {
        RebasingToken rbt = new RebasingToken();
        _listToken(address(rbt), 1e8, 5_000, 6_000, 300, 100e18);
        vm.prank(alice);
        uint256 id = vault.openAndMint(BUSD, address(rbt), 100e18, 0, alice);

        rbt.rebase(1.1e18);
        assertEq(rbt.balanceOf(address(vault)), 110e18);
        assertEq(vault.collateralOf(id, address(rbt)), 100e18, "the rebase is not credited");
        assertEq(vault.totalCollateral(address(rbt)), 100e18);
        assertEq(positionLens.healthOf(id).collateralValue, 100e18, "valued at the credit, 100 USD");

        vm.prank(alice);
        vault.withdraw(id, address(rbt), 100e18, alice);
        // 100e18 / 1.1 = 90,909,090,909,090,909,090 shares move, worth 99.999999999999999999 tokens
        assertEq(rbt.balanceOf(alice), 99_999999999999999999);
        assertEq(rbt.balanceOf(address(vault)), 10_000000000000000001, "stranded, credited to nobody");
        assertEq(vault.totalCollateral(address(rbt)), 0);
    }

    /// @dev A negative rebase shrinks what the Vault holds below what it credits: no contract check can see it
    ///      (no transfer happens), which is why rebasing tokens must not be listed (IVault). The shortfall is
    ///      exactly the rebase and is visible in the proof-of-reserve lens; withdrawals beyond the balance revert
    ///      and leave the credit in place.
    function test_attack_negativeRebase_shortfallVisibleInReserveLens_withdrawBeyondHeldReverts() public {
        RebasingToken rbt = new RebasingToken();
        _listToken(address(rbt), 1e8, 5_000, 6_000, 300, 100e18);
        vm.prank(alice);
        uint256 id = vault.openAndMint(BUSD, address(rbt), 100e18, 0, alice);
        ReserveLens lens = ReserveLens(Artifacts.deploy("ReserveLens.sol:ReserveLens", abi.encode(vault)));

        rbt.rebase(0.9e18);
        IReserveLens.AssetReserve memory r = lens.assetReserve(address(rbt));
        assertEq(r.credited, 100e18);
        assertEq(r.held, 90e18);
        assertEq(r.credited - r.held, 10e18, "the shortfall is the rebase, in the open");

        vm.expectRevert(
            abi.encodeWithSelector(RebasingToken.InsufficientBalance.selector, address(vault), 90e18, 100e18)
        );
        vm.prank(alice);
        vault.withdraw(id, address(rbt), 100e18, alice);
        assertEq(vault.collateralOf(id, address(rbt)), 100e18, "credit unchanged by the failed withdrawal");
    }

    /// @dev Once the index is not 1, a share token's transfer rounds down and a wei goes missing: the Vault's
    ///      balance check refuses the deposit.
    function test_attack_rebasingTransferRounding_depositRefused() public {
        RebasingToken rbt = new RebasingToken();
        _listToken(address(rbt), 1e8, 5_000, 6_000, 300, 100e18);
        rbt.rebase(1.1e18);
        vm.startPrank(alice);
        uint256 id = vault.open(BUSD);
        vm.expectRevert(
            abi.encodeWithSelector(IVault.TransferAmountMismatch.selector, address(rbt), 50e18, 49_999999999999999999)
        );
        vault.deposit(id, address(rbt), 50e18);
        vm.stopPrank();
        assertEq(vault.totalCollateral(address(rbt)), 0);
        assertEq(rbt.balanceOf(address(vault)), 0);
    }

    // ---------------------------------------------------------------- return values

    /// @dev A token without a return value (USDT-style) works in full: deposit, mint, repay, withdraw, to the wei.
    function test_attack_noReturnToken_fullRoundTripExact() public {
        NoReturnToken nrt = new NoReturnToken(6);
        _listToken(address(nrt), 1e8, 9_000, 9_300, 300, 1_000e6);
        vm.startPrank(alice);
        uint256 id = vault.openAndMint(BUSD, address(nrt), 1_000e6, 900e18, alice);
        vm.expectRevert(abi.encodeWithSelector(IVault.MintLimitExceeded.selector, id, 900e18 + 1, 900e18));
        vault.mint(id, 1, alice);
        vault.close(id, alice);
        vm.stopPrank();
        assertEq(nrt.balanceOf(alice), 1_000e6);
        assertEq(nrt.balanceOf(address(vault)), 0);
        assertEq(busd.balanceOf(alice), 0);
    }

    /// @dev A no-return token whose transfer fails reverts (here: an underflow), and nothing is credited.
    function test_attack_noReturnTokenFailedTransfer_nothingCredited() public {
        NoReturnToken nrt = new NoReturnToken(6);
        _listToken(address(nrt), 1e8, 9_000, 9_300, 300, 1_000e6);
        vm.startPrank(alice);
        uint256 id = vault.open(BUSD);
        vm.expectRevert(stdError.arithmeticError);
        vault.deposit(id, address(nrt), 1_000e6 + 1);
        vm.stopPrank();
        assertEq(vault.totalCollateral(address(nrt)), 0);
        assertEq(nrt.balanceOf(alice), 1_000e6);
    }

    /// @dev A token that answers `false` instead of reverting: SafeERC20 turns it into a revert naming the token.
    function test_attack_falseReturnToken_depositRefused_nothingCredited() public {
        FalseReturnToken frt = new FalseReturnToken();
        _listToken(address(frt), 1e8, 5_000, 6_000, 300, 1e18);
        vm.startPrank(alice);
        uint256 id = vault.open(BUSD);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(frt)));
        vault.deposit(id, address(frt), 2e18); // alice holds 1: the token answers false
        vm.stopPrank();
        assertEq(vault.totalCollateral(address(frt)), 0);
        assertEq(vault.collateralOf(id, address(frt)), 0);
        assertEq(frt.balanceOf(alice), 1e18);
    }

    // ---------------------------------------------------------------- blocklist

    /// @dev alice is blocklisted by her collateral token mid-liquidation. The take still settles (nothing is pushed
    ///      to her), her leftover is a claim she sends to another address, and her position's rest leaves the same
    ///      way: never stuck.
    function test_attack_blocklistedOwner_leftoverIsAClaim_nothingPushed_neverStuck() public {
        BlocklistToken blk = new BlocklistToken();
        MockFeed feed = _listToken(address(blk), 1e8, 8_000, 8_500, 500, 20_000e6);
        vm.prank(alice);
        uint256 id = vault.openAndMint(BUSD, address(blk), 20_000e6, 15_000e18, alice);
        feed.setAnswer(0.85e8); // 17,000 of collateral, limit 14,450 < 15,000

        (uint256 auctionId, ) = _liquidate(id);
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        blk.setBlocked(alice, true);
        _fundBusd(taker, 20_000e18);
        (uint256 got, uint256 owe) = _take(auctionId, MAX);
        assertGe(owe, a.tab);
        assertLt(owe - a.tab, 1e12, "within one unit's price of the tab");
        uint256 leftover = a.lot - got;
        assertGt(leftover, 0);
        assertEq(engine.claimable(alice, address(blk)), leftover, "credited, not pushed");
        assertEq(blk.balanceOf(alice), 0);

        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(BlocklistToken.Blocked.selector, alice));
        engine.claim(address(blk));
        address rescue = makeAddr("rescue");
        assertEq(engine.claim(address(blk), rescue), leftover);
        assertEq(blk.balanceOf(rescue), leftover);
        assertEq(engine.claimable(alice, address(blk)), 0);
        assertEq(blk.balanceOf(address(engine)), 0);

        // the rest of the position: close to alice is refused by the token, close to another address works
        uint256 rest = vault.collateralOf(id, address(blk));
        vm.expectRevert(abi.encodeWithSelector(BlocklistToken.Blocked.selector, alice));
        vault.close(id, alice);
        vault.close(id, rescue);
        vm.stopPrank();
        assertEq(blk.balanceOf(rescue), leftover + rest);
        assertEq(blk.balanceOf(address(vault)), 0);
        assertEq(positionLens.debtOf(id), 0);
    }

    // ---------------------------------------------------------------- a token that refuses the Settlement

    /// @dev After shutdown, a collateral token blocklists the Settlement. The position holding it cannot be settled,
    ///      so its synthetic (bUSD) waits to finalize, while bETH settles and redeems in full. Once the block lifts,
    ///      bUSD finalizes; the token then blocks the Settlement again mid-redemption: the holder is still paid the
    ///      WETH at once, the refused share is credited to her claim, and she withdraws it when the token allows.
    function test_attack_tokenRefusesSettlement_onlyItsSyntheticWaits_redemptionCreditsTheRefusedShare() public {
        Settlement settlement = _wireSettlement();
        (BlocklistToken blk, uint256 a) = _blocklistBasket();
        vm.prank(alice);
        busd.approve(address(settlement), MAX);
        vm.startPrank(bob);
        uint256 b = vault.openAndMint(BETH, address(weth), 5e18, 1e18, bob);
        beth.approve(address(settlement), MAX);
        vm.stopPrank();

        settlement.shutdown();
        blk.setBlocked(address(settlement), true);
        vm.expectRevert(abi.encodeWithSelector(BlocklistToken.Blocked.selector, address(settlement)));
        settlement.settlePosition(a);
        IVault.SyntheticState memory busdState = positionLens.synthetic(BUSD);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.OutstandingDebt.selector, BUSD, busdState.totalDebt, 0));
        settlement.finalize(BUSD);

        // another synthetic is not held back
        settlement.settlePosition(b);
        settlement.finalize(BETH);
        uint256 bethPool = settlement.pool(BETH, address(weth));
        assertGt(bethPool, 0);
        uint256 bobWeth = weth.balanceOf(bob);
        vm.prank(bob);
        settlement.redeem(BETH, 1e18, bob);
        assertEq(weth.balanceOf(bob) - bobWeth, bethPool, "bob, the only holder, redeemed the whole pool");

        // the block lifts: bUSD settles and finalizes
        blk.setBlocked(address(settlement), false);
        settlement.settlePosition(a);
        settlement.finalize(BUSD);
        uint256 blkPool = settlement.pool(BUSD, address(blk));
        uint256 wethPool = settlement.pool(BUSD, address(weth));
        assertGt(blkPool, 0);
        assertGt(wethPool, 0);
        assertEq(settlement.outstanding(BUSD), 10_000e18, "alice holds every bUSD unit");

        // blocked again while the token sits in the pool: the WETH is paid, the refused share becomes her claim
        blk.setBlocked(address(settlement), true);
        uint256 claimBefore = settlement.claimable(alice, address(blk));
        uint256 aliceWeth = weth.balanceOf(alice);
        vm.expectEmit(address(settlement));
        emit ISettlement.RedemptionCredited(BUSD, alice, address(blk), blkPool);
        vm.prank(alice);
        (, uint256[] memory paid) = settlement.redeem(BUSD, 10_000e18, alice);
        assertEq(weth.balanceOf(alice) - aliceWeth, wethPool, "the WETH share arrived");
        assertEq(paid[_indexOf(address(blk))], blkPool, "the refused share is reported as due");
        assertEq(settlement.claimable(alice, address(blk)), claimBefore + blkPool, "and credited to her claim");
        assertEq(settlement.pool(BUSD, address(blk)), 0);
        assertEq(blk.balanceOf(address(settlement)), claimBefore + blkPool, "still held: nothing lost");

        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(BlocklistToken.Blocked.selector, address(settlement)));
        settlement.claim(address(blk), alice);
        vm.stopPrank();
        blk.setBlocked(address(settlement), false);
        uint256 aliceBlk = blk.balanceOf(alice);
        vm.prank(alice);
        assertEq(settlement.claim(address(blk), alice), claimBefore + blkPool);
        assertEq(blk.balanceOf(alice) - aliceBlk, claimBefore + blkPool);
        assertEq(blk.balanceOf(address(settlement)), 0, "every unit of the token left the Settlement");
    }

    /// @dev A pool nobody can redeem (every unit left is the Treasury's) with a token that refuses the Settlement:
    ///      governance's sweep sends the WETH at once and credits the refused share to the recipient's claim, which
    ///      it withdraws when the token allows.
    function test_attack_tokenRefusesSettlement_sweepCreditsTheRefusedShare() public {
        Settlement settlement = _wireSettlement();
        (BlocklistToken blk, uint256 a) = _blocklistBasket();
        vm.prank(alice);
        busd.transfer(address(treasuryC), 10_000e18); // every unit is the Treasury's
        settlement.shutdown();
        settlement.settlePosition(a);
        settlement.finalize(BUSD);
        assertEq(settlement.outstanding(BUSD), 0, "nobody can redeem");
        uint256 blkPool = settlement.pool(BUSD, address(blk));
        uint256 wethPool = settlement.pool(BUSD, address(weth));
        assertGt(blkPool, 0);
        assertGt(wethPool, 0);

        address sink = makeAddr("protocol surplus");
        blk.setBlocked(address(settlement), true);
        vm.expectEmit(address(settlement));
        emit ISettlement.RedemptionCredited(BUSD, sink, address(blk), blkPool);
        (, uint256[] memory swept) = settlement.sweepPool(BUSD, sink);
        assertEq(swept[_indexOf(address(blk))], blkPool, "the refused share is reported as swept");
        assertEq(weth.balanceOf(sink), wethPool, "the WETH arrived");
        assertEq(settlement.claimable(sink, address(blk)), blkPool, "the refused share is the recipient's claim");
        assertEq(settlement.pool(BUSD, address(blk)) + settlement.pool(BUSD, address(weth)), 0, "the pool is empty");

        blk.setBlocked(address(settlement), false);
        uint256 owed = settlement.claimable(alice, address(blk));
        vm.prank(sink);
        assertEq(settlement.claim(address(blk), sink), blkPool);
        assertEq(blk.balanceOf(sink), blkPool);
        assertEq(blk.balanceOf(address(settlement)), owed, "only alice's own excess is left, hers to claim");
    }

    /// @dev Lists a blocklisting token at $1 and opens alice's bUSD position on 20,000 of it and 2 WETH, with 10,000
    ///      bUSD minted to her.
    function _blocklistBasket() internal returns (BlocklistToken blk, uint256 a) {
        blk = new BlocklistToken();
        _listToken(address(blk), 1e8, 8_000, 8_500, 500, 20_000e6);
        vm.startPrank(alice);
        a = vault.openAndMint(BUSD, address(blk), 20_000e6, 0, alice);
        vault.deposit(a, address(weth), 2e18);
        vault.mint(a, 10_000e18, alice);
        vm.stopPrank();
    }

    /// @return i The index of `asset` in the Vault's asset list (which orders `redeem`'s arrays).
    function _indexOf(address asset) internal view returns (uint256 i) {
        address[] memory list = vault.assets();
        for (; i < list.length; ++i) if (list[i] == asset) return i;
        revert("not listed");
    }
}
