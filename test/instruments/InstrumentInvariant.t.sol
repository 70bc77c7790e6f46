// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {Test} from "forge-std/Test.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {InstrumentVault} from "../../contracts/InstrumentVault.sol";
import {IInstrumentVault} from "../../contracts/interfaces/IInstrumentVault.sol";
import {OracleAdapter} from "../../contracts/OracleAdapter.sol";
import {IOracleAdapter} from "../../contracts/interfaces/IOracleAdapter.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {MockRoundFeed} from "../../contracts/mocks/MockRoundFeed.sol";
import {Artifacts} from "../utils/Artifacts.sol";
import {InstrumentHandler} from "./InstrumentHandler.sol";

/// @notice The instrument vault's backing over random writes, pair burns, transfers, one settlement and redemptions,
///         on four series: a call on an 8-decimal underlying, a put in a 6-decimal quote, a binary up in a 0-decimal
///         quote and a binary down in a 36-decimal quote, all on one $2,000 underlying feed.
contract InstrumentInvariantTest is StdInvariant, Test {
    InstrumentVault internal iv;
    InstrumentHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        AccessManager manager = new AccessManager(address(this));
        OracleAdapter oracle = OracleAdapter(
            Artifacts.deploy("OracleAdapter.sol:OracleAdapter", abi.encode(address(manager), address(0), 0))
        );
        iv = InstrumentVault(
            Artifacts.deploy(
                "InstrumentVault.sol:InstrumentVault",
                abi.encode(address(manager), oracle, IInstrumentVault.SettlementParams(1 hours, 200, 1 days, 30 days))
            )
        );
        MockERC20 wbtc = new MockERC20("Wrapped Bitcoin", "WBTC", 8);
        MockERC20 usdc = new MockERC20("USD Coin", "USDC", 6);
        MockERC20 whole = new MockERC20("Whole Dollar", "WD", 0);
        MockERC20 fine = new MockERC20("Fine Dollar", "FD", 36);
        MockRoundFeed feed = new MockRoundFeed(8);
        feed.push(2_000e8, block.timestamp);
        IOracleAdapter.Feed memory none;
        oracle.setFeeds(
            address(wbtc),
            IOracleAdapter.Feed(AggregatorV3Interface(address(feed)), 1 days, 1, 1e30),
            none,
            0
        );
        iv.setUnderlying(address(wbtc), true);
        iv.setQuote(address(usdc), true);
        iv.setQuote(address(whole), true);
        iv.setQuote(address(fine), true);
        uint256 expiry = block.timestamp + 7 days;
        uint256[4] memory ids = [
            iv.createSeries(address(wbtc), address(wbtc), IInstrumentVault.Kind.Call, 2_100e18, expiry),
            iv.createSeries(address(wbtc), address(usdc), IInstrumentVault.Kind.Put, 1_900.5e18, expiry),
            iv.createSeries(address(wbtc), address(whole), IInstrumentVault.Kind.BinaryUp, 2_000e18, expiry),
            iv.createSeries(address(wbtc), address(fine), IInstrumentVault.Kind.BinaryDown, 2_000e18, expiry)
        ];
        handler = new InstrumentHandler(
            iv,
            feed,
            ids,
            [wbtc, usdc, whole, fine],
            [makeAddr("alice"), makeAddr("bob"), makeAddr("carol")],
            expiry
        );
        targetContract(address(handler));
    }

    /// @notice Before settlement each series holds at least the maximum payoff of its units outstanding, both sides
    ///         have the same supply, and what it holds is exactly what writes locked less what pair burns released.
    function invariant_everyUnitIsBacked() public view {
        for (uint256 i; i < 4; ++i) {
            uint256 id = handler.seriesAt(i);
            (uint256 units, uint256 locked, uint256 maxPayoff) = iv.exposure(id);
            IInstrumentVault.SeriesState memory st = iv.seriesState(id);
            uint256 out = handler.releasedOut(id) + handler.longPaid(id) + handler.shortPaid(id);
            assertEq(locked, handler.lockedIn(id) - out, "locked = written - released - paid");
            if (!st.finalized) {
                assertGe(locked, maxPayoff, "a series holds less than the maximum payoff of its units");
                assertEq(units, iv.totalSupply((id << 1) | 1), "long and short supplies differ before redemptions");
            }
        }
    }

    /// @notice After settlement the pools split exactly what was locked, and neither side is paid past its pool.
    function invariant_redemptionsStayInsideThePools() public view {
        for (uint256 i; i < 4; ++i) {
            uint256 id = handler.seriesAt(i);
            IInstrumentVault.SeriesState memory st = iv.seriesState(id);
            if (!st.finalized) continue;
            assertEq(
                st.longPool + st.shortPool,
                handler.lockedIn(id) - handler.releasedOut(id),
                "the pools split what was locked"
            );
            assertLe(handler.longPaid(id), st.longPool, "longs paid past their pool");
            assertLe(handler.shortPaid(id), st.shortPool, "shorts paid past their pool");
        }
    }

    /// @notice The vault's token balance of each collateral covers every series' locked amount.
    function invariant_balancesCoverLocked() public view {
        for (uint256 i; i < 4; ++i) {
            (, uint256 locked, ) = iv.exposure(handler.seriesAt(i));
            assertGe(handler.collateralAt(i).balanceOf(address(iv)), locked, "the vault holds less than it locked");
        }
    }

    /// @notice A seeded walk reaches writes, settlement and redemptions (the campaign's actions are not dead code).
    function test_walkReachesSettlementAndRedemptions() public {
        handler.write(0, 0, 1, 5e18);
        handler.write(1, 1, 2, 3e18);
        handler.write(2, 2, 0, 7e18);
        handler.write(0, 3, 1, 1);
        handler.burnPair(0, 0, 1e18);
        handler.transfer(1, 0, 1, true, 1e18);
        handler.settleAll(0, true);
        for (uint256 a; a < 3; ++a) {
            for (uint256 s; s < 4; ++s) {
                handler.redeem(a, s, false, type(uint256).max);
                handler.redeem(a, s, true, type(uint256).max);
            }
        }
        assertTrue(handler.settled());
        assertGt(handler.redemptions(), 4);
        invariant_everyUnitIsBacked();
        invariant_redemptionsStayInsideThePools();
        invariant_balancesCoverLocked();
    }
}
