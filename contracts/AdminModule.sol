// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBallastErrors} from "./interfaces/IBallastErrors.sol";

/// @title AdminModule
/// @notice What the Vault's and the engine's admin modules (`VaultAdmin`, `LiquidationEngineAdmin`) share: each runs
///         only by `delegatecall` from the contract whose constructor created it, in that contract's storage.
/// @dev Called directly, every entry point guarded by `onlyDelegated` reverts `NotDelegated`: the module's own storage
///      is never used.
abstract contract AdminModule {
    address private immutable _self;

    constructor() {
        _self = address(this);
    }

    modifier onlyDelegated() {
        if (address(this) == _self) revert IBallastErrors.NotDelegated();
        _;
    }
}
