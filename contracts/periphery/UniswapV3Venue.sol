// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IVenue} from "../interfaces/IVenue.sol";

/// @notice The part of Uniswap v3's SwapRouter (the original one, whose exact-input parameters carry a deadline) this
///         adapter calls, declared here.
interface IUniswapV3SwapRouter {
    struct ExactInputSingleParams {
        address tokenIn;
        address tokenOut;
        uint24 fee;
        address recipient;
        uint256 deadline;
        uint256 amountIn;
        uint256 amountOutMinimum;
        uint160 sqrtPriceLimitX96;
    }

    function exactInputSingle(ExactInputSingleParams calldata params) external payable returns (uint256 amountOut);
}

/// @title UniswapV3Venue
/// @notice An `IVenue` over Uniswap v3: every swap is one `exactInputSingle` through the SwapRouter, in the pool of
///         the pair at the fee tier fixed at construction (one venue per tier: deploy another for another tier).
/// @dev Holds nothing between calls: it pulls `amountIn` from the caller, approves the SwapRouter for exactly that,
///      has the output sent straight to `to`, measures what `to` received and clears the approval. Units: each
///      token's own decimals; no rounding of its own (the pool's applies).
contract UniswapV3Venue is IVenue {
    using SafeERC20 for IERC20;

    /// @notice The Uniswap v3 SwapRouter (immutable).
    IUniswapV3SwapRouter public immutable swapRouter;
    /// @notice The pool fee tier [hundredths of a bip: 500 = 0.05%, 3000 = 0.3%, 10000 = 1%] (immutable).
    uint24 public immutable fee;

    /// @notice A zero SwapRouter or fee.
    error InvalidVenueParams(address swapRouter, uint24 fee);
    /// @notice `to` received `received` [token] of `tokenOut`, below `minOut` [token].
    error VenueBelowMinimum(address tokenOut, uint256 received, uint256 minOut);

    constructor(IUniswapV3SwapRouter swapRouter_, uint24 fee_) {
        if (address(swapRouter_) == address(0) || fee_ == 0) revert InvalidVenueParams(address(swapRouter_), fee_);
        swapRouter = swapRouter_;
        fee = fee_;
    }

    /// @inheritdoc IVenue
    /// @dev Reverts VenueBelowMinimum (besides the pool's own "Too little received") when `to` got less than
    ///      `minOut`; the deadline is this block.
    function swap(
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint256 minOut,
        address to
    ) external returns (uint256 amountOut) {
        IERC20(tokenIn).safeTransferFrom(msg.sender, address(this), amountIn);
        IERC20(tokenIn).forceApprove(address(swapRouter), amountIn);
        uint256 before = IERC20(tokenOut).balanceOf(to);
        swapRouter.exactInputSingle(
            IUniswapV3SwapRouter.ExactInputSingleParams({
                tokenIn: tokenIn,
                tokenOut: tokenOut,
                fee: fee,
                recipient: to,
                deadline: block.timestamp,
                amountIn: amountIn,
                amountOutMinimum: minOut,
                sqrtPriceLimitX96: 0
            })
        );
        IERC20(tokenIn).forceApprove(address(swapRouter), 0);
        amountOut = IERC20(tokenOut).balanceOf(to) - before;
        if (amountOut < minOut) revert VenueBelowMinimum(tokenOut, amountOut, minOut);
    }
}
