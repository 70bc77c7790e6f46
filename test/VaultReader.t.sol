// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Fixture} from "./utils/Fixture.sol";
import {IVault} from "../contracts/interfaces/IVault.sol";
import {IOracleAdapter} from "../contracts/interfaces/IOracleAdapter.sol";
import {VaultReader} from "../contracts/libraries/VaultReader.sol";

/// @notice `VaultReader` reads the Vault's storage layout through `extSload(s)`: every figure it decodes is checked
///         here against the Vault's own bookkeeping (its raw getters, its minting check, the tokens it holds and the
///         synthetic in circulation), on fuzzed baskets with interest, ramps and liquidations, so a change of the
///         Vault's layout fails here first.
contract VaultReaderTest is Fixture {
    /// @dev Reads through the library as the core contracts do (the lens adds nothing of its own).
    function entryOf(uint256 id) external view returns (VaultReader.Entry memory) {
        return VaultReader.entryOf(vault, id);
    }

    function _basket(address user, uint256 eth, uint256 btc, uint256 usd, uint256 debt) internal returns (uint256 id) {
        vm.startPrank(user);
        id = vault.open(BUSD);
        if (eth != 0) vault.deposit(id, address(weth), eth);
        if (btc != 0) vault.deposit(id, address(wbtc), btc);
        if (usd != 0) vault.deposit(id, address(usdc), usd);
        if (debt != 0) vault.mint(id, debt, user);
        vm.stopPrank();
    }

    function test_extSloads_answersEachSlotAsExtSload() public {
        uint256 id = _openEth(alice, 10e18, 5_000e18);
        bytes32[] memory slots = new bytes32[](4);
        (slots[0], slots[1], slots[2]) = (bytes32(uint256(1)), bytes32(uint256(2)), VaultReader.slotOf(id, 5));
        slots[3] = VaultReader.SYNTHS_BASE;
        bytes32[] memory words = vault.extSloads(slots);
        assertEq(words.length, 4);
        for (uint256 i; i < 4; ++i) assertEq(words[i], vault.extSload(slots[i]));
        assertEq(address(uint160(uint256(words[0]))), vault.treasury());
        assertEq(address(uint160(uint256(words[3]))), address(busd));
    }

    /// @dev Every field of a position's entry equals what the Vault's raw getters say, for any basket and any time.
    function testFuzz_entry_matchesTheVaultsGetters(uint96 eth, uint64 btc, uint64 usd, uint32 elapsed) public {
        eth = uint96(bound(eth, 0, 500e18));
        btc = uint64(bound(btc, 0, 50e8));
        usd = uint64(bound(usd, 0, 1_000_000e6));
        uint256 id = _basket(alice, eth, btc, usd, 0);
        uint256 value = (uint256(eth) * 2_000 + uint256(btc) * 60_000 * 1e10 + uint256(usd) * 1e12);
        uint256 debt = value / 4 > 100e18 ? value / 4 : 0;
        if (debt != 0) {
            vm.prank(alice);
            vault.mint(id, debt, alice);
        }
        vm.warp(block.timestamp + bound(elapsed, 0, 10 * 365 days));
        _refreshFeeds();

        VaultReader.Entry memory e = this.entryOf(id);
        (address owner, uint256 synthId, uint256 mask) = vault.positionOf(id);
        assertEq(e.owner, owner);
        assertEq(e.synthId, synthId);
        assertEq(e.assetMask, mask);
        assertEq(e.shutdownAt, vault.shutdownAt());
        assertEq(e.token, address(busd));
        assertEq(e.minDebt, 100e18);
        assertEq(e.priceAsset, address(0));
        address[3] memory all = [address(weth), address(wbtc), address(usdc)];
        uint256 k;
        for (uint256 i; i < 3; ++i) {
            uint256 held = vault.collateralOf(id, all[i]);
            if (held == 0) continue;
            assertEq(e.assets[k], all[i]);
            assertEq(e.ids[k], i);
            assertEq(e.amounts[k], held);
            IVault.AssetConfig memory c = vault.assetConfig(all[i]);
            assertEq(abi.encode(VaultReader.decodeConfig(e.configs[k])), abi.encode(c));
            assertEq(e.thresholds[k], c.liqThresholdBps);
            ++k;
        }
        assertEq(e.assets.length, k);
        // the debt read equals what repaying everything burns
        if (debt != 0) {
            _fundBusd(alice, e.debt); // alice holds what she minted; the interest comes from here
            vm.prank(alice);
            assertEq(vault.repay(id, type(uint256).max), e.debt, "debt now");
        } else {
            assertEq(e.debt, 0);
        }
    }

    /// @dev The threshold in force while a lowering ramps in: the Vault's own minting check and liquidations use it;
    ///      the reader gives the same value, and the ramp it decodes is the one the Vault stored.
    function testFuzz_threshold_followsTheRamp(uint32 elapsed) public {
        uint256 id = _basket(alice, 10e18, 0.1e8, 0, 5_000e18);
        vault.setAssetParams(address(weth), IVault.AssetParams(7_000, 7_500, 500, 1_000_000, false));
        vm.warp(block.timestamp + bound(elapsed, 0, 4 days));
        _refreshFeeds();
        IVault.Ramp memory r = positionLens.rampOf(address(weth));
        assertEq(r.fromBps, 8_500);
        assertEq(r.end, r.start + vault.rampDuration());
        uint256 expected =
            block.timestamp >= r.end
                ? 7_500
                : 7_500 + (uint256(1_000) * (r.end - block.timestamp) + (r.end - r.start) - 1) / (r.end - r.start);
        assertEq(positionLens.liquidationThreshold(address(weth)), expected);
        VaultReader.Entry memory e = this.entryOf(id);
        assertEq(e.thresholds[0], expected);
        assertEq(e.thresholds[1], 8_000, "WBTC has no ramp");
        // health uses it: liquidation limit = sum of value * threshold in force
        IVault.PositionHealth memory h = positionLens.healthOf(id);
        assertEq(h.liquidationLimit, (20_000e18 * expected) / 1e4 + (6_000e18 * 8_000) / 1e4);
    }

    /// @dev A synthetic's state now: the index, the total debt and the fees the next accrual books, read without
    ///      writing, equal what the Vault books when it accrues.
    function testFuzz_synthetic_equalsWhatTheNextAccrualBooks(uint32 elapsed) public {
        _openEth(alice, 10e18, 5_000e18);
        _openEth(bob, 3e18, 2_000e18);
        vm.warp(block.timestamp + bound(elapsed, 1, 3 * 365 days));
        IVault.SyntheticState memory before = positionLens.synthetic(BUSD);
        vault.accrue(BUSD);
        IVault.SyntheticState memory booked = positionLens.synthetic(BUSD);
        assertEq(before.rateIndex, booked.rateIndex);
        assertEq(before.totalDebt, booked.totalDebt);
        assertEq(before.unmintedFees, booked.unmintedFees);
        assertEq(booked.lastAccrual, block.timestamp);
        assertEq(address(booked.token), address(busd));
        assertEq(booked.params.minDebt, 100e18);
        assertEq(address(booked.params.rateModel), address(rateModel));
        // the debt identity: supply + unminted fees <= total debt
        assertLe(busd.totalSupply() + booked.unmintedFees, booked.totalDebt);
        vm.expectRevert(abi.encodeWithSelector(IVault.SyntheticNotFound.selector, 2));
        positionLens.synthetic(2);
    }

    /// @dev The liquidation valuation: a failed price counts at 0 and leaves the asset out of the priced mask; the
    ///      figures equal the health view's where every price answers.
    function test_liquidationState_failedPriceCountsZero() public {
        uint256 id = _basket(alice, 10e18, 0.1e8, 1_000e6, 10_000e18);
        IVault.LiquidationState memory st = positionLens.liquidationState(id);
        IVault.PositionHealth memory h = positionLens.healthOf(id);
        assertEq(st.collateralValue, h.collateralValue);
        assertEq(st.liquidationLimit, h.liquidationLimit);
        assertEq(st.debt, h.debt);
        assertEq(st.debtValue, h.debtValue);
        assertEq(st.pricedMask, 7);
        btcFeed.setAnswer(0);
        st = positionLens.liquidationState(id);
        assertEq(st.pricedMask, 5);
        assertEq(st.prices[1], 0);
        assertEq(st.values[1], 0);
        assertEq(st.amounts[1], 0.1e8, "the amount is still reported");
        assertEq(st.collateralValue, 20_000e18 + 1_000e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleAdapter.PriceUnavailable.selector,
                address(wbtc),
                IOracleAdapter.PriceFailure.NonPositive
            )
        );
        positionLens.healthOf(id);
    }
}
