// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ILiquidationEngine} from "./interfaces/ILiquidationEngine.sol";
import {IBallastTakeCallback} from "./interfaces/IBallastTakeCallback.sol";
import {IVault} from "./interfaces/IVault.sol";
import {ITreasury} from "./interfaces/ITreasury.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {FixedMath} from "./libraries/FixedMath.sol";
import {AuctionMath} from "./libraries/AuctionMath.sol";

/// @title LiquidationEngine
/// @notice Liquidations and Dutch auctions of seized collateral. See `ILiquidationEngine`.
/// @dev Holds the collateral of live auctions and the owners' claims, nothing else between calls: for every asset,
///      balance >= sum of live lots + sum of claims. Synthetic received in a take is burned or forwarded within the
///      same call.
contract LiquidationEngine is ILiquidationEngine, AccessManaged, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using FixedMath for uint256;
    using SafeCast for uint256;

    // ------------------------------------------------------------------------------------------------------------
    // Hard-coded bounds on governance
    // ------------------------------------------------------------------------------------------------------------

    /// @notice [wad] Highest target health.
    uint256 public constant MAX_TARGET_HEALTH = 2e18;
    /// @notice [wad] Lowest full-liquidation health.
    uint256 public constant MIN_FULL_LIQUIDATION_HEALTH = 0.5e18;
    /// @notice [bps] Highest start buffer above the oracle price (50%).
    uint256 public constant MAX_START_BUFFER_BPS = 5_000;
    /// @notice [bps] Bounds of the floor as a share of the oracle price.
    uint256 public constant MIN_RESET_BELOW_BPS = 1_000;
    uint256 public constant MAX_RESET_BELOW_BPS = 9_500;
    /// @notice [bps] Bounds of the price kept per step of the exponential curve.
    uint256 public constant MIN_CUT_BPS = 5_000;
    uint256 public constant MAX_CUT_BPS = 9_999;
    /// @notice [s] Bounds of the linear duration and of maxDuration.
    uint256 public constant MIN_DURATION = 10 minutes;
    uint256 public constant MAX_DURATION = 7 days;
    /// @notice [s] Longest step of the exponential curve.
    uint256 public constant MAX_STEP = 1 hours;
    /// @notice [wad] Highest flat tip, in the synthetic's units.
    uint256 public constant MAX_TIP = 1_000e18;
    /// @notice [bps] Highest share of the debt paid to a keeper (1%).
    uint256 public constant MAX_CHIP_BPS = 100;
    /// @notice [wad] Highest pay for one call, in the synthetic's units.
    uint256 public constant MAX_KEEPER_PAY = 100_000e18;
    /// @notice [wad USD] Highest cap on debt in auction.
    uint256 public constant MAX_CAP = 1e30;

    /// @notice [bps] Extra collateral seized beyond debt + penalty at oracle prices, so the lot still covers the tab
    ///         when takers buy at a discount: down to 1/1.05 (95%) of the oracle price, and the debt alone down to
    ///         about 90% with a 5% penalty. What is left once the tab is covered goes back to the owner as a claim.
    uint256 public constant SEIZE_MARGIN_BPS = 500;
    uint256 private constant WAD = 1e18;
    uint256 private constant BPS = 1e4;

    // ------------------------------------------------------------------------------------------------------------
    // Storage
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ILiquidationEngine
    IVault public immutable vault;
    IOracleAdapter internal immutable _oracle; // the Vault's

    LiquidationParams internal _liqParams;
    AuctionParams internal _auctionParams;
    mapping(uint256 synthId => KeeperParams) internal _keeperParams;

    /// @inheritdoc ILiquidationEngine
    uint256 public globalCap; // [wad USD]
    /// @inheritdoc ILiquidationEngine
    uint256 public globalDirt; // [wad USD] debt value in auction, sum of the auctions' dirt
    /// @inheritdoc ILiquidationEngine
    mapping(address asset => uint256) public assetCap; // [wad USD]
    /// @inheritdoc ILiquidationEngine
    mapping(address asset => uint256) public assetDirt; // [wad USD] sum of the dirt of the asset's auctions
    /// @inheritdoc ILiquidationEngine
    mapping(address owner => mapping(address asset => uint256)) public claimable; // [token]

    mapping(uint256 auctionId => Auction) internal _auctions;
    uint256[] internal _active; // live auction ids; `Auction.activeIndex` is each one's index
    /// @notice The id the next auction will get (ids start at 1).
    uint256 public nextAuctionId = 1;
    mapping(uint256 synthId => IERC20) internal _synthTokens; // cached: a synthetic's token never changes

    /// @dev One auction's share of a liquidation: lot [token], tab [wad], debt [wad], dirt [wad USD].
    struct Share {
        uint256 lot;
        uint256 tab;
        uint256 debt;
        uint256 dirt;
    }

    /// @dev A take: collateral [token], owe [wad], price [wad], burned [wad], penalty [wad], writtenOff [wad],
    ///      leftover [token] and the owner credited (0 while the auction goes on).
    struct TakeResult {
        uint256 collateral;
        uint256 owe;
        uint256 price;
        uint256 burned;
        uint256 penalty;
        uint256 writtenOff;
        uint256 leftover;
        address owner;
    }

    /// @dev Everything `liquidate` needs, read once.
    struct Context {
        address owner;
        uint256 synthId;
        IERC20 token;
        uint256 minDebt; // [wad]
        uint256 synthPrice; // [wad] USD per synthetic unit
        uint256 wholeDebt; // [wad]
        uint256 cv; // [wad] collateral value
        address[] assets;
        uint256[] amounts; // [token]
        uint256[] values; // [wad] per asset, rounded down
        uint256[] prices; // [wad] USD per whole token
        uint8[] decimals;
    }

    constructor(address initialAuthority, IVault vault_) AccessManaged(initialAuthority) {
        if (address(vault_) == address(0)) revert ZeroAddress();
        vault = vault_;
        _oracle = vault_.oracle();
        _setLiquidationParams(LiquidationParams({targetHealth: 1.1e18, fullLiquidationHealth: 0.95e18}));
        _setAuctionParams(
            AuctionParams({
                startBufferBps: 2_000,
                resetBelowBps: 7_000,
                curve: Curve.StepExponential,
                duration: 2 hours,
                step: 90,
                cutBps: 9_900,
                maxDuration: 2 hours
            })
        );
    }

    // ------------------------------------------------------------------------------------------------------------
    // Liquidation
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ILiquidationEngine
    function liquidate(uint256 positionId) external nonReentrant returns (uint256 firstAuctionId, uint256 debt) {
        (LiquidationPlan memory plan, Context memory c) = _plan(positionId);
        debt = plan.debt;
        uint256 n = c.assets.length;
        if (n != 0) firstAuctionId = nextAuctionId;
        uint256[] memory lots = _startAuctions(plan, c, positionId); // effects

        emit LiquidationStarted(
            positionId,
            c.synthId,
            msg.sender,
            plan.debt,
            plan.penalty,
            plan.fraction,
            plan.debtValue,
            plan.full,
            plan.keeperPay,
            firstAuctionId
        );

        // interactions (trusted Vault and Treasury)
        (address[] memory seizedAssets, uint256[] memory seized) = vault.seize(positionId, plan.debt, plan.fraction);
        for (uint256 i; i < n; ++i) {
            if (seizedAssets[i] != c.assets[i] || seized[i] != lots[i]) {
                revert SeizeMismatch(seizedAssets[i], lots[i], seized[i]);
            }
        }
        if (n == 0) {
            // nothing left to sell: the whole debt is bad debt at once
            vault.settleAuctionDebt(c.synthId, 0, plan.debt);
            emit BadDebtWrittenOff(0, c.synthId, plan.debt);
            treasury().recordBadDebt(c.synthId, plan.debt);
        }
        if (plan.keeperPay != 0) treasury().payKeeper(c.synthId, msg.sender, plan.keeperPay);
    }

    /// @inheritdoc ILiquidationEngine
    function take(
        uint256 auctionId,
        uint256 maxCollateral,
        uint256 maxPrice,
        address receiver,
        bytes calldata data
    ) external nonReentrant returns (uint256 collateral, uint256 owe) {
        Auction memory a = _auctions[auctionId];
        TakeResult memory r = _quote(auctionId, a, maxCollateral, maxPrice);
        _applyTake(auctionId, a, r); // effects
        emit Take(auctionId, msg.sender, receiver, r.collateral, r.owe, r.price, r.burned, r.penalty, a.tab, a.lot);
        if (r.owner != address(0)) emit AuctionSettled(auctionId, r.owner, r.leftover, r.writtenOff);
        if (r.writtenOff != 0) emit BadDebtWrittenOff(auctionId, a.synthId, r.writtenOff);

        // interactions: collateral out, optional callback, payment in, then burn and forward
        (collateral, owe) = (r.collateral, r.owe);
        IERC20 token = _synthTokens[a.synthId];
        if (collateral != 0) IERC20(a.asset).safeTransfer(receiver, collateral);
        if (data.length != 0) IBallastTakeCallback(receiver).onTake(msg.sender, collateral, owe, data);
        token.safeTransferFrom(msg.sender, address(this), owe);
        if (r.burned != 0 || r.writtenOff != 0) vault.settleAuctionDebt(a.synthId, r.burned, r.writtenOff);
        if (r.penalty != 0) {
            ITreasury t = treasury();
            token.safeTransfer(address(t), r.penalty);
            t.recordPenalty(a.synthId, r.penalty);
        }
        if (r.writtenOff != 0) treasury().recordBadDebt(a.synthId, r.writtenOff);
    }

    /// @inheritdoc ILiquidationEngine
    function reset(uint256 auctionId) external nonReentrant {
        Auction storage a = _auctions[auctionId];
        uint256 tab = a.tab;
        if (tab == 0) revert AuctionNotFound(auctionId);
        uint256 synthId = a.synthId;
        uint256 market = _marketPrice(a.asset, synthId, true); // reverts when a price is unavailable
        uint256 elapsed = block.timestamp - a.startTime; // [s]
        uint256 price = _price(a.top, elapsed);
        AuctionParams memory p = _auctionParams;
        if (elapsed <= p.maxDuration && price >= a.floor && price >= market.mulDivUp(p.resetBelowBps, BPS))
            revert AuctionNotResettable(auctionId, price, elapsed);

        (uint256 top, uint256 floor) = _startPrices(market, p);
        (a.top, a.floor, a.startTime) = (top.toUint128(), floor.toUint128(), uint40(block.timestamp));
        uint256 debt = a.debt;
        uint256 pay = _keeperPay(synthId, debt, tab - debt);
        emit AuctionReset(auctionId, msg.sender, top, floor, pay);
        if (pay != 0) treasury().payKeeper(synthId, msg.sender, pay);
    }

    /// @inheritdoc ILiquidationEngine
    function claim(address asset) external nonReentrant returns (uint256 amount) {
        amount = _claim(asset, msg.sender);
    }

    /// @inheritdoc ILiquidationEngine
    function claim(address asset, address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        amount = _claim(asset, to);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Governance
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ILiquidationEngine
    function setLiquidationParams(LiquidationParams calldata params) external restricted {
        _setLiquidationParams(params);
    }

    /// @inheritdoc ILiquidationEngine
    function setAuctionParams(AuctionParams calldata params) external restricted {
        _setAuctionParams(params);
    }

    /// @inheritdoc ILiquidationEngine
    function setKeeperParams(uint256 synthId, KeeperParams calldata params) external restricted {
        if (params.tip > MAX_TIP) revert InvalidParam(Param.Tip, params.tip);
        if (params.chipBps > MAX_CHIP_BPS) revert InvalidParam(Param.ChipBps, params.chipBps);
        if (params.maxPay > MAX_KEEPER_PAY || params.maxPay < params.tip)
            revert InvalidParam(Param.MaxPay, params.maxPay);
        if (synthId >= vault.syntheticCount()) revert InvalidParam(Param.SynthId, synthId);
        _keeperParams[synthId] = params;
        emit KeeperParamsSet(synthId, params);
    }

    /// @inheritdoc ILiquidationEngine
    function setGlobalCap(uint256 cap) external restricted {
        if (cap > MAX_CAP) revert InvalidParam(Param.GlobalCap, cap);
        globalCap = cap;
        emit GlobalCapSet(cap);
    }

    /// @inheritdoc ILiquidationEngine
    function setAssetCap(address asset, uint256 cap) external restricted {
        if (cap > MAX_CAP) revert InvalidParam(Param.AssetCap, cap);
        if (!vault.assetConfig(asset).listed) revert InvalidParam(Param.Asset, uint256(uint160(asset)));
        assetCap[asset] = cap;
        emit AssetCapSet(asset, cap);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ILiquidationEngine
    function treasury() public view returns (ITreasury) {
        return ITreasury(vault.treasury());
    }

    /// @inheritdoc ILiquidationEngine
    function liquidationParams() external view returns (LiquidationParams memory) {
        return _liqParams;
    }

    /// @inheritdoc ILiquidationEngine
    function auctionParams() external view returns (AuctionParams memory) {
        return _auctionParams;
    }

    /// @inheritdoc ILiquidationEngine
    function keeperParams(uint256 synthId) external view returns (KeeperParams memory) {
        return _keeperParams[synthId];
    }

    /// @inheritdoc ILiquidationEngine
    function previewLiquidation(uint256 positionId) external view returns (LiquidationPlan memory plan) {
        (plan, ) = _plan(positionId);
    }

    /// @inheritdoc ILiquidationEngine
    function auction(uint256 auctionId) external view returns (Auction memory) {
        return _auctions[auctionId];
    }

    /// @inheritdoc ILiquidationEngine
    function auctionStatus(uint256 auctionId) public view returns (uint256 price, bool needsReset) {
        Auction memory a = _auctions[auctionId];
        if (a.tab == 0) revert AuctionNotFound(auctionId);
        uint256 elapsed = block.timestamp - a.startTime; // [s]
        price = _price(a.top, elapsed);
        needsReset = elapsed > _auctionParams.maxDuration || price < a.floor;
        if (!needsReset) {
            uint256 market = _marketPrice(a.asset, a.synthId, false); // 0 when unavailable
            needsReset = price < market.mulDivUp(_auctionParams.resetBelowBps, BPS);
        }
    }

    /// @inheritdoc ILiquidationEngine
    function auctionCount() external view returns (uint256) {
        return _active.length;
    }

    /// @inheritdoc ILiquidationEngine
    function getAuctions(uint256 offset, uint256 limit) external view returns (AuctionView[] memory list) {
        uint256 total = _active.length;
        uint256 end = offset >= total ? offset : (limit > total - offset ? total : offset + limit);
        list = new AuctionView[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            uint256 id = _active[i];
            Auction memory a = _auctions[id];
            (uint256 price, bool needsReset) = auctionStatus(id);
            list[i - offset] = AuctionView({
                id: id,
                positionId: a.positionId,
                asset: a.asset,
                synthId: a.synthId,
                lot: a.lot,
                tab: a.tab,
                debt: a.debt,
                price: price,
                floor: a.floor,
                startTime: a.startTime,
                needsReset: needsReset
            });
        }
    }

    /// @inheritdoc ILiquidationEngine
    function healthOf(uint256[] calldata ids) external view returns (uint256[] memory health, bool[] memory available) {
        uint256 n = ids.length;
        health = new uint256[](n);
        available = new bool[](n);
        for (uint256 i; i < n; ++i) {
            try vault.healthOf(ids[i]) returns (IVault.PositionHealth memory h) {
                (health[i], available[i]) = (h.health, true);
            } catch {}
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internal
    // ------------------------------------------------------------------------------------------------------------

    /// @dev Reads the position and computes the liquidation (see the interface doc for the rules).
    function _plan(uint256 positionId) internal view returns (LiquidationPlan memory plan, Context memory c) {
        uint256 penaltyValue; // [wad USD] sum of value * liqPenaltyBps, each rounded up
        uint256 ll; // [wad USD] liquidation limit, each asset rounded down (as the Vault)
        (c.owner, c.synthId, ) = vault.positionOf(positionId);
        if (c.owner == address(0)) revert IVault.PositionNotFound(positionId);
        {
            IVault.SyntheticState memory s = vault.synthetic(c.synthId);
            c.token = IERC20(address(s.token));
            c.minDebt = s.params.minDebt;
            c.synthPrice = s.params.priceAsset == address(0) ? WAD : _oracle.getPrice(s.params.priceAsset);
        }
        c.wholeDebt = vault.debtOf(positionId);
        (c.assets, c.amounts) = vault.basketOf(positionId);
        uint256 n = c.assets.length;
        c.values = new uint256[](n);
        c.prices = new uint256[](n);
        c.decimals = new uint8[](n);
        for (uint256 i; i < n; ++i) {
            IVault.AssetConfig memory cfg = vault.assetConfig(c.assets[i]);
            uint256 price = _oracle.getPrice(c.assets[i]); // reverts PriceUnavailable: no liquidation then
            uint256 v = c.amounts[i].mulDivDown(price, 10 ** cfg.decimals); // [wad] as Vault._limits
            (c.values[i], c.prices[i], c.decimals[i]) = (v, price, cfg.decimals);
            c.cv += v;
            ll += v.mulDivDown(cfg.liqThresholdBps, BPS);
            penaltyValue += v.mulDivUp(cfg.liqPenaltyBps, BPS);
        }

        // health exactly as Vault.healthOf computes it
        uint256 dv = c.wholeDebt == 0 ? 0 : c.wholeDebt.mulDivUp(c.synthPrice, WAD); // [wad USD], rounded up
        uint256 health = dv == 0 ? type(uint256).max : ll.mulDivDown(WAD, dv);
        if (health >= WAD) revert PositionHealthy(positionId, health);

        // how much: partial to the target health, or all
        LiquidationParams memory lp = _liqParams;
        uint256 debt = c.wholeDebt; // [wad]
        plan.full = health < lp.fullLiquidationHealth;
        if (!plan.full) {
            // the collateral leaving per unit of debt value is (1 + penalty) * (1 + margin): pass its excess over 1
            uint256 d = AuctionMath.partialDebtValue(c.cv, ll, dv, _seizeExtra(c.cv, penaltyValue), lp.targetHealth);
            if (d != type(uint256).max) {
                d = d.mulDivUp(WAD, c.synthPrice); // [wad] synthetic units, rounded up
                if (d < c.minDebt) d = c.minDebt; // a liquidation takes at least one minimum debt
                if (d < debt && debt - d >= c.minDebt) debt = d;
            }
            plan.full = debt == c.wholeDebt;
        }

        // caps: the debt value may not exceed the room globally or, attributed pro rata, per asset
        plan.debtValue = debt.mulDivUp(c.synthPrice, WAD);
        uint256 room = globalCap > globalDirt ? globalCap - globalDirt : 0; // [wad USD]
        for (uint256 i; i < n; ++i) {
            if (c.values[i] == 0) continue;
            uint256 cap = assetCap[c.assets[i]];
            uint256 dirt = assetDirt[c.assets[i]];
            uint256 r = cap > dirt ? cap - dirt : 0;
            // dirt attributed to asset i is debtValue * value_i / cv <= r  <=>  debtValue <= r * cv / value_i
            r = r.mulDivDown(c.cv, c.values[i]);
            if (r < room) room = r;
        }
        if (n != 0 && plan.debtValue > room) {
            plan.capped = true;
            plan.full = false;
            debt = room.mulDivDown(WAD, c.synthPrice); // [wad] the most the room allows, rounded down
            if (c.wholeDebt - debt < c.minDebt) debt = c.wholeDebt > c.minDebt ? c.wholeDebt - c.minDebt : 0;
            if (debt == 0 || debt < c.minDebt) {
                revert AuctionCapReached(positionId, room, c.minDebt.mulDivUp(c.synthPrice, WAD));
            }
            plan.debtValue = debt.mulDivUp(c.synthPrice, WAD);
        }
        plan.debt = debt;

        // penalty, and the share of the basket that covers debt + penalty at oracle prices plus the seize margin
        // (rounded up, capped at 1)
        if (c.cv == 0) {
            plan.fraction = WAD;
        } else {
            plan.penalty = debt.mulDivUp(penaltyValue, c.cv);
            uint256 seizeValue = plan.debtValue + plan.debtValue.mulDivUp(_seizeExtra(c.cv, penaltyValue), c.cv);
            plan.fraction = seizeValue.mulDivUp(WAD, c.cv);
            if (plan.fraction > WAD) plan.fraction = WAD;
        }
        plan.keeperPay = _keeperPay(c.synthId, debt, plan.penalty);
    }

    /// @dev Records one auction per basket asset (effects only). The tab, debt and dirt are split pro rata by
    ///      value, each share rounded down and the last valued asset taking the rest, so the sums are exact.
    /// @return lots [token] What the Vault will seize of each asset (its rule: amount * fraction rounded up, capped).
    function _startAuctions(
        LiquidationPlan memory plan,
        Context memory c,
        uint256 positionId
    ) internal returns (uint256[] memory lots) {
        uint256 n = c.assets.length;
        lots = new uint256[](n);
        Share memory left = Share({lot: 0, tab: plan.debt + plan.penalty, debt: plan.debt, dirt: plan.debtValue});
        uint256 valueLeft = c.cv; // [wad USD]
        uint256 dirtAdded; // [wad USD] dirt given to auctions (a worthless share gets none)
        for (uint256 i; i < n; ++i) {
            Share memory sh = Share({
                lot: c.amounts[i].mulDivUp(plan.fraction, WAD),
                tab: left.tab,
                debt: left.debt,
                dirt: left.dirt
            });
            if (sh.lot > c.amounts[i]) sh.lot = c.amounts[i];
            lots[i] = sh.lot;
            uint256 v = c.values[i];
            if (valueLeft == 0 ? i + 1 < n : v < valueLeft) {
                (sh.tab, sh.debt, sh.dirt) =
                    valueLeft == 0
                        ? (0, 0, 0)
                        : (
                            left.tab.mulDivDown(v, valueLeft),
                            left.debt.mulDivDown(v, valueLeft),
                            left.dirt.mulDivDown(v, valueLeft)
                        );
            }
            (left.tab, left.debt, left.dirt) = (left.tab - sh.tab, left.debt - sh.debt, left.dirt - sh.dirt);
            valueLeft -= v;
            if (sh.tab == 0) {
                claimable[c.owner][c.assets[i]] += sh.lot; // a worthless share: nothing to sell it for
                continue;
            }
            _startAuction(c, i, positionId, sh);
            dirtAdded += sh.dirt;
        }
        globalDirt += dirtAdded;
    }

    /// @dev Records auction i of a liquidation (effects only).
    function _startAuction(Context memory c, uint256 i, uint256 positionId, Share memory sh) internal {
        AuctionParams memory p = _auctionParams;
        uint256 market = c.prices[i].mulDivDown(WAD, c.synthPrice); // [wad] synthetic per whole token
        (uint256 top, uint256 floor) = _startPrices(market, p);
        uint256 id = nextAuctionId++;
        address asset = c.assets[i];
        _auctions[id] = Auction({
            asset: asset,
            synthId: uint8(c.synthId), // the Vault has at most 256 synthetics
            startTime: uint40(block.timestamp),
            decimals: c.decimals[i],
            positionId: uint40(positionId), // Vault ids count up from 1: 2^40 is out of reach
            lot: uint128(sh.lot), // <= a Vault lane, a 128-bit field
            tab: sh.tab.toUint128(),
            debt: sh.debt.toUint96(),
            dirt: sh.dirt.toUint128(),
            activeIndex: uint32(_active.length), // 2^32 live auctions would not fit in any block history
            top: top.toUint128(),
            floor: floor.toUint128(),
            dust: c.minDebt.toUint128()
        });
        _active.push(id);
        assetDirt[asset] += sh.dirt;
        if (address(_synthTokens[c.synthId]) == address(0)) _synthTokens[c.synthId] = c.token;
        emit AuctionStarted(id, positionId, asset, sh.lot, sh.tab, sh.debt, top, floor);
    }

    /// @dev Checks a take and sizes it (see `take` and the dust rule in the interface doc).
    function _quote(
        uint256 auctionId,
        Auction memory a,
        uint256 maxCollateral,
        uint256 maxPrice
    ) internal view returns (TakeResult memory r) {
        if (a.tab == 0) revert AuctionNotFound(auctionId);
        uint256 elapsed = block.timestamp - a.startTime; // [s]
        r.price = _price(a.top, elapsed);
        if (elapsed > _auctionParams.maxDuration || r.price < a.floor) {
            revert AuctionNeedsReset(auctionId, r.price, a.floor, elapsed);
        }
        if (r.price > maxPrice) revert PriceAboveMax(auctionId, r.price, maxPrice);

        uint256 unit = 10 ** a.decimals; // [token] per whole token
        r.collateral = maxCollateral < a.lot ? maxCollateral : a.lot;
        r.owe = r.collateral.mulDivUp(r.price, unit); // [wad] the taker pays, rounded up
        if (r.owe >= a.tab) {
            // covers the tab: pay exactly the tab, get the collateral it buys, rounded down
            r.owe = a.tab;
            r.collateral = r.owe.mulDivDown(unit, r.price);
        } else if (r.collateral < a.lot) {
            // a partial take must leave a sellable auction
            uint256 lotValueLeft = (a.lot - r.collateral).mulDivDown(r.price, unit); // [wad]
            if (a.tab - r.owe < a.dust || lotValueLeft < a.dust) {
                revert TakeLeavesDust(auctionId, a.tab - r.owe, lotValueLeft, a.dust);
            }
        }
        if (r.collateral == 0 && r.owe < a.tab) revert ZeroTake(auctionId);
        r.burned = r.owe < a.debt ? r.owe : a.debt; // the debt part is paid first
        r.penalty = r.owe - r.burned;
    }

    /// @dev Books a take (effects only): the debt in auction falls with the debt burned; an auction whose tab is
    ///      covered or whose lot is gone ends, crediting leftover collateral to the owner or writing off the debt left.
    function _applyTake(uint256 auctionId, Auction memory a, TakeResult memory r) internal {
        uint256 dirtCut = r.burned == a.debt ? a.dirt : uint256(a.dirt).mulDivDown(r.burned, a.debt); // [wad USD]
        a.dirt -= uint128(dirtCut);
        a.lot -= uint128(r.collateral);
        a.tab -= uint128(r.owe);
        a.debt -= uint96(r.burned);
        if (a.tab == 0 || a.lot == 0) {
            r.writtenOff = a.tab == 0 ? 0 : a.debt; // the lot ran out: the debt left is bad debt, the penalty forgiven
            r.leftover = a.lot;
            (r.owner, , ) = vault.positionOf(a.positionId);
            if (r.leftover != 0) claimable[r.owner][a.asset] += r.leftover;
            dirtCut += a.dirt;
            _remove(auctionId, a.activeIndex);
        } else {
            Auction storage s = _auctions[auctionId];
            (s.lot, s.tab, s.debt, s.dirt) = (a.lot, a.tab, a.debt, a.dirt);
        }
        globalDirt -= dirtCut;
        assetDirt[a.asset] -= dirtCut;
    }

    /// @dev Removes a finished auction from storage and from the live list (swap and pop).
    function _remove(uint256 auctionId, uint256 index) internal {
        uint256 last = _active[_active.length - 1];
        if (last != auctionId) {
            _active[index] = last;
            _auctions[last].activeIndex = uint32(index);
        }
        _active.pop();
        delete _auctions[auctionId];
    }

    function _claim(address asset, address to) internal returns (uint256 amount) {
        amount = claimable[msg.sender][asset];
        if (amount == 0) revert NothingToClaim(msg.sender, asset);
        claimable[msg.sender][asset] = 0;
        emit Claimed(msg.sender, asset, to, amount);
        IERC20(asset).safeTransfer(to, amount);
    }

    /// @return [wad USD] Collateral value seized per `cv` of debt value beyond the debt itself:
    ///         (cv + penaltyValue) * (1 + SEIZE_MARGIN_BPS / 1e4) - cv, rounded up (against the position).
    function _seizeExtra(uint256 cv, uint256 penaltyValue) internal pure returns (uint256) {
        return (cv + penaltyValue).mulDivUp(BPS + SEIZE_MARGIN_BPS, BPS) - cv;
    }

    /// @return pay [wad] tip + chipBps * debt (rounded down), capped at maxPay and at `penalty` [wad].
    function _keeperPay(uint256 synthId, uint256 debt, uint256 penalty) internal view returns (uint256 pay) {
        KeeperParams memory k = _keeperParams[synthId];
        pay = k.tip + debt.mulDivDown(k.chipBps, BPS);
        if (pay > k.maxPay) pay = k.maxPay;
        if (pay > penalty) pay = penalty;
    }

    /// @return [wad] Price at `elapsed` [s] of an auction started at `top` [wad], under the current curve.
    function _price(uint256 top, uint256 elapsed) internal view returns (uint256) {
        AuctionParams memory p = _auctionParams;
        return AuctionMath.price(top, elapsed, p.curve == Curve.Linear, p.duration, p.step, p.cutBps);
    }

    /// @return top [wad] market * (1 + buffer), rounded up. @return floor [wad] market * resetBelow, rounded up, >= 1.
    function _startPrices(uint256 market, AuctionParams memory p) internal pure returns (uint256 top, uint256 floor) {
        top = market.mulDivUp(BPS + p.startBufferBps, BPS);
        floor = market.mulDivUp(p.resetBelowBps, BPS);
        if (floor == 0) floor = 1;
        if (top <= floor) top = floor + 1;
    }

    /// @return [wad] Oracle price of `asset` in synthetic `synthId` per whole token, rounded down. With `strict` a
    ///         failed price reverts (PriceUnavailable); without, it returns 0.
    function _marketPrice(address asset, uint256 synthId, bool strict) internal view returns (uint256) {
        address priceAsset = vault.synthetic(synthId).params.priceAsset;
        uint256 usd; // [wad]
        uint256 synthUsd = WAD; // [wad]
        if (strict) {
            usd = _oracle.getPrice(asset);
            if (priceAsset != address(0)) synthUsd = _oracle.getPrice(priceAsset);
        } else {
            IOracleAdapter.PriceFailure f;
            (usd, f) = _oracle.tryGetPrice(asset);
            if (f != IOracleAdapter.PriceFailure.None) return 0;
            if (priceAsset != address(0)) {
                (synthUsd, f) = _oracle.tryGetPrice(priceAsset);
                if (f != IOracleAdapter.PriceFailure.None) return 0;
            }
        }
        return usd.mulDivDown(WAD, synthUsd);
    }

    function _setLiquidationParams(LiquidationParams memory p) internal {
        if (p.targetHealth <= WAD || p.targetHealth > MAX_TARGET_HEALTH) {
            revert InvalidParam(Param.TargetHealth, p.targetHealth);
        }
        if (p.fullLiquidationHealth < MIN_FULL_LIQUIDATION_HEALTH || p.fullLiquidationHealth > WAD) {
            revert InvalidParam(Param.FullLiquidationHealth, p.fullLiquidationHealth);
        }
        _liqParams = p;
        emit LiquidationParamsSet(p);
    }

    function _setAuctionParams(AuctionParams memory p) internal {
        if (p.startBufferBps > MAX_START_BUFFER_BPS) revert InvalidParam(Param.StartBufferBps, p.startBufferBps);
        if (p.resetBelowBps < MIN_RESET_BELOW_BPS || p.resetBelowBps > MAX_RESET_BELOW_BPS) {
            revert InvalidParam(Param.ResetBelowBps, p.resetBelowBps);
        }
        if (p.duration < MIN_DURATION || p.duration > MAX_DURATION) revert InvalidParam(Param.Duration, p.duration);
        if (p.step == 0 || p.step > MAX_STEP) revert InvalidParam(Param.Step, p.step);
        if (p.cutBps < MIN_CUT_BPS || p.cutBps > MAX_CUT_BPS) revert InvalidParam(Param.CutBps, p.cutBps);
        if (p.maxDuration < MIN_DURATION || p.maxDuration > MAX_DURATION) {
            revert InvalidParam(Param.MaxDuration, p.maxDuration);
        }
        _auctionParams = p;
        emit AuctionParamsSet(p);
    }
}
