// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {ERC20FlashMint} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20FlashMint.sol";
import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";
import {IERC3156FlashLender} from "@openzeppelin/contracts/interfaces/IERC3156FlashLender.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {TransientSlot} from "@openzeppelin/contracts/utils/TransientSlot.sol";
import {ISyntheticToken} from "./interfaces/ISyntheticToken.sol";

/// @title SyntheticToken
/// @notice See {ISyntheticToken}. One contract for every synthetic; what it tracks is Vault configuration.
/// @dev `mint`/`burn` check an immutable (no AccessManager call): they sit on the Vault's hot path. Only
///      `setFlashParams` goes through the AccessManager. Flash fees are transferred to `feeReceiver`, never burned,
///      so a flash loan leaves `totalSupply` unchanged.
contract SyntheticToken is ERC20, ERC20Permit, ERC20FlashMint, AccessManaged, ISyntheticToken {
    using TransientSlot for *;

    /// @notice [bps] Hard upper bound on `flashFeeBps` (1%).
    uint16 public constant MAX_FLASH_FEE_BPS = 100;

    /// @dev [bps] Denominator of `flashFeeBps`.
    uint256 private constant BPS = 10_000;
    /// @dev Transient slot of `flashMinted` [wad]: keccak256("ballast.synthetic.flashMinted") - 1.
    bytes32 private constant _FLASH_MINTED = 0xe387d8ea475ab409b14fd9bfc148227e7622bdb9e8d1d955078b8e247d952d5a;

    /// @inheritdoc ISyntheticToken
    address public immutable vault;

    /// @inheritdoc ISyntheticToken
    uint256 public flashCap; // [wad]
    /// @inheritdoc ISyntheticToken
    uint16 public flashFeeBps; // [bps] packed with feeReceiver
    /// @inheritdoc ISyntheticToken
    address public feeReceiver;

    /// @param vault_ The Vault, sole minter and burner (non-zero, immutable).
    /// @param initialAuthority The AccessManager that governs `setFlashParams`.
    /// @param flashCap_ [wad] Largest single flash loan (0 disables flash mint).
    /// @param flashFeeBps_ [bps] Flash fee, at most `MAX_FLASH_FEE_BPS`.
    /// @param feeReceiver_ Receiver of flash fees (non-zero).
    constructor(
        string memory name_,
        string memory symbol_,
        address vault_,
        address initialAuthority,
        uint256 flashCap_,
        uint16 flashFeeBps_,
        address feeReceiver_
    ) ERC20(name_, symbol_) ERC20Permit(name_) AccessManaged(initialAuthority) {
        if (vault_ == address(0)) revert ZeroVault();
        vault = vault_;
        _setFlashParams(flashCap_, flashFeeBps_, feeReceiver_);
    }

    // ---------------------------------------------------------------- Vault

    /// @inheritdoc ISyntheticToken
    function mint(address to, uint256 amount) external {
        if (msg.sender != vault) revert CallerNotVault(msg.sender);
        _mint(to, amount);
    }

    /// @inheritdoc ISyntheticToken
    function burn(address from, uint256 amount) external {
        if (msg.sender != vault) revert CallerNotVault(msg.sender);
        _burn(from, amount);
    }

    // ---------------------------------------------------------------- Governance

    /// @inheritdoc ISyntheticToken
    function setFlashParams(uint256 cap, uint16 feeBps, address receiver) external restricted {
        _setFlashParams(cap, feeBps, receiver);
    }

    // ---------------------------------------------------------------- Flash mint

    /// @inheritdoc IERC3156FlashLender
    /// @dev `min(flashCap, type(uint256).max - totalSupply())` for this token, 0 for any other.
    function maxFlashLoan(address token) public view override(ERC20FlashMint, IERC3156FlashLender) returns (uint256) {
        return Math.min(flashCap, super.maxFlashLoan(token));
    }

    /// @inheritdoc IERC3156FlashLender
    function flashFee(
        address token,
        uint256 amount
    ) public view override(ERC20FlashMint, IERC3156FlashLender) returns (uint256) {
        return super.flashFee(token, amount);
    }

    /// @inheritdoc IERC3156FlashLender
    /// @dev Reverts with `FlashCapExceeded` above `flashCap`, before OpenZeppelin's own checks.
    function flashLoan(
        IERC3156FlashBorrower receiver,
        address token,
        uint256 amount,
        bytes calldata data
    ) public override(ERC20FlashMint, IERC3156FlashLender) returns (bool) {
        uint256 cap = flashCap;
        if (token == address(this) && amount > cap) revert FlashCapExceeded(amount, cap);
        // the loan is part of the supply only for this call: `flashMinted` lets readers of the supply leave it out
        TransientSlot.Uint256Slot slot = _FLASH_MINTED.asUint256();
        uint256 outstanding = slot.tload(); // [wad] loans this one is nested in
        slot.tstore(outstanding + amount);
        bool ok = super.flashLoan(receiver, token, amount, data);
        slot.tstore(outstanding);
        return ok;
    }

    /// @inheritdoc ISyntheticToken
    function flashMinted() external view returns (uint256) {
        return _FLASH_MINTED.asUint256().tload();
    }

    /// @dev [wad] `amount * flashFeeBps / 10_000`, rounded up (against the borrower).
    function _flashFee(address, uint256 amount) internal view override returns (uint256) {
        return Math.mulDiv(amount, flashFeeBps, BPS, Math.Rounding.Ceil);
    }

    /// @dev Never address(0), so OpenZeppelin transfers the fee instead of burning it.
    function _flashFeeReceiver() internal view override returns (address) {
        return feeReceiver;
    }

    // ---------------------------------------------------------------- Overrides

    /// @inheritdoc IERC20Permit
    function nonces(address owner) public view override(ERC20Permit, IERC20Permit) returns (uint256) {
        return super.nonces(owner);
    }

    // ---------------------------------------------------------------- Internal

    function _setFlashParams(uint256 cap, uint16 feeBps, address receiver) private {
        if (feeBps > MAX_FLASH_FEE_BPS || receiver == address(0)) revert InvalidFlashParams(cap, feeBps, receiver);
        flashCap = cap;
        flashFeeBps = feeBps;
        feeReceiver = receiver;
        emit FlashParamsSet(cap, feeBps, receiver);
    }
}
