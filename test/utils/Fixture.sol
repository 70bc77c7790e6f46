// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

import {Vault} from "../../contracts/Vault.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {OracleAdapter} from "../../contracts/OracleAdapter.sol";
import {IOracleAdapter} from "../../contracts/interfaces/IOracleAdapter.sol";
import {SyntheticToken} from "../../contracts/SyntheticToken.sol";
import {ISyntheticToken} from "../../contracts/interfaces/ISyntheticToken.sol";
import {FixedRateModel} from "../../contracts/FixedRateModel.sol";
import {IRateModel} from "../../contracts/interfaces/IRateModel.sol";
import {MockFeed} from "../../contracts/mocks/MockFeed.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Treasury} from "../../contracts/Treasury.sol";
import {LiquidationEngine} from "../../contracts/LiquidationEngine.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IPositionLens} from "../../contracts/interfaces/IPositionLens.sol";
import {Settlement} from "../../contracts/Settlement.sol";
import {PositionLens} from "../../contracts/PositionLens.sol";
import {ChainlinkSource} from "../../contracts/sources/ChainlinkSource.sol";
import {RateAdjustedSource} from "../../contracts/sources/RateAdjustedSource.sol";
import {NavSource} from "../../contracts/sources/NavSource.sol";
import {MockRateToken} from "../../contracts/mocks/MockRateToken.sol";
import {MockVaultShare} from "../../contracts/mocks/MockVaultShare.sol";
import {Artifacts} from "./Artifacts.sol";

