// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IRedemptions} from "./interfaces/IRedemptions.sol";
import {IVault} from "./interfaces/IVault.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {ISyntheticToken} from "./interfaces/ISyntheticToken.sol";
import {FixedMath} from "./libraries/FixedMath.sol";
import {Valuation} from "./libraries/Valuation.sol";
import {VaultReader} from "./libraries/VaultReader.sol";

/// @title Redemptions
/// @notice Face-value redemptions against named positions. See `IRedemptions`.
/// @dev The Vault's redeemer (`IVault.setRedeemer`, CRITICAL): it values each named position from the Vault's ledger
///      with the rules the Vault and the engine use (`VaultReader`, `Valuation`), decides whether it may be redeemed
///      against and what to take, and has the Vault burn the debt and send the collateral (`IVault.redeemFrom`, which
///      checks what it can honour). Holds a redeemer's units only during its call.
contract Redemptions is IRedemptions, AccessManaged, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using FixedMath for uint256;
    using VaultReader for IVault;

    /// @notice [wad] Highest redeemable health governance may set.
    uint256 public constant MAX_REDEEMABLE_HEALTH = 3e18;
    /// @notice [bps] Highest fee.
    uint256 public constant MAX_FEE_BPS = 1_000;
    /// @notice [s] Bounds of the fee's half-life.
    uint256 public constant MIN_HALF_LIFE = 1 hours;
    uint256 public constant MAX_HALF_LIFE = 30 days;

    /// @inheritdoc IRedemptions
    IVault public immutable vault;
    IOracleAdapter internal immutable _oracle;

    /// @dev The volume part of the fee as of `lastUpdate`.
    struct State {
        uint128 base; // [wad] a fraction of 1e18
        uint40 lastUpdate; // [s]
    }

    mapping(uint256 synthId => Params) internal _params;
    mapping(uint256 synthId => State) internal _state;

    constructor(address authority, IVault vault_) AccessManaged(authority) {
        if (address(vault_) == address(0)) revert ZeroAddress();
        vault = vault_;
        _oracle = vault_.oracle();
    }

    /// @inheritdoc IRedemptions
    function redeem(
        uint256 synthId,
        uint256 amount,
        uint256[] calldata ids,
        uint256 maxFeeBps,
        address to
    ) external nonReentrant returns (uint256 redeemed, uint256 feeBps) {
        if (to == address(0)) revert ZeroAddress();
        if (amount == 0) revert ZeroAmount();
        Params memory p = _params[synthId];
        if (p.redeemableHealth == 0) revert RedemptionsOff(synthId);
        ISyntheticToken token = vault.token(synthId);
        uint256 supply = _supply(token);
        uint256 decayed = _decayed(synthId, p);
        feeBps = _fee(p, decayed, amount, supply);
        if (feeBps > maxFeeBps) revert FeeAboveMax(feeBps, maxFeeBps);

        IERC20(address(token)).safeTransferFrom(msg.sender, address(this), amount);
        uint256 left = amount;
        for (uint256 k; k < ids.length && left != 0; ++k) {
            (uint256 debt, uint256[] memory lots, Skip why) = _plan(ids[k], synthId, left, feeBps, p);
            if (debt == 0) {
                emit RedemptionSkipped(ids[k], why);
                continue;
            }
            vault.redeemFrom(ids[k], debt, lots, to); // burns `debt` from here, sends the lots to `to`
            left -= debt;
        }
        redeemed = amount - left;
        if (redeemed == 0) revert NothingRedeemed();
        _state[synthId] = State(uint128(_raise(decayed, redeemed, supply)), uint40(block.timestamp));
        emit Redemption(synthId, msg.sender, to, redeemed, feeBps);
        if (left != 0) IERC20(address(token)).safeTransfer(msg.sender, left);
    }

    /// @inheritdoc IRedemptions
    function setParams(uint256 synthId, Params calldata p) external restricted {
        vault.token(synthId); // reverts SyntheticNotFound
        if (
            (p.redeemableHealth != 0 &&
                (p.redeemableHealth < FixedMath.WAD ||
                    p.redeemableHealth > MAX_REDEEMABLE_HEALTH ||
                    p.halfLife < MIN_HALF_LIFE ||
                    p.halfLife > MAX_HALF_LIFE)) ||
            p.minFeeBps > p.maxFeeBps ||
            p.maxFeeBps > MAX_FEE_BPS
        ) revert InvalidParams(p);
        _state[synthId] = State(uint128(_decayed(synthId, _params[synthId])), uint40(block.timestamp));
        _params[synthId] = p;
        emit ParamsSet(synthId, p);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IRedemptions
    function params(uint256 synthId) external view returns (Params memory) {
        return _params[synthId];
    }

    /// @inheritdoc IRedemptions
    function feeFor(uint256 synthId, uint256 amount) public view returns (uint256) {
        Params memory p = _params[synthId];
        return _fee(p, _decayed(synthId, p), amount, _supply(vault.token(synthId)));
    }

    /// @inheritdoc IRedemptions
    function baseRate(uint256 synthId) external view returns (uint256) {
        return _decayed(synthId, _params[synthId]);
    }

    /// @inheritdoc IRedemptions
    function exposureOf(uint256 id) external view returns (Exposure memory x) {
        VaultReader.Position memory pos = vault.position(id);
        if (pos.owner == address(0)) revert IVault.PositionNotFound(id);
        Params memory p = _params[pos.synthId];
        x.redeemableHealth = p.redeemableHealth;
        (x.health, x.debt, ) = _assess(vault.entryOf(id));
        if (p.redeemableHealth == 0) return x;
        uint256 feeBps = feeFor(pos.synthId, x.debt);
        (uint256 debt, , ) = _plan(id, pos.synthId, type(uint256).max, feeBps, p);
        (x.redeemable, x.maxRedeemable, x.feeBps) = (debt != 0, debt, debt == 0 ? 0 : feeFor(pos.synthId, debt));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internal
    // ------------------------------------------------------------------------------------------------------------

    /// @return debt [wad] What a redemption of at most `left` [wad] at `feeBps` takes from position `id` (0: skipped,
    ///         for `why`).
    /// @return lots [token] The collateral it takes, per basket asset (asset-id order): the debt's value at the
    ///         oracle price less the fee, the same share of every asset, each rounded down.
    /// @return why The reason a position is skipped.
    function _plan(
        uint256 id,
        uint256 synthId,
        uint256 left,
        uint256 feeBps,
        Params memory p
    ) internal view returns (uint256 debt, uint256[] memory lots, Skip why) {
        VaultReader.Position memory pos = vault.position(id);
        if (pos.owner == address(0) || pos.synthId != synthId) return (0, lots, Skip.OtherSynthetic);
        VaultReader.Entry memory e = vault.entryOf(id);
        (uint256 health, uint256 owed, uint256[] memory values) = _assess(e);
        if (owed == 0) return (0, lots, Skip.NoDebt);
        if (values.length == 0 && health == 0) return (0, lots, Skip.Unpriced);
        if (health < FixedMath.WAD) return (0, lots, Skip.Liquidatable);
        if (health >= p.redeemableHealth) return (0, lots, Skip.HealthyEnough);
        debt = left < owed ? left : owed;
        uint256 rest = owed - debt;
        if (rest != 0 && rest < e.minDebt) debt = owed > e.minDebt ? owed - e.minDebt : 0; // never leave dust
        if (debt == 0) return (0, lots, Skip.MinimumDebt);

        // [wad USD] the debt's value less the fee, rounded down: what the owner gives up, at most what it owed
        uint256 take = debt.mulDivDown(_synthPrice(e.priceAsset), FixedMath.WAD).mulDivDown(
            FixedMath.BPS - feeBps,
            FixedMath.BPS
        );
        uint256 basket; // [wad USD]
        for (uint256 k; k < values.length; ++k) basket += values[k];
        lots = new uint256[](values.length);
        for (uint256 k; k < values.length; ++k) lots[k] = e.amounts[k].mulDivDown(take, basket);
    }

    /// @return health [wad] Position `e`'s health at oracle prices (0 when a price is unavailable).
    /// @return debt [wad] Its debt now.
    /// @return values [wad USD] Each basket asset's value (empty when unpriced).
    function _assess(
        VaultReader.Entry memory e
    ) internal view returns (uint256 health, uint256 debt, uint256[] memory values) {
        debt = e.debt;
        uint256 n = e.assets.length;
        uint256[] memory v = new uint256[](n);
        uint256 limit; // [wad USD]
        for (uint256 k; k < n; ++k) {
            (uint256 price, IOracleAdapter.PriceFailure f) = _oracle.tryGetPrice(e.assets[k]);
            if (f != IOracleAdapter.PriceFailure.None) return (0, debt, new uint256[](0));
            v[k] = Valuation.valueDown(e.amounts[k], price, VaultReader.decodeConfig(e.configs[k]).decimals);
            limit += Valuation.limitDown(v[k], e.thresholds[k]);
        }
        if (e.priceAsset != address(0)) {
            (, IOracleAdapter.PriceFailure f) = _oracle.tryGetPrice(e.priceAsset);
            if (f != IOracleAdapter.PriceFailure.None) return (0, debt, new uint256[](0));
        }
        values = v;
        health = Valuation.healthDown(limit, Valuation.debtValueUp(debt, _synthPrice(e.priceAsset)));
    }

    /// @return [wad] USD per unit of a synthetic priced by `priceAsset` (1e18 for a USD synthetic).
    function _synthPrice(address priceAsset) internal view returns (uint256) {
        return priceAsset == address(0) ? FixedMath.WAD : _oracle.getPrice(priceAsset);
    }

    /// @return [wad] The supply a redemption's volume is measured against: without flash-minted units (a flash loan
    ///         cannot dilute the fee).
    function _supply(ISyntheticToken token) internal view returns (uint256) {
        return token.totalSupply() - token.flashMinted();
    }

    /// @return [wad] The volume part of the fee now: halved every `halfLife`, linearly in between (a straight line
    ///         above the exponential, so it never decays faster than halving per half-life).
    function _decayed(uint256 synthId, Params memory p) internal view returns (uint256) {
        State memory st = _state[synthId];
        uint256 b = st.base;
        uint256 dt = block.timestamp - st.lastUpdate;
        if (b == 0 || dt == 0 || p.halfLife == 0) return b;
        uint256 halvings = dt / p.halfLife;
        if (halvings >= 128) return 0;
        b >>= halvings;
        return b - (b * (dt % p.halfLife)) / (2 * uint256(p.halfLife));
    }

    /// @return [bps] The fee of a redemption of `amount` [wad] against `supply` [wad] with the base at `decayed`:
    ///         `min(maxFee, minFee + base after it)`, the base's part rounded up.
    function _fee(Params memory p, uint256 decayed, uint256 amount, uint256 supply) internal pure returns (uint256) {
        uint256 fee = p.minFeeBps + _raise(decayed, amount, supply).mulDivUp(FixedMath.BPS, FixedMath.WAD);
        return fee > p.maxFeeBps ? p.maxFeeBps : fee;
    }

    /// @return [wad] The base after redeeming `amount` of `supply`: `decayed + amount / supply / 2`, rounded up, at
    ///         most 1e18.
    function _raise(uint256 decayed, uint256 amount, uint256 supply) internal pure returns (uint256) {
        uint256 b = decayed + (supply == 0 ? FixedMath.WAD : amount.mulDivUp(FixedMath.WAD, 2 * supply));
        return b > FixedMath.WAD ? FixedMath.WAD : b;
    }
}
