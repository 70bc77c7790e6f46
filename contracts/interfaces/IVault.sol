// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleAdapter} from "./IOracleAdapter.sol";
import {IRateModel} from "./IRateModel.sol";
import {ISyntheticToken} from "./ISyntheticToken.sol";
import {IBallastErrors} from "./IBallastErrors.sol";

/// @title IVault
/// @notice The Ballast ledger. A position holds a basket of approved collateral assets (cross-margin) and debt in the
///         one synthetic chosen when it opened. Owners may hold many positions, appoint managers and transfer them.
/// @dev Units (see docs/units.md):
///      - `[token]` an amount in the collateral token's own decimals;
///      - `[wad]`   18-decimal fixed point: synthetic amounts, USD values, prices (USD per whole unit), health;
///      - `[ray]`   27-decimal fixed point: the rate index and per-second rates;
///      - `[bps]`   basis points (1e4 = 100%): loan-to-value, liquidation threshold, penalty.
///      Rounding always favours the protocol: collateral value and anything a user receives round down; debt and
///      anything a user pays round up. A position's debt (`IPositionLens.debtOf`) rounds up, and so does a synthetic's total
///      (`ceil(totalNormDebt * rateIndex)`), so the total is never less than the synthetic in circulation plus unminted
///      fees and never more than the sum of the positions' debts (which may exceed it by under one wei each).
///
///      Oracle use: only `mint`, `withdraw` (with debt outstanding) and the value views read prices. `deposit`,
///      `repay` and `close` never read the oracle, so they work whatever the oracle does.
///
///      Tokens: collateral must be a plain ERC-20 (6, 8, 18 or any decimals up to 36; a missing return value is
///      fine). Fee-on-transfer behaviour is detected by measuring the balance change and refused
///      (`TransferAmountMismatch`); rebasing tokens must not be listed. Every token-moving entry point is
///      `nonReentrant`.
interface IVault is IBallastErrors {
    // ------------------------------------------------------------------------------------------------------------
    // Types
    // ------------------------------------------------------------------------------------------------------------

    /// @notice Risk configuration of one collateral asset.
    /// @param maxLtvBps [bps] Minting limit: debt value may reach at most this share of the asset's value.
    /// @param liqThresholdBps [bps] Liquidation limit: below this share the position can be liquidated. >= maxLtvBps.
    /// @param liqPenaltyBps [bps] Penalty charged on the debt liquidated against this asset.
    /// @param supplyCap [whole tokens] Most the Vault accepts of this asset across all positions, in whole units
    ///        (the cap in [token] is supplyCap * 10^decimals), so that it packs beside the running total.
    /// @param frozen A frozen asset takes no new deposits; what is deposited still counts as collateral.
    struct AssetParams {
        uint16 maxLtvBps;
        uint16 liqThresholdBps;
        uint16 liqPenaltyBps;
        uint48 supplyCap;
        bool frozen;
    }

    /// @notice A listed collateral asset as stored, in one slot: its id (bit in a position's asset mask), decimals,
    ///         parameters, flags and the total credited to positions.
    /// @param flags Bit 0 `FLAG_PAUSED` (guardian pause), bit 1 `FLAG_RAMP` (a lowered liquidation threshold is
    ///        ramping in: `liqThresholdBps` is its target, see `rampOf`), bits 2-3 the `AssetKind`.
    /// @param liqThresholdBps [bps] The configured threshold; while `FLAG_RAMP` is set it is the ramp's target and
    ///        `IPositionLens.liquidationThreshold(asset)` gives the one in force.
    struct AssetConfig {
        bool listed;
        uint8 id;
        uint8 decimals;
        bool frozen;
        uint8 flags;
        uint16 maxLtvBps;
        uint16 liqThresholdBps;
        uint16 liqPenaltyBps;
        uint48 supplyCap; // [whole tokens]
        uint120 total; // [token] credited to positions
    }

    /// @notice What backs a collateral token. Wrapped and real-world assets are checked against the oracle's
    ///         proof-of-reserve feed on every deposit; plain assets are not.
    enum AssetKind {
        Plain,
        Wrapped,
        RealWorld
    }

    /// @notice A liquidation threshold being lowered: it falls linearly from `fromBps` at `start` to the asset's
    ///         configured `liqThresholdBps` at `end`, so that no position is liquidated by a parameter change alone.
    struct Ramp {
        uint16 fromBps; // [bps]
        uint40 start; // [s]
        uint40 end; // [s]
    }

    /// @notice The lapse terms of an attested asset (a tokenized real-world asset priced by an attested source): once its
    ///         attestation has been lapsed for `grace`, anyone may start its threshold ramp down to `floorBps`.
    /// @param floorBps [bps] The liquidation threshold the lapse ramp ends at (> 0, below the configured threshold).
    /// @param grace [s] How long after the lapse the ramp may start, in [MIN_LAPSE_GRACE, MAX_LAPSE_GRACE].
    /// @param restoreBps [bps] The configured threshold when the lapse ramp started (0 before): what `cure` restores.
    struct LapseParams {
        uint16 floorBps;
        uint32 grace;
        uint16 restoreBps;
    }

