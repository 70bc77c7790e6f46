// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "./IVault.sol";
import {IBallastErrors} from "./IBallastErrors.sol";
import {ISavingsToken} from "./ISavingsToken.sol";
import {IBuybackSink} from "./IBuybackSink.sol";

/// @title ITreasury
/// @notice The protocol's surplus buffer, per synthetic: it receives interest fees (`Vault.mintFees`), liquidation
///         penalties and flash-mint fees as synthetic tokens; it pays keepers; and it absorbs bad debt, first by
///         burning surplus, then by leaving a visible deficit (the Vault's `badDebt`). Every step emits an event.
/// @dev Units: every amount is `[wad]` of the synthetic `synthId`. Surplus = this contract's balance of the
///      synthetic; deficit = `vault.synthetic(synthId).badDebt`. The liquidation engine is the Vault's
///      (`vault.liquidationEngine()`), so there is one source of truth for who may call.
interface ITreasury is IBallastErrors {
    /// @notice Cumulative figures per synthetic since deployment [wad].
    struct History {
        uint256 penalties; // liquidation penalties received
        uint256 keeperPay; // paid to keepers in all
        uint256 keeperPayUnbacked; // part of keeperPay minted unbacked because the surplus ran short
        uint256 badDebt; // written off by auctions
        uint256 absorbed; // bad debt covered by burning surplus
        uint256 distributedSavings; // surplus streamed to the savings token
        uint256 distributedBuyback; // surplus spent by the buyback sink
    }

    /// @notice The surplus policy of one synthetic (GOVERNOR, bounded). Nothing is distributed while `maxShareBps`
    ///         is 0 (the default).
    /// @param buffer [wad] Surplus that always stays: only the excess over it is distributed.
    /// @param maxAmount [wad] The most one distribution moves.
    /// @param minDuration [s] How long pokes must have seen the surplus above the buffer (and no deficit) first.
    /// @param minInterval [s] The least time between two distributions.
    /// @param maxShareBps [bps] The most of the excess one distribution takes.
    /// @param savingsBps [bps] Of each distribution, the weight streamed to the savings token.
    /// @param buybackBps [bps] Of each distribution, the weight spent by the buyback sink; savings + buyback ≤ 100%,
    ///        the rest stays in the Treasury.
    struct Policy {
        uint128 buffer;
        uint128 maxAmount;
        uint32 minDuration;
        uint32 minInterval;
        uint16 maxShareBps;
        uint16 savingsBps;
        uint16 buybackBps;
    }

    /// @notice Where a distribution goes (CRITICAL: they receive protocol funds); address 0 skips a sink.
    struct Sinks {
        ISavingsToken savings;
        IBuybackSink buyback;
    }

    /// @notice When pokes first saw the surplus above the buffer without a deficit (0: not now), and the last
    ///         distribution [s].
    struct Clock {
        uint40 aboveSince;
        uint40 lastDistribution;
    }

    /// @notice Which bound a policy broke.
    enum PolicyError {
        Duration,
        Interval,
        Share,
        Weights
    }

    error InvalidPolicy(PolicyError field);
    /// @notice The savings token's asset is not synthetic `synthId`'s token.
    error InvalidSink(address sink);
    /// @notice No distribution while synthetic `synthId` has `deficit` [wad] of bad debt not covered.
    error DeficitOpen(uint256 synthId, uint256 deficit);
    /// @notice The surplus [wad] is not above the `buffer` [wad] (or pokes have not seen it there yet).
    error SurplusBelowBuffer(uint256 surplus, uint256 buffer);
    /// @notice The next distribution is allowed from `allowedAt` [s].
    error DistributionTooEarly(uint256 allowedAt);
    /// @notice `token` is one of the Vault's synthetics: the Treasury's synthetic balance is its surplus, which only the
    ///         policy moves.
    error NotRecoverable(address token);

    /// @notice A liquidation penalty of `amount` arrived.
    event PenaltyReceived(uint256 indexed synthId, uint256 amount);
    /// @notice A keeper was paid `amount`: `fromSurplus` out of the balance, `unbacked` newly minted as deficit.
    event KeeperPaid(
        uint256 indexed synthId,
        address indexed keeper,
        uint256 amount,
        uint256 fromSurplus,
        uint256 unbacked
    );
    /// @notice An auction ended short by `amount`: bad debt booked in the Vault.
    event BadDebtRecorded(uint256 indexed synthId, uint256 amount);
    /// @notice `amount` of bad debt was covered by burning surplus; `deficitLeft` remains.
    event BadDebtAbsorbed(uint256 indexed synthId, uint256 amount, uint256 deficitLeft);
    event PolicySet(uint256 indexed synthId, Policy policy);
    event SinksSet(uint256 indexed synthId, Sinks sinks);
    /// @notice The surplus was `surplus` [wad]: above the buffer since `aboveSince` (0: not above it).
    event SurplusPoked(uint256 indexed synthId, uint256 surplus, uint256 aboveSince);
    /// @notice A distribution: `toSavings` [wad] streamed to the savings token, `toBuyback` [wad] spent by the buyback
    ///         sink; `surplusLeft` [wad] stays.
    /// @notice Governance moved `amount` [token] of `token` (written-off collateral, or tokens sent by mistake) to `to`.
    event Recovered(address indexed token, address indexed to, uint256 amount);
    event SurplusDistributed(uint256 indexed synthId, uint256 toSavings, uint256 toBuyback, uint256 surplusLeft);

