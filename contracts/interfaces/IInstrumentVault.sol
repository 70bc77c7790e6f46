// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeedGuard} from "../libraries/FeedGuard.sol";

/// @title IInstrumentVault
/// @notice Fully backed, expiring options and binaries. A series is fixed by its underlying, strike, expiry, kind and
///         collateral asset. A writer locks the series' maximum payoff per unit and receives one long and one short
///         token per unit (ERC-6909 ids `seriesId << 1` and `seriesId << 1 | 1`); both are transferable. Before expiry a
///         long and a short together burn back into the collateral they lock. After expiry the series settles at the
///         first guarded round of the underlying's Chainlink feed at or after expiry (proven on chain by its round id
///         and the round before it), a dispute window lets the guardian correct that price within a bound, and then
///         longs and shorts redeem their payoff from the locked collateral: every unit is backed by construction, so
///         nothing is ever liquidated.
/// @dev Units. Series tokens: [wad] units, 1e18 = one contract on one whole unit of the underlying. Prices and
///      strikes: [wad] USD per whole unit of the underlying. Collateral: the collateral token's own units. A put's and
///      a binary's collateral is a quote asset governance lists as worth 1 USD per whole unit (a USD stablecoin or
///      Ballast's USD synthetic): its payoff is counted in USD and paid in quote units one for one.
///
///      Payoff per contract at settlement price P and strike K (the strike itself pays the long nothing):
///      | kind        | collateral | locked per contract | the long receives                  |
///      | Call        | underlying | 1 underlying        | (P - K) / P underlying when P > K  |
///      | Put         | quote      | K quote             | (K - P) quote when P < K           |
///      | BinaryUp    | quote      | 1 quote             | 1 quote when P > K                 |
///      | BinaryDown  | quote      | 1 quote             | 1 quote when P < K                 |
///      The short receives the rest of what is locked.
///
///      Rounding, always for the vault: a write locks the exact amount rounded up; a pair burn returns the burner's
///      share of what the series locks, rounded down; at settlement the longs' pool is the exact payoff of every unit
///      outstanding rounded down and the shorts' pool is the rest; each redemption pays its share of its side's pool
///      rounded down. The sum paid therefore never exceeds what was locked, and a lone writer's pair burn returns
///      exactly what it locked.
interface IInstrumentVault {
    /// @notice What a series pays its long side.
    enum Kind {
        Call,
        Put,
        BinaryUp,
        BinaryDown
    }

    /// @notice How a series' price was established.
    enum PriceSource {
        None, // not settled yet
        Round, // the first guarded round at or after expiry
        Fallback, // no such round by `fallbackDelay` after expiry: the last guarded round before expiry, fresh at expiry
        Void // no price either way by `voidDelay` after expiry: settled at the strike (the long receives nothing)
    }

    /// @notice A series' terms, fixed at creation. The feed and its guards are copied from the OracleAdapter then, so a
    ///         later change of feed cannot change how an open series settles.
    struct Series {
        address underlying;
        uint64 expiry; // [s]
        Kind kind;
        uint8 underlyingDecimals;
        uint8 collateralDecimals;
        address collateral;
        uint128 strike; // [wad] USD per whole underlying
        // the underlying's primary Chainlink feed as the OracleAdapter held it at creation: its maxAge [s] bounds how
        // far from expiry a settling round may be, its min and max answers guard the answer
        FeedGuard.StoredFeed feed;
    }

    /// @notice A series' balances and settlement.
    struct SeriesState {
        uint256 locked; // [collateral units] held for the series
        uint128 price; // [wad] the settlement price (the round's, or the guardian's correction)
        uint128 oraclePrice; // [wad] the round's price: the reference of any correction
        uint64 settledAt; // [s] when the price was set (0: not settled)
        PriceSource source;
        bool finalized; // pools fixed: redemptions open
        uint80 roundId; // the round the price came from (0 for Void)
        uint128 settledUnits; // [wad] units outstanding when the pools were fixed
        uint256 longPool; // [collateral units]
        uint256 shortPool; // [collateral units]
    }

    /// @notice Settlement parameters (governance, bounded).
    /// @param disputeWindow [s] after a price is set, the time the guardian has to correct it; redemptions open after
    /// @param maxCorrectionBps [bps] the most a correction may move the price away from the round's price
    /// @param fallbackDelay [s] after expiry, when the fallback (the last round before expiry) may settle a series
    /// @param voidDelay [s] after expiry, when a series with no price at all settles at its strike
    struct SettlementParams {
        uint32 disputeWindow;
        uint16 maxCorrectionBps;
        uint32 fallbackDelay;
        uint32 voidDelay;
    }