    /// @notice Parameters of one synthetic.
    /// @param priceAsset Oracle key of the synthetic's price; address(0) means a USD synthetic priced at exactly 1.
    /// @param rateModel The model that sets the per-second borrowing rate.
    /// @param debtCeiling [wad] Most debt (interest included) that may be minted in this synthetic.
    /// @param minDebt [wad] A position's debt is either zero or at least this, so every position is worth liquidating.
    struct SyntheticParams {
        address priceAsset;
        IRateModel rateModel;
        uint96 debtCeiling;
        uint96 minDebt;
    }

    /// @notice The state of one synthetic.
    struct SyntheticState {
        ISyntheticToken token;
        SyntheticParams params;
        uint256 rateIndex; // [ray] debt per unit of normalized debt; starts at 1e27 and only grows
        uint256 ratePerSecond; // [ray] rate applied from lastAccrual on
        uint256 lastAccrual; // [s] timestamp of the last accrual; type(uint40).max once interest stopped at shutdown
        uint256 totalNormDebt; // [wad] sum of the positions' normalized debt
        uint256 unmintedFees; // [wad] interest accrued to the treasury, not yet minted
        uint256 totalDebt; // [wad] totalNormDebt * rateIndex, rounded up, at the current time
        uint256 auctionDebt; // [wad] debt taken from positions into auctions, not yet burned or written off
        uint256 badDebt; // [wad] treasury-held debt: written-off auction debt and unbacked keeper pay, not yet covered
        uint256 moduleDebt; // [wad] units the stability modules minted against their reserves, not yet burned
    }

    /// @notice A stability module's line of synthetic debt, in one slot: the module holds a reserve asset and mints
    ///         the synthetic against it through `moduleMint` (see `IStabilityModule`).
    /// @param active Whether the module was added. @param synthId The synthetic it mints. @param assetId The Vault's
    ///        asset id of its reserve (a listed asset, so settlement can pool it).
    /// @param ceiling [wad] The most debt the module may carry (its exposure cap). @param debt [wad] Units it minted
    ///        (fees included) less units it burned.
    struct ModuleLine {
        bool active;
        uint8 synthId;
        uint8 assetId;
        uint96 ceiling;
        uint128 debt;
    }

    /// @notice A position as a liquidation values it (`VaultReader.liquidationState`, `IPositionLens.liquidationState`). An asset whose price is
    ///         unavailable counts at 0 and cannot be seized (its bit is clear in `pricedMask`).
    /// @param owner Owner of the position. @param synthId Its synthetic. @param token The synthetic's token.
    /// @param minDebt [wad] The synthetic's minimum debt. @param synthPrice [wad] USD per synthetic unit (1e18 for a
    ///        USD synthetic). @param debt [wad] Debt now, rounded up. @param debtValue [wad] `debt * synthPrice`,
    ///        rounded up. @param collateralValue [wad] Sum of `values`. @param liquidationLimit [wad] Sum of value *
    ///        liqThreshold, each rounded down. @param penaltyValue [wad] Sum of value * liqPenalty, each rounded up.
    /// @param pricedMask Asset-id bits of the basket assets with a valid price.
    /// @param assets The basket in asset-id order; @param amounts [token] held; @param prices [wad] USD per whole token
    ///        (0: unavailable); @param values [wad] amount * price, rounded down; @param limits [wad] value * the
    ///        liquidation threshold in force (a ramp's current value), rounded down: each asset's share of
    ///        `liquidationLimit`; @param decimals each token's.
    struct LiquidationState {
        address owner;
        uint256 synthId;
        address token;
        uint256 minDebt;
        uint256 synthPrice;
        uint256 debt;
        uint256 debtValue;
        uint256 collateralValue;
        uint256 liquidationLimit;
        uint256 penaltyValue;
        uint256 pricedMask;
        address[] assets;
        uint256[] amounts;
        uint256[] prices;
        uint256[] values;
        uint256[] limits;
        uint8[] decimals;
    }

    /// @notice A position's figures at current prices and the current rate index.
    /// @param collateralValue [wad] USD value of the basket, each asset rounded down.
    /// @param mintLimit [wad] Sum of value * maxLtv, rounded down: the most debt value minting may reach.
    /// @param liquidationLimit [wad] Sum of value * liqThreshold, rounded down: below debt value, liquidatable.
    /// @param debt [wad] Synthetic units owed, rounded up.
    /// @param debtValue [wad] USD value of the debt, rounded up.
    /// @param health [wad] liquidationLimit / debtValue rounded down; type(uint256).max without debt. < 1e18 means
    ///        liquidatable.
    struct PositionHealth {
        uint256 collateralValue;
        uint256 mintLimit;
        uint256 liquidationLimit;
        uint256 debt;
        uint256 debtValue;
        uint256 health;
    }

    /// @notice One step of `batch`.
    enum Op {
        Open, // open a position in synthetic `id`, owned by the caller; later steps may use id 0 to mean it
        Deposit, // deposit `amount` [token] of `asset` into position `id`
        Withdraw, // withdraw `amount` [token] of `asset` from position `id` to `to`
        Mint, // mint `amount` [wad] against position `id` to `to`
        Repay, // repay `amount` [wad] of position `id` (type(uint256).max: all of it)
        Close // repay all of position `id` and send all its collateral to `to`
    }

