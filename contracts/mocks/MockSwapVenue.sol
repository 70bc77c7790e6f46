// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IVenue} from "../interfaces/IVenue.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {MockERC20} from "./MockERC20.sol";

/// @notice A venue that pays `tokenOut` (minted: it must be a MockERC20) at a set rate per pair or, when built with an
///         oracle and no rate is set, at the oracle's prices (a token the oracle cannot price counts $1, as a USD
///         synthetic), less a configurable slippage; it can be made to lie (pay less than it checked). A token it cannot
///         mint (a synthetic) it pays from the inventory it holds once told to (`setInventory`): fund it by transfer.
///         Test only.
contract MockSwapVenue is IVenue {
    using SafeERC20 for IERC20;

    /// @notice The oracle that prices pairs without a set rate (0: rates only).
    IOracleAdapter public immutable oracle;
    /// @notice [wad] tokenOut units per tokenIn unit, per pair (0: priced by the oracle).
    mapping(address tokenIn => mapping(address tokenOut => uint256)) public rate;
    /// @notice [bps] Taken off every output.
    uint256 public slippageBps;
    /// @notice When set, pays half of what it quotes after the minOut check.
    bool public lie;
    /// @notice Tokens paid from the venue's own balance instead of minted.
    mapping(address token => bool) public fromInventory;

    /// @notice `tokenOut` [token] asked of the inventory, more than the venue holds (`held` [token]).
    error InventoryShort(address token, uint256 needed, uint256 held);

    constructor(IOracleAdapter oracle_) {
        oracle = oracle_;
    }

    function setRate(address tokenIn, address tokenOut, uint256 rate_) external {
        rate[tokenIn][tokenOut] = rate_;
    }

    function setSlippage(uint256 bps) external {
        slippageBps = bps;
    }

    function setLie(bool lie_) external {
        lie = lie_;
    }

    /// @notice Pays `token` from the venue's balance (true) or by minting it (false, the default).
    function setInventory(address token, bool on) external {
        fromInventory[token] = on;
    }

    /// @return [token of tokenOut] What `amountIn` of `tokenIn` fetches before the slippage.
    function quote(address tokenIn, address tokenOut, uint256 amountIn) public view returns (uint256) {
        uint256 r = rate[tokenIn][tokenOut];
        if (r != 0 || address(oracle) == address(0)) return (amountIn * r) / 1e18;
        (uint256 pIn, IOracleAdapter.PriceFailure f) = oracle.tryGetPrice(tokenIn);
        if (f != IOracleAdapter.PriceFailure.None) pIn = 1e18;
        (uint256 pOut, IOracleAdapter.PriceFailure g) = oracle.tryGetPrice(tokenOut);
        if (g != IOracleAdapter.PriceFailure.None) pOut = 1e18;
        uint256 decIn = IERC20Metadata(tokenIn).decimals();
        uint256 decOut = IERC20Metadata(tokenOut).decimals();
        return (amountIn * pIn * 10 ** decOut) / (pOut * 10 ** decIn);
    }

    function swap(
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint256 minOut,
        address to
    ) external returns (uint256 amountOut) {
        IERC20(tokenIn).safeTransferFrom(msg.sender, address(this), amountIn);
        amountOut = (quote(tokenIn, tokenOut, amountIn) * (10_000 - slippageBps)) / 10_000;
        require(amountOut >= minOut, "MockSwapVenue: below minOut");
        uint256 paid = lie ? amountOut / 2 : amountOut;
        if (fromInventory[tokenOut]) {
            uint256 held = IERC20(tokenOut).balanceOf(address(this));
            if (held < paid) revert InventoryShort(tokenOut, paid, held);
            IERC20(tokenOut).safeTransfer(to, paid);
        } else {
            MockERC20(tokenOut).mint(to, paid);
        }
    }
}
