// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Fixture} from "./Fixture.sol";
import {Treasury} from "../../contracts/Treasury.sol";
import {LiquidationEngine} from "../../contracts/LiquidationEngine.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";

/// @notice The core of `Fixture` plus a real Treasury and the LiquidationEngine, wired into the Vault, with caps and
///         keeper pay set: tip 2 bUSD + 0.1% (at most 500 bUSD); 0.001 bETH + 0.1% (at most 0.25 bETH); caps of
///         10M USD globally and per asset.
abstract contract LiquidationFixture is Fixture {
    Treasury internal treasuryC;
    LiquidationEngine internal engine;
    address internal keeper = makeAddr("keeper");
    address internal taker = makeAddr("taker");

    function setUp() public virtual override {
        super.setUp();
        treasuryC = new Treasury(vault);
        engine = new LiquidationEngine(address(manager), vault);
        vault.setTreasury(address(treasuryC));
        vault.setLiquidationEngine(address(engine));
        treasury = address(treasuryC);

        engine.setKeeperParams(BUSD, ILiquidationEngine.KeeperParams({tip: 2e18, chipBps: 10, maxPay: 500e18}));
        engine.setKeeperParams(BETH, ILiquidationEngine.KeeperParams({tip: 0.001e18, chipBps: 10, maxPay: 0.25e18}));
        engine.setGlobalCap(10_000_000e18);
        engine.setAssetCap(address(weth), 10_000_000e18);
        engine.setAssetCap(address(wbtc), 10_000_000e18);
        engine.setAssetCap(address(usdc), 10_000_000e18);
    }
}