    /// @notice One step of `batch`. Unused fields are ignored. For every step but Open, `id` 0 means the position
    ///         opened by the most recent Open step of the same batch.
    struct Action {
        Op op;
        uint256 id;
        address asset;
        uint256 amount;
        address to;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------------------------

    error PositionNotFound(uint256 id);
    error NotOwner(uint256 id, address caller, address owner);
    /// @notice The caller is neither the owner of position `id` nor a manager holding `permission` (`Permissions`).
    error NotAuthorized(uint256 id, address caller, uint256 permission);
    /// @notice `permissions` has a bit no right (`Permissions`) defines.
    error InvalidPermissions(uint256 permissions);
    /// @notice A signed grant whose deadline [s] passed.
    error GrantExpired(uint256 deadline, uint256 timestamp);
    /// @notice A signed grant's nonce is not the owner's next one (`expected`).
    error InvalidGrantNonce(address owner, uint256 nonce, uint256 expected);
    /// @notice The grant's signature is not `owner`'s (or `owner` is not the position's owner).
    error InvalidGrantSignature(uint256 id, address owner);
    /// @notice A `repayAndWithdraw` would lower the position's health: its liquidation limit and debt value [wad]
    ///         before and after (health is their ratio).
    error HealthLowered(uint256 id, uint256 limitBefore, uint256 debtBefore, uint256 limitAfter, uint256 debtAfter);
    /// @notice A `repayAndWithdraw` takes out collateral worth `value` [wad], more than `max` [wad] (the repaid
    ///         debt's value plus the bonus cap).
    error RepayBonusExceeded(uint256 id, uint256 value, uint256 max);
    error AssetNotListed(address asset);
    error AssetAlreadyListed(address asset);
    error AssetFrozen(address asset);
    error TooManyAssets(uint256 listed, uint256 max);
    error BasketFull(uint256 id, uint256 max);
    error SyntheticNotFound(uint256 synthId);
    error SyntheticAlreadyAdded(address token);
    error TooManySynthetics(uint256 count, uint256 max);
    error InsufficientCollateral(uint256 id, address asset, uint256 requested, uint256 available);
    error SupplyCapExceeded(address asset, uint256 totalAfter, uint256 cap);
    error DebtCeilingExceeded(uint256 synthId, uint256 totalDebtAfter, uint256 ceiling);
    error DebtBelowMinimum(uint256 id, uint256 debtAfter, uint256 minDebt);
    error AmountTooLarge(uint256 amount, uint256 max);
    error MintLimitExceeded(uint256 id, uint256 debtValue, uint256 mintLimit);
    error TransferAmountMismatch(address asset, uint256 expected, uint256 received);
    /// @notice Which bound an asset's parameters broke.
    enum AssetParamError {
        LiqThreshold, // 0 or above MAX_LIQ_THRESHOLD_BPS
        MaxLtv, // above the liquidation threshold
        LiqPenalty, // above MAX_LIQ_PENALTY_BPS
        ThresholdTimesPenalty // threshold * (1 + penalty) above 100%: a liquidation could not pay the penalty
    }
    /// @notice Which rule a synthetic's parameters broke.
    enum SyntheticParamError {
        TokenVault, // the token's vault() is not this Vault
        RateModel, // zero rate model
        MinDebt // minimum debt above the debt ceiling
    }
    error InvalidAssetParams(address asset, AssetParamError field);
    error InvalidSyntheticParams(SyntheticParamError field);
    error InvalidTokenDecimals(address token, uint8 decimals);
    error RateModelStarved(uint256 gasLeft);
    error EmptyBatch();
    error CallerNotTreasury(address caller);
    /// @notice `seize` was asked for an impossible amount: `amount` [wad] of debt (`asset` 0) beyond the position's
    ///         debt, or `amount` [token] of `asset` beyond what the position holds; or it would
    ///         leave debt in a position it empties (`asset` 0, `amount` the debt asked for).
    error InvalidSeize(uint256 id, address asset, uint256 amount);
    error ExceedsAuctionDebt(uint256 synthId, uint256 amount, uint256 auctionDebt);
    error ExceedsBadDebt(uint256 synthId, uint256 amount, uint256 badDebt);
    /// @notice Risk-increasing actions (open, mint, withdraw with debt) are paused by the guardian.
    error Paused();
    /// @notice A position holding `asset` may not mint or withdraw while the guardian pauses the asset.
    error AssetPaused(address asset);
    /// @notice A deposit would take the Vault's total, or the token's supply (`claimed` [token]), past the reserve
    ///         proven by the asset's proof-of-reserve feed (`reserve` [token]).
    error ReserveExceeded(address asset, uint256 claimed, uint256 reserve);
    error InvalidRampDuration(uint256 duration, uint256 min, uint256 max);
    /// @notice Only the Vault's redeemer may call this; `caller` did.
    error CallerNotRedeemer(address caller);
    /// @notice `module` is not a stability module of this Vault (never added).
    error ModuleNotFound(address module);
    /// @notice `module` was added already.
    error ModuleAlreadyAdded(address module);
    /// @notice `module` does not answer to this Vault, or names a synthetic or reserve it cannot have.
    error InvalidModule(address module);
    /// @notice MAX_MODULES modules exist already.
    error TooManyModules(uint256 count, uint256 max);
    /// @notice A module mint would take `module`'s debt to `debtAfter` [wad], above its `ceiling` [wad].
    error ModuleCeilingExceeded(address module, uint256 debtAfter, uint256 ceiling);
    /// @notice A module burn of `amount` [wad] exceeds `module`'s debt [wad].
    error ExceedsModuleDebt(address module, uint256 amount, uint256 debt);
    /// @notice Lapse terms out of bounds, or set for an asset whose oracle price is not attested (`ttl` 0).
    error InvalidLapseParams(address asset, uint256 floorBps, uint256 grace);
    /// @notice The lapse ramp of `asset` cannot start: its attestation is in force (`dueAt` 0), the grace runs until
    ///         `dueAt` [s], or a lapse ramp already runs (`dueAt` type(uint256).max).
    error LapseRampNotDue(address asset, uint256 dueAt);
    /// @notice `cure` needs a lapse ramp to cure (`lapseRamp`) and a valid price (`failure` None) whose attestation is
    ///         in force again (`lapsed` false).
    error NotCurable(address asset, bool lapseRamp, IOracleAdapter.PriceFailure failure, bool lapsed);
    /// @notice `writeOffPosition` needs debt and a basket in which every asset is written down; `asset` is one that
    ///         is not (0 when the position has no debt or no collateral).
    error NotWrittenOff(uint256 id, address asset);

