// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IVault} from "./interfaces/IVault.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {ILiquidationEngine} from "./interfaces/ILiquidationEngine.sol";
import {ILiquidationPlanner} from "./interfaces/ILiquidationPlanner.sol";
import {LiquidationMath} from "./libraries/LiquidationMath.sol";
import {VaultReader} from "./libraries/VaultReader.sol";

/// @title LiquidationPlanner
/// @notice Values a position for a liquidation and plans it (see `ILiquidationPlanner`). Created by the
///         LiquidationEngine in its constructor, so the engine that trusts it is the one that made it.
/// @dev Stateless: `VaultReader.liquidationState` for the valuation, `LiquidationMath.plan` for the rule, the engine's
///      public caps, dirt and parameters for the room. Holds no tokens and writes nothing.
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
    function plan(
        uint256 id
    ) external view returns (IVault.LiquidationState memory st, ILiquidationEngine.LiquidationPlan memory p) {
        st = VaultReader.liquidationState(vault, _oracle, id);
        ILiquidationEngine e = engine;
        uint256 n = st.assets.length;
        uint256[] memory rooms = new uint256[](n); // [wad USD]
        for (uint256 i; i < n; ++i) {
            (uint256 cap, uint256 dirt) = (e.assetCap(st.assets[i]), e.assetDirt(st.assets[i]));
            rooms[i] = cap > dirt ? cap - dirt : 0;
        }
        (uint256 gCap, uint256 gDirt) = (e.globalCap(), e.globalDirt());
        p = LiquidationMath.plan(st, rooms, gCap > gDirt ? gCap - gDirt : 0, e.liquidationParams(), id);
    }

    /// @inheritdoc ILiquidationPlanner
    function planFor(
        IVault.LiquidationState memory st,
        uint256[] memory rooms,
        uint256 globalRoom,
        ILiquidationEngine.LiquidationParams memory lp,
        uint256 id
    ) external pure returns (ILiquidationEngine.LiquidationPlan memory) {
        return LiquidationMath.plan(st, rooms, globalRoom, lp, id);
    }
}
