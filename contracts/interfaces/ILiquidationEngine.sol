// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "./IVault.sol";
import {ITreasury} from "./ITreasury.sol";
import {IBallastErrors} from "./IBallastErrors.sol";

/// @title ILiquidationEngine
/// @notice Starts liquidations of positions below their liquidation limit and sells the seized collateral in Dutch
///         auctions, one auction per seized asset.
///
///         Liquidation (`liquidate`, anyone): the engine values the position once (`VaultReader.liquidationState`,
///         from the Vault's ledger): an asset whose price has failed (any oracle failure) counts at 0 and
///         is never seized, so nothing is sold at a failed price and a broken dust asset does not block the rest. The
///         position must be below its liquidation limit so valued. It cannot be liquidated at all (the oracle's
///         `PriceUnavailable`) when the synthetic's own price fails or when no asset of a non-empty basket has a
///         price; repay and deposit keep working because they never touch the engine. Valuing a failed asset at 0 is
///         the conservative side for the system; its cost is that an outage on a large share of a basket can make a
///         position liquidatable that is healthy at its last good prices (the owner can deposit at any time).
///         The engine takes just enough debt to bring the position back to `targetHealth`, in closed form, and seizes
///         the same fraction of every priced basket asset (pro rata by value, the fair rule: no asset is preferred,
///         the basket's mix is unchanged), sized so the seized value at oracle prices covers the debt taken plus the
///         penalty (the value-weighted average of the assets' `liqPenaltyBps`) plus a `SEIZE_MARGIN_BPS` margin (5%),
///         capped at the whole priced basket: the lot still covers the tab when takers buy down to 1/1.05 of the oracle
///         price, and what is left returns to the owner as a claim. The health right after a partial liquidation is
///         the target, within [target - one smallest unit of each seized asset per unit of debt value, target * (1 +
///         1e-6)] (seized amounts round up), or higher when the amount was raised to one `minDebt`; the margin never
///         returns into the position, so it stays there when its auction settles. It liquidates fully instead when
///         the position's health is below `fullLiquidationHealth`, when no partial amount can reach the target, or
///         when the debt left would be below the synthetic's `minDebt`. A partial liquidation takes at least
///         `minDebt`, so the penalty of any liquidation is at least `minDebt * penalty`. When part of the basket has no
///         price, the debt taken is also capped at what the priced lot covers with penalty and margin (reverting
///         `PricedLotTooSmall` below one `minDebt`), so no debt is written off while unpriced collateral stays.
///
///         Caps: the USD value (at start) of the debt in auction is capped globally and per collateral asset (a
///         multi-asset liquidation attributes its debt to each asset pro rata by value). A liquidation that would
///         exceed a cap is cut down to the room left; it reverts (`AuctionCapReached`) only when no amount fits:
///         the room is below one `minDebt`, or what it allows would leave the position less than one `minDebt`
///         (the debt the room allows is then cut to `debt - minDebt`, which may itself be below one `minDebt`). The debt in auction ("dirt") falls as takes burn debt and when auctions end.
///
///         Auctions: price [wad] = synthetic per whole collateral token. It starts at the oracle price times
///         (1 + `startBufferBps`) and decays along the configured curve: `Linear` (to zero at `duration`) or
///         `StepExponential` (`top * cut^floor(elapsed / step)`). Each auction also stores a floor, `resetBelowBps` of
///         the oracle price at start: once the price is below the floor or the auction has run longer than
///         `maxDuration`, `take` refuses and the auction must be `reset` at a fresh oracle price. So no collateral is
///         ever sold below `resetBelowBps` of the market price at the last (re)start: an auction never settles for
///         nothing. `reset` is also allowed when the price is below `resetBelowBps` of the current oracle price.
///
///         Dust rule (`take`): a take either ends the auction (it covers the whole remaining tab, or it buys the whole
///         remaining lot) or it leaves both a remaining tab and a remaining lot value (at the current price) of at
///         least the auction's `dust` (the synthetic's `minDebt` when the auction started). Otherwise it reverts with
///         `TakeLeavesDust`: take everything or leave more.
///
///         Proceeds: the debt part of what a taker pays is burned first (`vault.settleAuctionDebt(synthId, burned,
///         0)`), then the penalty part goes to the treasury (`recordAuction`). When the tab is covered, the collateral
///         left goes to the position's owner (at that time) as a claim, withdrawn with `claim`: never a push transfer.
///         A one-unit sale of a coarse token that fetches more than the tab credits the excess to the owner in the
///         synthetic, held by the engine and withdrawn with `claim(synthetic)`.
///         When the lot runs out first, the debt left is bad debt (`vault.settleAuctionDebt(synthId, 0, shortfall)`,
///         then `treasury.recordAuction`); the penalty left is forgiven.
///
///         Keeper pay: on `liquidate` and `reset`, the caller earns `tip + chipBps * debt`, capped at `maxPay` and at
///         the penalty of that liquidation (the penalty left, for a reset), in the auction's synthetic. It is credited
///         (`keeperPayOwed`) and withdrawn with `claimKeeperPay`, which has the Treasury pay it (`treasury.payKeeper`:
///         from the surplus, the rest minted as visible deficit): no token moves when a liquidation starts, so a
///         keeper may gather many liquidations' pay in one claim. Liquidating a healthy position reverts; liquidating one's own position costs the
///         owner the penalty, which is at least the pay, so it never profits.
/// @dev Units: `[token]` collateral in its own decimals, `[wad]` 18-decimal fixed point (synthetic amounts, USD values,
///      prices, health), `[bps]` 1e4 = 100%, `[s]` seconds. Rounding is against the liquidated position and the
///      taker: the debt taken, the seized fraction, the penalty, the tab, a taker's `owe` and the floor round up; the
///      collateral a taker receives rounds down.
///      Tokens: collateral is a plain ERC-20 listed in the Vault; synthetics are Ballast `SyntheticToken`s.
///      Trust: the Vault, its oracle and the Treasury are trusted; `take` callbacks and takers are not (every
///      token-moving entry point is `nonReentrant`, state is written before any untrusted call).
interface ILiquidationEngine is IBallastErrors {
    // ------------------------------------------------------------------------------------------------------------
    // Types
    // ------------------------------------------------------------------------------------------------------------