    // ------------------------------------------------------------------------------------------------------------
    // Events
    // ------------------------------------------------------------------------------------------------------------

    event PositionOpened(uint256 indexed id, address indexed owner, uint256 indexed synthId);
    event PositionTransferred(uint256 indexed id, address indexed from, address indexed to);
    /// @param permissions The rights now held (`Permissions` bits); 0: removed.
    event ManagerSet(uint256 indexed id, address indexed owner, address indexed manager, uint256 permissions);
    /// @notice `owner`'s next signed grant must carry `nonce`.
    event GrantNonceUsed(address indexed owner, uint256 nonce);
    /// @param amount [token]
    event Deposited(uint256 indexed id, address indexed asset, address indexed from, uint256 amount);
    /// @param amount [token]
    event Withdrawn(uint256 indexed id, address indexed asset, address indexed to, uint256 amount);
    /// @param amount [wad] synthetic sent to `to`; @param normDebt [wad] normalized debt added (rounded up)
    event Minted(uint256 indexed id, address indexed to, uint256 amount, uint256 normDebt);
    /// @param amount [wad] synthetic burned from `payer`; @param normDebt [wad] normalized debt removed
    event Repaid(uint256 indexed id, address indexed payer, uint256 amount, uint256 normDebt);
    /// @param rateIndex [ray] new index; @param fees [wad] interest added to the treasury's unminted fees
    event InterestAccrued(uint256 indexed synthId, uint256 rateIndex, uint256 ratePerSecond, uint256 fees);
    /// @param amount [wad]
    event FeesMinted(uint256 indexed synthId, address indexed treasury, uint256 amount);
    event AssetListed(address indexed asset, uint256 id, uint8 decimals, AssetParams params);
    event AssetParamsSet(address indexed asset, AssetParams params);
    event SyntheticAdded(uint256 indexed synthId, address indexed token, SyntheticParams params);
    event SyntheticParamsSet(uint256 indexed synthId, SyntheticParams params);
    event TreasurySet(address indexed treasury);
    event LiquidationEngineSet(address indexed engine);
    event PausedSet(bool paused);
    event AssetPausedSet(address indexed asset, bool paused);
    event AssetKindSet(address indexed asset, AssetKind kind);
    /// @param duration [s]
    event RampDurationSet(uint256 duration);
    /// @param fromBps [bps] threshold in force when the ramp starts; @param toBps [bps] target; @param end [s]
    event ThresholdRampStarted(address indexed asset, uint256 fromBps, uint256 toBps, uint256 end);
    /// @param at [s]
    event ShutdownStarted(uint256 at);
    /// @param amount [wad] auction debt handed to the settlement with its lot
    event AuctionDebtReleased(uint256 indexed synthId, uint256 amount);
    /// @param debt [wad] the position's debt, cleared; `settlement` now manages the position
    event PositionReleased(uint256 indexed id, address indexed owner, address indexed settlement, uint256 debt);
    /// @param debt [wad] synthetic debt moved from the position into auction; @param amounts [token] seized per
    ///        asset, in basket order (0 for an asset not seized)
    event Seized(uint256 indexed id, uint256 debt, address[] assets, uint256[] amounts);
    /// @param burned [wad] auction proceeds burned; @param writtenOff [wad] auction debt turned into bad debt
    event AuctionDebtSettled(uint256 indexed synthId, uint256 burned, uint256 writtenOff);
    /// @param amount [wad] bad debt covered by burning treasury surplus
    event BadDebtCovered(uint256 indexed synthId, uint256 amount);
    /// @param amount [wad] synthetic minted without collateral (keeper pay beyond the surplus), booked as bad debt
    event UnbackedMinted(uint256 indexed synthId, address indexed to, uint256 amount);
    /// @notice `debt` [wad] of position `id` was redeemed: burned from the redeemer, and `amounts` [token] of `assets`
    ///         (its basket, asset-id order) sent to `to`.
    event PositionRedeemed(uint256 indexed id, uint256 debt, address[] assets, uint256[] amounts, address indexed to);
    /// @notice The redeemer is now `redeemer` (0: redemptions off).
    event RedeemerSet(address indexed redeemer);
    /// @notice Stability module `module` of synthetic `synthId`, holding `reserve`, was added.
    event ModuleAdded(address indexed module, uint256 indexed synthId, address indexed reserve);
    /// @notice `module`'s exposure cap is now `ceiling` [wad].
    event ModuleCeilingSet(address indexed module, uint256 ceiling);
    /// @notice `module` minted `amount` [wad] to a swapper and `fee` [wad] to the treasury (`ModuleMinted`) or burned
    ///         `amount` (`ModuleBurned`); its debt is now `debt` [wad].
    event ModuleMinted(address indexed module, address indexed to, uint256 amount, uint256 fee, uint256 debt);
    event ModuleBurned(address indexed module, uint256 amount, uint256 debt);
    /// @notice After shutdown: `module`'s `debt` [wad] was released and its `reserves` [token] sent to `settlement`.
    /// @notice Lapse terms of `asset` set (`floorBps` [bps], `grace` [s]; both 0: the asset is no longer attested).
    event LapseParamsSet(address indexed asset, uint256 floorBps, uint256 grace);
    /// @notice The attestation of `asset` lapsed at `lapsedAt` [s] and its grace ran out: its threshold ramps from
    ///         `fromBps` to `floorBps` until `end` [s]; new risk against it is refused until `cure`.
    event LapsedRampStarted(address indexed asset, uint256 lapsedAt, uint256 fromBps, uint256 floorBps, uint256 end);
    /// @notice Governance cured `asset` (fresh attestation): its threshold is back to `thresholdBps` [bps], its
    ///         loan-to-value in force again.
    event AssetCured(address indexed asset, uint256 thresholdBps);
    /// @notice `amount` [token] of written-down `asset` left position `id` for the Treasury (`to`), which holds the
    ///         claim on whatever it may still recover; the position's debt is then liquidated, as bad debt where
    ///         nothing else backs it.
    event CollateralWrittenOff(uint256 indexed id, address indexed asset, address indexed to, uint256 amount);
    event ModuleReleased(address indexed module, address indexed settlement, uint256 debt, uint256 reserves);

