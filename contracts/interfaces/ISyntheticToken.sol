// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC3156FlashLender} from "@openzeppelin/contracts/interfaces/IERC3156FlashLender.sol";

/// @title ISyntheticToken
/// @notice A synthetic token issued against collateral locked in the Vault: ERC-20 with EIP-2612 permit and ERC-3156
///         flash mint. Only the Vault mints and burns. Whether it tracks USD or an oracle price (e.g. ETH) is Vault
///         configuration, not code: every synthetic is this same contract.
/// @dev Units: amounts are `[wad]` (18 decimals). Flash mint: at most `flashCap` outstanding per loan, fee
///      `flashFeeBps` of the amount rounded up, paid to `feeReceiver` (the protocol's treasury).
interface ISyntheticToken is IERC20, IERC20Permit, IERC3156FlashLender {
    /// @notice The constructor was given the zero address as the Vault.
    error ZeroVault();

    /// @notice Only the Vault may mint or burn.
    error CallerNotVault(address caller);
    /// @notice A flash loan asks for more than the cap allows.
    error FlashCapExceeded(uint256 amount, uint256 cap);
    /// @notice A flash fee above `MAX_FLASH_FEE_BPS`, or a zero fee receiver.
    error InvalidFlashParams(uint256 cap, uint16 feeBps, address feeReceiver);

    /// @notice Emitted when governance changes the flash-mint parameters.
    event FlashParamsSet(uint256 cap, uint16 feeBps, address feeReceiver);

    /// @notice The Vault, the only minter and burner (immutable).
    function vault() external view returns (address);

    /// @notice Mints `amount` [wad] to `to`. Vault only.
    function mint(address to, uint256 amount) external;

    /// @notice Burns `amount` [wad] from `from` without allowance. Vault only; the Vault passes its own caller as
    ///         `from`, so nobody else's tokens can be burned.
    function burn(address from, uint256 amount) external;

    /// @notice [wad] Largest single flash loan.
    function flashCap() external view returns (uint256);

    /// @notice [bps] Flash fee as a share of the amount borrowed.
    function flashFeeBps() external view returns (uint16);

    /// @notice [wad] Flash-minted tokens not yet paid back: non-zero only during a flash loan, the part of
    ///         `totalSupply` that exists for that one call. Whoever judges backing by the supply leaves it out, so a
    ///         flash loan cannot make the system look under-backed (see `IReserveLens.SyntheticReserve.supply`).
    function flashMinted() external view returns (uint256);

    /// @notice Receiver of flash fees (the treasury).
    function feeReceiver() external view returns (address);

    /// @notice Sets the flash cap [wad], fee [bps, at most MAX_FLASH_FEE_BPS] and fee receiver (non-zero).
    ///         Governance only (AccessManager).
    function setFlashParams(uint256 cap, uint16 feeBps, address receiver) external;
}
