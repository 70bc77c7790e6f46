// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";

import {AdversarialBase} from "./AdversarialBase.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {ISyntheticToken} from "../../contracts/interfaces/ISyntheticToken.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IBallastTakeCallback} from "../../contracts/interfaces/IBallastTakeCallback.sol";
import {Settlement} from "../../contracts/Settlement.sol";
import {ReserveLens} from "../../contracts/ReserveLens.sol";
import {Backing} from "../../contracts/libraries/Backing.sol";
import {SyntheticToken} from "../../contracts/SyntheticToken.sol";
import {MockFeed} from "../../contracts/mocks/MockFeed.sol";
import {MockFlashBorrower} from "../../contracts/mocks/MockFlashBorrower.sol";
import {MockTakeCallback, MockVenue} from "../../contracts/mocks/MockTakeCallback.sol";
import {Artifacts} from "../utils/Artifacts.sol";

/// @notice Flash mints and flash takes: a round trip never gains, a loan that is not repaid reverts whole, a
///         flash-inflated supply cannot trip the settlement trigger, a take through its callback pays the auction
///         price exactly and nothing done inside the callback lowers it.
contract FlashAttacksTest is AdversarialBase {
    // ---------------------------------------------------------------- flash mint

    /// @dev Any amount up to the cap: the borrower ends poorer by exactly the fee (9 bps, rounded up), the fee is at
    ///      the Treasury and the supply is what it was.
    function testFuzz_attack_flashMintRoundTrip_borrowerPaysTheFee_supplyRestored(uint256 amount) public {
        amount = _bound(amount, 1, busd.flashCap());
        MockFlashBorrower borrower = new MockFlashBorrower();
        _fundBusd(address(borrower), 1_000e18);
        uint256 supply = busd.totalSupply();
        uint256 surplus = treasuryC.surplus(BUSD);
        uint256 fee = (amount * 9 + 9_999) / 10_000;
        busd.flashLoan(borrower, address(busd), amount, "");
        assertEq(borrower.lastFee(), fee);
        assertEq(borrower.balanceDuringLoan(), 1_000e18 + amount);
        assertEq(busd.balanceOf(address(borrower)), 1_000e18 - fee, "the borrower is poorer by the fee");
        assertEq(treasuryC.surplus(BUSD), surplus + fee);
        assertEq(busd.totalSupply(), supply, "the loan is gone");
    }

    /// @dev A borrower that does not hand the loan back: the whole loan reverts (OpenZeppelin's allowance check
    ///      names the shortfall), and so does one above the cap.
    function test_attack_flashMintNotRepaid_reverts_supplyUnchanged() public {
        MockFlashBorrower borrower = new MockFlashBorrower();
        borrower.setBehaviour(MockFlashBorrower.Behaviour.NoApproval);
        uint256 supply = busd.totalSupply();
        uint256 fee = busd.flashFee(address(busd), 500_000e18);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(busd), 0, 500_000e18 + fee)
        );
        busd.flashLoan(borrower, address(busd), 500_000e18, "");
        uint256 cap = busd.flashCap();
        vm.expectRevert(abi.encodeWithSelector(ISyntheticToken.FlashCapExceeded.selector, cap + 1, cap));
        busd.flashLoan(borrower, address(busd), cap + 1, "");
        assertEq(busd.totalSupply(), supply);
        assertEq(busd.balanceOf(address(borrower)), 0);
    }

    /// @dev The settlement trigger judges backing as collateral over synthetic supply. A flash loan adds up to
    ///      `flashCap` to the supply for one call: no reading is taken inside one. A poke inside it is refused
    ///      (`SystemBusy`), so it cannot start the under-backing clock, and neither can a trigger a day later. The
    ///      same loan with a borrower that only reads succeeds, and the token reports the loan in flight.
    function test_attack_flashMintInflatedSupply_cannotTriggerShutdown() public {
        Settlement settlement = _wireSettlement();
        _openEth(alice, 10e18, 10_000e18);
        FlashPoker poker = new FlashPoker(busd, settlement);
        _fundBusd(address(poker), 2_000e18);
        ReserveLens lens = ReserveLens(Artifacts.deploy("ReserveLens.sol:ReserveLens", abi.encode(vault)));
        assertGt(lens.systemReserve().backingBps, 19_000, "about 200% backed");

        vm.expectRevert(Backing.SystemBusy.selector);
        poker.attack(1_000_000e18, false);
        assertEq(settlement.underSince(), 0, "no under-backing recorded");

        skip(1 days);
        _refreshFeeds();
        vm.expectRevert(Backing.SystemBusy.selector);
        poker.attack(1_000_000e18, true);
        assertEq(vault.shutdownAt(), 0, "still running");

        MockFlashBorrower reader = new MockFlashBorrower();
        _fundBusd(address(reader), 1_000e18);
        busd.flashLoan(reader, address(busd), 1_000_000e18, "");
        assertEq(busd.flashMinted(), 0, "nothing in flight once it is repaid");
    }

    /// @dev alice: 10 WETH / 15,000 bUSD at ETH 1,400, so the system is under-backed (14,000 against 15,000); a
    ///      poke starts the stretch at `t0`, returned.
    function _underBackedStretch(Settlement settlement) internal returns (uint256 t0) {
        _openEth(alice, 10e18, 15_000e18);
        ethFeed.setAnswer(1_400e8);
        assertLt(settlement.poke(), 10_000);
        t0 = vm.getBlockTimestamp();
        assertEq(settlement.underSince(), t0);
    }

    /// @dev Flash-lent collateral parked in a debt-free position for one call makes the system look backed to a poke
    ///      inside that call. The poke only starts a recovery, so the trigger still fires one `triggerDelay` after
    ///      the stretch began.
    function test_attack_flashLentCollateralPoke_cannotRestartTheTriggerClock() public {
        Settlement settlement = _wireSettlement();
        uint256 t0 = _underBackedStretch(settlement);
        PokeShield shield = new PokeShield();
        weth.mint(address(shield), 100e18); // stands in for a zero-fee flash loan of WETH

        vm.warp(t0 + 23 hours);
        _refreshFeeds();
        uint256 seen = shield.shield(vault, IERC20(address(weth)), settlement, 100e18);
        assertGt(seen, 10_000, "backed inside the call");
        assertLt(
            ReserveLens(Artifacts.deploy("ReserveLens.sol:ReserveLens", abi.encode(vault))).systemReserve().backingBps,
            10_000,
            "under-backed right after"
        );
        assertEq(settlement.underSince(), t0, "the stretch goes on");
        assertEq(settlement.backedSince(), t0 + 23 hours, "a recovery only started");

        vm.warp(t0 + 1 days);
        _refreshFeeds();
        vm.prank(bob);
        settlement.trigger();
        assertEq(vault.shutdownAt(), t0 + 1 days, "shut down one delay after the stretch began");
    }

    /// @dev The same with no capital: a flash mint repays the attacker's own debt, a poke would see the smaller
    ///      supply, the debt is minted back and the loan returned. The poke is refused inside the loan
    ///      (`SystemBusy`): the whole attack reverts, the stretch goes on and the trigger fires one delay after it
    ///      began.
    function test_attack_flashMintRepayPoke_cannotRestartTheTriggerClock() public {
        Settlement settlement = _wireSettlement();
        FlashPokeShield shield = new FlashPokeShield(vault, busd, settlement);
        weth.mint(address(shield), 20e18);
        shield.openPosition(IERC20(address(weth)), 20e18, 9_000e18);
        _fundBusd(address(shield), 100e18); // the flash fee
        _openEth(alice, 10e18, 16_000e18);
        ethFeed.setAnswer(600e8); // 18,000 of collateral against 25,000 of supply
        assertLt(settlement.poke(), 10_000);
        uint256 t0 = vm.getBlockTimestamp(); // not block.timestamp: the IR pipeline may re-read it after a warp

        vm.warp(t0 + 23 hours);
        _refreshFeeds();
        vm.expectRevert(Backing.SystemBusy.selector);
        shield.attack(9_000e18);
        assertEq(settlement.underSince(), t0, "the stretch goes on");
        assertEq(settlement.backedSince(), 0, "not even a recovery started");

        vm.warp(t0 + 1 days);
        _refreshFeeds();
        settlement.trigger();
        assertEq(vault.shutdownAt(), t0 + 1 days);
    }

    /// @dev `flashMinted` follows nested loans (the amounts add up inside the inner one) and is 0 again after both,
    ///      so the lens never counts a loan in flight, however the loans are stacked.
    function test_attack_nestedFlashMints_flashMintedTracksEveryLoanInFlight() public {
        NestedBorrower nb = new NestedBorrower(busd);
        _fundBusd(address(nb), 1_000e18);
        nb.start(300_000e18, 200_000e18);
        assertEq(nb.seenOuter(), 300_000e18);
        assertEq(nb.seenInner(), 500_000e18);
        assertEq(nb.seenAfterInner(), 300_000e18);
        assertEq(busd.flashMinted(), 0);
    }

    // ---------------------------------------------------------------- flash take

    /// @dev A keeper with no synthetic of its own cannot take: selling the lot below the auction price does not raise
    ///      what it owes, the engine's pull fails and the whole take reverts; the auction is untouched.
    function test_attack_flashTakeWithoutPaying_reverts_auctionUnchanged() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        MockVenue venue = new MockVenue(busd);
        _fundBusd(address(venue), 50_000e18);
        venue.setPrice(address(weth), 1_000e18); // the market pays 1,000, the auction asks 2,040
        MockTakeCallback bot = new MockTakeCallback(engine, venue);
        uint256 price = _auctionPrice(auctionId);
        // what covers the tab: the smallest amount, each unit at the price
        uint256 collateral = (uint256(a.tab) * 1e18 + price - 1) / price;
        uint256 owe = (collateral * price + 1e18 - 1) / 1e18;
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector,
                address(bot),
                collateral * 1_000,
                owe
            )
        );
        bot.run(auctionId, MAX, MAX, address(weth));
        ILiquidationEngine.Auction memory b = engine.auction(auctionId);
        assertEq(b.lot, a.lot);
        assertEq(b.tab, a.tab);
        assertEq(weth.balanceOf(address(engine)), a.lot);
        assertEq(weth.balanceOf(address(bot)), 0);
    }

    /// @dev A flash take pays the auction price to the wei: the keeper's profit is exactly what the venue paid for
    ///      the collateral minus `collateral * price` rounded up, never more.
    function test_attack_flashTakeProfit_isExactlyVenueMinusAuctionPrice() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        MockVenue venue = new MockVenue(busd);
        _fundBusd(address(venue), 50_000e18);
        venue.setPrice(address(weth), 1_800e18);
        MockTakeCallback bot = new MockTakeCallback(engine, venue);
        skip(19 * 90); // 2,040 * 0.99^19, just under the oracle price
        uint256 price = _auctionPrice(auctionId);
        bot.run(auctionId, 2e18, price, address(weth)); // a partial take of 2 WETH
        uint256 owe = (2e18 * price + 1e18 - 1) / 1e18;
        assertEq(bot.lastCollateral(), 2e18);
        assertEq(bot.lastOwe(), owe);
        assertEq(busd.balanceOf(address(bot)), 3_600e18 - owe, "profit = venue proceeds - auction price");
        assertEq(weth.balanceOf(address(bot)), 0);
    }

    /// @dev Inside its callback the keeper crashes the (open) mock oracle and tries to reset the auction to the
    ///      crashed price: the reset hits the lock, and what it owes was fixed before the callback, so it pays the
    ///      full auction price and the auction keeps its market.
    function test_attack_takeCallbackManipulatesOracle_oweUnchanged() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        OracleMover mover = new OracleMover(engine, busd, ethFeed);
        _fundBusd(address(mover), 10_000e18);
        uint256 price = _auctionPrice(auctionId);
        (uint256 got, uint256 owe) = mover.run(auctionId, 1e18);
        assertEq(got, 1e18);
        assertEq(owe, (1e18 * price + 1e18 - 1) / 1e18, "the price before the callback");
        assertEq(mover.resetError(), _lockError());
        assertEq(busd.balanceOf(address(mover)), 10_000e18 - owe);
        ILiquidationEngine.Auction memory b = engine.auction(auctionId);
        assertEq(b.market, a.market, "the auction's market did not move");
        assertEq(b.startTime, a.startTime);
        assertEq(b.tab, a.tab - owe);
    }

    /// @dev A keeper pays for a take by depositing the lot it just received into its own position and minting the
    ///      synthetic: allowed, but the mint is checked at the oracle price like any other, so the auction's lot
    ///      cannot print its own payment above 80% of its value. The whole take reverts with the Vault's error.
    function test_attack_flashTakePaidByMintingOnTheLot_mintLimitHolds() public {
        (uint256 auctionId, ) = _liquidate(_underwater());
        ILiquidationEngine.Auction memory a = engine.auction(auctionId);
        VaultTaker bot = new VaultTaker(engine, vault, busd);
        uint256 price = _auctionPrice(auctionId); // 2,040 at the start, for 1 WETH worth 1,700
        uint256 owe = (1e18 * price + 1e18 - 1) / 1e18;
        uint256 id = vault.nextPositionId();
        vm.expectRevert(abi.encodeWithSelector(IVault.MintLimitExceeded.selector, id, owe, 1_360e18));
        bot.run(auctionId, 1e18, address(weth));
        assertEq(engine.auction(auctionId).lot, a.lot);

        // once the oracle price has risen (2,100: the lot can carry 1,680) and the auction price is under that, the
        // same take works and leaves the keeper with a position owing exactly the auction price: no profit from the
        // lot itself (at an unchanged oracle price the auction never goes below where the lot covers its tab)
        _setEth(2_100);
        skip(20 * 90); // 2,040 * 0.99^20 = 1,668
        _setEth(2_100);
        price = _auctionPrice(auctionId);
        assertLe(price, 1_680e18);
        bot.run(auctionId, 1e18, address(weth));
        uint256 debt = positionLens.debtOf(id);
        assertGe(debt, price, "the mint rounds against the keeper");
        assertLe(debt, price + 1);
        assertEq(vault.collateralOf(id, address(weth)), 1e18);
        assertEq(busd.balanceOf(address(bot)), 0);
        assertEq(engine.auction(auctionId).lot, a.lot - 1e18);
    }
}