    // ------------------------------------------------------------------------------------------------------------
    // Positions
    // ------------------------------------------------------------------------------------------------------------

    /// @notice Opens an empty position in synthetic `synthId`, owned by the caller.
    /// @return id The new position's id (ids start at 1 and increase).
    function open(uint256 synthId) external returns (uint256 id);

    /// @notice Opens a position, deposits `collateral` [token] of `asset` and mints `debt` [wad] to `to`, with one
    ///         health check at the end. `debt` may be 0.
    function openAndMint(
        uint256 synthId,
        address asset,
        uint256 collateral,
        uint256 debt,
        address to
    ) external returns (uint256 id);

    /// @notice Adds `amount` [token] of `asset` to position `id`, pulled from the caller. Owner or DEPOSIT manager (so
    ///         nobody can grief a basket with unwanted assets). Never reads the oracle.
    /// @dev Reverts: AssetNotListed, AssetFrozen, SupplyCapExceeded, BasketFull, TransferAmountMismatch.
    function deposit(uint256 id, address asset, uint256 amount) external;

    /// @notice Sends `amount` [token] of `asset` from position `id` to `to`. Owner or WITHDRAW manager. With debt
    ///         outstanding the position must end within its minting limit (reads the oracle).
    function withdraw(uint256 id, address asset, uint256 amount, address to) external;

    /// @notice Mints `amount` [wad] of the position's synthetic to `to`, adding debt rounded up. Owner or MINT
    ///         manager. Reverts unless the position ends within its minting limit, the debt is at least the minimum and
    ///         the synthetic's debt ceiling holds.
    function mint(uint256 id, uint256 amount, address to) external;

    /// @notice Burns `amount` [wad] of synthetic from the caller to reduce position `id`'s debt (anyone may repay).
    ///         `type(uint256).max` repays all. Never reads the oracle. The debt left must be zero or at least the
    ///         minimum debt.
    /// @return repaid [wad] Synthetic burned.
    function repay(uint256 id, uint256 amount) external returns (uint256 repaid);

    /// @notice Repays all debt of position `id` from the caller and sends all its collateral to `to`. Owner or
    ///         CLOSE manager. Never reads the oracle.
    function close(uint256 id, address to) external;

    /// @notice Runs `actions` in order and checks each touched position's minting limit once, at the end.
    function batch(Action[] calldata actions) external;

    /// @notice Transfers ownership of position `id` to `to`. Owner only. Every manager appointed so far loses its
    ///         rights, and does not regain them if the position later returns to the owner who appointed it.
    function transferPosition(uint256 id, address to) external;

