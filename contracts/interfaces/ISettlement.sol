// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "./IVault.sol";
import {IBallastErrors} from "./IBallastErrors.sol";

/// @title ISettlement
/// @notice Emergency shutdown and global settlement: the claim on the reserves that every synthetic unit carries.
///
///         1. Shutdown — by governance (`shutdown`), or by anyone (`trigger`) once the system has stayed under-backed
///            (backing below `triggerBackingBps`, measured through the `Backing` library as `IReserveLens` reports it)
///            for at least `triggerDelay`, as recorded by `poke`. A stretch ends only when pokes have found the system
///            backed for `triggerDelay` with no under-backed poke in between, so a reading inflated for one
///            transaction (flash-lent collateral parked in a debt-free position, a debt repaid with flash-minted
///            units) cannot restart the clock; a recovery that does not last that long leaves the stretch's start
///            where it was. No reading is taken in the middle of an operation (a take's callback, a token hook inside
///            a Vault or engine call, a synthetic's flash loan): `poke` and `trigger` revert `Backing.SystemBusy`
///            there, so half-moved state can neither start, prolong nor end a stretch, nor fire the trigger. An asset
///            nobody holds never blocks a reading, whatever its oracle does; governance may retire a frozen asset
///            whose feed died (`retireAsset`) so that it counts at 0 instead of blocking.
///            The Vault then refuses new positions, new debt, debt-backed withdrawals and new liquidations, and stops
///            interest at the shutdown time;
///            deposit, repay, close and debt-free withdrawals keep working. Prices are frozen at the oracle's guarded
///            values of the shutdown block; an asset whose price failed then is frozen later by `freezePrice` (its
///            first good price), or by governance after `PRICE_FALLBACK_DELAY`.
///         2. Positions — anyone calls `settlePosition(id)`: the Vault clears the debt and hands over the basket; the
///            part worth the debt at the frozen prices (taken pro rata by value from every asset, rounded up) goes to
///            the synthetic's pool, the rest becomes the owner's claim (`claim`). An under-water position's whole
///            basket goes to the pool.
///            Live auctions are ended the same way by `settleAuction`: the lot against the debt still owed, the
///            penalty waived, the rest back to the liquidated owner. A stability module is ended by `settleModule`:
///            its debt is released and all its reserves join the synthetic's pool (they answer for its units only).
///         3. Finalize — once a synthetic has no position debt, no debt in auction and no module debt,
///            `finalize(synthId)` opens redemption.
///         4. Redeem — a holder hands in synthetic units and receives, of every asset in the pool, the share
///            `amount / outstanding`, where outstanding = supply − units already handed in − the treasury's balance
///            (the treasury's surplus is the protocol's own equity and is given up to holders). Rounded down; the
///            redemption that hands in the last outstanding unit receives everything left, so no collateral is left
///            behind. Units handed in stay in this contract forever, so nobody redeems twice. When no unit is
///            outstanding although the pool holds collateral (the treasury held every unit left, so nobody can
///            redeem), governance directs the pool (`sweepPool`): it is the protocol's own.
/// @dev Units: `[token]` the asset's decimals, `[wad]` 18 decimals, `[bps]` 1e4 = 100%.
interface ISettlement is IBallastErrors {
    error AlreadyFinalized(uint256 synthId);
    error NotFinalized(uint256 synthId);
    error PriceNotFrozen(address asset);
    error PriceAlreadyFrozen(address asset, uint256 price);
    error FallbackTooEarly(uint256 now_, uint256 allowedAt);
    error OutstandingDebt(uint256 synthId, uint256 positionDebt, uint256 auctionDebt);
    /// @notice Synthetic `synthId`'s stability modules still carry `moduleDebt` [wad]: settle them first.
    error ModuleDebtOutstanding(uint256 synthId, uint256 moduleDebt);
    error NotUnderBacked(uint256 backingBps, uint256 triggerBackingBps);
    /// @notice The price of `asset` (a synthetic's price asset, or a collateral asset somebody holds that is not
    ///         retired) is unavailable: the system is never judged at a failed price.
    error BackingIncomplete(address asset);
    /// @notice `retireAsset` needs the asset frozen in the Vault first (no new deposits).
    error AssetNotFrozen(address asset);
    /// @notice `retireAsset` on an asset still held (`exposure` [token]) whose price works: it counts as it is.
    error AssetStillHeld(address asset, uint256 exposure);
    error TriggerTooEarly(uint256 underSince, uint256 allowedAt);
    error InvalidTriggerParams(uint256 backingBps, uint256 delay);
    error ExceedsOutstanding(uint256 amount, uint256 outstanding);
    /// @notice `sweepPool` while `outstanding` [wad] units outside the treasury may still redeem the pool.
    error UnitsOutstanding(uint256 synthId, uint256 outstanding);

