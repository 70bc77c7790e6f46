// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

import {Vault} from "../../contracts/Vault.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {IOracleAdapter} from "../../contracts/interfaces/IOracleAdapter.sol";
import {SyntheticToken} from "../../contracts/SyntheticToken.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {MockRateToken} from "../../contracts/mocks/MockRateToken.sol";
import {MockFeed} from "../../contracts/mocks/MockFeed.sol";
import {PositionLens} from "../../contracts/PositionLens.sol";
import {Artifacts} from "../utils/Artifacts.sol";

/// @notice Drives the Vault with bounded random actions for the invariant suite. Every call either succeeds or
///         fails for a reason the handler predicted from the state (an "explained" revert); anything else fails the
///         run. Along the way it checks the per-action invariants of design.md:
///         (3) an action on one position never changes another position's health, and never turns its own healthy
///             position unhealthy; (4) mint and withdraw succeed only if the position ends within its minting
///             limit, and deposit and repay succeed whatever the oracle says.
contract VaultHandler is Test {
    Vault public immutable vault;
    PositionLens public immutable positionLens;
    /// @dev The collateral the handler uses: WETH, WBTC, USDC, wstETH (rate-adjusted: `feeds[3]` is its stETH base)
    ///      and TBILL (attested NAV: `feeds[4]` is its NAV feed, which a warp does not refresh, so it lapses).
    uint256 internal constant NA = 5;
    uint256 internal constant RATED = 3;
    uint256 internal constant RWA = 4;
    MockERC20[NA] public assets;
    MockFeed[NA] public feeds;
    SyntheticToken[2] public synths;
    address[3] public actors;
    address public immutable treasury;

    uint256[] public ids;
    bool[NA] public feedBroken;
    int256[NA] public lastAnswer;
    /// @notice Number of successful ledger operations that can each leave one rounding unit between supply and debt.
    uint256 public roundingOps;
    mapping(string => uint256) public calls;

    constructor(
        Vault vault_,
        MockERC20[NA] memory assets_,
        MockFeed[NA] memory feeds_,
        SyntheticToken[2] memory synths_,
        address[3] memory actors_,
        address treasury_
    ) {
        vault = vault_;
        positionLens = PositionLens(Artifacts.deploy("PositionLens.sol:PositionLens", abi.encode(vault_)));
        assets = assets_;
        feeds = feeds_;
        synths = synths_;
        actors = actors_;
        treasury = treasury_;
        for (uint256 i; i < NA; ++i) {
            (, lastAnswer[i], , , ) = feeds_[i].latestRoundData();
        }
    }

    function idCount() external view returns (uint256) {
        return ids.length;
    }

    // ------------------------------------------------------------------------------------------------ actions

    function open(uint256 actorSeed, uint256 synthSeed) public virtual {
        address actor = actors[actorSeed % 3];
        vm.prank(actor);
        ids.push(vault.open(synthSeed % 2));
        calls["open"]++;
    }

    function deposit(uint256 posSeed, uint256 assetSeed, uint256 amount) public virtual {
        if (ids.length == 0) return; // no position yet
        uint256 id = ids[posSeed % ids.length];
        MockERC20 asset = assets[assetSeed % _assetCount()];
        amount = _bound(amount, 1, 100 * 10 ** asset.decimals());
        address owner = _owner(id);
        asset.mint(owner, amount);
        vm.prank(owner);
        asset.approve(address(vault), amount);

        uint256 witness = _witness(id);
        (bool had, uint256 hBefore) = _health(witness);
        vm.prank(owner);
        vault.deposit(id, address(asset), amount); // must never revert, whatever the oracle says
        _assertUntouched(witness, had, hBefore);
        calls["deposit"]++;
    }

    function withdraw(uint256 posSeed, uint256 assetSeed, uint256 amount) public virtual {
        if (ids.length == 0) return; // no position yet
        uint256 id = ids[posSeed % ids.length];
        address asset = address(assets[assetSeed % _assetCount()]);
        uint256 held = vault.collateralOf(id, asset);
        if (held == 0) return; // nothing of this asset to withdraw
        amount = _bound(amount, 1, held);
        address owner = _owner(id);
        uint256 witness = _witness(id);
        (bool had, uint256 hBefore) = _health(witness);

        vm.prank(owner);
        try vault.withdraw(id, asset, amount, owner) {
            _assertWithinMintLimit(id);
            _assertUntouched(witness, had, hBefore);
            calls["withdraw"]++;
        } catch (bytes memory err) {
            _explainRiskRevert(id, err);
            calls["withdraw:reverted"]++;
        }
    }

    function mint(uint256 posSeed, uint256 amount) public virtual {
        if (ids.length == 0) return; // no position yet
        uint256 id = ids[posSeed % ids.length];
        (, uint256 synthId, ) = vault.positionOf(id);
        amount = _bound(amount, 1, synthId == 0 ? 200_000e18 : 100e18);
        address owner = _owner(id);
        uint256 witness = _witness(id);
        (bool had, uint256 hBefore) = _health(witness);

        vm.prank(owner);
        try vault.mint(id, amount, owner) {
            _assertWithinMintLimit(id);
            _assertUntouched(witness, had, hBefore);
            roundingOps++;
            calls["mint"]++;
        } catch (bytes memory err) {
            bytes4 sel = bytes4(err);
            if (sel == IVault.DebtBelowMinimum.selector || sel == IVault.DebtCeilingExceeded.selector) {
                calls["mint:limits"]++;
                return;
            }
            _explainRiskRevert(id, err);
            calls["mint:reverted"]++;
        }
    }

    function repay(uint256 posSeed, uint256 amount) external {
        if (ids.length == 0) return; // no position yet
        uint256 id = ids[posSeed % ids.length];
        uint256 debt = positionLens.debtOf(id);
        if (debt == 0) return; // nothing to repay
        (, uint256 synthId, ) = vault.positionOf(id);
        SyntheticToken token = synths[synthId];
        uint256 minDebt = positionLens.synthetic(synthId).params.minDebt;
        amount = _bound(amount, 1, debt);
        if (debt - amount < minDebt) amount = debt; // a partial repay may not leave dust: repay all instead
        address owner = _owner(id);
        if (!_fund(token, owner, amount)) return; // the holders together lack the amount: nobody can repay it (never minted from nothing)
        uint256 witness = _witness(id);
        (bool had, uint256 hBefore) = _health(witness);

        vm.prank(owner);
        vault.repay(id, amount); // must never revert, whatever the oracle says
        _assertUntouched(witness, had, hBefore);
        roundingOps++;
        calls["repay"]++;
    }

    function close(uint256 posSeed) public virtual {
        if (ids.length == 0) return; // no position yet
        uint256 id = ids[posSeed % ids.length];
        (, uint256 synthId, ) = vault.positionOf(id);
        address owner = _owner(id);
        if (!_fund(synths[synthId], owner, positionLens.debtOf(id))) return; // the holders together lack the debt: the owner cannot close
        vm.prank(owner);
        vault.close(id, owner); // needs no price
        assertEq(positionLens.normDebtOf(id), 0);
        (, , uint256 mask) = vault.positionOf(id);
        assertEq(mask, 0);
        roundingOps++;
        calls["close"]++;
    }

    function transferPosition(uint256 posSeed, uint256 actorSeed) public virtual {
        if (ids.length == 0) return; // no position yet
        uint256 id = ids[posSeed % ids.length];
        address owner = _owner(id);
        vm.prank(owner);
        vault.transferPosition(id, actors[actorSeed % 3]);
        calls["transfer"]++;
    }

    function movePrice(uint256 assetSeed, uint256 pct) external {
        uint256 k = assetSeed % _assetCount();
        pct = _bound(pct, 70, 130);
        int256 answer = (lastAnswer[k] * int256(pct)) / 100;
        if (answer < 1) answer = 1;
        lastAnswer[k] = answer;
        if (!feedBroken[k]) feeds[k].setAnswer(answer);
        calls["movePrice"]++;
    }

    /// @notice Moves wstETH's exchange rate by `pct` in [90, 112] % (a slashing, a rebase, a donation): under its floor
    ///         the price fails; above its cap the cap counts.
    function moveRate(uint256 pct) external {
        MockRateToken t = MockRateToken(address(assets[RATED]));
        pct = _bound(pct, 90, 112);
        t.setRate((t.stEthPerToken() * pct) / 100);
        calls["moveRate"]++;
    }

    function breakFeed(uint256 assetSeed) external {
        uint256 k = assetSeed % _assetCount();
        feedBroken[k] = true;
        feeds[k].setAnswer(0);
        calls["breakFeed"]++;
    }

    function repairFeed(uint256 assetSeed) external {
        uint256 k = assetSeed % _assetCount();
        feedBroken[k] = false;
        feeds[k].setAnswer(lastAnswer[k]);
        calls["repairFeed"]++;
    }

    function warp(uint256 dt) external {
        dt = _bound(dt, 1, 30 days);
        vm.warp(block.timestamp + dt);
        for (uint256 k; k < NA; ++k) {
            // market feeds keep reporting; the NAV is attested only by `movePrice`: a long warp lapses it
            if (k == RWA) continue;
            feeds[k].setAnswer(feedBroken[k] ? int256(0) : lastAnswer[k]);
        }
        calls["warp"]++;
    }

    function mintFees(uint256 synthSeed) external {
        vault.mintFees(synthSeed % 2);
        calls["mintFees"]++;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /// @dev How many of `assets` the actions use (all of them here; a suite whose replays were recorded over the
    ///      first three keeps to those).
    function _assetCount() internal view virtual returns (uint256) {
        return NA;
    }

    function _owner(uint256 id) internal view returns (address owner) {
        (owner, , ) = vault.positionOf(id);
    }

    /// @dev Another position whose health must not move while `id` is acted on (0, i.e. none, when alone).
    function _witness(uint256 id) internal view returns (uint256) {
        if (ids.length < 2) return 0; // position 0 never exists: nothing to compare
        return ids[0] == id ? ids[1] : ids[0];
    }

    function _health(uint256 id) internal view returns (bool ok, uint256 h) {
        try positionLens.healthOf(id) returns (IVault.PositionHealth memory v) {
            return (true, v.health);
        } catch {
            return (false, 0); // a failed price: the health cannot be read now
        }
    }

    function _assertUntouched(uint256 witness, bool had, uint256 before) internal view {
        if (!had) return; // the witness could not be valued before (a failed price): nothing to compare
        (bool ok, uint256 h) = _health(witness);
        if (ok) assertEq(h, before, "another position's health moved");
    }

    function _assertWithinMintLimit(uint256 id) internal view {
        if (positionLens.normDebtOf(id) == 0) return; // without debt no price is read, and the limit holds trivially
        IVault.PositionHealth memory h = positionLens.healthOf(id);
        assertLe(h.debtValue, h.mintLimit, "risk-increasing action left the position beyond its minting limit");
        if (h.debtValue != 0) assertGe(h.health, 1e18, "a successful mint or withdraw left the position unhealthy");
    }

    /// @dev A mint or withdraw may fail only because the position would end beyond its minting limit, or because a
    ///      price it needs is unavailable. Anything else is a bug.
    function _explainRiskRevert(uint256 id, bytes memory err) internal view virtual {
        bytes4 sel = bytes4(err);
        if (sel == IVault.MintLimitExceeded.selector) return;
        if (sel == IOracleAdapter.PriceUnavailable.selector) {
            (, uint256 synthId, ) = vault.positionOf(id);
            bool anyBroken;
            for (uint256 k; k < NA; ++k) anyBroken = anyBroken || feedBroken[k];
            address asset;
            uint256 reason;
            assembly ("memory-safe") {
                asset := mload(add(err, 36)) // PriceUnavailable(address asset, PriceFailure reason)
                reason := mload(add(err, 68))
            }
            // `moveRate` may take wstETH's rate under its source's floor: a failure of that asset alone
            bool rateFloor =
                asset == address(assets[RATED]) && reason == uint256(IOracleAdapter.PriceFailure.RateBelowFloor);
            assertTrue(anyBroken || synthId == 1 || rateFloor, "price unavailable while every feed works");
            return;
        }
        revert(string(abi.encodePacked("unexplained revert: ", err))); // fails the run
    }

    /// @dev Gives `to` at least `amount` of `token` from other holders (actors, then the treasury after minting
    ///      fees), never by minting out of thin air, so the supply identity stays meaningful.
    function _fund(SyntheticToken token, address to, uint256 amount) internal returns (bool) {
        uint256 have = token.balanceOf(to);
        if (have >= amount) return true;
        for (uint256 i; i < 3 && have < amount; ++i) {
            address from = actors[i];
            if (from == to) continue;
            uint256 give = token.balanceOf(from);
            if (give > amount - have) give = amount - have;
            if (give == 0) continue;
            vm.prank(from);
            token.transfer(to, give);
            have += give;
        }
        if (have < amount) {
            vault.mintFees(address(token) == address(synths[0]) ? 0 : 1);
            uint256 give = token.balanceOf(treasury);
            if (give > amount - have) give = amount - have;
            if (give != 0) {
                vm.prank(treasury);
                token.transfer(to, give);
                have += give;
            }
        }
        return have >= amount;
    }
}