    /// @notice Gives `manager` exactly the rights `permissions` (`Permissions` bits: deposit, withdraw, mint,
    ///         close, repay with collateral) on position `id`, replacing what it held; 0 removes it. Owner only. The
    ///         rights lapse for good at the position's next change of owner.
    /// @dev Reverts: PositionNotFound, NotOwner, ZeroAddress, InvalidPermissions.
    function setManager(uint256 id, address manager, uint256 permissions) external;

    /// @notice What an owner signs (EIP-712, domain name "Ballast Vault", version "1", this chain and this Vault) to
    ///         give `manager` the rights `permissions` on position `id` without a transaction of their own.
    /// @param owner The position's owner, who signs. @param nonce The owner's next grant nonce (PositionLens
    ///        `grantNonce`). @param deadline [s] Last timestamp at which the grant may be submitted.
    struct Grant {
        address owner;
        uint256 id;
        address manager;
        uint256 permissions;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice Applies a grant signed by the position's owner (anyone may submit it): as `setManager` from the owner.
    ///         The signature is a 65-byte ECDSA signature with a low `s` (no malleable twin), or any signature the
    ///         owner's ERC-1271 contract accepts. Uses the owner's nonce: a grant applies once.
    /// @dev Reverts: GrantExpired, InvalidGrantNonce, InvalidGrantSignature, PositionNotFound, ZeroAddress,
    ///      InvalidPermissions.
    function setManagerWithPermit(Grant calldata grant, bytes calldata signature) external;

    /// @notice Uses the caller's current grant nonce, so a grant signed with it and not yet submitted never applies.
    function revokeSignedGrants() external;

    /// @notice Burns `debt` [wad] of synthetic from the caller to repay position `id` and sends `amount` [token] of
    ///         `asset` from it to `to`, without the minting-limit check: the exchange protection contracts and
    ///         one-transaction flows need for a position near its limits. Owner, or a manager holding
    ///         `Permissions.REPAY_WITH_COLLATERAL`. It checks instead, at the oracle's prices, that the position's
    ///         health (liquidation limit over debt value) does not fall, and that the collateral taken is worth at
    ///         most the repaid debt's value plus 10% (`MAX_REPAY_BONUS_BPS`). Works while the Vault is paused (it
    ///         only reduces risk); not after shutdown, nor with a paused asset in the basket.
    /// @return repaid [wad] Synthetic burned (at most the debt).
    /// @dev Reverts: SystemShutdown, NotAuthorized, HealthLowered, RepayBonusExceeded, AssetPaused, and `repay`'s and
    ///      `withdraw`'s own errors.
    function repayAndWithdraw(
        uint256 id,
        uint256 debt,
        address asset,
        uint256 amount,
        address to
    ) external returns (uint256 repaid);

    // ------------------------------------------------------------------------------------------------------------
    // Interest
    // ------------------------------------------------------------------------------------------------------------

    /// @notice Accrues interest of synthetic `synthId` up to now and refreshes its rate from the rate model.
    function accrue(uint256 synthId) external;

    /// @notice Mints the synthetic's accrued fees to the treasury. Anyone may call.
    /// @return amount [wad] Minted.
    function mintFees(uint256 synthId) external returns (uint256 amount);

    // ------------------------------------------------------------------------------------------------------------
    // Liquidation and treasury hooks
    // ------------------------------------------------------------------------------------------------------------

    /// @notice Moves `debt` [wad] of position `id`'s debt into auction and sends `lots[k]` [token] of the k-th asset
    ///         of its basket (asset-id order) to the liquidation engine. Liquidation engine only, as a ward: the
    ///         engine decides that the position is liquidatable and the amounts (see `ILiquidationEngine` and
    ///         `VaultReader.liquidationState`); the Vault checks that they are possible.
    /// @dev Reverts SystemShutdown after shutdown; InvalidSeize when `lots` does not have one entry per basket asset
    ///      or asks for more than the position holds, when `debt` is 0 or above the debt, or when the position would
    ///      be left with debt and no collateral. The position's normalized debt falls by `debt / rateIndex` rounded
    ///      down (all of it when `debt` is the whole debt); the debt left must be 0 or at least the minimum debt.
    ///      `debt` is added to the synthetic's auction debt, which only `settleAuctionDebt` reduces.
    function seize(uint256 id, uint256 debt, uint256[] calldata lots) external;

    /// @notice Redeems `debt` [wad] of position `id`: burns it from the caller and sends `lots[k]` [token] of the k-th
    ///         asset of its basket (asset-id order) to `to`. The redeemer only, as a ward: it decides that the position
    ///         is redeemable and prices the lots (see `IRedemptions`); the Vault checks what it can honour, as for
    ///         `seize`.
    /// @dev Reverts SystemShutdown after shutdown, InvalidSeize / DebtBelowMinimum as `seize`. The position's
    ///      normalized debt falls by `debt / rateIndex` rounded down (all of it when `debt` is the whole debt).
    function redeemFrom(uint256 id, uint256 debt, uint256[] calldata lots, address to) external;

    /// @notice After shutdown: takes `amount` [wad] of synthetic `synthId`'s auction debt out of auction because the
    ///         settlement took over the auction (its lot now answers for that debt). Liquidation engine only.
    function releaseAuctionDebt(uint256 synthId, uint256 amount) external;

