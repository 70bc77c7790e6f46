// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Fixture} from "./Fixture.sol";

/// @notice The core of `Fixture` plus a real Treasury and the LiquidationEngine wired into the Vault
///         (see `Fixture._wireLiquidation`).
abstract contract LiquidationFixture is Fixture {
    address internal keeper = makeAddr("keeper");
    address internal taker = makeAddr("taker");

    function setUp() public virtual override {
        super.setUp();
        _wireLiquidation();
    }
}