/// @dev Flash-borrows a synthetic and pokes (or triggers) the settlement inside the loan; records what it saw.
contract FlashPoker is IERC3156FlashBorrower {
    SyntheticToken internal immutable token;
    Settlement internal immutable settlement;
    bool internal triggerMode;
    uint256 public seenBackingBps;
    uint256 public seenFlashMinted; // [wad]

    constructor(SyntheticToken token_, Settlement settlement_) {
        token = token_;
        settlement = settlement_;
    }

    function attack(uint256 amount, bool trigger_) external {
        triggerMode = trigger_;
        token.flashLoan(this, address(token), amount, "");
    }

    function onFlashLoan(address, address, uint256 amount, uint256 fee, bytes calldata) external returns (bytes32) {
        seenFlashMinted = ISyntheticToken(address(token)).flashMinted();
        if (triggerMode) settlement.trigger();
        else seenBackingBps = settlement.poke();
        IERC20(address(token)).approve(address(token), amount + fee);
        return keccak256("ERC3156FlashBorrower.onFlashLoan");
    }
}

/// @dev A taker whose callback crashes the ETH feed and tries to reset the auction, then pays from its balance.
contract OracleMover is IBallastTakeCallback {
    ILiquidationEngine internal immutable engine;
    IERC20 internal immutable synth;
    MockFeed internal immutable feed;
    uint256 internal auctionId;
    bytes public resetError;

    constructor(ILiquidationEngine engine_, IERC20 synth_, MockFeed feed_) {
        (engine, synth, feed) = (engine_, synth_, feed_);
    }

    function run(uint256 auctionId_, uint256 maxCollateral) external returns (uint256, uint256) {
        auctionId = auctionId_;
        return engine.take(auctionId_, maxCollateral, type(uint256).max, address(this), "x");
    }

    function onTake(address, uint256, uint256 owe, bytes calldata) external {
        feed.setAnswer(1e8); // ETH at 1 USD
        try engine.reset(auctionId) {} catch (bytes memory err) {
            resetError = err;
        }
        synth.approve(address(engine), owe);
    }
}