    /// @notice Burns `burned` [wad] of synthetic `synthId` held by the liquidation engine (auction proceeds) and
    ///         writes `writtenOff` [wad] of auction debt off as bad debt. Liquidation engine only.
    function settleAuctionDebt(uint256 synthId, uint256 burned, uint256 writtenOff) external;

    /// @notice Burns `amount` [wad] of synthetic `synthId` held by the treasury to cover bad debt. Treasury only.
    function coverBadDebt(uint256 synthId, uint256 amount) external;

    /// @notice Mints `amount` [wad] of synthetic `synthId` to `to` without collateral, booked as bad debt (keeper pay
    ///         when the surplus runs short). Treasury only.
    function mintUnbacked(uint256 synthId, address to, uint256 amount) external;

    /// @notice Mints `amount` [wad] of the caller's synthetic to `to` and `fee` [wad] to the treasury, adding both
    ///         to the caller's module debt. Stability modules only (`addModule`), and only after they received the
    ///         reserve that backs the units (see `IStabilityModule.swapIn`).
    /// @dev Reverts ModuleNotFound for any other caller; Paused or SystemShutdown when minting is stopped;
    ///      ModuleCeilingExceeded past the module's ceiling.
    function moduleMint(address to, uint256 amount, uint256 fee) external;

    /// @notice Burns `amount` [wad] of the caller's synthetic from the caller's own balance and takes it off its
    ///         module debt. Stability modules only. Works while paused (it only reduces debt); refused after shutdown,
    ///         when the supply is final and the module's reserves belong to the settlement.
    /// @dev Reverts ExceedsModuleDebt above the module's debt.
    function moduleBurn(uint256 amount) external;

    // ------------------------------------------------------------------------------------------------------------
    // Governance (AccessManager, `restricted`)
    // ------------------------------------------------------------------------------------------------------------
    // The caller is checked by the Vault; the code runs in its admin module (`admin()`) in the Vault's storage.

    /// @notice Lists `asset` as collateral. Reads and caches its decimals (at most 36).
    function listAsset(address asset, AssetParams calldata params) external;

    /// @notice Changes the risk parameters of a listed asset (bounded: see `_checkAssetParams`). A lower liquidation
    ///         threshold ramps in over `rampDuration` from the one in force (`ThresholdRampStarted`); a higher one
    ///         applies at once; an unchanged one leaves a ramp in progress as it is.
    function setAssetParams(address asset, AssetParams calldata params) external;

    /// @notice Adds a synthetic. `token.vault()` must be this Vault.
    function addSynthetic(ISyntheticToken token, SyntheticParams calldata params) external returns (uint256 synthId);

    /// @notice Changes a synthetic's parameters; accrues interest first at the old rate.
    function setSyntheticParams(uint256 synthId, SyntheticParams calldata params) external;

    /// @notice Sets the treasury: `mintFees` pays it, and only it may cover bad debt or mint unbacked keeper pay.
    function setTreasury(address treasury) external;

    /// @notice Sets the liquidation engine, the only caller of `seize` and `settleAuctionDebt`.
    function setLiquidationEngine(address engine) external;

    /// @notice Pauses or resumes every risk-increasing action: opening positions, minting, and withdrawing from a
    ///         position with debt. Deposit, repay, close (which repays first), withdrawing from a debt-free position,
    ///         liquidation and settlement are never paused. Guardian (no delay).
    function setPaused(bool paused) external;

    /// @notice Pauses or resumes minting and withdrawing (with debt) for every position holding `asset`. Deposits of
    ///         `asset` stay open. Guardian (no delay).
    function setAssetPaused(address asset, bool paused) external;

    /// @notice Sets what backs `asset`. A Wrapped or RealWorld asset needs a proof-of-reserve feed in the oracle
    ///         (checked here by reading it) and every deposit of it is refused when the Vault's total or the token's
    ///         supply would exceed the proven reserve.
    function setAssetKind(address asset, AssetKind kind) external;

    /// @notice [s] Sets how long a lowered liquidation threshold takes to ramp in; between MIN_RAMP_DURATION and
    ///         MAX_RAMP_DURATION. Applies to ramps started afterwards.
    function setRampDuration(uint256 duration) external;

    /// @notice Sets the lapse terms of `asset`, whose oracle price must be attested (`IOracleAdapter.attestation` ttl
    ///         != 0): marks it attested, so that its loan-to-value holds only while its attestation does. `floorBps`
    ///         and `grace` both 0 remove the terms (not while a lapse ramp waits for `cure`). Governance (GOVERNOR).
    /// @param floorBps [bps] > 0 and below the configured liquidation threshold.
    /// @param grace [s] in [1 day, 90 days].
    function setLapseParams(address asset, uint16 floorBps, uint32 grace) external;

    /// @notice Anyone: once the attestation of attested `asset` has been lapsed for its grace period, starts its
    ///         liquidation threshold's ramp down to the lapse floor (the same ramp as a lowering, over `rampDuration`,
    ///         so no position is liquidated at once) and refuses new risk against it until `cure`. Reverts
    ///         LapseRampNotDue.
    function startLapsedRamp(address asset) external;