    /// @param by governance or the permissionless trigger (`msg.sender` either way)
    event Shutdown(address indexed by, uint256 at, bool triggered);
    /// @param price [wad]
    event PriceFrozen(address indexed asset, uint256 price);
    /// @param backingBps [bps] measured; @param underSince [s] start of the under-backed stretch, 0 when healthy
    event Poked(uint256 backingBps, uint256 underSince);
    /// @param debt [wad]
    /// @param toPool [token] per asset
    /// @param toOwner [token] per asset
    event PositionSettled(
        uint256 indexed id,
        uint256 indexed synthId,
        address indexed owner,
        uint256 debt,
        address[] assets,
        uint256[] toPool,
        uint256[] toOwner
    );
    /// @param debt [wad] debt part of the auction's tab; @param toPool [token] @param toOwner [token]
    event AuctionSettled(
        uint256 indexed auctionId,
        uint256 indexed positionId,
        uint256 synthId,
        address indexed owner,
        uint256 debt,
        address asset,
        uint256 toPool,
        uint256 toOwner
    );
    /// @param debt [wad] the module's debt released; @param amount [token] its reserves, all pooled
    event ModuleSettled(
        address indexed module,
        uint256 indexed synthId,
        uint256 debt,
        address indexed reserve,
        uint256 amount
    );
    event Claimed(address indexed owner, address indexed asset, address to, uint256 amount);
    event Finalized(uint256 indexed synthId);
    /// @param amount [wad] units handed in
    /// @param outstanding [wad] before this redemption
    /// @param paid [token]
    event Redeemed(
        uint256 indexed synthId,
        address indexed holder,
        address to,
        uint256 amount,
        uint256 outstanding,
        address[] assets,
        uint256[] paid
    );
    /// @notice A redemption's (or a sweep's) share of `asset` that could not be sent to `to` (the token refused the
    ///         transfer) and was credited to `holder`'s claim instead (the redeemer, or the sweep's recipient).
    ///         @param amount [token]
    event RedemptionCredited(uint256 indexed synthId, address indexed holder, address indexed asset, uint256 amount);
    /// @notice Governance moved a finalized pool that no holder could redeem (every unit left is the treasury's).
    /// @param amounts [token] of each asset, sent to `to` or credited to its claim
    event PoolSwept(uint256 indexed synthId, address indexed to, address[] assets, uint256[] amounts);
    event TriggerParamsSet(uint256 backingBps, uint256 delay);
    /// @param exposure [token] of `asset` held when it was retired
    event AssetRetired(address indexed asset, uint256 exposure);

    /// @notice Governance shutdown (AccessManager; the longest delay).
    function shutdown() external;

    /// @notice Records whether the system is under-backed now: starts an under-backed stretch, or starts, cancels or
    ///         completes a recovery (see step 1 above). Anyone.
    /// @return backingBps [bps] the system backing measured.
    function poke() external returns (uint256 backingBps);

    /// @notice Shuts down when the system is under-backed now and has been since a poke at least `triggerDelay` ago.
    function trigger() external;

    /// @notice Freezes `asset`'s price at the oracle's current guarded price, if shutdown froze none; a written-down
    ///         asset freezes at 0 (`frozenAtZero`). Anyone. Reverts the oracle's `PriceUnavailable` on any other failure.
    function freezePrice(address asset) external;

    /// @notice Governance fallback for a price that could not be frozen within PRICE_FALLBACK_DELAY of shutdown.
    function setFallbackPrice(address asset, uint256 price) external;

    /// @notice Settles position `id` (see the contract doc, step 2). Anyone.
    function settlePosition(uint256 id) external;

    /// @notice After shutdown, ends live auction `auctionId`: the engine hands over its lot and the debt part of its
    ///         tab (the penalty is waived), and the lot is split like a position's basket (step 2), the rest going to
    ///         the liquidated position's owner. Anyone.
    function settleAuction(uint256 auctionId) external;