/// @dev A taker whose callback deposits the collateral it received into a new Vault position of its own and mints
///      exactly what it owes.
contract VaultTaker is IBallastTakeCallback {
    ILiquidationEngine internal immutable engine;
    IVault internal immutable vault;
    IERC20 internal immutable synth;

    constructor(ILiquidationEngine engine_, IVault vault_, IERC20 synth_) {
        (engine, vault, synth) = (engine_, vault_, synth_);
    }

    function run(uint256 auctionId, uint256 maxCollateral, address asset) external {
        engine.take(auctionId, maxCollateral, type(uint256).max, address(this), abi.encode(asset));
    }

    function onTake(address, uint256 collateral, uint256 owe, bytes calldata data) external {
        address asset = abi.decode(data, (address));
        IERC20(asset).approve(address(vault), collateral);
        vault.openAndMint(0, asset, collateral, owe, address(this));
        synth.approve(address(engine), owe);
    }
}

/// @dev Takes a flash loan and, inside it, a second one; records `flashMinted` at each stage.
contract NestedBorrower is IERC3156FlashBorrower {
    SyntheticToken internal immutable token;
    uint256 internal inner; // [wad] the second loan, 0 once it started
    uint256 public seenOuter;
    uint256 public seenInner;
    uint256 public seenAfterInner;

    constructor(SyntheticToken token_) {
        token = token_;
    }

    function start(uint256 outer_, uint256 inner_) external {
        inner = inner_;
        token.flashLoan(this, address(token), outer_, "");
    }

    function onFlashLoan(address, address, uint256 amount, uint256 fee, bytes calldata) external returns (bytes32) {
        uint256 next = inner;
        if (next != 0) {
            seenOuter = token.flashMinted();
            inner = 0;
            token.flashLoan(this, address(token), next, "");
            seenAfterInner = token.flashMinted();
        } else {
            seenInner = token.flashMinted();
        }
        IERC20(address(token)).approve(address(token), amount + fee);
        return keccak256("ERC3156FlashBorrower.onFlashLoan");
    }
}