    /// @notice Governance (GOVERNOR): ends the lapse of `asset` once it is attested again: its threshold is restored
    ///         (at once when that raises it) and its loan-to-value is back in force. Reverts NotCurable.
    function cure(address asset) external;

    /// @notice Anyone: when every asset in position `id`'s basket is written down by the oracle and the position owes
    ///         debt, moves that collateral to the Treasury (worth nothing to the system, it is the Treasury's to
    ///         recover). The position is left with its debt and an empty basket, which the liquidation engine writes
    ///         off as bad debt. Reverts NotWrittenOff.
    function writeOffPosition(uint256 id) external;

    /// @notice Starts emergency settlement: from now on nobody opens a position, mints, withdraws with debt or
    ///         starts a liquidation, and `releasePosition` hands positions to the settlement. Deposit, repay, close
    ///         and debt-free withdrawals keep working. Interest stops: every synthetic accrues to now and then no
    ///         more (its `lastAccrual` reads type(uint40).max). One-way. Settlement contract only (AccessManager).
    function shutdown() external;

    /// @notice After shutdown: clears position `id`'s debt and appoints the caller (the settlement) its manager, which
    ///         then takes the basket with `close` and returns to the owner what exceeds the debt at the frozen prices.
    ///         The owner keeps the position (and any leftover of its auctions). Settlement contract only.
    /// @return owner The position's owner.
    /// @return synthId Its synthetic.
    /// @return debt [wad] The debt cleared, rounded up.
    function releasePosition(uint256 id) external returns (address owner, uint256 synthId, uint256 debt);

    /// @notice Sets the redeemer, the only caller of `redeemFrom` (0: redemptions off). CRITICAL.
    function setRedeemer(address redeemer) external;

    /// @notice Adds stability module `module` with exposure cap `ceiling` [wad]: it may then mint its synthetic
    ///         against its reserve (`moduleMint`). `module.vault()` must be this Vault, its synthetic must exist and
    ///         its reserve must be a listed asset (so settlement can pool it); at most MAX_MODULES. CRITICAL.
    function addModule(address module, uint256 ceiling) external;

    /// @notice Sets `module`'s exposure cap to `ceiling` [wad] (< 2^96). A ceiling below the current debt stops new
    ///         swaps in and forces nobody out. GOVERNOR.
    function setModuleCeiling(address module, uint256 ceiling) external;

    /// @notice After shutdown: clears `module`'s debt and has the module send all its reserves to the caller (the
    ///         settlement), which pools them for the synthetic's holders. Settlement contract only.
    /// @return synthId The module's synthetic.
    /// @return debt [wad] The debt released.
    /// @return reserve The reserve asset.
    /// @return amount [token] The reserves received.
    function releaseModule(
        address module
    ) external returns (uint256 synthId, uint256 debt, address reserve, uint256 amount);

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @notice The oracle adapter (immutable).
    function oracle() external view returns (IOracleAdapter);

    /// @notice The admin module (`VaultAdmin`, created by the constructor, immutable): the governance entry points
    ///         check their caller here and run its code by `delegatecall` in this Vault's storage.
    function admin() external view returns (address);

    /// @notice The treasury receiving minted fees.
    function treasury() external view returns (address);

    /// @notice The liquidation engine (0 until governance sets it).
    function liquidationEngine() external view returns (address);

    /// @notice The id the next position will get.
    function nextPositionId() external view returns (uint256);

    /// @notice Whether the guardian has paused risk-increasing actions.
    function paused() external view returns (bool);

    /// @notice [s] When the system was shut down; 0 while it runs. Interest stops at that time.
    function shutdownAt() external view returns (uint40);

    /// @notice The raw word in storage slot `slot`: `VaultReader` (the liquidation engine, the Treasury,
    ///         Settlement, the lenses) reads the ledger through it instead of the Vault carrying one view per figure. The slot
    ///         layout is documented in `VaultReader`.
    function extSload(bytes32 slot) external view returns (bytes32 value);

    /// @notice The raw words in storage slots `slots`, in order: `extSload` for many slots in one call.
    function extSloads(bytes32[] calldata slots) external view returns (bytes32[] memory values);

    /// @notice Whether a call into the Vault is in progress (its reentrancy lock is held): a reader of the system's
    ///         totals called back from inside an operation (a token hook, a flash loan) sees half-updated state.
    function reentrancyGuardEntered() external view returns (bool);

    /// @notice [s] How long a lowered liquidation threshold takes to ramp in.
    function rampDuration() external view returns (uint256);

    /// @notice Owner, synthetic and the ids of the assets in position `id`'s basket (bit i = asset id i).
    function positionOf(uint256 id) external view returns (address owner, uint256 synthId, uint256 assetMask);

    /// @notice [token] Collateral of `asset` in position `id`.
    function collateralOf(uint256 id, address asset) external view returns (uint256);

    /// @notice Configuration of `asset` (listed == false when not listed).
    function assetConfig(address asset) external view returns (AssetConfig memory);

    /// @notice The listed assets, in id order.
    function assets() external view returns (address[] memory);

    /// @notice [token] Total of `asset` credited to positions.
    function totalCollateral(address asset) external view returns (uint256);

    /// @notice Number of synthetics.
    function syntheticCount() external view returns (uint256);
}