    /// @notice How the auction price decays from its start price.
    enum Curve {
        Linear, // top * (duration - elapsed) / duration, 0 from `duration` on
        StepExponential // top * (cutBps / 1e4) ^ floor(elapsed / step)
    }

    /// @notice Names a governance parameter in `InvalidParam`.
    enum Param {
        TargetHealth,
        FullLiquidationHealth,
        StartBufferBps,
        ResetBelowBps,
        Duration,
        Step,
        CutBps,
        MaxDuration,
        Tip,
        ChipBps,
        MaxPay,
        SynthId,
        GlobalCap,
        AssetCap,
        Asset
    }

    /// @notice How much of a position a liquidation takes.
    /// @param targetHealth [wad] Health a partial liquidation restores, in (1e18, 2e18].
    /// @param fullLiquidationHealth [wad] Below this health the whole position is liquidated, in [0.5e18, 1e18].
    struct LiquidationParams {
        uint64 targetHealth;
        uint64 fullLiquidationHealth;
    }

    /// @notice Auction price rules (apply to live auctions too).
    /// @param startBufferBps [bps] Start price above the oracle price, at most MAX_START_BUFFER_BPS.
    /// @param resetBelowBps [bps] The floor: share of the oracle price below which an auction must be reset, in
    ///        [MIN_RESET_BELOW_BPS, MAX_RESET_BELOW_BPS].
    /// @param curve The decay curve.
    /// @param duration [s] Linear: time for the price to reach zero (the floor stops it earlier).
    /// @param step [s] StepExponential: length of one step.
    /// @param cutBps [bps] StepExponential: price kept per step, in [MIN_CUT_BPS, MAX_CUT_BPS].
    /// @param maxDuration [s] Age beyond which an auction must be reset. The curve must reach the oracle price
    ///        within it (price(maxDuration) <= the oracle price), or an auction could expire without ever being
    ///        offered at the market.
    struct AuctionParams {
        uint16 startBufferBps;
        uint16 resetBelowBps;
        Curve curve;
        uint32 duration;
        uint32 step;
        uint16 cutBps;
        uint32 maxDuration;
    }

