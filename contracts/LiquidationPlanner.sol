// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IVault} from "./interfaces/IVault.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {ILiquidationEngine} from "./interfaces/ILiquidationEngine.sol";
import {ILiquidationPlanner} from "./interfaces/ILiquidationPlanner.sol";
import {IBallastErrors} from "./interfaces/IBallastErrors.sol";
import {LiquidationMath} from "./libraries/LiquidationMath.sol";
import {VaultReader} from "./libraries/VaultReader.sol";

/// @title LiquidationPlanner
/// @notice Values a position for a liquidation and plans it (see `ILiquidationPlanner`). Created by the
///         LiquidationEngine in its constructor, so the engine that trusts it is the one that made it.
/// @dev Stateless: `VaultReader` for the valuation (three or four `extSloads` calls and one price per asset),
///      `LiquidationMath.plan` for the rule, the engine's `planLimits` for the room. Holds no tokens, writes nothing.
contract LiquidationPlanner is ILiquidationPlanner {
    /// @inheritdoc ILiquidationPlanner
    IVault public immutable vault;
    /// @inheritdoc ILiquidationPlanner
    ILiquidationEngine public immutable engine;
    IOracleAdapter internal immutable _oracle; // the Vault's (immutable there too)

    /// @param vault_ The Vault; the deployer (`msg.sender`) is the engine.
    constructor(IVault vault_) {
        vault = vault_;
        engine = ILiquidationEngine(msg.sender);
        _oracle = vault_.oracle();
    }

    /// @inheritdoc ILiquidationPlanner
    function liquidationState(uint256 id) external view returns (IVault.LiquidationState memory) {
        return VaultReader.liquidationState(vault, _oracle, id);
    }

    /// @inheritdoc ILiquidationPlanner
    function plan(uint256 id) external view returns (Start memory s, ILiquidationEngine.LiquidationPlan memory p) {
        VaultReader.Entry memory entry = VaultReader.entryOf(vault, id);
        if (entry.shutdownAt != 0) revert IBallastErrors.SystemShutdown(entry.shutdownAt);
        IVault.LiquidationState memory st = VaultReader.liquidationStateOf(_oracle, entry);
        (uint256[] memory rooms, uint256 globalRoom, ILiquidationEngine.LiquidationParams memory lp) = engine
            .planLimits(st.assets);
        p = LiquidationMath.plan(st, rooms, globalRoom, lp, id);
        s = Start(st.owner, st.synthId, st.token, st.minDebt, st.synthPrice, st.assets, st.prices, st.decimals);
    }

    /// @inheritdoc ILiquidationPlanner
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
