// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IReserveLens} from "./interfaces/IReserveLens.sol";
import {IVault} from "./interfaces/IVault.sol";
import {ILiquidationEngine} from "./interfaces/ILiquidationEngine.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {FixedMath} from "./libraries/FixedMath.sol";

/// @title ReserveLens
/// @notice Ballast's proof of reserves. Stateless: every figure is read from the Vault, the liquidation engine, the
///         treasury and the oracle when asked. See `IReserveLens` for units and rounding.
contract ReserveLens is IReserveLens {
    using FixedMath for uint256;

    /// @inheritdoc IReserveLens
    IVault public immutable vault;
    IOracleAdapter internal immutable _oracle;

    constructor(IVault vault_) {
        vault = vault_;
        _oracle = vault_.oracle();
    }

    /// @inheritdoc IReserveLens
    function assetReserve(address asset) public view returns (AssetReserve memory r) {
        IVault.AssetConfig memory c = vault.assetConfig(asset);
        if (!c.listed) revert IVault.AssetNotListed(asset);
        address engine = vault.liquidationEngine();
        r.asset = asset;
        r.kind = IVault.AssetKind((c.flags >> 2) & 3); // AssetConfig.flags bits 2-3
        r.credited = c.total;
        uint256 owed; // [token] leftovers the engine owes owners: theirs, not backing
        if (engine != address(0)) {
            r.inAuctions = IERC20(asset).balanceOf(engine);
            owed = ILiquidationEngine(engine).totalClaimable(asset);
            if (owed > r.inAuctions) owed = r.inAuctions;
        }
        r.held = IERC20(asset).balanceOf(address(vault)) + r.inAuctions;
        r.tokenSupply = IERC20(asset).totalSupply();
        (uint256 price, IOracleAdapter.PriceFailure failure) = _oracle.tryGetPrice(asset);
        r.priced = failure == IOracleAdapter.PriceFailure.None;
        if (r.priced) {
            r.price = price;
            r.value = (r.credited + r.inAuctions - owed).mulDivDown(price, 10 ** c.decimals);
        }
        try _oracle.getReserve(asset) returns (uint256 reserve) {
            (r.proven, r.hasProof) = (reserve.mulDivDown(10 ** c.decimals, FixedMath.WAD), true);
        } catch {} // no feed or a failing one: hasProof stays false
    }

    /// @inheritdoc IReserveLens
    function syntheticReserve(uint256 synthId) public view returns (SyntheticReserve memory r) {
        IVault.SyntheticState memory st = vault.synthetic(synthId);
        r.synthId = synthId;
        r.token = address(st.token);
        r.supply = st.token.totalSupply() - st.token.flashMinted(); // a flash loan in progress is no liability
        r.unmintedFees = st.unmintedFees;
        r.positionDebt = st.totalDebt;
        r.auctionDebt = st.auctionDebt;
        r.badDebt = st.badDebt;
        r.treasurySurplus = st.token.balanceOf(vault.treasury());
        (r.price, r.priced) = _syntheticPrice(st.params.priceAsset);
        if (r.priced) r.liabilityValue = (r.supply + r.unmintedFees).mulDivUp(r.price, FixedMath.WAD);
    }

    /// @inheritdoc IReserveLens
    function report()
        external
        view
        returns (AssetReserve[] memory assets, SyntheticReserve[] memory synthetics, SystemReserve memory system)
    {
        (assets, synthetics, system) = _all();
    }

    /// @inheritdoc IReserveLens
    function systemReserve() external view returns (SystemReserve memory system) {
        (, , system) = _all();
    }

    /// @inheritdoc IReserveLens
    function syntheticBacking(
        uint256 synthId,
        uint256 fromId,
        uint256 toId
    ) external view returns (uint256 collateralValue, uint256 debtValue, uint256 positions) {
        uint256 end = vault.nextPositionId();
        if (toId > end) toId = end;
        for (uint256 id = fromId == 0 ? 1 : fromId; id < toId; ++id) {
            (address owner, uint256 sid, ) = vault.positionOf(id);
            if (owner == address(0) || sid != synthId) continue;
            IVault.PositionHealth memory h = vault.healthOf(id); // reverts PriceUnavailable: no figure at a bad price
            collateralValue += h.collateralValue;
            debtValue += h.debtValue;
            ++positions;
        }
    }

    function _all()
        internal
        view
        returns (AssetReserve[] memory assets, SyntheticReserve[] memory synthetics, SystemReserve memory system)
    {
        address[] memory list = vault.assets();
        assets = new AssetReserve[](list.length);
        system.complete = true;
        for (uint256 i; i < list.length; ++i) {
            assets[i] = assetReserve(list[i]);
            system.collateralValue += assets[i].value;
            if (!assets[i].priced) system.complete = false;
        }
        uint256 n = vault.syntheticCount();
        synthetics = new SyntheticReserve[](n);
        for (uint256 i; i < n; ++i) {
            synthetics[i] = syntheticReserve(i);
            system.liabilityValue += synthetics[i].liabilityValue;
            if (!synthetics[i].priced) system.complete = false;
        }
        system.backingBps =
            system.liabilityValue == 0
                ? type(uint256).max
                : system.collateralValue.mulDivDown(FixedMath.BPS, system.liabilityValue);
    }

    /// @return price [wad] of one synthetic unit (exactly 1e18 for a USD synthetic) @return ok whether it was priced
    function _syntheticPrice(address priceAsset) internal view returns (uint256 price, bool ok) {
        if (priceAsset == address(0)) return (FixedMath.WAD, true);
        IOracleAdapter.PriceFailure failure;
        (price, failure) = _oracle.tryGetPrice(priceAsset);
        ok = failure == IOracleAdapter.PriceFailure.None;
        if (!ok) price = 0;
    }
}