    /// @notice Keeper pay of one synthetic, in its units.
    /// @param tip [wad] Flat pay per liquidation or reset, at most MAX_TIP and at most `maxPay`.
    /// @param chipBps [bps] Share of the debt liquidated (or left in auction, for a reset), at most MAX_CHIP_BPS.
    /// @param maxPay [wad] Most one call pays, at most MAX_KEEPER_PAY.
    struct KeeperParams {
        uint96 tip;
        uint16 chipBps;
        uint96 maxPay;
    }

    /// @notice One live auction (`auction(id)`). Stored in three slots; `top`, `floor`, `dirt` and `dust` are derived.
    /// @param asset Collateral sold. @param synthId Synthetic paid. @param startTime [s] Start or last reset.
    /// @param decimals The collateral's decimals. @param positionId The liquidated position (its owner gets leftovers).
    /// @param lot [token] Collateral left. @param tab [wad] Synthetic still owed: debt part + penalty part.
    /// @param debt [wad] Debt part of `tab` still to burn (paid first). @param dirt [wad] USD value at start of the
    ///        debt still in auction (counts against the caps; equal to `debt` for a USD synthetic).
    /// @param market [wad] Oracle price at the (re)start, synthetic per whole token.
    /// @param top [wad] Start price: `market * (1 + startBufferBps)`, rounded up. @param floor [wad] Lowest price a
    ///        take may use: `market * resetBelowBps`, rounded up (both under the current auction rules).
    /// @param dust [wad] A partial take must leave at least this much tab and lot value: the synthetic's `minDebt`
    ///        as of the latest liquidation in that synthetic.
    struct Auction {
        address asset;
        uint8 synthId;
        uint40 startTime;
        uint8 decimals;
        uint40 positionId;
        uint128 lot;
        uint128 tab;
        uint120 debt;
        uint128 dirt;
        uint128 market;
        uint128 top;
        uint128 floor;
        uint128 dust;
    }

    /// @notice What `liquidate(positionId)` would do now.
    /// @param debt [wad] Synthetic debt taken into auction. @param penalty [wad] Penalty added to the tab.
    /// @param debtValue [wad] USD value of `debt`. @param full Whether the whole debt is taken.
    /// @param capped Whether a cap, or collateral that cannot be seized now, cut the amount down.
    /// @param keeperPay [wad] What the caller would be paid.
    /// @param lots [token] Seized of each basket asset (in the valuation's basket order, asset ids rising; 0: not seized).
    /// @param covers [wad USD] Debt value each lot carries: the debt, tab and dirt are split over the auctions in
    ///        these proportions.
    struct LiquidationPlan {
        uint256 debt;
        uint256 penalty;
        uint256 debtValue;
        bool full;
        bool capped;
        uint256 keeperPay;
        uint256[] lots;
        uint256[] covers;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------------------------

    /// @notice The position is at or above its liquidation limit (`health` [wad] >= 1e18).
    error PositionHealthy(uint256 positionId, uint256 health);
    /// @notice No auction room: `room` [wad USD] left under the caps is below `minRoom` [wad USD] (one minDebt).
    error AuctionCapReached(uint256 positionId, uint256 room, uint256 minRoom);
    /// @notice Some of the basket has no price, and the priced part covers (with penalty and margin) only `cover`
    ///         [wad USD] of debt value, less than `minRoom` [wad USD] (one minDebt): nothing can be liquidated now.
    error PricedLotTooSmall(uint256 positionId, uint256 cover, uint256 minRoom);
    /// @notice The auction does not exist or has ended.
    error AuctionNotFound(uint256 auctionId);
    /// @notice The auction must be reset before anyone can take from it.
    error AuctionNeedsReset(uint256 auctionId, uint256 price, uint256 floor, uint256 elapsed);
    /// @notice `reset` on an auction that is neither too old nor too cheap.
    error AuctionNotResettable(uint256 auctionId, uint256 price, uint256 elapsed);
    /// @notice The current price is above the taker's limit.
    error PriceAboveMax(uint256 auctionId, uint256 price, uint256 maxPrice);
    /// @notice A partial take would leave a tab or lot value below the auction's dust.
    error TakeLeavesDust(uint256 auctionId, uint256 tabLeft, uint256 lotValueLeft, uint256 dust);
    /// @notice A take of zero collateral that would not end the auction.
    error ZeroTake(uint256 auctionId);
    /// @notice Nothing to claim.
    error NothingToClaim(address owner, address asset);
    /// @notice `keeper` is owed no pay in synthetic `synthId`.
    error NoKeeperPay(address keeper, uint256 synthId);
    /// @notice A governance parameter outside its hard-coded bounds; `field` names it.
    error InvalidParam(Param field, uint256 value);