    /// @notice The Vault (immutable).
    function vault() external view returns (IVault);

    /// @notice [wad] Synthetic `synthId` the treasury holds.
    function surplus(uint256 synthId) external view returns (uint256);

    /// @notice [wad] Bad debt of synthetic `synthId` not yet covered.
    function deficit(uint256 synthId) external view returns (uint256);

    /// @notice Cumulative figures of synthetic `synthId`.
    function history(uint256 synthId) external view returns (History memory);

    /// @notice Pays `amount` to `keeper` from the surplus; what the surplus cannot cover is minted unbacked and
    ///         becomes deficit. Liquidation engine only. Refused (`SystemShutdown`) once the Vault has shut down: the
    ///         settlement leaves the treasury's balance out of the units that share the collateral, so a payment out
    ///         of it after shutdown would dilute holders who redeem later against those who redeemed before.
    function payKeeper(uint256 synthId, address keeper, uint256 amount) external;

    /// @notice Records what an auction (or a liquidation of a position with nothing left to sell) brought the
    ///         treasury: `penalty` [wad] the engine has transferred here, and `badDebt` [wad] the engine has written
    ///         off in the Vault; then absorbs what it can of the deficit from the surplus. Liquidation engine only.
    ///         One call for both, so a take that ends an auction short pays for one call into the treasury.
    function recordAuction(uint256 synthId, uint256 penalty, uint256 badDebt) external;

    /// @notice Burns surplus against the deficit of synthetic `synthId` (anyone; fees minted later cover older
    ///         deficits).
    /// @return covered [wad] burned.
    function absorbBadDebt(uint256 synthId) external returns (uint256 covered);

    /// @notice Records whether the surplus of `synthId` is above its buffer with no deficit (anyone; the keeper pokes
    ///         on a schedule). Every Treasury operation that lowers the surplus pokes too, so a dip below the buffer
    ///         always restarts the clock; a rise is seen from the next poke on.
    /// @return aboveSince [s] Since when it is above (0: it is not).
    function poke(uint256 synthId) external returns (uint256 aboveSince);

    /// @notice Distributes part of synthetic `synthId`'s surplus by the policy (anyone, once due): `min(excess over the
    ///         buffer × maxShareBps, maxAmount)`, split by the weights between the savings token (streamed in over its
    ///         vesting period; skipped while its stream does not vest: `vestingActive`) and the buyback sink (bounded
    ///         by the oracle); the rest stays. Refused after shutdown, while a deficit is open (`DeficitOpen`), before pokes have seen the
    ///         surplus above the buffer for `minDuration` or within `minInterval` of the last one.
    /// @return toSavings [wad]
    /// @return toBuyback [wad]
    function distribute(uint256 synthId) external returns (uint256 toSavings, uint256 toBuyback);

    /// @notice Moves `amount` [token] of `token` to `to`: the collateral written off positions (`IVault.writeOffPosition`,
    ///         whatever the Treasury recovers from it) or tokens sent here by mistake. Never a synthetic of the Vault
    ///         (`NotRecoverable`): the surplus leaves only by the policy. Governance only (CRITICAL).
    function recover(address token, address to, uint256 amount) external;

    /// @notice Sets synthetic `synthId`'s policy: minDuration and minInterval in [1 hour, 30 days], maxShareBps at
    ///         most 50%, savingsBps + buybackBps at most 100%. GOVERNOR.
    function setPolicy(uint256 synthId, Policy calldata policy) external;

    /// @notice Sets synthetic `synthId`'s sinks; a savings token must hold that synthetic. CRITICAL.
    function setSinks(uint256 synthId, Sinks calldata sinks) external;

    /// @notice Synthetic `synthId`'s surplus policy.
    function policy(uint256 synthId) external view returns (Policy memory);

    /// @notice Synthetic `synthId`'s sinks.
    function sinks(uint256 synthId) external view returns (Sinks memory);

    /// @notice Synthetic `synthId`'s clock: above the buffer since, last distribution.
    function clock(uint256 synthId) external view returns (Clock memory);

    /// @notice What `distribute(synthId)` would do now (before its poke: pokes not yet made count as made now).
    /// @return due Whether it would go through.
    /// @return toSavings [wad]
    /// @return toBuyback [wad]
    /// @return allowedAt [s] The earliest time it is allowed (0 while the surplus is not above the buffer or a
    ///         deficit is open).
    function previewDistribution(
        uint256 synthId
    ) external view returns (bool due, uint256 toSavings, uint256 toBuyback, uint256 allowedAt);
}
