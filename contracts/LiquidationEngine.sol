// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

import {ILiquidationEngine} from "./interfaces/ILiquidationEngine.sol";
import {IBallastTakeCallback} from "./interfaces/IBallastTakeCallback.sol";
import {IVault} from "./interfaces/IVault.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {ITreasury} from "./interfaces/ITreasury.sol";
import {FixedMath} from "./libraries/FixedMath.sol";
import {LiquidationMath} from "./libraries/LiquidationMath.sol";
import {VaultReader} from "./libraries/VaultReader.sol";
import {LiquidationEngineStorage} from "./LiquidationEngineStorage.sol";
import {LiquidationEngineAdmin} from "./LiquidationEngineAdmin.sol";
import {ModuleCall} from "./libraries/ModuleCall.sol";

/// @title LiquidationEngine
/// @notice Liquidations and Dutch auctions of seized collateral. See `ILiquidationEngine`.
/// @dev Holds the collateral of live auctions and the owners' claims, nothing else between calls: for every asset,
///      balance >= sum of live lots + sum of claims. Synthetic received in a take is burned or forwarded within the
///      same call.
contract LiquidationEngine is ILiquidationEngine, LiquidationEngineStorage {
    using SafeERC20 for IERC20;
    using FixedMath for uint256;
    using SafeCast for uint256;

    // ------------------------------------------------------------------------------------------------------------
    // Storage (the rest is in LiquidationEngineStorage, shared with the admin module)
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ILiquidationEngine
    IVault public immutable vault;
    IOracleAdapter internal immutable _oracle; // the Vault's (immutable there too)
    /// @inheritdoc ILiquidationEngine
    address public immutable admin;

    /// @dev One auction's share of a liquidation: lot [token], tab [wad], debt [wad], dirt [wad USD].
    struct Share {
        uint256 lot;
        uint256 tab;
        uint256 debt;
        uint256 dirt;
    }

    /// @dev A take: collateral [token], owe [wad] (all the taker pays), price [wad], burned [wad], penalty [wad],
    ///      writtenOff [wad], leftover [token], the owner credited (0 while the auction goes on) and toOwner [wad],
    ///      the synthetic credited to the owner when one smallest unit of collateral sold for more than the tab.
    struct TakeResult {
        uint256 collateral;
        uint256 owe;
        uint256 toOwner;
        uint256 price;
        uint256 burned;
        uint256 penalty;
        uint256 writtenOff;
        uint256 leftover;
        address owner;
    }

    constructor(address initialAuthority, IVault vault_) AccessManaged(initialAuthority) {
        if (address(vault_) == address(0)) revert ZeroAddress();
        vault = vault_;
        _oracle = vault_.oracle();
        address module = address(new LiquidationEngineAdmin(vault_));
        admin = module;
        _counters.nextAuctionId = 1;
        _delegate(
            module,
            abi.encodeCall(
                ILiquidationEngine.setLiquidationParams,
                (LiquidationParams({targetHealth: 1.1e18, fullLiquidationHealth: 0.95e18}))
            )
        );
        _delegate(
            module,
            abi.encodeCall(
                ILiquidationEngine.setAuctionParams,
                (
                    AuctionParams({
                        startBufferBps: 2_000,
                        resetBelowBps: 7_000,
                        curve: Curve.StepExponential,
                        duration: 2 hours,
                        step: 90,
                        cutBps: 9_900,
                        maxDuration: 2 hours
                    })
                )
            )
        );
    }

    // ------------------------------------------------------------------------------------------------------------
    // Liquidation
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ILiquidationEngine
    function liquidate(uint256 positionId) external nonReentrant returns (uint256 firstAuctionId, uint256 debt) {
        // value the position once (failed prices at 0) and plan it under the caps; `seize` accrues the interest
        // that the valuation already counts (same block) and checks the amounts
        (IVault.LiquidationState memory st, LiquidationPlan memory plan) = _plan(positionId);
        debt = plan.debt;
        firstAuctionId = _startAuctions(plan, st, positionId); // effects
        if (plan.keeperPay != 0) _keeperPayOwed[msg.sender][st.synthId] += plan.keeperPay; // claimed later
        _emitStarted(positionId, st.synthId, plan, firstAuctionId);

        // interactions (trusted Vault and Treasury): the Vault checks the lots and sends them here
        vault.seize(positionId, debt, plan.lots);
        if (st.assets.length == 0) {
            // nothing left to sell: the whole debt is bad debt at once
            vault.settleAuctionDebt(st.synthId, 0, debt);
            emit BadDebtWrittenOff(0, st.synthId, debt);
            treasury().recordAuction(st.synthId, 0, debt);
        }
    }

    /// @inheritdoc ILiquidationEngine
    function take(
        uint256 auctionId,
        uint256 maxCollateral,
        uint256 maxPrice,
        address receiver,
        bytes calldata data
    ) external nonReentrant returns (uint256 collateral, uint256 owe) {
        StoredAuction memory a = _auctions[auctionId];
        if (a.tab == 0) revert AuctionNotFound(auctionId);
        SynthCache memory sc = _synthCache[a.synthId];
        TakeResult memory r = _quote(auctionId, a, sc.minDebt, maxCollateral, maxPrice);
        _applyTake(auctionId, a, r, sc.token); // effects
        emit Take(auctionId, msg.sender, receiver, r.collateral, r.owe, r.price, r.burned, r.penalty, a.tab, a.lot);
        if (r.owner != address(0)) emit AuctionEnded(auctionId, r.owner, r.leftover, r.writtenOff);
        if (r.writtenOff != 0) emit BadDebtWrittenOff(auctionId, a.synthId, r.writtenOff);

        // interactions: collateral out, optional callback, payment in, then burn and forward
        (collateral, owe) = (r.collateral, r.owe);
        IERC20 token = sc.token;
        if (collateral != 0) IERC20(a.asset).safeTransfer(receiver, collateral);
        if (data.length != 0) IBallastTakeCallback(receiver).onTake(msg.sender, collateral, owe, data);
        token.safeTransferFrom(msg.sender, address(this), owe);
        if (r.burned != 0 || r.writtenOff != 0) vault.settleAuctionDebt(a.synthId, r.burned, r.writtenOff);
        if (r.penalty != 0 || r.writtenOff != 0) {
            ITreasury t = treasury();
            if (r.penalty != 0) token.safeTransfer(address(t), r.penalty);
            t.recordAuction(a.synthId, r.penalty, r.writtenOff);
        }
    }

    /// @inheritdoc ILiquidationEngine
    function reset(uint256 auctionId) external nonReentrant {
        StoredAuction storage a = _auctions[auctionId];
        uint256 tab = a.tab;
        if (tab == 0) revert AuctionNotFound(auctionId);
        uint256 synthId = a.synthId;
        uint256 market = _marketPrice(a.asset, synthId, true); // reverts when a price is unavailable
        uint256 elapsed = block.timestamp - a.startTime; // [s]
        AuctionParams memory p = _auctionParams;
        StoredAuction memory m = a;
        (uint256 top, uint256 floor) = _startPrices(m, p);
        uint256 price = _price(top, elapsed, p);
        if (elapsed <= p.maxDuration && price >= floor && price >= market.mulDivUp(p.resetBelowBps, BPS)) {
            revert AuctionNotResettable(auctionId, price, elapsed);
        }

        // a reset pays only when it re-prices the lot lower: restarting at an unchanged or higher oracle price is
        // for whoever wants to buy, and paying for it would let an owner who liquidated herself collect pay on an
        // auction nobody else takes
        uint256 before = m.market;
        m.market = uint128(market); // toUint128 below
        (top, floor) = _startPrices(m, p);
        (a.market, a.startTime) = (market.toUint128(), uint40(block.timestamp));
        uint256 pay;
        if (market < before) {
            uint256 debt = a.debt;
            pay = _keeperPay(synthId, debt, tab - debt);
            if (pay != 0) _keeperPayOwed[msg.sender][synthId] += pay; // claimed later
        }
        emit AuctionReset(auctionId, msg.sender, top, floor, pay);
    }

    /// @inheritdoc ILiquidationEngine
    /// @dev Runs in the admin module (`delegatecall`), which takes the reentrancy lock.
    function releaseAuction(uint256) external restricted returns (uint256, uint256, address, uint256, uint256) {
        _forward();
    }

    /// @inheritdoc ILiquidationEngine
    function claimKeeperPay(uint256 synthId, address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        amount = _keeperPayOwed[msg.sender][synthId];
        if (amount == 0) revert NoKeeperPay(msg.sender, synthId);
        _keeperPayOwed[msg.sender][synthId] = 0;
        emit KeeperPayClaimed(msg.sender, synthId, to, amount);
        treasury().payKeeper(synthId, to, amount);
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

    // Each setter checks the caller here (`restricted`) and runs in the admin module, in this contract's storage.

    /// @inheritdoc ILiquidationEngine
    function setLiquidationParams(LiquidationParams calldata) external restricted {
        _forward();
    }

    /// @inheritdoc ILiquidationEngine
    function setAuctionParams(AuctionParams calldata) external restricted {
        _forward();
    }

    /// @inheritdoc ILiquidationEngine
    function setKeeperParams(uint256, KeeperParams calldata) external restricted {
        _forward();
    }

    /// @inheritdoc ILiquidationEngine
    function setGlobalCap(uint256) external restricted {
        _forward();
    }

    /// @inheritdoc ILiquidationEngine
    function setAssetCap(address, uint256) external restricted {
        _forward();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ILiquidationEngine
    function reentrancyGuardEntered() external view returns (bool) {
        return _reentrancyGuardEntered();
    }

    /// @inheritdoc ILiquidationEngine
    function treasury() public view returns (ITreasury) {
        return ITreasury(vault.treasury());
    }

    /// @inheritdoc ILiquidationEngine
    function globalCap() external view returns (uint256) {
        return _limits.globalCap;
    }

    /// @inheritdoc ILiquidationEngine
    function claimable(address owner, address asset) external view returns (uint256) {
        return _claimable[owner][asset];
    }

    /// @inheritdoc ILiquidationEngine
    function totalClaimable(address asset) external view returns (uint256) {
        return _totalClaimable[asset];
    }

    /// @inheritdoc ILiquidationEngine
    function keeperPayOwed(address keeper, uint256 synthId) external view returns (uint256) {
        return _keeperPayOwed[keeper][synthId];
    }

    /// @inheritdoc ILiquidationEngine
    function liquidationParams() external view returns (LiquidationParams memory) {
        Limits memory lim = _limits;
        return LiquidationParams(lim.targetHealth, lim.fullLiquidationHealth);
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
        (, plan) = _plan(positionId);
    }

    /// @inheritdoc ILiquidationEngine
    function globalDirt() external view returns (uint256) {
        return _counters.globalDirt;
    }

    /// @inheritdoc ILiquidationEngine
    function nextAuctionId() external view returns (uint256) {
        return _counters.nextAuctionId;
    }

    /// @inheritdoc ILiquidationEngine
    function assetCap(address asset) external view returns (uint256) {
        return _assetLimits[asset].cap;
    }

    /// @inheritdoc ILiquidationEngine
    function assetDirt(address asset) external view returns (uint256) {
        return _assetLimits[asset].dirt;
    }

    /// @inheritdoc ILiquidationEngine
    function auction(uint256 auctionId) public view returns (Auction memory v) {
        StoredAuction memory a = _auctions[auctionId];
        if (a.tab == 0) return v;
        (uint256 top, uint256 floor) = _startPrices(a, _auctionParams);
        v = Auction({
            asset: a.asset,
            synthId: a.synthId,
            startTime: a.startTime,
            decimals: a.decimals,
            positionId: a.positionId,
            lot: a.lot,
            tab: a.tab,
            debt: a.debt,
            dirt: uint128(_dirt(auctionId, a)),
            market: a.market,
            top: uint128(top),
            floor: uint128(floor),
            dust: _synthCache[a.synthId].minDebt
        });
    }

    /// @inheritdoc ILiquidationEngine
    function auctionStatus(uint256 auctionId) public view returns (uint256 price, bool needsReset) {
        StoredAuction memory a = _auctions[auctionId];
        if (a.tab == 0) revert AuctionNotFound(auctionId);
        AuctionParams memory p = _auctionParams;
        uint256 elapsed = block.timestamp - a.startTime; // [s]
        (uint256 top, uint256 floor) = _startPrices(a, p);
        price = _price(top, elapsed, p);
        needsReset = elapsed > p.maxDuration || price < floor;
        if (!needsReset) {
            uint256 market = _marketPrice(a.asset, a.synthId, false); // 0 when unavailable
            needsReset = price < market.mulDivUp(p.resetBelowBps, BPS);
        }
    }

    /// @inheritdoc ILiquidationEngine
    function auctionCount() external view returns (uint256) {
        return _counters.live;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internal
    // ------------------------------------------------------------------------------------------------------------

    /// @dev Position `id` valued for a liquidation (`VaultReader.liquidationState`: three `extSloads` calls, one more
    ///      per ramping threshold, and one price per basket asset) and its plan (`LiquidationMath.plan`) under the room left below each cap,
    ///      with the keeper's pay. Reverts SystemShutdown after the Vault's shutdown, and as both rules say.
    function _plan(uint256 id) internal view returns (IVault.LiquidationState memory st, LiquidationPlan memory p) {
        VaultReader.Entry memory e = VaultReader.entryOf(vault, id);
        if (e.shutdownAt != 0) revert SystemShutdown(e.shutdownAt);
        st = VaultReader.liquidationStateOf(_oracle, e);
        uint256 n = st.assets.length;
        uint256[] memory rooms = new uint256[](n); // [wad USD]
        for (uint256 i; i < n; ++i) {
            AssetLimit memory al = _assetLimits[st.assets[i]];
            rooms[i] = al.cap > al.dirt ? al.cap - al.dirt : 0;
        }
        Limits memory lim = _limits;
        (uint256 cap, uint256 dirt) = (lim.globalCap, _counters.globalDirt);
        LiquidationParams memory lp = LiquidationParams(lim.targetHealth, lim.fullLiquidationHealth);
        p = LiquidationMath.plan(st, rooms, cap > dirt ? cap - dirt : 0, lp, id);
        p.keeperPay = _keeperPay(st.synthId, p.debt, p.penalty);
    }

    function _emitStarted(uint256 positionId, uint256 synthId, LiquidationPlan memory plan, uint256 first) internal {
        emit LiquidationStarted(
            positionId,
            synthId,
            msg.sender,
            plan.debt,
            plan.penalty,
            plan.debtValue,
            plan.full,
            plan.keeperPay,
            first
        );
    }

    /// @dev Records one auction per seized lot (effects only). The tab, debt and dirt are split in proportion to the
    ///      debt value each lot carries (`plan.covers`), each share rounded down and the last lot taking the rest, so
    ///      the sums are exact. A lot that carries nothing (worth 0 at its price) goes back to the owner as a claim.
    /// @return firstId The first auction started (0 if none).
    function _startAuctions(
        LiquidationPlan memory plan,
        IVault.LiquidationState memory st,
        uint256 positionId
    ) internal returns (uint256 firstId) {
        _cacheSynth(st);
        uint256 n = st.assets.length;
        uint256 last = type(uint256).max; // the last lot, which takes the rest
        uint256 total; // [wad USD] sum of the covers
        for (uint256 i; i < n; ++i) {
            if (plan.lots[i] == 0) continue;
            last = i;
            total += plan.covers[i];
        }
        // `lot` of `left` carries the cover not yet shared out [wad USD]
        Share memory left = Share({lot: total, tab: plan.debt + plan.penalty, debt: plan.debt, dirt: plan.debtValue});
        Counters memory c = _counters;
        for (uint256 i; i < n; ++i) {
            uint256 lot = plan.lots[i];
            if (lot == 0) continue;
            Share memory sh = Share({lot: lot, tab: left.tab, debt: left.debt, dirt: left.dirt});
            uint256 cover = plan.covers[i];
            if (i != last && cover < left.lot) {
                (sh.tab, sh.debt, sh.dirt) = (
                    left.tab.mulDivDown(cover, left.lot),
                    left.debt.mulDivDown(cover, left.lot),
                    left.dirt.mulDivDown(cover, left.lot)
                );
            }
            (left.tab, left.debt, left.dirt) = (left.tab - sh.tab, left.debt - sh.debt, left.dirt - sh.dirt);
            left.lot -= cover;
            if (sh.tab == 0) {
                _credit(st.owner, st.assets[i], lot); // a worthless share: nothing to sell it for
                continue;
            }
            uint256 id = c.nextAuctionId++;
            if (firstId == 0) firstId = id;
            ++c.live;
            c.globalDirt += uint128(sh.dirt); // <= the room, <= MAX_CAP
            _startAuction(id, st, i, positionId, sh);
        }
        _counters = c;
    }

    /// @dev Refreshes the synthetic's cached token and minimum debt (written only when they changed).
    function _cacheSynth(IVault.LiquidationState memory st) internal {
        SynthCache memory sc = _synthCache[st.synthId];
        if (address(sc.token) != st.token || sc.minDebt != st.minDebt) {
            _synthCache[st.synthId] = SynthCache(IERC20(st.token), uint96(st.minDebt)); // minDebt < 2^96 (Vault)
        }
    }

    /// @dev Records auction `id`, of basket asset i of a liquidation (effects only).
    function _startAuction(
        uint256 id,
        IVault.LiquidationState memory st,
        uint256 i,
        uint256 positionId,
        Share memory sh
    ) internal {
        uint256 market = st.prices[i].mulDivDown(WAD, st.synthPrice); // [wad] synthetic per whole token
        address asset = st.assets[i];
        bool separateDirt = st.synthPrice != WAD || sh.dirt != sh.debt;
        StoredAuction memory a = StoredAuction({
            asset: asset,
            synthId: uint8(st.synthId), // the Vault has at most 256 synthetics
            decimals: st.decimals[i],
            startTime: uint40(block.timestamp),
            positionId: uint40(positionId),
            lot: uint128(sh.lot), // <= a Vault lane, a 128-bit field
            tab: sh.tab.toUint128(),
            market: market.toUint128(),
            debt: sh.debt.toUint120(),
            separateDirt: separateDirt
        });
        _auctions[id] = a;
        if (separateDirt) _dirtOf[id] = sh.dirt;
        _assetLimits[asset].dirt += uint128(sh.dirt);
        (uint256 top, uint256 floor) = _startPrices(a, _auctionParams);
        emit AuctionStarted(id, positionId, asset, sh.lot, sh.tab, sh.debt, top, floor);
    }

    /// @return price [wad] Oracle price of `asset` in units of synthetic `synthId` per whole token (its USD price over the
    ///         synthetic's), rounded down. With `strict` a failed price reverts with the oracle's `PriceUnavailable`;
    ///         without, it is 0.
    function _marketPrice(address asset, uint256 synthId, bool strict) internal view returns (uint256 price) {
        address priceAsset = VaultReader.priceAsset(vault, synthId);
        (uint256 usd, IOracleAdapter.PriceFailure f) = _oracle.tryGetPrice(asset); // [wad]
        uint256 synthUsd = FixedMath.WAD; // [wad]
        if (f == IOracleAdapter.PriceFailure.None && priceAsset != address(0)) {
            (synthUsd, f) = _oracle.tryGetPrice(priceAsset);
            asset = priceAsset; // named in the error below
        }
        if (f != IOracleAdapter.PriceFailure.None) {
            if (strict) revert IOracleAdapter.PriceUnavailable(asset, f);
            return 0;
        }
        return usd.mulDivDown(FixedMath.WAD, synthUsd);
    }

    /// @dev Checks a take and sizes it (see `take` and the dust rule in the interface doc).
    function _quote(
        uint256 auctionId,
        StoredAuction memory a,
        uint256 dust,
        uint256 maxCollateral,
        uint256 maxPrice
    ) internal view returns (TakeResult memory r) {
        AuctionParams memory p = _auctionParams;
        uint256 elapsed = block.timestamp - a.startTime; // [s]
        (uint256 top, uint256 floor) = _startPrices(a, p);
        r.price = _price(top, elapsed, p);
        if (elapsed > p.maxDuration || r.price < floor) {
            revert AuctionNeedsReset(auctionId, r.price, floor, elapsed);
        }
        if (r.price > maxPrice) revert PriceAboveMax(auctionId, r.price, maxPrice);

        uint256 unit = 10 ** a.decimals; // [token] per whole token
        r.collateral = maxCollateral < a.lot ? maxCollateral : a.lot;
        r.owe = r.collateral.mulDivUp(r.price, unit); // [wad] the taker pays, rounded up
        if (r.owe >= a.tab) {
            // covers the tab: buy the smallest units that cover it (rounded up, never more than asked for or the
            // lot), each at the price, so no take pays more per whole token than `price`. What they fetch beyond the
            // tab (less than one smallest unit's price) is the owner's, credited in the synthetic, when it is at
            // least a millionth of the auction's dust (a coarse unit: a bar, a tokenized asset of few decimals); a
            // smaller excess (the wei of a fine token) goes with the penalty to the Treasury rather than cost a claim
            uint256 needed = uint256(a.tab).mulDivUp(unit, r.price);
            if (needed < r.collateral) {
                r.collateral = needed;
                r.owe = needed.mulDivUp(r.price, unit);
            }
            uint256 excess = r.owe - a.tab; // [wad]
            if (excess * OWNER_EXCESS_DIVISOR >= dust) r.toOwner = excess;
        } else if (r.collateral < a.lot) {
            // a partial take must leave a sellable auction
            uint256 lotValueLeft = (a.lot - r.collateral).mulDivDown(r.price, unit); // [wad]
            if (a.tab - r.owe < dust || lotValueLeft < dust) {
                revert TakeLeavesDust(auctionId, a.tab - r.owe, lotValueLeft, dust);
            }
        }
        if (r.collateral == 0 && r.owe < a.tab) revert ZeroTake(auctionId);
        uint256 toTab = r.owe - r.toOwner; // [wad] to the tab, and any excess under the dust with the penalty
        r.burned = toTab < a.debt ? toTab : a.debt; // the debt part is paid first
        r.penalty = toTab - r.burned;
    }

    /// @dev Books a take (effects only): the debt in auction falls with the debt burned; an auction whose tab is
    ///      covered or whose lot is gone ends, crediting leftover collateral to the owner or writing off the debt left.
    function _applyTake(uint256 auctionId, StoredAuction memory a, TakeResult memory r, IERC20 token) internal {
        uint256 dirt = _dirt(auctionId, a); // [wad USD]
        uint256 dirtCut = r.burned == a.debt ? dirt : dirt.mulDivDown(r.burned, a.debt); // [wad USD]
        uint256 debtBefore = a.debt;
        dirt -= dirtCut;
        a.lot -= uint128(r.collateral);
        uint256 paid = r.owe - r.toOwner; // [wad] at least the tab when it covers it
        a.tab = paid >= a.tab ? 0 : a.tab - uint128(paid);
        a.debt -= uint120(r.burned);
        Counters memory c = _counters;
        if (a.tab == 0 || a.lot == 0) {
            r.writtenOff = a.tab == 0 ? 0 : a.debt; // the lot ran out: the debt left is bad debt, the penalty forgiven
            r.leftover = a.lot;
            (r.owner, , ) = vault.positionOf(a.positionId);
            if (r.leftover != 0) _credit(r.owner, a.asset, r.leftover);
            if (r.toOwner != 0) _credit(r.owner, address(token), r.toOwner); // held here, claimed with `claim`
            dirtCut += dirt;
            --c.live;
            delete _auctions[auctionId];
            if (a.separateDirt) delete _dirtOf[auctionId];
        } else {
            StoredAuction storage s = _auctions[auctionId];
            (s.lot, s.tab) = (a.lot, a.tab);
            if (a.debt != debtBefore) s.debt = a.debt;
            if (a.separateDirt && dirtCut != 0) _dirtOf[auctionId] = dirt;
        }
        c.globalDirt -= uint128(dirtCut);
        _counters = c;
        _assetLimits[a.asset].dirt -= uint128(dirtCut);
    }

    /// @dev Credits `amount` [token] of `asset` to `owner`'s claim (effects only).
    function _credit(address owner, address asset, uint256 amount) internal {
        _claimable[owner][asset] += amount;
        _totalClaimable[asset] += amount;
    }

    function _claim(address asset, address to) internal returns (uint256 amount) {
        amount = _claimable[msg.sender][asset];
        if (amount == 0) revert NothingToClaim(msg.sender, asset);
        _claimable[msg.sender][asset] = 0;
        _totalClaimable[asset] -= amount;
        emit LeftoverClaimed(msg.sender, asset, to, amount);
        IERC20(asset).safeTransfer(to, amount);
    }

    /// @return pay [wad] tip + chipBps * debt (rounded down), capped at maxPay and at `penalty` [wad].
    function _keeperPay(uint256 synthId, uint256 debt, uint256 penalty) internal view returns (uint256 pay) {
        KeeperParams memory k = _keeperParams[synthId];
        pay = k.tip + debt.mulDivDown(k.chipBps, BPS);
        if (pay > k.maxPay) pay = k.maxPay;
        if (pay > penalty) pay = penalty;
    }

    /// @return top [wad] market * (1 + buffer), rounded up. @return floor [wad] The lowest price a take may use:
    ///         market * resetBelow, rounded up, at least 1; and, while the lot is worth at least its debt at the
    ///         market price, at least the price at which the lot still covers its whole tab (rounded up, at most the
    ///         market price): at an unchanged oracle price, no lot that can pay its debt sells for less than its tab,
    ///         so a liquidation never pays the owner who starts it and buys the lot back. top > floor.
    function _startPrices(
        StoredAuction memory a,
        AuctionParams memory p
    ) internal pure returns (uint256 top, uint256 floor) {
        uint256 market = a.market;
        top = market.mulDivUp(BPS + p.startBufferBps, BPS);
        floor = market.mulDivUp(p.resetBelowBps, BPS);
        uint256 unit = 10 ** a.decimals;
        if (uint256(a.lot).mulDivDown(market, unit) >= a.debt) {
            uint256 cover = uint256(a.tab).mulDivUp(unit, a.lot);
            if (cover > market) cover = market;
            if (cover > floor) floor = cover;
        }
        if (floor == 0) floor = 1;
        if (top <= floor) top = floor + 1;
    }

    /// @dev Runs the admin module's code for this call and returns or reverts with its answer (`ModuleCall`).
    function _forward() internal {
        ModuleCall.forward(admin);
    }

    /// @dev Runs `data` in the admin module (constructor defaults), bubbling up a revert.
    function _delegate(address module, bytes memory data) private {
        (bool ok, bytes memory ret) = module.delegatecall(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
    }
}
