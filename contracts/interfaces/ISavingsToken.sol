// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

/// @title ISavingsToken
/// @notice An ERC-4626 vault over one synthetic: holders deposit the synthetic and receive shares whose price rises as
///         yield streams in. Yield arrives through `distribute` (the Treasury in practice, but anyone may call) and
///         vests linearly over `vestingPeriod`, so no single block moves the share price: a deposit made just before
///         a distribution earns only its pro-rata share of what vests while it stays in. Tokens sent to the vault
///         without `distribute` (a donation) do not count until someone calls `skim`, which streams them the same
///         way. No owner, no governance: the vesting period is fixed at deployment.
/// @dev Units: `[token]` is an amount of the asset in its own decimals (18 for Ballast synthetics; the contract is
///      decimal-agnostic); `[share]` is an amount of shares, which have `DECIMALS_OFFSET` more decimals than the
///      asset; `[s]` is seconds.
///      Accounting: `totalAssets() = accounted + vested`, where `accounted` [token] is deposits − withdrawals +
///      distributions already vested (brought up to date by every entry point before any share math), and `vested`
///      [token] is the part of the current stream vested since that update. `balance ≥ accounted + unvested` always
///      holds for a token that does not take fees or rebase down; what the balance holds beyond that is untracked
///      (`skimmable`).
///      Rounding: every conversion rounds in favour of the vault (OpenZeppelin ERC-4626: deposit and redeem round the
///      user's side down, mint and withdraw round it up), and the vested amount rounds down (the remainder vests
///      later), so the share price never falls and every share stays redeemable.
///      Assumptions on the asset: no fee on transfer (a short transfer reverts with `TransferShortfall`), no
///      rebasing, no transfer hooks needed (every entry point is `nonReentrant` anyway).
interface ISavingsToken is IERC4626, IERC20Permit {
    // ---------------------------------------------------------------- Errors

    /// @notice The constructor was given the zero address as the asset.
    error ZeroAsset();
    /// @notice The constructor's vesting period [s] is outside `[min, max]` [s].
    error VestingPeriodOutOfBounds(uint256 period, uint256 min, uint256 max);
    /// @notice `distribute` was called with a zero amount.
    error ZeroDistribution();
    /// @notice `skim` found no untracked tokens: the vault's `balance` [token] is not above what it tracks,
    ///         `tracked` [token] (accounted + unvested).
    error NothingToSkim(uint256 balance, uint256 tracked);
    /// @notice A transfer in delivered `received` [token] where `expected` [token] was sent: the asset takes a fee.
    error TransferShortfall(uint256 expected, uint256 received);

    // ---------------------------------------------------------------- Events

    /// @notice `sender` distributed `amount` [token]; the stream now holds `unvested` [token] (the previous stream's
    ///         unvested remainder plus `amount`), vesting linearly until `end` [s].
    event Distributed(address indexed sender, uint256 amount, uint256 unvested, uint256 end);
    /// @notice `caller` put `amount` [token] of untracked balance into the stream; it now holds `unvested` [token],
    ///         vesting linearly until `end` [s].
    event Skimmed(address indexed caller, uint256 amount, uint256 unvested, uint256 end);

    // ---------------------------------------------------------------- Constants

    /// @notice [s] Shortest vesting period a vault may be deployed with (1 hour).
    function MIN_VESTING_PERIOD() external view returns (uint256);

    /// @notice [s] Longest vesting period a vault may be deployed with (30 days).
    function MAX_VESTING_PERIOD() external view returns (uint256);

    /// @notice Decimals shares have beyond the asset's: `10 ** DECIMALS_OFFSET` virtual shares (and one virtual
    ///         token) sit in every conversion, so the first-depositor inflation attack costs the attacker at least
    ///         `10 ** DECIMALS_OFFSET` times what it can take from a victim (see `SavingsToken`).
    function DECIMALS_OFFSET() external view returns (uint8);

    /// @notice [share] The stream vests only while at least this many shares are out: one whole unit of the asset
    ///         at the first share price, `10 ** decimals()` (1e27 for an 18-decimal synthetic; immutable). Below it
    ///         the stream waits, its schedule moved on by the time waited. Otherwise the virtual shares would take
    ///         part of what vests while (almost) nobody saves (half of it against a lone 1-wei saver, all of it with
    ///         no saver), and nobody could ever withdraw that; from it on they take at most 10^-decimals of it.
    function minVestingShares() external view returns (uint256);

    /// @notice Whether the stream vests now: `totalSupply() >= minVestingShares` (the Treasury distributes to the
    ///         token only then).
    function vestingActive() external view returns (bool);

    /// @notice [s] How long a distribution (with the unvested remainder it rolls over) takes to vest (immutable).
    function vestingPeriod() external view returns (uint256);

    // ---------------------------------------------------------------- Yield

    /// @notice Pulls `amount` [token] of the asset from the caller (`transferFrom`, so approve first) and adds it to
    ///         the stream: the previous stream's unvested remainder plus `amount` vest linearly over `vestingPeriod`
    ///         from now. Nothing vests in the block of the call. Anyone may call; the Treasury does in practice.
    /// @dev Roll-over rule: distributing restarts the clock of the remainder too, so frequent small distributions
    ///      slow the vesting of older ones (at worst to an exponential decay with time constant `vestingPeriod`);
    ///      they can neither move the share price at once nor take anything. Reverts with `ZeroDistribution` for a
    ///      zero amount, `TransferShortfall` if fewer tokens arrive than `amount`, and with the token's error
    ///      without allowance or balance. Emits `Distributed`.
    function distribute(uint256 amount) external;

    /// @notice Puts the untracked balance (balance − accounted − unvested [token]: tokens sent without
    ///         `distribute`) into the stream, under the same roll-over rule as `distribute`, so a donation is never
    ///         stuck and never moves the share price at once. Anyone may call.
    /// @dev Reverts with `NothingToSkim` when there is nothing untracked. Emits `Skimmed`.
    /// @return amount [token] Added to the stream.
    function skim() external returns (uint256 amount);

    // ---------------------------------------------------------------- Views

    /// @notice The stream now.
    /// @return unvested [token] Not yet vested (0 once the stream has ended).
    /// @return end [s] When the last of it vests (the last distribution or skim + `vestingPeriod`, moved on by the
    ///         time the stream waited below `minVestingShares`; past ends stay).
    /// @return rate [token × 1e18 / s] What vests per second from now until `end`, scaled by 1e18 so slow streams of
    ///         few-decimal tokens do not round to zero: `unvested × 1e18 / (end − now)`, rounded down; 0 when ended.
    function vesting() external view returns (uint256 unvested, uint256 end, uint256 rate);

    /// @notice [wad] The current yield as a simple annual rate: `rate × 365 days / 1e18 / totalAssets()` with `rate`
    ///         from `vesting()`, i.e. 5e16 = 5% a year if the stream kept its current rate; rounded down. 0 with no
    ///         assets or no stream. Instantaneous: it falls to 0 when the stream ends without a new distribution.
    function apr() external view returns (uint256);

    /// @notice [token] Untracked balance `skim` would stream now (0 if none).
    function skimmable() external view returns (uint256);

    /// @notice [token] Assets brought to account at the last update (deposits − withdrawals + vested
    ///         distributions); `totalAssets()` adds what has vested since.
    function accountedAssets() external view returns (uint256);
}