    // ------------------------------------------------------------------------------------------------------------
    // Events
    // ------------------------------------------------------------------------------------------------------------

    /// @notice Position `positionId` was liquidated by `keeper`: `debt` [wad] (plus `penalty` [wad]) moved into
    ///         auction, `debtValue` [wad USD] added to the dirt, `keeperPay` [wad] credited to the keeper. The lots are
    ///         in the `AuctionStarted` events (and the Vault's `Seized`); `firstAuctionId` is the first of them.
    event LiquidationStarted(
        uint256 indexed positionId,
        uint256 indexed synthId,
        address indexed keeper,
        uint256 debt,
        uint256 penalty,
        uint256 debtValue,
        bool full,
        uint256 keeperPay,
        uint256 firstAuctionId
    );
    /// @notice Auction `auctionId` started: `lot` [token] of `asset` for `tab` [wad] (of which `debt` [wad]), price
    ///         from `top` [wad] with floor `floor` [wad].
    event AuctionStarted(
        uint256 indexed auctionId,
        uint256 indexed positionId,
        address indexed asset,
        uint256 lot,
        uint256 tab,
        uint256 debt,
        uint256 top,
        uint256 floor
    );
    /// @notice `taker` bought `collateral` [token] for `owe` [wad] at `price` [wad], sent to `receiver`; `burned` [wad]
    ///         of it was burned and `penalty` [wad] went to the treasury. `tabLeft` [wad], `lotLeft` [token] remain.
    event Take(
        uint256 indexed auctionId,
        address indexed taker,
        address indexed receiver,
        uint256 collateral,
        uint256 owe,
        uint256 price,
        uint256 burned,
        uint256 penalty,
        uint256 tabLeft,
        uint256 lotLeft
    );
    /// @notice Auction `auctionId` was restarted by `keeper` at `top` [wad] with floor `floor` [wad]; `keeperPay` [wad].
    event AuctionReset(
        uint256 indexed auctionId,
        address indexed keeper,
        uint256 top,
        uint256 floor,
        uint256 keeperPay
    );
    /// @notice Auction `auctionId` ended: `leftover` [token] credited to `owner`, `badDebt` [wad] written off.
    event AuctionEnded(uint256 indexed auctionId, address indexed owner, uint256 leftover, uint256 badDebt);
    /// @notice `amount` [wad] of synthetic `synthId` auction debt was written off as bad debt (auction `auctionId`).
    event BadDebtWrittenOff(uint256 indexed auctionId, uint256 indexed synthId, uint256 amount);
    /// @notice `keeper` withdrew `amount` [wad] of keeper pay in synthetic `synthId` to `to`.
    event KeeperPayClaimed(address indexed keeper, uint256 indexed synthId, address indexed to, uint256 amount);
    /// @notice After shutdown, auction `auctionId` was handed to `settlement`.
    /// @param lot [token] sent to `settlement`; @param debt [wad] debt part of the tab handed over with it
    event AuctionReleased(uint256 indexed auctionId, address indexed settlement, uint256 lot, uint256 debt);
    /// @notice `owner` withdrew `amount` [token] of `asset` (leftover collateral, or synthetic a coarse sale fetched
    ///         beyond the tab) to `to`.
    event LeftoverClaimed(address indexed owner, address indexed asset, address indexed to, uint256 amount);

    event LiquidationParamsSet(LiquidationParams params);
    event AuctionParamsSet(AuctionParams params);
    event KeeperParamsSet(uint256 indexed synthId, KeeperParams params);
    /// @param cap [wad USD]
    event GlobalCapSet(uint256 cap);
    /// @param cap [wad USD]
    event AssetCapSet(address indexed asset, uint256 cap);

