// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {InstrumentVault} from "../../contracts/InstrumentVault.sol";
import {IInstrumentVault} from "../../contracts/interfaces/IInstrumentVault.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {MockRoundFeed} from "../../contracts/mocks/MockRoundFeed.sol";

/// @notice Drives the instrument vault with random writes, pair burns, transfers of either side, one settlement of
///         every series at a random price (the strike included), and redemptions; keeps what went in and out of each
///         series so the invariant contract can check the backing.
contract InstrumentHandler is Test {
    uint256 internal constant N = 4;
    uint256 internal constant DISPUTE = 1 hours;

    InstrumentVault internal immutable iv;
    MockRoundFeed internal immutable feed;
    uint256[N] internal seriesIds;
    MockERC20[N] internal collaterals;
    address[3] internal actors;
    uint256 internal immutable expiry;

    /// @notice [collateral units] per series: locked by writes, released by pair burns, paid by redemptions
    mapping(uint256 seriesId => uint256) public lockedIn;
    mapping(uint256 seriesId => uint256) public releasedOut;
    mapping(uint256 seriesId => uint256) public longPaid;
    mapping(uint256 seriesId => uint256) public shortPaid;
    bool public settled;
    uint256 public calls;
    uint256 public redemptions;

    constructor(
        InstrumentVault iv_,
        MockRoundFeed feed_,
        uint256[N] memory seriesIds_,
        MockERC20[N] memory collaterals_,
        address[3] memory actors_,
        uint256 expiry_
    ) {
        iv = iv_;
        feed = feed_;
        seriesIds = seriesIds_;
        collaterals = collaterals_;
        actors = actors_;
        expiry = expiry_;
        for (uint256 i; i < N; ++i) {
            for (uint256 a; a < 3; ++a) {
                collaterals_[i].mint(actors_[a], 1 << 200);
                vm.prank(actors_[a]);
                collaterals_[i].approve(address(iv_), type(uint256).max);
            }
        }
    }

    function write(uint256 actorSeed, uint256 seriesSeed, uint256 toSeed, uint256 units) external {
        if (settled) return;
        ++calls;
        uint256 id = seriesIds[seriesSeed % N];
        address actor = actors[actorSeed % 3];
        // from one wei (dust) to a million contracts
        units = bound(units, 1, 1e24);
        vm.prank(actor);
        lockedIn[id] += iv.write(id, units, actor, actors[toSeed % 3]);
    }

    function burnPair(uint256 actorSeed, uint256 seriesSeed, uint256 units) external {
        if (settled) return;
        ++calls;
        uint256 id = seriesIds[seriesSeed % N];
        address actor = actors[actorSeed % 3];
        uint256 held = _min(iv.balanceOf(actor, id << 1), iv.balanceOf(actor, (id << 1) | 1));
        if (held == 0) return;
        units = bound(units, 1, held);
        (uint256 outstanding, uint256 locked, ) = iv.exposure(id);
        uint256 share = Math.mulDiv(units, locked, outstanding);
        if (share == 0) return; // dust: refused by design (unit-tested)
        vm.prank(actor);
        uint256 released = iv.burnPair(id, units, actor);
        assertEq(released, share, "a pair burn pays its share of the series, rounded down");
        releasedOut[id] += released;
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 seriesSeed, bool short, uint256 units) external {
        ++calls;
        uint256 tokenId = (seriesIds[seriesSeed % N] << 1) | (short ? 1 : 0);
        address from = actors[fromSeed % 3];
        uint256 held = iv.balanceOf(from, tokenId);
        if (held == 0) return;
        units = bound(units, 1, held);
        vm.prank(from);
        iv.transfer(actors[toSeed % 3], tokenId, units);
    }

    /// @dev Once: every series expires and settles at the same round; `atStrike` puts the price on series 0's strike.
    function settleAll(uint256 priceSeed, bool atStrike) external {
        if (settled) return;
        ++calls;
        settled = true;
        uint256 price = atStrike ? iv.series(seriesIds[0]).strike : bound(priceSeed, 1e15, 1e23);
        vm.warp(expiry);
        uint80 r = feed.push(int256(price / 1e10), expiry);
        for (uint256 i; i < N; ++i) iv.settle(seriesIds[i], r, r - 1);
        vm.warp(expiry + DISPUTE);
    }

    function redeem(uint256 actorSeed, uint256 seriesSeed, bool short, uint256 units) external {
        if (!settled) return;
        ++calls;
        uint256 id = seriesIds[seriesSeed % N];
        address actor = actors[actorSeed % 3];
        uint256 held = iv.balanceOf(actor, (id << 1) | (short ? 1 : 0));
        if (held == 0) return;
        units = bound(units, 1, held);
        vm.prank(actor);
        uint256 paid = iv.redeem(id, short, units, actor);
        if (short) shortPaid[id] += paid;
        else longPaid[id] += paid;
        ++redemptions;
    }

    function seriesAt(uint256 i) external view returns (uint256) {
        return seriesIds[i];
    }

    function collateralAt(uint256 i) external view returns (MockERC20) {
        return collaterals[i];
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }
}
