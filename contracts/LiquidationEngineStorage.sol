// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ILiquidationEngine} from "./interfaces/ILiquidationEngine.sol";
import {AuctionMath} from "./libraries/AuctionMath.sol";
import {LiquidationMath} from "./libraries/LiquidationMath.sol";

/// @title LiquidationEngineStorage
/// @notice The LiquidationEngine's bounds, storage layout and the few rules both of its code halves use: the engine
///         and its admin module (`LiquidationEngineAdmin`, run by `delegatecall` in the engine's storage) inherit
///         this one declaration, so their layouts cannot differ. Slot 0 is `AccessManaged`'s; the reentrancy lock is
///         transient.
/// @dev Units: `[token]`, `[wad]`, `[wad USD]`, `[bps]`, `[s]` as in `ILiquidationEngine`.
abstract contract LiquidationEngineStorage is AccessManaged, ReentrancyGuardTransient {
    // ------------------------------------------------------------------------------------------------------------
    // Constants (the bounds on governance are the admin module's)
    // ------------------------------------------------------------------------------------------------------------

    /// @notice [bps] Extra collateral seized beyond debt + penalty at oracle prices (`LiquidationMath`), so the lot
    ///         still covers the tab when takers buy at a discount: down to 1/1.05 (95%) of the oracle price. What is
    ///         left once the tab is covered goes back to the owner as a claim.
    uint256 public constant SEIZE_MARGIN_BPS = LiquidationMath.SEIZE_MARGIN_BPS;
    /// @notice What a covering take fetches beyond the tab goes to the owner when it is at least the auction's dust
    ///         divided by this (a millionth of the minimum debt), and otherwise with the penalty to the Treasury.
    uint256 public constant OWNER_EXCESS_DIVISOR = 1_000_000;
    uint256 internal constant WAD = 1e18;
    uint256 internal constant BPS = 1e4;

    // ------------------------------------------------------------------------------------------------------------
    // Storage
    // ------------------------------------------------------------------------------------------------------------

    /// @dev One slot, read together by every liquidation: the liquidation parameters and the global cap.
    struct Limits {
        uint64 targetHealth; // [wad] <= MAX_TARGET_HEALTH
        uint64 fullLiquidationHealth; // [wad] <= 1e18
        uint128 globalCap; // [wad USD] <= MAX_CAP < 2^100
    }

    Limits internal _limits;
    ILiquidationEngine.AuctionParams internal _auctionParams;
    mapping(uint256 synthId => ILiquidationEngine.KeeperParams) internal _keeperParams;

    mapping(address owner => mapping(address asset => uint256)) internal _claimable; // [token]
    mapping(address asset => uint256) internal _totalClaimable; // [token] sum of `_claimable` over owners
    mapping(address keeper => mapping(uint256 synthId => uint256)) internal _keeperPayOwed; // [wad]

    /// @dev One slot: the debt value in auction [wad USD], the next auction id, the number of live auctions.
    struct Counters {
        uint128 globalDirt;
        uint64 nextAuctionId;
        uint64 live;
    }

    /// @dev One slot per asset: its cap and the debt value attributed to its live auctions [wad USD].
    struct AssetLimit {
        uint128 cap;
        uint128 dirt;
    }

    /// @dev A synthetic's token (never changes) and its minimum debt as of the latest liquidation in it, which is the
    ///      dust of its auctions. Refreshed by every liquidation.
    struct SynthCache {
        IERC20 token;
        uint96 minDebt; // [wad]
    }

    /// @dev One auction, three slots. Its start price and floor follow from `market` and the auction rules; its dirt
    ///      equals its debt for a USD synthetic (debt value = debt) and is kept in `_dirtOf` otherwise.
    struct StoredAuction {
        // slot 0
        address asset;
        uint8 synthId;
        uint8 decimals;
        uint40 startTime; // [s]
        uint40 positionId; // Vault ids count up from 1: 2^40 is out of reach
        // slot 1
        uint128 lot; // [token] <= a Vault lane, a 128-bit field
        uint128 tab; // [wad]
        // slot 2
        uint128 market; // [wad] oracle price at the (re)start, synthetic per whole token
        uint120 debt; // [wad] a position's debt may outgrow the ceiling (< 2^96) through interest
        bool separateDirt; // the synthetic has a price asset: dirt is in `_dirtOf`
    }

    Counters internal _counters;
    mapping(address asset => AssetLimit) internal _assetLimits;
    mapping(uint256 synthId => SynthCache) internal _synthCache;
    mapping(uint256 auctionId => StoredAuction) internal _auctions;
    mapping(uint256 auctionId => uint256) internal _dirtOf; // [wad USD] auctions of priced synthetics only

    /// @return [wad USD] The dirt of auction `auctionId` (its debt for a USD synthetic).
    function _dirt(uint256 auctionId, StoredAuction memory a) internal view returns (uint256) {
        return a.separateDirt ? _dirtOf[auctionId] : a.debt;
    }

    /// @return [wad] Price at `elapsed` [s] of an auction started at `top` [wad], under the rules `p`.
    function _price(
        uint256 top,
        uint256 elapsed,
        ILiquidationEngine.AuctionParams memory p
    ) internal pure returns (uint256) {
        return
            AuctionMath.price(top, elapsed, p.curve == ILiquidationEngine.Curve.Linear, p.duration, p.step, p.cutBps);
    }
}
