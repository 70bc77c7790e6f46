// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";

/// @notice Deploys the protocol's contracts from the build's own artifacts (`vm.getCode`) instead of `new`.
/// @dev Two reasons. The bytecode a test deploys is then the artifact the deploy scripts ship, not a copy compiled
///      again inside the test's compiler job. And a test contract that writes `new Vault(...)` embeds the Vault's
///      creation code (with its admin module's) in its own bytecode, twice in the output: with forty test contracts
///      doing so, one compiler job's output grew past what solc-js can serialize ("Error writing output JSON").
///      A constructor that reverts bubbles its revert data, as `new` does.
library Artifacts {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @param artifact "File.sol:Contract", as in contracts/
    /// @param args the constructor's arguments, ABI-encoded (empty for none)
    function deploy(string memory artifact, bytes memory args) internal returns (address deployed) {
        bytes memory code = bytes.concat(VM.getCode(artifact), args);
        assembly ("memory-safe") {
            deployed := create(0, add(code, 0x20), mload(code))
            if iszero(deployed) {
                let p := mload(0x40)
                returndatacopy(p, 0, returndatasize())
                revert(p, returndatasize())
            }
        }
    }
}