    // ------------------------------------------------------------------------------------------------------------
    // Liquidation
    // ------------------------------------------------------------------------------------------------------------

    /// @notice Liquidates position `positionId` (partially or fully, see the contract doc), starts one auction per
    ///         basket asset and pays the caller. Anyone may call.
    /// @dev Reverts: PositionHealthy; the oracle's PriceUnavailable (any basket asset or the synthetic's price);
    ///      PositionNotFound (Vault); AuctionCapReached. A position with no collateral left has its whole debt
    ///      written off as bad debt at once.
    /// @return firstAuctionId Id of the first auction started (ids are consecutive, one per basket asset; 0 when
    ///         the basket was empty). @return debt [wad] Debt taken into auction.
    function liquidate(uint256 positionId) external returns (uint256 firstAuctionId, uint256 debt);

    /// @notice Buys up to `maxCollateral` [token] of auction `auctionId`'s lot at the current price if it is at most
    ///         `maxPrice` [wad]. Sends the collateral to `receiver`; if `data` is non-empty calls
    ///         `IBallastTakeCallback(receiver).onTake(msg.sender, collateral, owe, data)`; then pulls `owe` [wad] of
    ///         the synthetic from the caller (approve the engine). A take asking for more than the tab needs buys just
    ///         what covers the tab (collateral rounded down); a take never receives more than `maxCollateral` or the
    ///         lot, and one whose `owe` rounds up to the tab pays the tab. When one smallest unit of the collateral is
    ///         worth more than the whole tab (a coarse token, e.g. 0 decimals), the take buys one unit at the price
    ///         (`owe` = price per unit, rounded up, above the tab): the tab is covered and the rest of `owe` is
    ///         credited to the owner in the synthetic (`claimable(owner, synthetic)`), so such a lot still sells.
    /// @dev Reverts: AuctionNotFound, AuctionNeedsReset, PriceAboveMax, TakeLeavesDust, ZeroTake.
    /// @return collateral [token] Bought. @return owe [wad] Paid.
    function take(
        uint256 auctionId,
        uint256 maxCollateral,
        uint256 maxPrice,
        address receiver,
        bytes calldata data
    ) external returns (uint256 collateral, uint256 owe);

    /// @notice Restarts auction `auctionId` at a fresh oracle price when it is older than `maxDuration`, below its
    ///         floor, or below `resetBelowBps` of the current oracle price; pays the caller. Anyone may call.
    /// @dev Reverts: AuctionNotFound, AuctionNotResettable, the oracle's PriceUnavailable.
    function reset(uint256 auctionId) external;

    /// @notice After the Vault's shutdown: ends live auction `auctionId`, sends its lot to the caller (the
    ///         settlement) and hands the debt part of its tab over with it (the penalty is waived). Settlement only
    ///         (AccessManager).
    /// @return positionId The liquidated position.
    /// @return synthId Its synthetic.
    /// @return asset The lot's asset.
    /// @return lot [token] Sent.
    /// @return debt [wad] Debt the auction still owed.
    function releaseAuction(
        uint256 auctionId
    ) external returns (uint256 positionId, uint256 synthId, address asset, uint256 lot, uint256 debt);

    /// @notice Has the Treasury pay the caller's whole keeper pay in synthetic `synthId` (`keeperPayOwed`) to `to`:
    ///         from its surplus, the rest minted unbacked and booked as deficit (see `ITreasury.payKeeper`).
    /// @dev Reverts: ZeroAddress, NoKeeperPay. @return amount [wad] Paid.
    function claimKeeperPay(uint256 synthId, address to) external returns (uint256 amount);

    /// @notice Sends the caller's whole claim of `asset` (leftover collateral of their auctions) to the caller.
    /// @return amount [token]
    function claim(address asset) external returns (uint256 amount);

    /// @notice Sends the caller's whole claim of `asset` to `to` (for an owner the token blocks).
    /// @return amount [token]
    function claim(address asset, address to) external returns (uint256 amount);

