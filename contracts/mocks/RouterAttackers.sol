// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice A hostile venue for the router's tests: on `swap` it calls `callee` with `data` (a reentry into the router,
///         a stranger's flash callback, ...) and bubbles the revert, so the test sees the router's error; when the
///         call succeeds it pays nothing and records it. Test only.
contract HostileVenue {
    address public callee;
    bytes public data;
    /// @notice Whether a call into `callee` ever succeeded.
    bool public succeeded;

    function arm(address target_, bytes calldata data_) external {
        callee = target_;
        data = data_;
    }

    function swap(address tokenIn, address, uint256 amountIn, uint256, address) external returns (uint256) {
        IERC20(tokenIn).transferFrom(msg.sender, address(this), amountIn);
        (bool ok, bytes memory ret) = callee.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        succeeded = true;
        return 0;
    }
}

/// @notice A hostile ERC-20 for the router's tests: anyone may mint; every `transferFrom` first calls `callee` with
///         `data` once armed and bubbles its revert. Test only.
contract HostileToken is ERC20 {
    address public callee;
    bytes public data;
    bool public succeeded;

    constructor() ERC20("Hostile", "HST") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata data_) external {
        callee = target_;
        data = data_;
    }

    function transferFrom(address from, address to, uint256 amount) public override returns (bool) {
        if (callee != address(0)) {
            (bool ok, bytes memory ret) = callee.call(data);
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(ret, 32), mload(ret))
                }
            }
            succeeded = true;
        }
        return super.transferFrom(from, to, amount);
    }
}
