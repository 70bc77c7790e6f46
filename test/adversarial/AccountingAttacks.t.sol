// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console2} from "forge-std/console2.sol";

import {AdversarialBase} from "./AdversarialBase.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";

/// @notice The ledger under attack: mixed decimals and dust, accrual order, a full basket, the exact liquidation
///         threshold, a debt ceiling reached mid-way, and donations that try to inflate what the ledger credits.
contract AccountingAttacksTest is AdversarialBase {
    /// @dev [gas] Upper bound on `liquidate` of a full basket (8 assets, 8 auctions), about 1.45x the figure
    ///      measured with the default build profile (docs/adversarial.md). MAX_BASKET is what bounds it.
    uint256 internal constant FULL_BASKET_LIQUIDATION_GAS = 1_500_000;

    // ---------------------------------------------------------------- decimals

    /// @dev USDC (6), WBTC (8) and WETH (18 decimals) in one basket at odd prices: value, minting limit and
    ///      liquidation limit equal the hand computation to the wei, each asset rounded down, and the limit is
    ///      exact in both directions (one wei over is refused, the limit itself is allowed).
    ///      WETH 1.234567890123456789 at 2,000.12345678: 2,469.288196023319613777(639...) -> ...777 (down)
    ///      WBTC 0.12345678 at 60,000.00000001: 7,407.4068000012345678 exact
    ///      USDC 1,234.567891 at 0.99999999: 1,234.56787865432109 exact
    ///      mint limit = 80% + 75% + 90% of those, each rounded down; liquidation limit = 85% + 80% + 93%.
    function test_attack_mixedDecimals_valuationAndMintLimitExactToTheWei() public {
        ethFeed.setAnswer(2_000_12345678);
        btcFeed.setAnswer(60_000_00000001);
        usdcFeed.setAnswer(99999999);
        vm.startPrank(alice);
        uint256 id = vault.open(BUSD);
        vault.deposit(id, address(weth), 1_234567890123456789);
        vault.deposit(id, address(wbtc), 12345678);
        vault.deposit(id, address(usdc), 1234_567891);
        vm.stopPrank();

        uint256 value = 11_111_262874678875271577;
        uint256 mintLimit = 8_642_096747608470597871;
        uint256 liqLimit = 9_172_968533769327939650;
        IVault.PositionHealth memory h = positionLens.healthOf(id);
        assertEq(h.collateralValue, value);
        assertEq(h.mintLimit, mintLimit);
        assertEq(h.liquidationLimit, liqLimit);

        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(IVault.MintLimitExceeded.selector, id, mintLimit + 1, mintLimit));
        vault.mint(id, mintLimit + 1, alice);
        vault.mint(id, mintLimit, alice);
        // one wei of WETH out takes 2,000 wei of value and 1,600 of limit: refused, against the withdrawer
        vm.expectRevert(
            abi.encodeWithSelector(IVault.MintLimitExceeded.selector, id, mintLimit, 8_642_096747608470596271)
        );
        vault.withdraw(id, address(weth), 1, alice);
        vm.stopPrank();
        assertEq(busd.balanceOf(alice), mintLimit);
    }

    /// @dev One wei of each: valued down to the wei, never up (1 wei of WETH at 2,000.12345678 is 2,000 wei of USD,
    ///      not 2,000.12...), and too little to mint the minimum debt against.
    function test_attack_dustDeposits_valuedDownNeverUp() public {
        ethFeed.setAnswer(2_000_12345678);
        vm.startPrank(alice);
        uint256 id = vault.open(BUSD);
        vault.deposit(id, address(weth), 1);
        vault.deposit(id, address(wbtc), 1);
        vault.deposit(id, address(usdc), 1);
        assertEq(positionLens.healthOf(id).collateralValue, 2_000 + 600_000_000_000_000 + 1_000_000_000_000);
        // 80% + 75% + 90%: 1,600 + 450,000,000,000,000 + 900,000,000,000
        uint256 limit = 1_600 + 450_000_000_000_000 + 900_000_000_000;
        assertEq(positionLens.healthOf(id).mintLimit, limit);
        vm.expectRevert(abi.encodeWithSelector(IVault.DebtBelowMinimum.selector, id, limit, 100e18));
        vault.mint(id, limit, alice);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- accrual order

    /// @dev Accrue-then-act equals act: after any time gap, calling `accrue` right before a repay, a mint or a
    ///      withdrawal leaves every figure of the ledger as the action alone does, to the wei (see `_ledger`).
    function testFuzz_attack_accrueThenAct_equalsAct(uint256 dt, uint256 opSeed, uint256 amountSeed) public {
        dt = _bound(dt, 0, 5 * 365 days);
        uint256 id = _openEth(alice, 100e18, 50_000e18);
        _openEth(bob, 100e18, 30_000e18);
        skip(dt);
        _refreshFeeds();
        uint256 op = opSeed % 3;

        uint256 snap = vm.snapshot();
        vault.accrue(BUSD);
        _act(id, op, amountSeed);
        bytes memory withAccrue = _ledger(id);
        vm.revertTo(snap);
        _act(id, op, amountSeed);
        assertEq(_ledger(id), withAccrue);
    }

    function _act(uint256 id, uint256 op, uint256 amountSeed) internal {
        vm.startPrank(alice);
        if (op == 0) vault.repay(id, _bound(amountSeed, 1, 40_000e18));
        else if (op == 1) vault.mint(id, _bound(amountSeed, 1, 10_000e18), alice);
        else vault.withdraw(id, address(weth), _bound(amountSeed, 1, 10e18), alice);
        vm.stopPrank();
    }

    /// @dev Every figure the ledger holds for position `id`, its synthetic and alice's balances, as of now: the
    ///      synthetic's index and fees as the view computes them for this second. Not the stored `lastAccrual`: a
    ///      withdrawal reads the index without writing it, so only its bookkeeping time differs.
    function _ledger(uint256 id) internal view returns (bytes memory) {
        IVault.SyntheticState memory s = positionLens.synthetic(BUSD);
        return
            abi.encode(
                positionLens.normDebtOf(id),
                positionLens.debtOf(id),
                vault.collateralOf(id, address(weth)),
                s.rateIndex,
                s.ratePerSecond,
                s.totalNormDebt,
                s.totalDebt,
                s.unmintedFees,
                busd.totalSupply(),
                busd.balanceOf(alice),
                weth.balanceOf(alice)
            );
    }

    // ---------------------------------------------------------------- a full basket

    /// @dev A basket of MAX_BASKET (8) assets: a ninth is refused with BasketFull; liquidating it starts 8 auctions
    ///      within a fixed gas bound.
    function test_attack_fullBasket_ninthAssetRefused_liquidationGasBounded() public {
        MockERC20[] memory extra = new MockERC20[](6);
        for (uint256 i; i < extra.length; ++i) {
            extra[i] = new MockERC20("Extra", "EXT", 18);
            _listToken(address(extra[i]), 1e8, 8_000, 8_500, 500, 10_000e18);
        }
        vm.startPrank(alice);
        uint256 id = vault.open(BUSD);
        vault.deposit(id, address(weth), 10e18);
        vault.deposit(id, address(wbtc), 0.5e8);
        vault.deposit(id, address(usdc), 20_000e6);
        for (uint256 i; i < 5; ++i) vault.deposit(id, address(extra[i]), 10_000e18);
        assertEq(vault.MAX_BASKET(), 8);
        vm.expectRevert(abi.encodeWithSelector(IVault.BasketFull.selector, id, 8));
        vault.deposit(id, address(extra[5]), 1e18);
        // 20,000 + 30,000 + 20,000 + 50,000 of collateral, minting limit 96,500
        vault.mint(id, 90_000e18, alice);
        vm.stopPrank();

        _setEth(1_000);
        btcFeed.setAnswer(30_000e8); // 95,000 of collateral, liquidation limit 81,600 < 90,000
        vm.prank(keeper);
        uint256 g = gasleft();
        engine.liquidate(id);
        g -= gasleft();
        console2.log("gas: liquidate, 8-asset basket", g);
        assertEq(engine.auctionCount(), 8, "one auction per asset");
        assertLt(g, FULL_BASKET_LIQUIDATION_GAS);
    }

    // ---------------------------------------------------------------- the exact threshold

    /// @dev 10 WETH owing 14,450 bUSD: at 1,700.00000000 the liquidation limit is exactly the debt (health 1e18):
    ///      not liquidatable. One unit of the feed below (1,699.99999999) it is.
    function test_attack_positionAtExactThreshold_notLiquidatable_oneUnitBelowIs() public {
        uint256 id = _openEth(alice, 10e18, 14_450e18);
        _setEth(1_700);
        IVault.PositionHealth memory h = positionLens.healthOf(id);
        assertEq(h.liquidationLimit, 14_450e18);
        assertEq(h.debtValue, 14_450e18);
        assertEq(h.health, 1e18);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.PositionHealthy.selector, id, 1e18));
        _liquidate(id);

        ethFeed.setAnswer(1_700e8 - 1);
        (, uint256 debt) = _liquidate(id);
        assertGt(debt, 0);
        assertEq(engine.auctionCount(), 1);
    }

    /// @dev The same boundary for any collateral amount and price: with the debt set to the liquidation limit at
    ///      price p, the position is not liquidatable at p and is at p minus one feed unit.
    function testFuzz_attack_exactThresholdBoundary(uint256 coll, uint256 answer) public {
        coll = _bound(coll, 1e18, 500e18);
        answer = _bound(answer, 500e8, 5_000e8);
        uint256 value = (coll * answer * 1e10) / 1e18; // [wad] rounded down, as the Vault does
        uint256 debt = (value * 8_500) / 10_000; // the liquidation limit, rounded down
        ethFeed.setAnswer(int256(answer * 2)); // mint while the price is double
        uint256 id = _openEth(alice, coll, debt);
        ethFeed.setAnswer(int256(answer));
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.PositionHealthy.selector, id, 1e18));
        _liquidate(id);
        ethFeed.setAnswer(int256(answer - 1));
        (, uint256 taken) = _liquidate(id);
        assertGt(taken, 0);
    }

    // ---------------------------------------------------------------- debt ceiling

    /// @dev Mints arriving one after another against a 10,000 bUSD ceiling: those that fit succeed, the first that
    ///      does not reverts naming the total it would reach, a batch that crosses it reverts whole, the last one
    ///      fills the ceiling exactly and one wei more is refused.
    function test_attack_debtCeilingHitMidBatch_fittingMintsSucceed_restRevertWithValues() public {
        vault.setSyntheticParams(BUSD, IVault.SyntheticParams(address(0), rateModel, 10_000e18, 100e18));
        uint256 a = _openEth(alice, 10e18, 3_000e18);
        uint256 b = _openEth(bob, 10e18, 3_000e18);
        vm.prank(alice);
        vault.mint(a, 3_000e18, alice);
        assertEq(positionLens.synthetic(BUSD).totalDebt, 9_000e18);

        vm.expectRevert(abi.encodeWithSelector(IVault.DebtCeilingExceeded.selector, BUSD, 12_000e18, 10_000e18));
        vm.prank(bob);
        vault.mint(b, 3_000e18, bob);

        IVault.Action[] memory batch = new IVault.Action[](2);
        batch[0] = IVault.Action(IVault.Op.Mint, a, address(0), 500e18, alice);
        batch[1] = IVault.Action(IVault.Op.Mint, a, address(0), 600e18, alice);
        vm.expectRevert(abi.encodeWithSelector(IVault.DebtCeilingExceeded.selector, BUSD, 10_100e18, 10_000e18));
        vm.prank(alice);
        vault.batch(batch);
        assertEq(positionLens.synthetic(BUSD).totalDebt, 9_000e18, "the batch reverted whole");

        vm.prank(bob);
        vault.mint(b, 1_000e18, bob);
        vm.expectRevert(abi.encodeWithSelector(IVault.DebtCeilingExceeded.selector, BUSD, 10_000e18 + 1, 10_000e18));
        vm.prank(alice);
        vault.mint(a, 1, alice);
        assertEq(positionLens.synthetic(BUSD).totalDebt, 10_000e18);
        assertEq(busd.totalSupply(), 10_000e18);
    }

    /// @dev Any sequence of mints: each either fits and succeeds or reverts with the exact total it would reach;
    ///      the total never passes the ceiling.
    function testFuzz_attack_debtCeilingNeverExceeded(uint16[6] memory amounts) public {
        uint256 ceiling = 10_000e18;
        vault.setSyntheticParams(BUSD, IVault.SyntheticParams(address(0), rateModel, uint96(ceiling), 100e18));
        uint256 a = _openEth(alice, 10e18, 0);
        uint256 b = _openEth(bob, 10e18, 0);
        uint256 total;
        for (uint256 i; i < amounts.length; ++i) {
            uint256 amount = _bound(amounts[i], 100, 5_000) * 1e18;
            (address user, uint256 id) = i % 2 == 0 ? (alice, a) : (bob, b);
            if (total + amount > ceiling) {
                vm.expectRevert(
                    abi.encodeWithSelector(IVault.DebtCeilingExceeded.selector, BUSD, total + amount, ceiling)
                );
                vm.prank(user);
                vault.mint(id, amount, user);
            } else {
                vm.prank(user);
                vault.mint(id, amount, user);
                total += amount;
            }
            assertEq(positionLens.synthetic(BUSD).totalDebt, total);
            assertLe(total, ceiling);
        }
    }

    // ---------------------------------------------------------------- donations

    /// @dev Collateral and synthetic sent straight to the Vault: no position, total, health or debt moves, and the
    ///      donor cannot withdraw what it sent (nothing is credited to anyone).
    function test_attack_donationToVault_changesNoAccounting() public {
        uint256 id = _openEth(alice, 10e18, 10_000e18);
        uint256 other = _openEth(bob, 1e18, 0);
        IVault.PositionHealth memory h = positionLens.healthOf(id);
        bytes memory ledger = abi.encode(positionLens.synthetic(BUSD), vault.totalCollateral(address(weth)));

        vm.prank(bob);
        weth.transfer(address(vault), 50e18);
        vm.prank(alice);
        busd.transfer(address(vault), 1_000e18);

        IVault.PositionHealth memory h2 = positionLens.healthOf(id);
        assertEq(abi.encode(h2), abi.encode(h), "alice's health unchanged");
        assertEq(abi.encode(positionLens.synthetic(BUSD), vault.totalCollateral(address(weth))), ledger);
        assertEq(vault.collateralOf(other, address(weth)), 1e18);
        assertEq(weth.balanceOf(address(vault)), 61e18);
        vm.expectRevert(
            abi.encodeWithSelector(IVault.InsufficientCollateral.selector, other, address(weth), 2e18, 1e18)
        );
        vm.prank(bob);
        vault.withdraw(other, address(weth), 2e18, bob);
    }

    /// @dev Collateral and synthetic sent straight to the engine during an auction: the auction, the take, the
    ///      owner's leftover, the penalty and the debt settled are exactly what they are without the donation.
    function test_attack_donationToEngine_changesNoAuction() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        _fundBusd(taker, 20_000e18);
        uint256 snap = vm.snapshot();
        bytes memory clean = _takeAll(auctionId);
        vm.revertTo(snap);
        vm.prank(bob);
        weth.transfer(address(engine), 7e18);
        vm.prank(alice);
        busd.transfer(address(engine), 500e18);
        assertEq(_takeAll(auctionId), clean);
        assertEq(weth.balanceOf(address(engine)), engine.claimable(alice, address(weth)) + 7e18, "stranded");
        assertEq(busd.balanceOf(address(engine)), 500e18, "stranded, not burned for anyone");
    }

    /// @dev Takes the whole auction; returns what it bought and paid, the owner's claim, the penalty booked and the
    ///      debt left in auction.
    function _takeAll(uint256 auctionId) internal returns (bytes memory) {
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        (uint256 got, uint256 owe) = _take(auctionId, MAX);
        return
            abi.encode(
                a,
                got,
                owe,
                engine.claimable(alice, address(weth)),
                treasuryC.history(BUSD).penalties,
                positionLens.synthetic(BUSD).auctionDebt,
                busd.totalSupply()
            );
    }
}
