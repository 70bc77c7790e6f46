// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IVault} from "../interfaces/IVault.sol";
import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {LiquidationMath} from "../libraries/LiquidationMath.sol";
import {DebtMath} from "../libraries/DebtMath.sol";

/// @title LiquidationMathHarness
/// @notice Test-only: runs `LiquidationMath.plan`, the rule the LiquidationEngine and the RiskLens compile in, on any
///         valuation, and `DebtMath.growUp`, the index growth every contract computes, on any inputs, so the
///         TypeScript mirror can be checked against them (test/math.differential.test.ts).
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

    /// @notice [ray] `index` grown over `dt` [s] at `rate` [ray per s], rounded up, saturating (`DebtMath.growUp`).
    function growUp(uint256 index, uint256 rate, uint256 dt) external pure returns (uint256) {
        return DebtMath.growUp(index, rate, dt);
    }
}
