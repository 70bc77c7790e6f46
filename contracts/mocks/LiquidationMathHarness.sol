// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IVault} from "../interfaces/IVault.sol";
import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {LiquidationMath} from "../libraries/LiquidationMath.sol";

/// @title LiquidationMathHarness
/// @notice Test-only: runs `LiquidationMath.plan`, the rule the LiquidationEngine and the RiskLens compile in, on any
///         valuation, so the TypeScript mirror can be checked against it (test/math.differential.test.ts).
contract LiquidationMathHarness {
    /// @notice The plan for a position valued as `st`, with `rooms` [wad USD] left under each basket asset's cap
    ///         (`st.assets` order) and `globalRoom` [wad USD] under the global cap, under parameters `lp`; keeper pay 0.
    function planFor(
        IVault.LiquidationState calldata st,
        uint256[] calldata rooms,
        uint256 globalRoom,
        ILiquidationEngine.LiquidationParams calldata lp,
        uint256 id
    ) external pure returns (ILiquidationEngine.LiquidationPlan memory) {
        return LiquidationMath.plan(st, rooms, globalRoom, lp, id);
    }
}