    // ------------------------------------------------------------------------------------------------------------
    // Governance (AccessManager, `restricted`)
    // ------------------------------------------------------------------------------------------------------------
    // The caller is checked by the engine; the code runs in its admin module (`admin()`), whose public constants
    // (MAX_CAP, MAX_TIP, MAX_START_BUFFER_BPS, ...) are the bounds named below.

    /// @notice Sets the partial-liquidation rule. Bounds: targetHealth in (1e18, 2e18], fullLiquidationHealth in
    ///         [0.5e18, 1e18].
    function setLiquidationParams(LiquidationParams calldata params) external;

    /// @notice Sets the auction rules (they apply to live auctions as well). Bounds: see the admin module's constants.
    function setAuctionParams(AuctionParams calldata params) external;

    /// @notice Sets keeper pay for synthetic `synthId`. Bounds: tip <= maxPay <= MAX_KEEPER_PAY, tip <= MAX_TIP,
    ///         chipBps <= MAX_CHIP_BPS.
    function setKeeperParams(uint256 synthId, KeeperParams calldata params) external;

    /// @notice Sets the most debt value [wad USD] in auction at once, all assets together (at most MAX_CAP).
    function setGlobalCap(uint256 cap) external;

    /// @notice Sets the most debt value [wad USD] in auction at once against `asset` (at most MAX_CAP). An asset
    ///         without a cap cannot be liquidated: set one when listing it.
    function setAssetCap(address asset, uint256 cap) external;

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @notice The Vault (immutable).
    function vault() external view returns (IVault);

    /// @notice The admin module (`LiquidationEngineAdmin`, created by the constructor, immutable): the governance
    ///         entry points check their caller here and run its code by `delegatecall` in this engine's storage. Its
    ///         public constants are the hard-coded bounds on governance (`MAX_CAP`, `MAX_TIP`, ...).
    function admin() external view returns (address);

    /// @notice Whether a call into the engine is in progress (its reentrancy lock is held): a reader of the system's
    ///         totals called back from inside a take (its callback, a token hook) sees a lot gone and its payment not
    ///         yet made.
    function reentrancyGuardEntered() external view returns (bool);

    /// @notice The Treasury paid penalties and asked for keeper pay: always the Vault's current `treasury()`, so the
    ///         two can never disagree (the Treasury, in turn, trusts only the Vault's `liquidationEngine()`).
    function treasury() external view returns (ITreasury);

    function liquidationParams() external view returns (LiquidationParams memory);

    function auctionParams() external view returns (AuctionParams memory);

    function keeperParams(uint256 synthId) external view returns (KeeperParams memory);

    /// @notice [wad USD] Global cap and the debt value now in auction.
    function globalCap() external view returns (uint256);

    function globalDirt() external view returns (uint256);

    /// @notice The id the next auction will get (ids start at 1).
    function nextAuctionId() external view returns (uint256);

    /// @notice [wad USD] Cap and debt value now in auction against `asset`.
    function assetCap(address asset) external view returns (uint256);

    function assetDirt(address asset) external view returns (uint256);

    /// @notice [wad] Keeper pay in synthetic `synthId` that `keeper` has earned and not claimed yet.
    function keeperPayOwed(address keeper, uint256 synthId) external view returns (uint256);

    /// @notice [token] Collateral of `asset` that `owner` may claim.
    function claimable(address owner, address asset) external view returns (uint256);

    /// @notice [token] Collateral of `asset` that all owners together may claim: the engine's balance of `asset` is at
    ///         least this plus the lots of its live auctions. Proof of reserves leaves it out of the backing.
    function totalClaimable(address asset) external view returns (uint256);

    /// @notice What `liquidate(positionId)` would do now (reverts as `liquidate` would, keeper pay for any caller).
    function previewLiquidation(uint256 positionId) external view returns (LiquidationPlan memory);

    /// @notice Auction `auctionId` as stored (all zero once it has ended).
    function auction(uint256 auctionId) external view returns (Auction memory);

    /// @notice Current price [wad] of auction `auctionId` and whether it needs a reset (reads the oracle with
    ///         `tryGetPrice`: a failed oracle only drops the oracle-based reset condition).
    function auctionStatus(uint256 auctionId) external view returns (uint256 price, bool needsReset);

    /// @notice Number of live auctions.
    function auctionCount() external view returns (uint256);
}
