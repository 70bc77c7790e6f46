// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IReserveLens} from "./interfaces/IReserveLens.sol";
import {IVault} from "./interfaces/IVault.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {ISyntheticToken} from "./interfaces/ISyntheticToken.sol";
import {IStabilityModule} from "./interfaces/IStabilityModule.sol";
import {ISavingsToken} from "./interfaces/ISavingsToken.sol";
import {ITreasury} from "./interfaces/ITreasury.sol";
import {FixedMath} from "./libraries/FixedMath.sol";
import {Backing} from "./libraries/Backing.sol";
import {VaultReader} from "./libraries/VaultReader.sol";

/// @title ReserveLens
/// @notice Ballast's proof of reserves. Stateless: every figure is read from the Vault, the liquidation engine, the
///         treasury and the oracle when asked. See `IReserveLens` for units and rounding.
contract ReserveLens is IReserveLens {
    using VaultReader for IVault;
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
        Backing.AssetFigures memory f = Backing.asset(_oracle, vault, vault.liquidationEngine(), asset, c);
        r.asset = asset;
        r.kind = IVault.AssetKind((c.flags >> 2) & 3); // AssetConfig.flags bits 2-3
        (r.credited, r.inAuctions, r.inModules) = (f.credited, f.inAuctions, f.inModules);
        (r.price, r.priced, r.value) = (f.price, f.priced, f.value);
        r.exposure = Backing.exposure(f);
        r.held = IERC20(asset).balanceOf(address(vault)) + r.inAuctions + r.inModules;
        r.tokenSupply = IERC20(asset).totalSupply();
        try _oracle.getReserve(asset) returns (uint256 reserve) {
            (r.proven, r.hasProof) = (reserve.mulDivDown(10 ** c.decimals, FixedMath.WAD), true);
        } catch {} // no feed or a failing one: hasProof stays false
    }

    /// @inheritdoc IReserveLens
    function syntheticReserve(uint256 synthId) public view returns (SyntheticReserve memory r) {
        IVault.SyntheticState memory st = vault.synthetic(synthId);
        Backing.SyntheticFigures memory f = Backing.synthetic(_oracle, st);
        r.synthId = synthId;
        r.token = address(st.token);
        r.supply = f.supply;
        r.unmintedFees = st.unmintedFees;
        r.positionDebt = st.totalDebt;
        r.auctionDebt = st.auctionDebt;
        r.badDebt = st.badDebt;
        r.moduleDebt = st.moduleDebt;
        r.treasurySurplus = st.token.balanceOf(vault.treasury());
        (r.price, r.priced, r.liabilityValue) = (f.price, f.priced, f.liabilityValue);
    }

    /// @inheritdoc IReserveLens
    function moduleReserves() external view returns (ModuleReserve[] memory list) {
        address[] memory modules = vault.modules();
        list = new ModuleReserve[](modules.length);
        for (uint256 i; i < modules.length; ++i) {
            IStabilityModule m = IStabilityModule(modules[i]);
            IVault.ModuleLine memory line = vault.moduleLine(address(m));
            ModuleReserve memory r = list[i];
            (r.module, r.synthId, r.reserve, r.reserves) = (
                address(m),
                line.synthId,
                address(m.reserve()),
                m.reserves()
            );
            (r.debt, r.ceiling, r.config) = (line.debt, line.ceiling, m.config());
            (r.pegRatio, r.priced) = m.pegRatio();
        }
    }

    /// @inheritdoc IReserveLens
    function savingsReserves() external view returns (SavingsReserve[] memory list) {
        uint256 n = vault.syntheticCount();
        ISavingsToken[] memory found = new ISavingsToken[](n);
        uint256[] memory ids = new uint256[](n);
        uint256 count;
        ITreasury treasury = ITreasury(vault.treasury());
        for (uint256 i; i < n; ++i) {
            try treasury.sinks(i) returns (ITreasury.Sinks memory sk) {
                if (address(sk.savings) != address(0)) (found[count], ids[count++]) = (sk.savings, i);
            } catch {} // a treasury without sinks: no savings token
        }
        list = new SavingsReserve[](count);
        for (uint256 k; k < count; ++k) {
            ISavingsToken t = found[k];
            SavingsReserve memory r = list[k];
            (r.token, r.synthId) = (address(t), ids[k]);
            (r.totalAssets, r.totalSupply, r.apr) = (t.totalAssets(), t.totalSupply(), t.apr());
            (r.unvested, r.vestingEnd, ) = t.vesting();
        }
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
            IVault.PositionHealth memory h = vault.healthOf(_oracle, id); // reverts PriceUnavailable: no figure at a bad price
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
        uint256 n = vault.syntheticCount();
        synthetics = new SyntheticReserve[](n);
        ISyntheticToken[] memory tokens = new ISyntheticToken[](n);
        system.complete = true;
        for (uint256 i; i < n; ++i) {
            synthetics[i] = syntheticReserve(i);
            tokens[i] = ISyntheticToken(synthetics[i].token);
            system.liabilityValue += synthetics[i].liabilityValue;
            if (!synthetics[i].priced) system.complete = false;
        }
        Backing.checkIdle(vault, vault.liquidationEngine(), tokens); // never a figure from half-moved state
        address[] memory list = vault.assets();
        assets = new AssetReserve[](list.length);
        for (uint256 i; i < list.length; ++i) {
            assets[i] = assetReserve(list[i]);
            system.collateralValue += assets[i].value;
            // an asset nobody holds (nothing credited, nothing in auction) cannot change the figure, priced or not
            if (!assets[i].priced && assets[i].exposure != 0) system.complete = false;
        }
        system.backingBps = Backing.ratioBps(system.collateralValue, system.liabilityValue);
    }
}
