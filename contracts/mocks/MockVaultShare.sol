// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {MockERC20} from "./MockERC20.sol";

/// @notice OpenZeppelin's ERC-4626 vault, unchanged, over a test asset: its share price moves when assets are donated
///         to it (the yield an sDAI-like vault accrues, or an attacker's donation), with `offset` decimals of virtual
///         shares. Never deploy to a real network.
contract MockVaultShare is ERC4626 {
    uint8 private immutable _offset;

    constructor(
        IERC20 asset_,
        string memory name_,
        string memory symbol_,
        uint8 offset
    ) ERC20(name_, symbol_) ERC4626(asset_) {
        _offset = offset;
    }

    /// @notice Faucet, as `MockERC20.mint`: mints the underlying the shares are worth (rounded up) into the vault, then
    ///         `shares` to `to`; the share price does not move. The underlying must be a `MockERC20`.
    function mint(address to, uint256 shares) external {
        MockERC20(asset()).mint(address(this), previewMint(shares));
        _mint(to, shares);
    }

    function _decimalsOffset() internal view override returns (uint8) {
        return _offset;
    }
}