    /// @notice `asset` cannot be an underlying: not enabled, or the oracle has no Chainlink feed for it.
    error UnderlyingNotEnabled(address asset);
    /// @notice `asset` is not a listed quote asset (puts and binaries) or is not the underlying (calls).
    error CollateralNotAllowed(address asset, Kind kind);
    /// @notice The expiry is not in the future or is further out than `MAX_TENOR`.
    error InvalidExpiry(uint256 expiry, uint256 nowTimestamp);
    /// @notice A strike of zero, or one at or above 2^128.
    error InvalidStrike(uint256 strike);
    /// @notice No series has this id.
    error UnknownSeries(uint256 seriesId);
    /// @notice The series expired at `expiry`: it can no longer be written or burned in pairs.
    error SeriesExpired(uint256 seriesId, uint256 expiry);
    /// @notice The series expires at `expiry`: it cannot be settled before.
    error NotExpired(uint256 seriesId, uint256 expiry);
    /// @notice The series already has a price.
    error AlreadySettled(uint256 seriesId);
    /// @notice The series has no price yet, or its dispute window is still open until `opensAt`.
    error NotRedeemable(uint256 seriesId, uint256 opensAt);
    /// @notice An amount of zero, or one that locks or pays nothing.
    error ZeroAmount();
    /// @notice A write would take the series' units past 2^128.
    error SeriesFull(uint256 seriesId);
    /// @notice The collateral token moved `received` instead of `expected` (fee-on-transfer or rebasing token).
    error TransferAmountMismatch(address token, uint256 expected, uint256 received);
    /// @notice The round `roundId` does not prove the first guarded price at or after expiry; `reason` says why.
    error BadRound(uint256 seriesId, uint80 roundId, RoundFailure reason);
    /// @notice The fallback or void path is not open yet (it opens at `opensAt`).
    error TooEarly(uint256 seriesId, uint256 opensAt);
    /// @notice The dispute window closed at `closedAt`, or the series is void.
    error CorrectionClosed(uint256 seriesId, uint256 closedAt);
    /// @notice A correction to `price` is more than `maxCorrectionBps` away from the round's `oraclePrice`.
    error CorrectionTooLarge(uint256 seriesId, uint256 price, uint256 oraclePrice);
    /// @notice Settlement parameters out of their bounds.
    error InvalidSettlementParams();
    /// @notice `token` has more than 36 decimals.
    error UnsupportedDecimals(address token, uint8 decimals);
    /// @notice A zero address.
    error ZeroAddress();

    /// @notice Why a round was refused.
    enum RoundFailure {
        Missing, // the feed has no such round (it reverted or returned no timestamp)
        BeforeExpiry, // the round is not at or after expiry (primary) or not before it (fallback)
        NotAdjacent, // the previous round given does not sit right before it
        NotFirst, // the round before it is already at or after expiry (primary) / the one after is before (fallback)
        // / not earlier than the series' round (challenge)
        Stale, // too far from expiry: more than the feed's maxAge after it (primary) or before it (fallback)
        Unguarded, // the answer is not positive or is at the feed's minimum or maximum
        PrimaryAvailable // fallback only: the round after it settles the series by the primary rule
    }

    /// @notice Emitted when governance enables or disables `asset` as an underlying.
    event UnderlyingSet(address indexed asset, bool enabled);
    /// @notice Emitted when governance lists or delists `asset` as a USD quote asset.
    event QuoteSet(address indexed asset, bool enabled);
    /// @notice Emitted when governance sets the settlement parameters.
    event SettlementParamsSet(SettlementParams params);
    /// @notice Emitted when a series is created.
    event SeriesCreated(uint256 indexed seriesId, Series series);
    /// @notice Emitted on a write: `writer` locked `locked` collateral for `units` long and short tokens sent to
    ///         `longTo` and `shortTo`.
    event Written(
        uint256 indexed seriesId,
        address indexed writer,
        address longTo,
        address shortTo,
        uint256 units,
        uint256 locked
    );
    /// @notice Emitted when `owner` burns `units` pairs for `released` collateral sent to `to`.
    event PairBurned(uint256 indexed seriesId, address indexed owner, address to, uint256 units, uint256 released);
    /// @notice Emitted when a series gets its price (`roundId` 0 for Void).
    event Settled(uint256 indexed seriesId, PriceSource source, uint80 roundId, uint256 price, uint256 roundUpdatedAt);
    /// @notice Emitted when a challenge replaces a series' round with the earlier round `roundId`.
    event Challenged(uint256 indexed seriesId, uint80 roundId, uint256 price, address challenger);
    /// @notice Emitted when the guardian corrects a series' price within the dispute window.
    event PriceCorrected(uint256 indexed seriesId, uint256 oraclePrice, uint256 price, bytes32 reason);
    /// @notice Emitted once per series, when the first redemption fixes the pools.
    event Finalized(uint256 indexed seriesId, uint256 units, uint256 longPool, uint256 shortPool);
    /// @notice Emitted on a redemption of `units` of one side (`short` true for the short side) for `paid`.
    event Redeemed(
        uint256 indexed seriesId,
        address indexed owner,
        address to,
        bool short,
        uint256 units,
        uint256 paid
    );

