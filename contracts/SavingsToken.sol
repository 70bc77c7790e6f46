// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {ISavingsToken} from "./interfaces/ISavingsToken.sol";

/// @title SavingsToken
/// @notice See `ISavingsToken`: an ERC-4626 vault over one synthetic whose yield vests linearly.
/// @dev Inflation attack. The defence is OpenZeppelin's virtual shares: `_decimalsOffset() = DECIMALS_OFFSET = 9`,
///      so every conversion counts `10^9` shares and 1 token that nobody owns. Against an attacker alone in the vault
///      who makes the share price jump (here only by a stream it waits out: a donation does not count), those virtual
///      shares take half the jump, and a victim who deposits after it loses less than one share's worth,
///      `(totalAssets + 1) / (totalSupply + 10^9)`: the attacker burns about `10^9` times what the victim can lose.
///      Example (were the stream to vest for a lone 1-wei saver, which `minVestingShares` prevents): 1 wei, then
///      1M tokens streamed and vested; a 1-token victim loses at most 5e14 wei (0.05%) while
///      the attacker loses 500k tokens. Why 9: with 6 the same example costs the victim up to half its token; 9 makes
///      shares 27-decimal (the `[ray]` scale) for an 18-decimal synthetic and keeps every product in range (supply
///      at most 2^128 × 10^9 for assets below 2^128; conversions use 512-bit `mulDiv`). Dead shares were not chosen:
///      with no owner there is nobody to seed them at deployment without a factory, and virtual shares give the same
///      bound without a deposit. The stream adds a second line: a donation does not count until skimmed and then
///      vests over `vestingPeriod` (at least an hour), during which anyone who deposits takes a share of it, so the
///      price cannot be moved within one block at all; and it vests only while `minVestingShares` are out, so an
///      attacker must first hold a whole unit's shares, against which the virtual shares weigh 1e-18.
///
///      Sequence of every entry point: `nonReentrant`; bring the stream to now (`_sync`) before any share math, so
///      `totalAssets()` in the same block equals `accountedAssets()` and each `preview*` is exact; effects (shares,
///      accounting, stream); then the token transfer. Transfers in are measured (`TransferShortfall`), so an asset
///      that takes a fee cannot credit more than arrived.
contract SavingsToken is ISavingsToken, ERC4626, ERC20Permit, ReentrancyGuardTransient {
    using SafeCast for uint256;

    /// @inheritdoc ISavingsToken
    uint256 public constant MIN_VESTING_PERIOD = 1 hours;
    /// @inheritdoc ISavingsToken
    uint256 public constant MAX_VESTING_PERIOD = 30 days;
    /// @inheritdoc ISavingsToken
    uint8 public constant DECIMALS_OFFSET = 9;

    /// @dev `rate` scale in `vesting()`, and `apr()` is a [wad].
    uint256 private constant WAD = 1e18;
    /// @dev [s] The year `apr()` annualises over.
    uint256 private constant YEAR = 365 days;

    /// @inheritdoc ISavingsToken
    uint256 public immutable vestingPeriod; // [s]
    /// @inheritdoc ISavingsToken
    uint256 public immutable minVestingShares; // [share]

    /// @dev The stream as of `lastUpdate`: `unvested` vests linearly from `lastUpdate` to `end`.
    struct Stream {
        uint128 unvested; // [token] not vested at lastUpdate; < 2^128 (SafeCast)
        uint64 lastUpdate; // [s] when `unvested` was last brought to account
        uint64 end; // [s] when the last of it vests; > lastUpdate while unvested != 0
    }

    /// @dev [token] Deposits − withdrawals + vested distributions, as of `_stream.lastUpdate`.
    uint256 internal _accounted;
    Stream internal _stream;

    /// @param synthetic The asset: a Ballast synthetic (any ERC-20 without fee on transfer or rebasing works).
    /// @param name_ Name of the shares (also the EIP-712 domain name of `permit`).
    /// @param symbol_ Symbol of the shares.
    /// @param vestingPeriod_ [s] How long a distribution vests, in `[MIN_VESTING_PERIOD, MAX_VESTING_PERIOD]`.
    constructor(
        IERC20 synthetic,
        string memory name_,
        string memory symbol_,
        uint256 vestingPeriod_
    ) ERC20(name_, symbol_) ERC20Permit(name_) ERC4626(synthetic) {
        if (address(synthetic) == address(0)) revert ZeroAsset();
        if (vestingPeriod_ < MIN_VESTING_PERIOD || vestingPeriod_ > MAX_VESTING_PERIOD) {
            revert VestingPeriodOutOfBounds(vestingPeriod_, MIN_VESTING_PERIOD, MAX_VESTING_PERIOD);
        }
        vestingPeriod = vestingPeriod_;
        minVestingShares = 10 ** decimals(); // one whole unit of the asset at the first share price
    }

    // ---------------------------------------------------------------- Yield

    /// @inheritdoc ISavingsToken
    function distribute(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroDistribution();
        _sync();
        (uint256 unvested, uint256 end) = _extendStream(amount);
        emit Distributed(msg.sender, amount, unvested, end);
        _transferIn(msg.sender, amount);
    }

    /// @inheritdoc ISavingsToken
    function skim() external nonReentrant returns (uint256 amount) {
        _sync();
        uint256 balance = IERC20(asset()).balanceOf(address(this));
        uint256 tracked = _accounted + _stream.unvested;
        if (balance <= tracked) revert NothingToSkim(balance, tracked);
        amount = balance - tracked;
        (uint256 unvested, uint256 end) = _extendStream(amount);
        emit Skimmed(msg.sender, amount, unvested, end);
    }

    // ---------------------------------------------------------------- ERC-4626 entry points

    /// @inheritdoc IERC4626
    function deposit(
        uint256 assets,
        address receiver
    ) public override(ERC4626, IERC4626) nonReentrant returns (uint256) {
        _sync();
        return super.deposit(assets, receiver);
    }

    /// @inheritdoc IERC4626
    function mint(uint256 shares, address receiver) public override(ERC4626, IERC4626) nonReentrant returns (uint256) {
        _sync();
        return super.mint(shares, receiver);
    }

    /// @inheritdoc IERC4626
    function withdraw(
        uint256 assets,
        address receiver,
        address owner
    ) public override(ERC4626, IERC4626) nonReentrant returns (uint256) {
        _sync();
        return super.withdraw(assets, receiver, owner);
    }

    /// @inheritdoc IERC4626
    function redeem(
        uint256 shares,
        address receiver,
        address owner
    ) public override(ERC4626, IERC4626) nonReentrant returns (uint256) {
        _sync();
        return super.redeem(shares, receiver, owner);
    }

    // ---------------------------------------------------------------- Views

    /// @inheritdoc IERC4626
    /// @dev [token] `accountedAssets() + vested since the last update`, rounded down; never the raw balance.
    function totalAssets() public view override(ERC4626, IERC4626) returns (uint256) {
        return _accounted + _vestedDown(_stream);
    }

    /// @inheritdoc ISavingsToken
    function vesting() public view returns (uint256 unvested, uint256 end, uint256 rate) {
        Stream memory s = _stream;
        if (s.unvested != 0 && !vestingActive()) return (s.unvested, s.end + (block.timestamp - s.lastUpdate), 0);
        unvested = s.unvested - _vestedDown(s);
        end = s.end;
        if (unvested != 0) rate = (unvested * WAD) / (end - block.timestamp); // end > now while unvested != 0
    }

    /// @inheritdoc ISavingsToken
    function vestingActive() public view returns (bool) {
        return totalSupply() >= minVestingShares;
    }

    /// @inheritdoc ISavingsToken
    function apr() external view returns (uint256) {
        (, , uint256 rate) = vesting();
        uint256 assets = totalAssets();
        if (rate == 0 || assets == 0) return 0;
        return Math.mulDiv(rate, YEAR, assets); // [token × 1e18 / s] × [s] / [token] = [wad], down
    }

    /// @inheritdoc ISavingsToken
    function skimmable() external view returns (uint256) {
        uint256 balance = IERC20(asset()).balanceOf(address(this));
        uint256 tracked = _accounted + _stream.unvested; // vesting moves tokens between the two: the sum is exact
        return balance > tracked ? balance - tracked : 0;
    }

    /// @inheritdoc ISavingsToken
    function accountedAssets() external view returns (uint256) {
        return _accounted;
    }

    /// @inheritdoc IERC20Metadata
    /// @dev The asset's decimals + `DECIMALS_OFFSET`.
    function decimals() public view override(ERC20, ERC4626, IERC20Metadata) returns (uint8) {
        return super.decimals();
    }

    /// @inheritdoc IERC20Permit
    function nonces(address owner) public view override(ERC20Permit, IERC20Permit) returns (uint256) {
        return super.nonces(owner);
    }

    // ---------------------------------------------------------------- Internal

    /// @dev Brings the stream to now: moves what has vested since the last update into `_accounted`. Writes nothing
    ///      while nothing has vested (the fraction of a unit still vesting keeps its place in the schedule). Below
    ///      `minVestingShares` nothing vests and the schedule moves on by the time waited. The share supply only
    ///      changes in deposits and withdrawals, each of which syncs first, so it held since `lastUpdate`.
    function _sync() internal {
        Stream memory s = _stream;
        if (s.unvested == 0) return;
        if (!vestingActive()) {
            uint256 waited = block.timestamp - s.lastUpdate;
            if (waited != 0) _stream = Stream(s.unvested, uint64(block.timestamp), uint64(s.end + waited));
            return;
        }
        uint256 vested = _vestedDown(s);
        if (vested == 0) return;
        _accounted += vested;
        _stream = Stream(uint128(s.unvested - vested), uint64(block.timestamp), s.end);
    }

    /// @dev Adds `amount` [token] to the stream (after `_sync`): the unvested remainder plus `amount` vest linearly
    ///      from now to now + `vestingPeriod`. @return unvested [token] the new stream; @return end [s] its end.
    function _extendStream(uint256 amount) internal returns (uint256 unvested, uint256 end) {
        unvested = _stream.unvested + amount;
        end = block.timestamp + vestingPeriod;
        _stream = Stream(unvested.toUint128(), uint64(block.timestamp), uint64(end));
    }

    /// @dev [token] The part of `s.unvested` vested between `s.lastUpdate` and now: linear, rounded down (the rest
    ///      vests later), all of it from `s.end` on.
    function _vestedDown(Stream memory s) internal view returns (uint256) {
        if (!vestingActive()) return 0; // the stream waits (see `_sync`)
        if (block.timestamp >= s.end) return s.unvested;
        return (uint256(s.unvested) * (block.timestamp - s.lastUpdate)) / (s.end - s.lastUpdate);
    }

    /// @dev Books deposits in `_accounted` before OpenZeppelin pulls the assets and mints the shares.
    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal override {
        _accounted += assets;
        super._deposit(caller, receiver, assets, shares);
    }

    /// @dev Takes withdrawals out of `_accounted` before OpenZeppelin burns the shares and sends the assets. Never
    ///      underflows: after `_sync`, `totalAssets() == _accounted` and a conversion never pays more than that.
    function _withdraw(
        address caller,
        address receiver,
        address owner,
        uint256 assets,
        uint256 shares
    ) internal override {
        _accounted -= assets;
        super._withdraw(caller, receiver, owner, assets, shares);
    }

    /// @dev Pulls `assets` [token] from `from` and checks the balance grew by at least that much.
    function _transferIn(address from, uint256 assets) internal override {
        IERC20 token = IERC20(asset());
        uint256 before = token.balanceOf(address(this));
        SafeERC20.safeTransferFrom(token, from, address(this), assets);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received < assets) revert TransferShortfall(assets, received);
    }

    function _decimalsOffset() internal pure override returns (uint8) {
        return DECIMALS_OFFSET;
    }
}
