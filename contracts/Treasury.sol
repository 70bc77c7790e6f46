// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {ITreasury} from "./interfaces/ITreasury.sol";
import {IVault} from "./interfaces/IVault.sol";
import {ISyntheticToken} from "./interfaces/ISyntheticToken.sol";
import {VaultReader} from "./libraries/VaultReader.sol";
import {FixedMath} from "./libraries/FixedMath.sol";

/// @title Treasury
/// @notice Ballast's surplus buffer, bad-debt waterfall and surplus policy. See `ITreasury`.
/// @dev Holds no collateral. Its callers with rights: the Vault's liquidation engine (pay keepers, record penalties
///      and bad debt); anyone (absorb bad debt from the surplus, poke, distribute by the policy once due); governance
///      sets the policy within bounds (GOVERNOR) and the sinks (CRITICAL), and can move nothing itself. It moves no
///      token but the synthetics it holds, and those only to keepers, to the Vault's burns and to its sinks by rule.
contract Treasury is ITreasury, AccessManaged, ReentrancyGuardTransient {
    using SafeCast for uint256;
    using SafeERC20 for IERC20;
    using FixedMath for uint256;

    /// @notice [s] Bounds of a policy's minDuration and minInterval.
    uint256 public constant MIN_POLICY_TIME = 1 hours;
    uint256 public constant MAX_POLICY_TIME = 30 days;
    /// @notice [bps] The most of the excess over the buffer one distribution may take.
    uint256 public constant MAX_SHARE_BPS = 5_000;

    /// @inheritdoc ITreasury
    IVault public immutable vault;

    /// @dev `History` in four slots, each pair written together: [wad] cumulative, < 2^128 (synthetic supply bound).
    struct StoredHistory {
        uint128 keeperPay;
        uint128 keeperPayUnbacked;
        uint128 badDebt;
        uint128 absorbed;
        uint128 penalties;
        uint128 distributedSavings;
        uint128 distributedBuyback;
    }

    /// @dev `Policy` and `Clock` in two slots; the first (the buffer, the share and the clock) is all a poke reads.
    struct StoredPolicy {
        // slot 0
        uint128 buffer; // [wad]
        uint16 maxShareBps;
        uint40 aboveSince; // [s]
        uint40 lastDistribution; // [s]
        // slot 1
        uint128 maxAmount; // [wad]
        uint32 minDuration; // [s]
        uint32 minInterval; // [s]
        uint16 savingsBps;
        uint16 buybackBps;
    }

    /// @dev A figure a poke reads itself when the policy needs it.
    uint256 private constant UNKNOWN = type(uint256).max;

    mapping(uint256 synthId => StoredHistory) internal _history;
    mapping(uint256 synthId => StoredPolicy) internal _policy;
    mapping(uint256 synthId => Sinks) internal _sinks;

    constructor(IVault vault_, address authority) AccessManaged(authority) {
        if (address(vault_) == address(0)) revert ZeroAddress();
        vault = vault_;
    }

    modifier onlyEngine() {
        if (msg.sender != vault.liquidationEngine()) revert CallerNotLiquidationEngine(msg.sender);
        _;
    }

    /// @inheritdoc ITreasury
    function surplus(uint256 synthId) public view returns (uint256) {
        return _token(synthId).balanceOf(address(this));
    }

    /// @inheritdoc ITreasury
    function deficit(uint256 synthId) public view returns (uint256 owed) {
        owed = VaultReader.badDebt(vault, synthId);
    }

    /// @inheritdoc ITreasury
    function history(uint256 synthId) external view returns (History memory) {
        StoredHistory memory h = _history[synthId];
        return
            History(
                h.penalties,
                h.keeperPay,
                h.keeperPayUnbacked,
                h.badDebt,
                h.absorbed,
                h.distributedSavings,
                h.distributedBuyback
            );
    }

    /// @inheritdoc ITreasury
    function payKeeper(uint256 synthId, address keeper, uint256 amount) external onlyEngine nonReentrant {
        uint256 at = vault.shutdownAt();
        if (at != 0) revert SystemShutdown(at);
        uint256 available = surplus(synthId);
        uint256 fromSurplus = amount < available ? amount : available;
        uint256 unbacked = amount - fromSurplus;
        StoredHistory storage h = _history[synthId];
        (h.keeperPay, h.keeperPayUnbacked) = (
            h.keeperPay + amount.toUint128(),
            h.keeperPayUnbacked + unbacked.toUint128()
        );
        emit KeeperPaid(synthId, keeper, amount, fromSurplus, unbacked);
        if (fromSurplus != 0) _token(synthId).transfer(keeper, fromSurplus);
        if (unbacked != 0) vault.mintUnbacked(synthId, keeper, unbacked);
        // the surplus fell, or a deficit opened (then it is known to be open)
        _poke(synthId, available - fromSurplus, unbacked != 0 ? unbacked : UNKNOWN);
    }

    /// @inheritdoc ITreasury
    function recordAuction(uint256 synthId, uint256 penalty, uint256 badDebt) external onlyEngine nonReentrant {
        StoredHistory storage h = _history[synthId];
        if (penalty != 0) {
            h.penalties += penalty.toUint128();
            emit PenaltyReceived(synthId, penalty);
        }
        if (badDebt != 0) {
            h.badDebt += badDebt.toUint128();
            emit BadDebtRecorded(synthId, badDebt);
        }
        // the penalty is surplus: it covers any deficit first; the engine's synthetic exists, so its bad debt is read
        // without the array's bounds check (a cold slot less on every take that ends short)
        _absorb(synthId, VaultReader.synthWord(vault, synthId, 5) >> 128);
    }

    /// @inheritdoc ITreasury
    function absorbBadDebt(uint256 synthId) external nonReentrant returns (uint256 covered) {
        return _absorb(synthId, deficit(synthId));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Surplus policy
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ITreasury
    function poke(uint256 synthId) external nonReentrant returns (uint256 aboveSince) {
        uint256 before = _policy[synthId].aboveSince;
        aboveSince = _poke(synthId, UNKNOWN, UNKNOWN);
        if (aboveSince == before) emit SurplusPoked(synthId, surplus(synthId), aboveSince); // else `_poke` did
    }

    /// @inheritdoc ITreasury
    function distribute(uint256 synthId) external nonReentrant returns (uint256 toSavings, uint256 toBuyback) {
        uint256 at = vault.shutdownAt();
        if (at != 0) revert SystemShutdown(at);
        uint256 owed = deficit(synthId);
        if (owed != 0) revert DeficitOpen(synthId, owed);
        uint256 since = _poke(synthId, UNKNOWN, 0);
        StoredPolicy memory p = _policy[synthId];
        uint256 available = surplus(synthId);
        if (since == 0) revert SurplusBelowBuffer(available, p.buffer);
        uint256 allowedAt = _allowedAt(p, since);
        if (block.timestamp < allowedAt) revert DistributionTooEarly(allowedAt);
        Sinks memory sk = _sinks[synthId];
        (toSavings, toBuyback) = _split(p, sk, available);
        if (toSavings + toBuyback == 0) revert ZeroAmount();

        _policy[synthId].lastDistribution = uint40(block.timestamp);
        StoredHistory storage h = _history[synthId];
        (h.distributedSavings, h.distributedBuyback) = (
            h.distributedSavings + toSavings.toUint128(),
            h.distributedBuyback + toBuyback.toUint128()
        );
        emit SurplusDistributed(synthId, toSavings, toBuyback, available - toSavings - toBuyback);

        IERC20 token = IERC20(address(_token(synthId)));
        if (toSavings != 0) {
            token.forceApprove(address(sk.savings), toSavings);
            sk.savings.distribute(toSavings);
        }
        if (toBuyback != 0) {
            token.forceApprove(address(sk.buyback), toBuyback);
            sk.buyback.buy(token, toBuyback, _synthPrice(synthId)); // reverts at a failed price: retried later
            token.forceApprove(address(sk.buyback), 0);
        }
        _poke(synthId, UNKNOWN, 0);
    }

    /// @inheritdoc ITreasury
    function recover(address token, address to, uint256 amount) external restricted nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        uint256 n = vault.syntheticCount();
        for (uint256 i; i < n; ++i) {
            if (address(_token(i)) == token) revert NotRecoverable(token);
        }
        emit Recovered(token, to, amount);
        IERC20(token).safeTransfer(to, amount);
    }

    /// @inheritdoc ITreasury
    function setPolicy(uint256 synthId, Policy calldata p) external restricted {
        _token(synthId); // reverts SyntheticNotFound
        if (p.minDuration < MIN_POLICY_TIME || p.minDuration > MAX_POLICY_TIME)
            revert InvalidPolicy(PolicyError.Duration);
        if (p.minInterval < MIN_POLICY_TIME || p.minInterval > MAX_POLICY_TIME)
            revert InvalidPolicy(PolicyError.Interval);
        if (p.maxShareBps > MAX_SHARE_BPS) revert InvalidPolicy(PolicyError.Share);
        if (uint256(p.savingsBps) + p.buybackBps > FixedMath.BPS) revert InvalidPolicy(PolicyError.Weights);
        StoredPolicy storage sp = _policy[synthId];
        (sp.buffer, sp.maxAmount, sp.minDuration, sp.minInterval) = (
            p.buffer,
            p.maxAmount,
            p.minDuration,
            p.minInterval
        );
        (sp.maxShareBps, sp.savingsBps, sp.buybackBps) = (p.maxShareBps, p.savingsBps, p.buybackBps);
        emit PolicySet(synthId, p);
        _poke(synthId, UNKNOWN, UNKNOWN); // a new buffer restarts the clock where it no longer holds
    }

    /// @inheritdoc ITreasury
    function setSinks(uint256 synthId, Sinks calldata sk) external restricted {
        ISyntheticToken token = _token(synthId);
        if (address(sk.savings) != address(0) && sk.savings.asset() != address(token)) {
            revert InvalidSink(address(sk.savings));
        }
        _sinks[synthId] = sk;
        emit SinksSet(synthId, sk);
    }

    /// @inheritdoc ITreasury
    function policy(uint256 synthId) external view returns (Policy memory) {
        StoredPolicy memory p = _policy[synthId];
        return Policy(p.buffer, p.maxAmount, p.minDuration, p.minInterval, p.maxShareBps, p.savingsBps, p.buybackBps);
    }

    /// @inheritdoc ITreasury
    function sinks(uint256 synthId) external view returns (Sinks memory) {
        return _sinks[synthId];
    }

    /// @inheritdoc ITreasury
    function clock(uint256 synthId) external view returns (Clock memory) {
        StoredPolicy storage p = _policy[synthId];
        return Clock(p.aboveSince, p.lastDistribution);
    }

    /// @inheritdoc ITreasury
    function previewDistribution(
        uint256 synthId
    ) external view returns (bool due, uint256 toSavings, uint256 toBuyback, uint256 allowedAt) {
        if (vault.shutdownAt() != 0 || deficit(synthId) != 0) return (false, 0, 0, 0);
        StoredPolicy memory p = _policy[synthId];
        uint256 available = surplus(synthId);
        if (p.maxShareBps == 0 || available <= p.buffer) return (false, 0, 0, 0);
        allowedAt = _allowedAt(p, p.aboveSince == 0 ? block.timestamp : p.aboveSince);
        (toSavings, toBuyback) = _split(p, _sinks[synthId], available);
        due = block.timestamp >= allowedAt && toSavings + toBuyback != 0;
    }

    /// @dev Burns min(surplus, `owed`) through the Vault (`owed` [wad]: the deficit, read by the caller). With a
    ///      deficit the policy's clock is brought up to date (a deficit open stops it; one covered may start it);
    ///      without one nothing fell, so there is nothing to record (a rise is seen by the next poke).
    function _absorb(uint256 synthId, uint256 owed) internal returns (uint256 covered) {
        if (owed == 0) return 0;
        uint256 available = surplus(synthId);
        covered = owed < available ? owed : available;
        if (covered != 0) {
            _history[synthId].absorbed += covered.toUint128();
            vault.coverBadDebt(synthId, covered);
            emit BadDebtAbsorbed(synthId, covered, owed - covered);
        }
        _poke(synthId, available - covered, owed - covered);
    }

    /// @dev Records whether the surplus is above the buffer with no deficit under a policy that distributes, and
    ///      emits `SurplusPoked` when that changes. `available` [wad] and `owed` [wad] are the surplus and deficit
    ///      when the caller knows them, else UNKNOWN (read here only if the answer depends on them). It reads one
    ///      slot of the policy, and nothing else without a policy and a running clock.
    function _poke(uint256 synthId, uint256 available, uint256 owed) internal returns (uint256 since) {
        StoredPolicy storage p = _policy[synthId];
        since = p.aboveSince;
        uint16 share = p.maxShareBps;
        if (share == 0 && since == 0) return 0; // no policy: nothing to record
        if (available == UNKNOWN) available = surplus(synthId);
        bool above = share != 0 && available > p.buffer;
        if (above && owed == UNKNOWN) owed = deficit(synthId);
        above = above && owed == 0;
        uint256 next = above ? (since == 0 ? block.timestamp : since) : 0;
        if (next != since) {
            p.aboveSince = uint40(next);
            emit SurplusPoked(synthId, available, next);
        }
        since = next;
    }

    /// @return [s] The earliest distribution: `minDuration` after the surplus rose above the buffer (`since`) and
    ///         `minInterval` after the last distribution.
    function _allowedAt(StoredPolicy memory p, uint256 since) internal pure returns (uint256) {
        uint256 a = since + p.minDuration;
        uint256 b = p.lastDistribution == 0 ? 0 : uint256(p.lastDistribution) + p.minInterval;
        return a > b ? a : b;
    }

    /// @return toSavings [wad] @return toBuyback [wad] The distribution of `available` [wad] by policy `p`: the amount
    ///         is `min((available - buffer) × maxShareBps, maxAmount)` rounded down, each weight's part rounded down;
    ///         a sink that is not set, or a savings token whose stream does not vest now (`vestingActive`: fewer than
    ///         its `minVestingShares` out; the part stays here, where it can absorb bad debt), gets nothing.
    function _split(
        StoredPolicy memory p,
        Sinks memory sk,
        uint256 available
    ) internal view returns (uint256 toSavings, uint256 toBuyback) {
        if (available <= p.buffer) return (0, 0);
        uint256 amount = (available - p.buffer).mulDivDown(p.maxShareBps, FixedMath.BPS);
        if (amount > p.maxAmount) amount = p.maxAmount;
        if (address(sk.savings) != address(0) && sk.savings.vestingActive()) {
            toSavings = amount.mulDivDown(p.savingsBps, FixedMath.BPS);
        }
        if (address(sk.buyback) != address(0)) toBuyback = amount.mulDivDown(p.buybackBps, FixedMath.BPS);
    }

    /// @return [wad] USD per unit of synthetic `synthId` (1e18 for a USD synthetic); reverts PriceUnavailable.
    function _synthPrice(uint256 synthId) internal view returns (uint256) {
        address priceAsset = VaultReader.priceAsset(vault, synthId);
        return priceAsset == address(0) ? FixedMath.WAD : vault.oracle().getPrice(priceAsset);
    }

    function _token(uint256 synthId) internal view returns (ISyntheticToken token) {
        token = VaultReader.token(vault, synthId);
    }
}