/// @notice The whole core wired as a deployer would: an AccessManager whose admin is this test, an oracle with
///         8-decimal feeds, three collateral assets (WETH 18, WBTC 8, USDC 6 decimals) and two synthetics (bUSD
///         pegged at 1 USD, bETH tracking the ETH price), both at 5% a year.
abstract contract Fixture is Test {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant RAY = 1e27;
    /// [ray] per second: 5% a year, simple
    uint256 internal constant RATE_5PCT = uint256(5e25) / 365 days;

    AccessManager internal manager;
    OracleAdapter internal oracle;
    Vault internal vault;
    FixedRateModel internal rateModel;
    SyntheticToken internal busd;
    SyntheticToken internal beth;
    MockERC20 internal weth;
    MockERC20 internal wbtc;
    MockERC20 internal usdc;
    MockFeed internal ethFeed;
    MockFeed internal btcFeed;
    MockFeed internal usdcFeed;
    /// @dev The sourced assets (`_listSourced`; zero until it runs).
    MockRateToken internal wsteth;
    MockVaultShare internal sdai;
    MockERC20 internal tbill;
    MockFeed internal stethFeed; // the base of wstETH
    MockFeed internal daiFeed; // the base of sDAI
    MockFeed internal navFeed; // TBILL's NAV
    RateAdjustedSource internal wstethSource;
    address internal treasury = makeAddr("treasury");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    Treasury internal treasuryC;
    LiquidationEngine internal engine;
    /// @dev Views over the Vault and its engine that the core does not carry (auctions, health in batches, raw fields).
    PositionLens internal positionLens;
    uint256 internal constant BUSD = 0;
    uint256 internal constant BETH = 1;
    /// @dev The role the Settlement contract holds (deploy/roles.ts: SETTLEMENT).
    uint64 internal constant SETTLEMENT_ROLE = 4;

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        manager = new AccessManager(address(this));
        oracle = OracleAdapter(
            Artifacts.deploy(
                "OracleAdapter.sol:OracleAdapter",
                abi.encode(address(manager), AggregatorV3Interface(address(0)), 0)
            )
        );
        vault = Vault(Artifacts.deploy("Vault.sol:Vault", abi.encode(address(manager), oracle, treasury)));
        positionLens = PositionLens(Artifacts.deploy("PositionLens.sol:PositionLens", abi.encode(vault)));
        rateModel = FixedRateModel(Artifacts.deploy("FixedRateModel.sol:FixedRateModel", abi.encode(RATE_5PCT)));

        weth = new MockERC20("Wrapped Ether", "WETH", 18);
        wbtc = new MockERC20("Wrapped Bitcoin", "WBTC", 8);
        usdc = new MockERC20("USD Coin", "USDC", 6);
        ethFeed = _feed(address(weth), 8, 2_000e8);
        btcFeed = _feed(address(wbtc), 8, 60_000e8);
        usdcFeed = _feed(address(usdc), 8, 1e8);

        busd = SyntheticToken(
            Artifacts.deploy(
                "SyntheticToken.sol:SyntheticToken",
                abi.encode("Ballast USD", "bUSD", address(vault), address(manager), 1_000_000e18, 9, treasury)
            )
        );
        beth = SyntheticToken(
            Artifacts.deploy(
                "SyntheticToken.sol:SyntheticToken",
                abi.encode("Ballast ETH", "bETH", address(vault), address(manager), 1_000e18, 9, treasury)
            )
        );
        vault.addSynthetic(busd, IVault.SyntheticParams(address(0), rateModel, 100_000_000e18, 100e18));
        vault.addSynthetic(beth, IVault.SyntheticParams(address(weth), rateModel, 100_000e18, 0.05e18));

        vault.listAsset(address(weth), IVault.AssetParams(8_000, 8_500, 500, 1_000_000, false));
        vault.listAsset(address(wbtc), IVault.AssetParams(7_500, 8_000, 700, 10_000, false));
        vault.listAsset(address(usdc), IVault.AssetParams(9_000, 9_300, 300, 100_000_000, false));

        for (uint256 i; i < 2; ++i) {
            address u = i == 0 ? alice : bob;
            weth.mint(u, 1_000e18);
            wbtc.mint(u, 100e8);
            usdc.mint(u, 10_000_000e6);
            vm.startPrank(u);
            weth.approve(address(vault), type(uint256).max);
            wbtc.approve(address(vault), type(uint256).max);
            usdc.approve(address(vault), type(uint256).max);
            vm.stopPrank();
        }
    }

    /// @dev Deploys a real Treasury and the LiquidationEngine and wires them into the Vault, with keeper pay set
    ///      (tip 2 bUSD + 0.1%, at most 500 bUSD; 0.001 bETH + 0.1%, at most 0.25 bETH) and auction caps of 10M USD
    ///      globally and per asset.
    function _wireLiquidation() internal {
        treasuryC = Treasury(Artifacts.deploy("Treasury.sol:Treasury", abi.encode(vault, address(manager))));
        engine = LiquidationEngine(
            Artifacts.deploy("LiquidationEngine.sol:LiquidationEngine", abi.encode(address(manager), vault))
        );
        vault.setTreasury(address(treasuryC));
        vault.setLiquidationEngine(address(engine));
        treasury = address(treasuryC);
        // flash-mint fees are protocol income too: route them to the Treasury (as deploy/local/core.ts does)
        busd.setFlashParams(1_000_000e18, 9, address(treasuryC));
        beth.setFlashParams(1_000e18, 9, address(treasuryC));
        engine.setKeeperParams(BUSD, ILiquidationEngine.KeeperParams({tip: 2e18, chipBps: 10, maxPay: 500e18}));
        engine.setKeeperParams(BETH, ILiquidationEngine.KeeperParams({tip: 0.001e18, chipBps: 10, maxPay: 0.25e18}));
        engine.setGlobalCap(10_000_000e18);
        engine.setAssetCap(address(weth), 10_000_000e18);
        engine.setAssetCap(address(wbtc), 10_000_000e18);
        engine.setAssetCap(address(usdc), 10_000_000e18);
        if (address(wsteth) != address(0)) _capSourced(); // listed before the engine
    }

    function _capSourced() internal {
        engine.setAssetCap(address(wsteth), 10_000_000e18);
        engine.setAssetCap(address(sdai), 10_000_000e18);
        engine.setAssetCap(address(tbill), 10_000_000e18);
    }

    /// @dev The assets priced by sources, listed after the three above as the local deploy lists them (sdk/params.ts
    ///      SOURCED_ASSETS): wstETH (stETH/USD 1,990 x 1.15, growth capped at 10% a year, floor 50%), sDAI
    ///      (OpenZeppelin ERC-4626 over DAI, DAI/USD 1 x the share rate, 10% a year, floor 90%) and TBILL (6 decimals,
    ///      NAV 100 attested weekly; lapse floor 50% after 3 days), each with a $10M auction cap.
    function _listSourced() internal {
        stethFeed = new MockFeed(8);
        stethFeed.setAnswer(1_990e8);
        IOracleAdapter.Feed memory none;
        wsteth = new MockRateToken("Wrapped stETH", "wstETH", 18, 1.15e18);
        wstethSource = RateAdjustedSource(
            Artifacts.deploy(
                "RateAdjustedSource.sol:RateAdjustedSource",
                abi.encode(
                    RateAdjustedSource.Params({
                        base: ChainlinkSource(
                            Artifacts.deploy(
                                "ChainlinkSource.sol:ChainlinkSource",
                                abi.encode(IOracleAdapter.Feed(stethFeed, 1 days, 1, 1e30), none, 0)
                            )
                        ),
                        rateProvider: address(wsteth),
                        rateSelector: bytes4(keccak256("stEthPerToken()")),
                        rateHasArgument: false,
                        rateArgument: 0,
                        rateMaxAge: 0,
                        rateDecimals: 18,
                        snapshotRate: 1.15e18,
                        snapshotTime: uint40(block.timestamp),
                        maxYearlyGrowthBps: 1_000,
                        minRateBps: 5_000
                    })
                )
            )
        );
        oracle.setSource(address(wsteth), wstethSource);

        daiFeed = new MockFeed(8);
        daiFeed.setAnswer(1e8);
        MockERC20 dai = new MockERC20("DAI", "DAI", 18);
        sdai = new MockVaultShare(dai, "Savings Dai", "sDAI", 0);
        oracle.setSource(
            address(sdai),
            RateAdjustedSource(
                Artifacts.deploy(
                    "RateAdjustedSource.sol:RateAdjustedSource",
                    abi.encode(
                        RateAdjustedSource.Params({
                            base: ChainlinkSource(
                                Artifacts.deploy(
                                    "ChainlinkSource.sol:ChainlinkSource",
                                    abi.encode(IOracleAdapter.Feed(daiFeed, 1 days, 1, 1e30), none, 0)
                                )
                            ),
                            rateProvider: address(sdai),
                            rateSelector: sdai.convertToAssets.selector,
                            rateHasArgument: true,
                            rateArgument: 1e18,
                            rateMaxAge: 0,
                            rateDecimals: 18,
                            snapshotRate: sdai.convertToAssets(1e18),
                            snapshotTime: uint40(block.timestamp),
                            maxYearlyGrowthBps: 1_000,
                            minRateBps: 9_000
                        })
                    )
                )
            )
        );

        navFeed = new MockFeed(8);
        navFeed.setAnswer(100e8);
        tbill = new MockERC20("Tokenized T-Bill Fund", "TBILL", 6);
        oracle.setSource(
            address(tbill),
            NavSource(
                Artifacts.deploy(
                    "NavSource.sol:NavSource",
                    abi.encode(IOracleAdapter.Feed(navFeed, 0, 1, 1e30), 7 days)
                )
            )
        );

        vault.listAsset(address(wsteth), IVault.AssetParams(7_000, 7_800, 600, 100_000, false));
        vault.listAsset(address(sdai), IVault.AssetParams(8_500, 8_800, 400, 100_000_000, false));
        vault.listAsset(address(tbill), IVault.AssetParams(7_000, 8_000, 500, 10_000_000, false));
        vault.setLapseParams(address(tbill), 5_000, 3 days);
        if (address(engine) != address(0)) _capSourced();
    }

    function _feed(address asset, uint8 decimals, int256 answer) internal returns (MockFeed feed) {
        feed = new MockFeed(decimals);
        feed.setAnswer(answer);
        IOracleAdapter.Feed memory none;
        oracle.setFeeds(asset, IOracleAdapter.Feed(AggregatorV3Interface(address(feed)), 1 days, 1, 1e30), none, 0);
    }

    /// @dev Lists a test token with a $1 8-decimal feed and no supply cap, mints `amount` of it to alice and sets her
    ///      max approval. Every test token has `mint(address,uint256)`; the approval is a low-level call so that
    ///      tokens without a return value work too.
    function _listForAlice(address token, uint16 maxLtvBps, uint16 liqThresholdBps, uint256 amount) internal {
        _feed(token, 8, 1e8);
        vault.listAsset(token, IVault.AssetParams(maxLtvBps, liqThresholdBps, 300, type(uint48).max, false));
        if (amount != 0) MockERC20(token).mint(alice, amount);
        vm.prank(alice);
        (bool ok, ) = token.call(
            abi.encodeWithSignature("approve(address,uint256)", address(vault), type(uint256).max)
        );
        require(ok, "approve failed");
    }

    /// @dev Opens a bUSD position for `user` with `eth` WETH and `debt` bUSD minted to the user.
    function _openEth(address user, uint256 eth, uint256 debt) internal returns (uint256 id) {
        vm.prank(user);
        id = vault.openAndMint(BUSD, address(weth), eth, debt, user);
    }

    /// @dev Republishes every feed's answer now, so that a long warp does not leave prices stale.
    function _refreshFeeds() internal {
        (, int256 e, , , ) = ethFeed.latestRoundData();
        (, int256 b, , , ) = btcFeed.latestRoundData();
        (, int256 u, , , ) = usdcFeed.latestRoundData();
        ethFeed.setAnswer(e);
        btcFeed.setAnswer(b);
        usdcFeed.setAnswer(u);
        if (address(stethFeed) != address(0)) {
            // the market feeds of the sourced assets; never the NAV: an attestation is the issuer's
            (, int256 st, , , ) = stethFeed.latestRoundData();
            (, int256 d, , , ) = daiFeed.latestRoundData();
            stethFeed.setAnswer(st);
            daiFeed.setAnswer(d);
        }
    }

    /// @dev Mints `amount` bUSD to `to` out of a fresh USDC-backed position of bob's (at about 50% loan-to-value).
    function _fundBusd(address to, uint256 amount) internal {
        vm.prank(bob);
        vault.openAndMint(BUSD, address(usdc), (amount * 2) / 1e12 + 1e6, amount, to);
    }

    /// @dev Deploys the Settlement and grants it the Vault's and the engine's shutdown hooks, as
    ///      the deploy script does. Needs `_wireLiquidation` first.
    function _wireSettlement() internal returns (Settlement settlement_) {
        settlement_ = Settlement(Artifacts.deploy("Settlement.sol:Settlement", abi.encode(address(manager), vault)));
        bytes4[] memory hooks = new bytes4[](3);
        (hooks[0], hooks[1], hooks[2]) = (
            IVault.shutdown.selector,
            IVault.releasePosition.selector,
            IVault.releaseModule.selector
        );
        manager.setTargetFunctionRole(address(vault), hooks, SETTLEMENT_ROLE);
        bytes4[] memory engineHooks = new bytes4[](1);
        engineHooks[0] = engine.releaseAuction.selector;
        manager.setTargetFunctionRole(address(engine), engineHooks, SETTLEMENT_ROLE);
        manager.grantRole(SETTLEMENT_ROLE, address(settlement_), 0);
    }

    /// @dev The engine's packed totals match its live auctions: the live count, and the dirt per asset and globally.
    /// @return total [wad USD] The dirt of all live auctions.
    function _assertDirtIsTheSumOfAuctions() internal view returns (uint256 total) {
        IPositionLens.AuctionView[] memory live = positionLens.getAuctions(0, 1_000);
        assertEq(live.length, engine.auctionCount(), "live auction count");
        MockERC20[3] memory list = [weth, wbtc, usdc];
        for (uint256 k; k < 3; ++k) {
            uint256 sum;
            for (uint256 i; i < live.length; ++i) {
                if (live[i].asset == address(list[k])) sum += engine.auction(live[i].id).dirt;
            }
            assertEq(engine.assetDirt(address(list[k])), sum, "asset dirt is not the sum of its auctions");
            total += sum;
        }
        assertEq(engine.globalDirt(), total, "global dirt is not the sum of the auctions");
    }
}
