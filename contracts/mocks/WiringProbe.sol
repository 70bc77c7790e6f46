// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {IVault} from "../interfaces/IVault.sol";
import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {IPriceSource} from "../interfaces/IPriceSource.sol";
import {ChainlinkSource} from "../sources/ChainlinkSource.sol";
import {RateAdjustedSource} from "../sources/RateAdjustedSource.sol";
import {NavSource} from "../sources/NavSource.sol";
import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";
import {ISyntheticToken} from "../interfaces/ISyntheticToken.sol";
import {ITreasury} from "../interfaces/ITreasury.sol";
import {VaultReader} from "../libraries/VaultReader.sol";

/// @notice The lenses a deploy wires: each reports the Vault it reads.
interface IVaultView {
    function vault() external view returns (IVault);
}

/// @title WiringProbe
/// @notice Test support, never deployed by a network deploy: describes a deployed Ballast system as text
///         lines ("<key> <value>"), every parameter and link it holds, with addresses replaced by the names of what
///         they are (`vault`, `engine`, `asset:WETH`, `feed:WETH`, `synth:bUSD`, `none` for zero, `unknown` for an
///         address that belongs to nothing in the system). The TypeScript deploy (`deploySystem` with the local
///         configuration) and the Solidity test fixture are both described by this one contract and compared with
///         the same committed file, `test/wiring/local.json` (test/deploy.test.ts and test/FixtureWiring.t.sol).
/// @dev Roles are left out: the fixture acts as the AccessManager's admin and applies no role table (the deploy's
///      roles are checked against deploy/roles.ts by test/deploy.test.ts). Units are the contracts' own (see each
///      getter's NatSpec): `[bps]`, `[wad]`, `[ray/s]`, `[s]`, feed answers in the feed's decimals.
contract WiringProbe {
    using VaultReader for IVault;
    using Strings for uint256;
    using Strings for int256;

    struct System {
        IVault vault;
        IOracleAdapter oracle;
        ILiquidationEngine engine;
        ISettlement settlement;
        address treasury;
        address manager;
        address positionLens;
        address reserveLens;
        address[] assets;
        address[] synths;
    }

    string[] internal _lines;

    /// @notice The wiring of the system around `vault`, with its settlement and lenses.
    /// @return lines One "<key> <value>" line per parameter and link, in a fixed order.
    function describe(
        IVault vault,
        ISettlement settlement,
        address positionLens,
        address reserveLens
    ) external returns (string[] memory lines) {
        delete _lines;
        System memory s = _system(vault, settlement, positionLens, reserveLens);
        _core(s);
        for (uint256 i; i < s.assets.length; ++i) _asset(s, i);
        for (uint256 i; i < s.synths.length; ++i) _synthetic(s, i);
        _engine(s);
        _others(s);
        lines = _lines;
    }

    function _system(
        IVault vault,
        ISettlement settlement,
        address positionLens,
        address reserveLens
    ) internal view returns (System memory s) {
        s.vault = vault;
        s.oracle = vault.oracle();
        s.engine = ILiquidationEngine(vault.liquidationEngine());
        s.settlement = settlement;
        s.treasury = vault.treasury();
        s.manager = IAccessManaged(address(vault)).authority();
        s.positionLens = positionLens;
        s.reserveLens = reserveLens;
        s.assets = vault.assets();
        s.synths = new address[](vault.syntheticCount());
        for (uint256 i; i < s.synths.length; ++i) s.synths[i] = address(vault.synthetic(i).token);
    }

    function _core(System memory s) internal {
        _add("vault.authority", _name(s, s.manager));
        _add("vault.oracle", _name(s, address(s.oracle)));
        _add("vault.admin", s.vault.admin() == address(0) ? "none" : "module");
        _add("vault.treasury", _name(s, s.treasury));
        _add("vault.liquidationEngine", _name(s, address(s.engine)));
        _add("vault.rampDuration", s.vault.rampDuration().toString());
        _add("vault.paused", _bool(s.vault.paused()));
        _add("vault.shutdownAt", uint256(s.vault.shutdownAt()).toString());
        _add("vault.assets", s.assets.length.toString());
        _add("vault.syntheticCount", s.synths.length.toString());
        _add("oracle.authority", _name(s, IAccessManaged(address(s.oracle)).authority()));
        (AggregatorV3Interface seqFeed, uint32 grace) = s.oracle.sequencer();
        _add("oracle.sequencer", _name(s, address(seqFeed)));
        _add("oracle.sequencerGracePeriod", uint256(grace).toString());
    }

    function _asset(System memory s, uint256 i) internal {
        address a = s.assets[i];
        string memory k = string.concat("asset.", IERC20Metadata(a).symbol(), ".");
        IVault.AssetConfig memory c = s.vault.assetConfig(a);
        _add(string.concat(k, "id"), uint256(c.id).toString());
        _add(string.concat(k, "name"), IERC20Metadata(a).name());
        _add(string.concat(k, "decimals"), uint256(c.decimals).toString());
        _add(string.concat(k, "tokenDecimals"), uint256(IERC20Metadata(a).decimals()).toString());
        _add(string.concat(k, "listed"), _bool(c.listed));
        _add(string.concat(k, "frozen"), _bool(c.frozen));
        _add(string.concat(k, "flags"), uint256(c.flags).toString());
        _add(string.concat(k, "maxLtvBps"), uint256(c.maxLtvBps).toString());
        _add(string.concat(k, "liqThresholdBps"), uint256(c.liqThresholdBps).toString());
        _add(string.concat(k, "liqPenaltyBps"), uint256(c.liqPenaltyBps).toString());
        _add(string.concat(k, "supplyCap"), uint256(c.supplyCap).toString());
        _add(string.concat(k, "engineCap"), s.engine.assetCap(a).toString());
        IOracleAdapter.AssetFeeds memory f = s.oracle.feedsOf(a);
        _feed(s, string.concat(k, "primary."), f.primary, f.primaryDecimals);
        _feed(s, string.concat(k, "secondary."), f.secondary, f.secondaryDecimals);
        _add(string.concat(k, "maxDeviationBps"), uint256(f.maxDeviationBps).toString());
        _source(s, k, a);
        (AggregatorV3Interface reserve, uint32 reserveAge) = s.oracle.reserveFeedOf(a);
        _add(string.concat(k, "reserveFeed"), _name(s, address(reserve)));
        _add(string.concat(k, "reserveMaxAge"), uint256(reserveAge).toString());
    }

    /// @dev The asset's price source (kind, time-to-live, and a rate source's bounds and base feed) and its lapse terms.
    function _source(System memory s, string memory k, address a) internal {
        (IPriceSource src, uint256 ttl, bool down) = s.oracle.sourceOf(a);
        if (address(src) == address(0)) {
            _add(string.concat(k, "source"), "none");
            return;
        }
        string memory kind = src.sourceKind();
        _add(string.concat(k, "source"), kind);
        _add(string.concat(k, "source.ttl"), ttl.toString());
        _add(string.concat(k, "source.writtenDown"), _bool(down));
        (uint256 price, , IOracleAdapter.PriceFailure failure) = src.price();
        _add(string.concat(k, "source.price"), price.toString());
        _add(string.concat(k, "source.failure"), uint256(failure).toString());
        if (keccak256(bytes(kind)) == keccak256("rate-adjusted")) {
            RateAdjustedSource r = RateAdjustedSource(address(src));
            _add(string.concat(k, "source.maxYearlyGrowthBps"), uint256(r.maxYearlyGrowthBps()).toString());
            _add(string.concat(k, "source.minRateBps"), uint256(r.minRateBps()).toString());
            _add(string.concat(k, "source.rateDecimals"), uint256(r.rateDecimals()).toString());
            _add(string.concat(k, "source.rateHasArgument"), _bool(r.rateHasArgument()));
            _add(string.concat(k, "source.snapshotRate"), r.snapshotRate().toString());
            (IOracleAdapter.Feed memory base, IOracleAdapter.Feed memory second) = ChainlinkSource(address(r.base()))
                .feeds();
            _feed(s, string.concat(k, "source.base."), base, IERC20Metadata(address(base.aggregator)).decimals());
            _add(string.concat(k, "source.base.second"), _name(s, address(second.aggregator)));
        } else {
            IOracleAdapter.Feed memory nav = NavSource(address(src)).feed();
            _feed(s, string.concat(k, "source.nav."), nav, IERC20Metadata(address(nav.aggregator)).decimals());
        }
        uint256 lapse = uint256(s.vault.extSload(keccak256(abi.encode(a, uint256(17))))); // VaultReader.LAPSES_SLOT
        _add(string.concat(k, "lapse.floorBps"), uint256(uint16(lapse)).toString());
        _add(string.concat(k, "lapse.grace"), uint256(uint32(lapse >> 16)).toString());
    }

    function _feed(System memory s, string memory k, IOracleAdapter.Feed memory f, uint8 decimals) internal {
        _add(string.concat(k, "aggregator"), _name(s, address(f.aggregator)));
        if (address(f.aggregator) == address(0)) return;
        _add(string.concat(k, "maxAge"), uint256(f.maxAge).toString());
        _add(string.concat(k, "minAnswer"), f.minAnswer.toStringSigned());
        _add(string.concat(k, "maxAnswer"), f.maxAnswer.toStringSigned());
        _add(string.concat(k, "decimals"), uint256(decimals).toString());
        _add(string.concat(k, "feedDecimals"), uint256(f.aggregator.decimals()).toString());
        (, int256 answer, , , ) = f.aggregator.latestRoundData();
        _add(string.concat(k, "answer"), answer.toStringSigned());
    }

    function _synthetic(System memory s, uint256 i) internal {
        ISyntheticToken t = ISyntheticToken(s.synths[i]);
        string memory k = string.concat("synthetic.", IERC20Metadata(address(t)).symbol(), ".");
        IVault.SyntheticState memory st = s.vault.synthetic(i);
        _add(string.concat(k, "id"), i.toString());
        _add(string.concat(k, "name"), IERC20Metadata(address(t)).name());
        _add(string.concat(k, "decimals"), uint256(IERC20Metadata(address(t)).decimals()).toString());
        _add(string.concat(k, "token.vault"), _name(s, t.vault()));
        _add(string.concat(k, "token.authority"), _name(s, IAccessManaged(address(t)).authority()));
        _add(string.concat(k, "flashCap"), t.flashCap().toString());
        _add(string.concat(k, "flashFeeBps"), uint256(t.flashFeeBps()).toString());
        _add(string.concat(k, "feeReceiver"), _name(s, t.feeReceiver()));
        _add(string.concat(k, "priceAsset"), _name(s, st.params.priceAsset));
        _add(string.concat(k, "rateModel"), _name(s, address(st.params.rateModel)));
        _add(string.concat(k, "ratePerSecond"), st.ratePerSecond.toString());
        _add(string.concat(k, "debtCeiling"), uint256(st.params.debtCeiling).toString());
        _add(string.concat(k, "minDebt"), uint256(st.params.minDebt).toString());
        ILiquidationEngine.KeeperParams memory kp = s.engine.keeperParams(i);
        _add(string.concat(k, "keeper.tip"), uint256(kp.tip).toString());
        _add(string.concat(k, "keeper.chipBps"), uint256(kp.chipBps).toString());
        _add(string.concat(k, "keeper.maxPay"), uint256(kp.maxPay).toString());
    }

    function _engine(System memory s) internal {
        ILiquidationEngine e = s.engine;
        _add("engine.authority", _name(s, IAccessManaged(address(e)).authority()));
        _add("engine.vault", _name(s, address(e.vault())));
        _add("engine.treasury", _name(s, address(e.treasury())));
        _add("engine.admin", e.admin() == address(0) ? "none" : "module");
        ILiquidationEngine.LiquidationParams memory lp = e.liquidationParams();
        _add("engine.targetHealth", uint256(lp.targetHealth).toString());
        _add("engine.fullLiquidationHealth", uint256(lp.fullLiquidationHealth).toString());
        ILiquidationEngine.AuctionParams memory ap = e.auctionParams();
        _add("engine.auction.startBufferBps", uint256(ap.startBufferBps).toString());
        _add("engine.auction.resetBelowBps", uint256(ap.resetBelowBps).toString());
        _add("engine.auction.curve", uint256(uint8(ap.curve)).toString());
        _add("engine.auction.duration", uint256(ap.duration).toString());
        _add("engine.auction.step", uint256(ap.step).toString());
        _add("engine.auction.cutBps", uint256(ap.cutBps).toString());
        _add("engine.auction.maxDuration", uint256(ap.maxDuration).toString());
        _add("engine.globalCap", e.globalCap().toString());
    }

    function _others(System memory s) internal {
        _add("treasury.vault", _name(s, address(ITreasury(s.treasury).vault())));
        _add("settlement.vault", _name(s, address(s.settlement.vault())));
        _add("settlement.authority", _name(s, IAccessManaged(address(s.settlement)).authority()));
        _add("settlement.triggerBackingBps", s.settlement.triggerBackingBps().toString());
        _add("settlement.triggerDelay", s.settlement.triggerDelay().toString());
        _add("positionLens.vault", _name(s, address(IVaultView(s.positionLens).vault())));
        _add("reserveLens.vault", _name(s, address(IVaultView(s.reserveLens).vault())));
    }

    /// @return The name of `a` in the system (see the contract's notice).
    function _name(System memory s, address a) internal view returns (string memory) {
        if (a == address(0)) return "none";
        if (a == address(s.vault)) return "vault";
        if (a == address(s.oracle)) return "oracle";
        if (a == address(s.engine)) return "engine";
        if (a == address(s.settlement)) return "settlement";
        if (a == s.treasury) return "treasury";
        if (a == s.manager) return "manager";
        if (a == s.positionLens) return "positionLens";
        if (a == s.reserveLens) return "reserveLens";
        for (uint256 i; i < s.assets.length; ++i) {
            string memory symbol = IERC20Metadata(s.assets[i]).symbol();
            if (a == s.assets[i]) return string.concat("asset:", symbol);
            if (a == address(s.oracle.feedsOf(s.assets[i]).primary.aggregator)) return string.concat("feed:", symbol);
            (IPriceSource src, , ) = s.oracle.sourceOf(s.assets[i]);
            if (address(src) != address(0)) {
                if (a == address(src)) return string.concat("source:", symbol);
                if (a == _sourceFeed(src)) return string.concat("feed:", symbol);
            }
        }
        for (uint256 i; i < s.synths.length; ++i) {
            if (a == s.synths[i]) return string.concat("synth:", IERC20Metadata(s.synths[i]).symbol());
            address model = address(s.vault.synthetic(i).params.rateModel);
            if (a == model) return string.concat("rateModel:", i.toString());
        }
        return "unknown";
    }

    /// @return The feed a source's price starts from: a rate source's base primary feed, or the NAV feed.
    function _sourceFeed(IPriceSource src) internal view returns (address) {
        if (keccak256(bytes(src.sourceKind())) == keccak256("rate-adjusted")) {
            return address(ChainlinkSource(address(RateAdjustedSource(address(src)).base())).primaryFeed());
        }
        return address(NavSource(address(src)).navFeed());
    }

    function _bool(bool b) internal pure returns (string memory) {
        return b ? "true" : "false";
    }

    function _add(string memory key, string memory value) internal {
        _lines.push(string.concat(key, " ", value));
    }
}