    /// @notice Creates the series with these terms, or returns the id of the one that exists. Anyone may create a
    ///         series on an enabled underlying with an allowed collateral.
    /// @param strike [wad] USD per whole underlying
    /// @param expiry [s] in the future, at most `MAX_TENOR` away
    function createSeries(
        address underlying,
        address collateral,
        Kind kind,
        uint256 strike,
        uint256 expiry
    ) external returns (uint256 seriesId);

    /// @notice Locks the maximum payoff of `units` and mints `units` long tokens to `longTo` and short tokens to
    ///         `shortTo`. Pulls the collateral from the caller (rounded up).
    /// @param units [wad] contracts
    /// @return locked [collateral units] taken from the caller
    function write(uint256 seriesId, uint256 units, address longTo, address shortTo) external returns (uint256 locked);

    /// @notice Before expiry: burns `units` long and `units` short tokens of the caller and sends their share of the
    ///         series' collateral (rounded down) to `to`.
    /// @return released [collateral units]
    function burnPair(uint256 seriesId, uint256 units, address to) external returns (uint256 released);

    /// @notice After expiry: settles the series at round `roundId` of its feed, which must be the first round at or
    ///         after expiry, proven by `previousRoundId` (the round before it: `roundId - 1`, or the last round of the
    ///         previous phase when `roundId` opens a phase), guarded, and at most the feed's maxAge after expiry.
    ///         Anyone may call; the dispute window starts.
    function settle(uint256 seriesId, uint80 roundId, uint80 previousRoundId) external;

    /// @notice From `fallbackDelay` after expiry, when no round can settle the series by `settle`: settles it at round
    ///         `roundId`, the last guarded round before expiry, fresh at expiry (at most maxAge old). The round after
    ///         it (the next in its phase, else the first of the next phase) must not exist or be one `settle` refuses
    ///         (late or unguarded): the contract finds it, so a caller cannot choose between two prices.
    function settleFallback(uint256 seriesId, uint80 roundId) external;

    /// @notice From `voidDelay` after expiry, when the series still has no price: settles it at its strike, so the
    ///         long side receives nothing and the short side its collateral. Never locks funds forever.
    function settleVoid(uint256 seriesId) external;

    /// @notice Within the dispute window, anyone may replace a series' round with an earlier one (a lower round id)
    ///         that is also at or after expiry, within maxAge and guarded: rounds whose timestamps go back in time
    ///         cannot make a later round pass for the first. The window does not restart.
    function challenge(uint256 seriesId, uint80 roundId) external;

    /// @notice The guardian (restricted) corrects a round or fallback price within the dispute window, at most
    ///         `maxCorrectionBps` away from the round's price. `reason` is an off-chain reference.
    function correctPrice(uint256 seriesId, uint256 price, bytes32 reason) external;

    /// @notice After the dispute window: burns `units` of the caller's long (`short` false) or short tokens and sends
    ///         their payoff (rounded down) to `to`.
    /// @return paid [collateral units]
    function redeem(uint256 seriesId, bool short, uint256 units, address to) external returns (uint256 paid);

    /// @notice Enables or disables `asset` as an underlying (restricted: GOVERNOR). Open series are not affected.
    function setUnderlying(address asset, bool enabled) external;

    /// @notice Lists or delists `asset` as a USD quote asset (restricted: GOVERNOR). Open series are not affected.
    function setQuote(address asset, bool enabled) external;

    /// @notice Sets the settlement parameters (restricted: GOVERNOR), within `MIN_DISPUTE_WINDOW`..`MAX_DISPUTE_WINDOW`,
    ///         at most `MAX_CORRECTION_BPS`, and `fallbackDelay` < `voidDelay` <= `MAX_VOID_DELAY`.
    function setSettlementParams(SettlementParams calldata params) external;

    /// @notice The series' terms.
    function series(uint256 seriesId) external view returns (Series memory);

    /// @notice The series' balances and settlement.
    function seriesState(uint256 seriesId) external view returns (SeriesState memory);

    /// @notice The number of series created (ids run from 1).
    function seriesCount() external view returns (uint256);

    /// @notice Open interest and backing: `units` outstanding (long = short), `locked` collateral and the
    ///         `maxPayoff` of those units (locked >= maxPayoff always).
    function exposure(uint256 seriesId) external view returns (uint256 units, uint256 locked, uint256 maxPayoff);

    /// @notice [collateral units] What `units` of one side would receive at `price` [wad], as the pools would pay it
    ///         with the series' current units (before expiry: a preview).
    function payoffAt(uint256 seriesId, uint256 price, bool short, uint256 units) external view returns (uint256);

    /// @notice The settlement parameters.
    function settlementParams() external view returns (SettlementParams memory);

    /// @notice Whether `asset` is an enabled underlying / a listed quote asset.
    function isUnderlying(address asset) external view returns (bool);

    /// @notice Whether `asset` is a listed USD quote asset.
    function isQuote(address asset) external view returns (bool);
}
