// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ModuleCall
/// @notice How the Vault and the engine run their admin module: after their own `restricted` check, the same calldata
///         by `delegatecall`.
library ModuleCall {
    /// @dev Runs `module`'s code for this call (same calldata) and returns or reverts with its answer: it ends the
    ///      call, so code after it never runs (and no modifier's closing step either: the callers put none around it).
    function forward(address module) internal {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, 0, calldatasize())
            let ok := delegatecall(gas(), module, ptr, calldatasize(), 0, 0)
            returndatacopy(ptr, 0, returndatasize())
            if iszero(ok) {
                revert(ptr, returndatasize())
            }
            return(ptr, returndatasize())
        }
    }
}