/// @dev Holds flash-lent WETH for one call: parks it in a fresh debt-free position, pokes the settlement, closes the
///      position and hands the WETH back.
contract PokeShield {
    function shield(IVault vault, IERC20 weth, Settlement settlement, uint256 amount) external returns (uint256 bps) {
        weth.approve(address(vault), amount);
        uint256 id = vault.openAndMint(0, address(weth), amount, 0, address(this));
        bps = settlement.poke();
        vault.close(id, address(this));
        weth.transfer(msg.sender, amount);
    }
}

/// @dev Flash-mints bUSD, repays its own position's debt with it, pokes, mints the debt back and repays the loan.
contract FlashPokeShield is IERC3156FlashBorrower {
    IVault public immutable vault;
    SyntheticToken public immutable busd;
    Settlement public immutable settlement;
    uint256 public id;
    uint256 public seenBps;

    constructor(IVault vault_, SyntheticToken busd_, Settlement settlement_) {
        (vault, busd, settlement) = (vault_, busd_, settlement_);
    }

    function openPosition(IERC20 weth, uint256 eth, uint256 debt) external {
        weth.approve(address(vault), eth);
        id = vault.openAndMint(0, address(weth), eth, debt, address(this));
    }

    function attack(uint256 amount) external {
        busd.flashLoan(this, address(busd), amount, "");
    }

    function onFlashLoan(address, address, uint256 amount, uint256 fee, bytes calldata) external returns (bytes32) {
        vault.repay(id, type(uint256).max);
        seenBps = settlement.poke();
        vault.mint(id, amount, address(this));
        busd.approve(address(busd), amount + fee);
        return keccak256("ERC3156FlashBorrower.onFlashLoan");
    }
}