    /// @notice After shutdown, ends stability module `module`: the Vault releases its debt and the module sends all
    ///         its reserves here, into the synthetic's pool; a reserve worth less than the debt at the frozen prices
    ///         adds to the recorded shortfall. Anyone; needs the reserve's frozen price while the module has debt.
    function settleModule(address module) external;

    /// @notice Sends the caller's claim on `asset` to `to`.
    /// @return amount [token]
    function claim(address asset, address to) external returns (uint256 amount);

    /// @notice Opens redemption of `synthId` (see step 3). Anyone.
    function finalize(uint256 synthId) external;

    /// @notice Hands in `amount` [wad] of synthetic `synthId` from the caller and sends its share of the pool to `to`.
    ///         A share the asset's token refuses to send (paused, or `to` or the Settlement blocklisted) is credited to
    ///         the caller's claim instead (`RedemptionCredited`, then `claim`), so one refusing token never holds back
    ///         the others.
    /// @return assets The pool's assets.
    /// @return paid [token] Due of each: sent to `to`, or credited to the caller's claim.
    function redeem(
        uint256 synthId,
        uint256 amount,
        address to
    ) external returns (address[] memory assets, uint256[] memory paid);

    /// @notice Moves the whole pool of finalized synthetic `synthId` to `to`, once no unit is outstanding (see step
    ///         4: every unit left is the treasury's, so no holder can redeem the pool any more). Governance
    ///         (AccessManager, the risk-parameter delay). A share the asset's token refuses to send is credited to
    ///         `to`'s claim (`RedemptionCredited`, then `claim`). Reverts `NotFinalized`, `ZeroAddress`, or
    ///         `UnitsOutstanding` while any holder outside the treasury could still redeem.
    /// @return assets The pool's assets.
    /// @return swept [token] Of each, sent to `to` or credited to its claim.
    function sweepPool(uint256 synthId, address to) external returns (address[] memory assets, uint256[] memory swept);

    /// @notice Retires `asset` from the trigger's backing measure: from now on, while its price is unavailable, it
    ///         counts at 0 instead of stopping every `poke` with `BackingIncomplete` (an asset without exposure never
    ///         stops it anyway). Governance (AccessManager, the risk-parameter delay); one-way. Bounded: the asset
    ///         must be frozen in the Vault (no new deposits, so what is held only shrinks) and either held by nobody or
    ///         without a price now; a priced asset keeps counting at its price, so retiring it never understates
    ///         a working asset. It moves no token and changes no position.
    function retireAsset(address asset) external;

    /// @notice Sets the permissionless trigger: backing below `backingBps` [bps] for `delay` [s]. Governance.
    function setTriggerParams(uint256 backingBps, uint256 delay) external;

    function vault() external view returns (IVault);

    /// @notice Whether `asset` was retired from the backing measure (see `retireAsset`).
    function retired(address asset) external view returns (bool);

    /// @notice [wad] Frozen price of `asset` (a collateral asset or a synthetic's price asset); 0 if not frozen, or
    ///         frozen written down (`frozenAtZero`).
    function frozenPrice(address asset) external view returns (uint256);

    /// @notice Whether `asset` was frozen written down: it settles at a price of 0.
    function frozenAtZero(address asset) external view returns (bool);

    /// @notice [token] Of `asset` in synthetic `synthId`'s pool, not yet redeemed.
    function pool(uint256 synthId, address asset) external view returns (uint256);

    /// @notice [token] Of `asset` that `owner` may claim.
    function claimable(address owner, address asset) external view returns (uint256);

    /// @notice [wad] Units of `synthId` that may still be redeemed (see step 4).
    function outstanding(uint256 synthId) external view returns (uint256);

    /// @notice Whether `synthId` is open for redemption.
    function finalized(uint256 synthId) external view returns (bool);

    /// @notice [wad] Debt cleared by settled positions, per synthetic; [wad] value by which under-water positions fell
    ///         short of their debt at the frozen prices.
    function settledDebt(uint256 synthId) external view returns (uint256 debt, uint256 shortfallValue);

    /// @notice [s] Start of the current under-backed stretch (0 when there is none: never under-backed, or a
    ///         recovery held for `triggerDelay`).
    function underSince() external view returns (uint256);

    /// @notice [s] First poke of the recovery in progress that found the system backed during an under-backed
    ///         stretch (0 when none is in progress). An under-backed poke clears it.
    function backedSince() external view returns (uint256);

    function triggerBackingBps() external view returns (uint256);

    function triggerDelay() external view returns (uint256);
}
