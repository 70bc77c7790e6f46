// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IStabilityModule} from "./interfaces/IStabilityModule.sol";
import {IVault} from "./interfaces/IVault.sol";
import {IOracleAdapter} from "./interfaces/IOracleAdapter.sol";
import {ISyntheticToken} from "./interfaces/ISyntheticToken.sol";
import {FixedMath} from "./libraries/FixedMath.sol";
import {VaultReader} from "./libraries/VaultReader.sol";

/// @title StabilityModule
/// @notice One synthetic's swap at par against one reserve token, with fees, an exposure cap (the Vault's ceiling
///         for this module), a guardian freeze and a peg band read from the Vault's oracle. See `IStabilityModule`.
/// @dev Holds only the reserve token, and between the two halves of a swap out the units handed in. Its debt is a
///      line in the Vault's ledger, so the Vault is the one place that mints and burns. Rights: governance sets the
///      fees and the band within bounds, the guardian freezes; nobody can move the reserves but swappers at par and,
///      after shutdown, the Vault on the settlement's behalf (`releaseReserves`).
contract StabilityModule is IStabilityModule, AccessManaged, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeERC20 for ISyntheticToken;
    using FixedMath for uint256;
    using VaultReader for IVault;

    /// @notice [bps] Highest entry or exit fee.
    uint256 public constant MAX_FEE_BPS = 500;
    /// @notice [bps] Bounds of the peg band's half-width.
    uint256 public constant MIN_BAND_BPS = 10;
    uint256 public constant MAX_BAND_BPS = 1_000;
    /// @dev [wad] per [bps].
    uint256 private constant WAD_PER_BPS = 1e14;

    /// @inheritdoc IStabilityModule
    IVault public immutable vault;
    /// @inheritdoc IStabilityModule
    uint256 public immutable synthId;
    /// @inheritdoc IStabilityModule
    ISyntheticToken public immutable synthetic;
    /// @inheritdoc IStabilityModule
    IERC20 public immutable reserve;
    /// @inheritdoc IStabilityModule
    uint8 public immutable reserveDecimals;
    IOracleAdapter internal immutable _oracle;
    /// @dev [token] One whole reserve unit: 10^decimals.
    uint256 internal immutable _unit;

    Config internal _config;

    /// @param authority The AccessManager. @param vault_ The Vault. @param synthId_ The synthetic it mints.
    /// @param reserve_ The reserve token: a listed asset of the Vault. @param config_ Fees and band (bounded); the
    ///        freezes start as given.
    constructor(
        address authority,
        IVault vault_,
        uint256 synthId_,
        IERC20 reserve_,
        Config memory config_
    ) AccessManaged(authority) {
        if (address(vault_) == address(0) || address(reserve_) == address(0)) revert ZeroAddress();
        IVault.AssetConfig memory c = vault_.assetConfig(address(reserve_));
        if (!c.listed) revert ReserveNotListed(address(reserve_));
        (vault, synthId, reserve, reserveDecimals) = (vault_, synthId_, reserve_, c.decimals);
        synthetic = vault_.token(synthId_); // reverts SyntheticNotFound
        _oracle = vault_.oracle();
        _unit = 10 ** c.decimals;
        _checkFees(config_.feeInBps, config_.feeOutBps);
        _checkBand(config_.bandBps);
        _config = config_;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Swaps
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IStabilityModule
    function swapIn(
        uint256 amount,
        uint256 minOut,
        address to
    ) external nonReentrant returns (uint256 minted, uint256 fee) {
        if (to == address(0)) revert ZeroAddress();
        Config memory c = _config;
        if (c.frozenIn) revert SwapFrozen(true);
        _checkPeg(true, c.bandBps);
        (minted, fee) = _quoteIn(amount, c.feeInBps);
        if (minted == 0) revert ZeroAmount();
        if (minted < minOut) revert SlippageExceeded(minted, minOut);
        // the reserve arrives before the units it backs are minted; a fee-on-transfer reserve is refused
        uint256 before = reserve.balanceOf(address(this));
        reserve.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = reserve.balanceOf(address(this)) - before;
        if (received != amount) revert TransferAmountMismatch(address(reserve), amount, received);
        emit SwappedIn(msg.sender, to, amount, minted, fee);
        vault.moduleMint(to, minted, fee); // checks the pause, the shutdown and the ceiling
    }

    /// @inheritdoc IStabilityModule
    function swapOut(
        uint256 amount,
        uint256 minOut,
        address to
    ) external nonReentrant returns (uint256 reserveOut, uint256 fee) {
        if (to == address(0)) revert ZeroAddress();
        Config memory c = _config;
        if (c.frozenOut) revert SwapFrozen(false);
        _checkPeg(false, c.bandBps);
        uint256 burned;
        (reserveOut, fee, burned) = _quoteOut(amount, c.feeOutBps);
        if (reserveOut == 0) revert ZeroAmount();
        if (reserveOut < minOut) revert SlippageExceeded(reserveOut, minOut);
        emit SwappedOut(msg.sender, to, amount, reserveOut, fee);
        synthetic.safeTransferFrom(msg.sender, address(this), amount);
        vault.moduleBurn(burned); // checks the shutdown and the module's debt
        if (fee != 0) synthetic.safeTransfer(vault.treasury(), fee);
        reserve.safeTransfer(to, reserveOut);
    }

    /// @inheritdoc IStabilityModule
    function releaseReserves(address to) external nonReentrant returns (uint256 amount) {
        if (msg.sender != address(vault)) revert CallerNotVault(msg.sender);
        uint256 held = reserve.balanceOf(address(this));
        // a reserve that refuses the transfer (paused, or the settlement blocklisted) keeps its tokens here: the debt
        // is released all the same, so the synthetic's settlement never waits on the reserve's issuer (a later
        // `Settlement.settleModule` pools them once the token lets them go)
        if (held != 0 && reserve.trySafeTransfer(to, held)) amount = held;
        emit ReservesReleased(to, amount, held - amount);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Governance
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IStabilityModule
    function setFees(uint16 feeInBps, uint16 feeOutBps) external restricted {
        _checkFees(feeInBps, feeOutBps);
        (_config.feeInBps, _config.feeOutBps) = (feeInBps, feeOutBps);
        emit FeesSet(feeInBps, feeOutBps);
    }

    /// @inheritdoc IStabilityModule
    function setBand(uint16 bandBps) external restricted {
        _checkBand(bandBps);
        _config.bandBps = bandBps;
        emit BandSet(bandBps);
    }

    /// @inheritdoc IStabilityModule
    function setFrozen(bool frozenIn, bool frozenOut) external restricted {
        (_config.frozenIn, _config.frozenOut) = (frozenIn, frozenOut);
        emit FrozenSet(frozenIn, frozenOut);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IStabilityModule
    function config() external view returns (Config memory) {
        return _config;
    }

    /// @inheritdoc IStabilityModule
    function reserves() external view returns (uint256) {
        return reserve.balanceOf(address(this));
    }

    /// @inheritdoc IStabilityModule
    function debt() public view returns (uint256 debt_, uint256 ceiling) {
        IVault.ModuleLine memory line = vault.moduleLine(address(this));
        return (line.debt, line.ceiling);
    }

    /// @inheritdoc IStabilityModule
    function pegRatio() public view returns (uint256 ratio, bool priced) {
        (ratio, , priced) = _ratio();
    }

    /// @inheritdoc IStabilityModule
    function previewSwapIn(uint256 amount) external view returns (uint256 minted, uint256 fee) {
        return _quoteIn(amount, _config.feeInBps);
    }

    /// @inheritdoc IStabilityModule
    function previewSwapOut(uint256 amount) external view returns (uint256 reserveOut, uint256 fee, uint256 burned) {
        return _quoteOut(amount, _config.feeOutBps);
    }

    /// @inheritdoc IStabilityModule
    function maxSwapIn() external view returns (uint256) {
        Config memory c = _config;
        if (c.frozenIn || vault.paused() || vault.shutdownAt() != 0) return 0;
        (uint256 ratio, , bool priced) = _ratio();
        if (!priced || ratio < FixedMath.WAD - c.bandBps * WAD_PER_BPS) return 0;
        (uint256 debt_, uint256 ceiling) = debt();
        if (debt_ >= ceiling) return 0;
        // the largest amount whose gross (amount * 1e18 / unit, rounded down) fits the room
        return (ceiling - debt_ + 1).mulDivUp(_unit, FixedMath.WAD) - 1;
    }

    /// @inheritdoc IStabilityModule
    function maxSwapOut() external view returns (uint256) {
        Config memory c = _config;
        if (c.frozenOut || vault.shutdownAt() != 0) return 0;
        (uint256 ratio, bool priced) = _ratioUp();
        if (priced && ratio > FixedMath.WAD + c.bandBps * WAD_PER_BPS) return 0;
        (uint256 debt_, ) = debt();
        // the units the reserves back, at most the debt: burned <= both for any amount whose net fits
        uint256 backed = reserve.balanceOf(address(this)).mulDivDown(FixedMath.WAD, _unit);
        uint256 net = debt_ < backed ? debt_ : backed;
        if (c.feeOutBps == 0) return net;
        // the largest amount whose net of the fee, amount - ceil(amount * fee / 1e4), is at most `net`: the first
        // guess is at most one or two below it
        uint256 amount = net.mulDivDown(FixedMath.BPS, FixedMath.BPS - c.feeOutBps);
        while (amount + 1 - (amount + 1).mulDivUp(c.feeOutBps, FixedMath.BPS) <= net) ++amount;
        return amount;
    }

    /// @inheritdoc IStabilityModule
    function reentrancyGuardEntered() external view returns (bool) {
        return _reentrancyGuardEntered();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internal
    // ------------------------------------------------------------------------------------------------------------

    /// @return minted [wad] gross less the fee.
    /// @return fee [wad] gross * feeInBps, rounded up.
    function _quoteIn(uint256 amount, uint256 feeInBps) internal view returns (uint256 minted, uint256 fee) {
        uint256 gross = amount.mulDivDown(FixedMath.WAD, _unit); // [token] -> [wad], against the swapper
        fee = gross.mulDivUp(feeInBps, FixedMath.BPS);
        minted = gross - fee;
    }

    /// @return reserveOut [token] the net units at par, rounded down.
    /// @return fee [wad] everything not burned.
    /// @return burned [wad] the units `reserveOut` backs, rounded up (at most the net units).
    function _quoteOut(
        uint256 amount,
        uint256 feeOutBps
    ) internal view returns (uint256 reserveOut, uint256 fee, uint256 burned) {
        uint256 net = amount - amount.mulDivUp(feeOutBps, FixedMath.BPS);
        reserveOut = net.mulDivDown(_unit, FixedMath.WAD);
        burned = reserveOut.mulDivUp(FixedMath.WAD, _unit);
        fee = amount - burned;
    }

    /// @dev Refuses a swap in unless the reserve is priced and at least 1 - band of the synthetic's price (the ratio
    ///      rounded down), and a swap out when it is priced above 1 + band (the ratio rounded up).
    function _checkPeg(bool entering, uint256 bandBps) internal view {
        uint256 low = FixedMath.WAD - bandBps * WAD_PER_BPS;
        uint256 high = FixedMath.WAD + bandBps * WAD_PER_BPS;
        if (entering) {
            (uint256 ratio, address failedAsset, bool priced) = _ratio();
            if (!priced) revert PegUnverified(failedAsset, _failure(failedAsset));
            if (ratio < low) revert ReserveOffPeg(ratio, low, high);
        } else {
            (uint256 ratio, bool priced) = _ratioUp();
            if (priced && ratio > high) revert ReserveOffPeg(ratio, low, high);
        }
    }

    /// @return ratio [wad] reserve price / synthetic price, rounded down (0 when unpriced).
    /// @return failed The asset whose price failed (when `priced` is false).
    /// @return priced Whether both prices are available.
    function _ratio() internal view returns (uint256 ratio, address failed, bool priced) {
        (uint256 rp, uint256 sp, address failedAsset) = _prices();
        if (failedAsset != address(0)) return (0, failedAsset, false);
        return (rp.mulDivDown(FixedMath.WAD, sp), address(0), true);
    }

    /// @return ratio [wad] reserve price / synthetic price, rounded up.
    /// @return priced Whether both are available.
    function _ratioUp() internal view returns (uint256 ratio, bool priced) {
        (uint256 rp, uint256 sp, address failedAsset) = _prices();
        if (failedAsset != address(0)) return (0, false);
        return (rp.mulDivUp(FixedMath.WAD, sp), true);
    }

    /// @return rp [wad] The reserve's price.
    /// @return sp [wad] The synthetic's (1e18 for a USD synthetic).
    /// @return failed The first asset whose price is unavailable (0: both priced).
    function _prices() internal view returns (uint256 rp, uint256 sp, address failed) {
        IOracleAdapter.PriceFailure f;
        (rp, f) = _oracle.tryGetPrice(address(reserve));
        if (f != IOracleAdapter.PriceFailure.None) return (0, 0, address(reserve));
        address priceAsset = vault.priceAsset(synthId);
        if (priceAsset == address(0)) return (rp, FixedMath.WAD, address(0));
        (sp, f) = _oracle.tryGetPrice(priceAsset);
        if (f != IOracleAdapter.PriceFailure.None) return (0, 0, priceAsset);
    }

    function _failure(address asset) internal view returns (IOracleAdapter.PriceFailure f) {
        (, f) = _oracle.tryGetPrice(asset);
    }

    function _checkFees(uint256 feeInBps, uint256 feeOutBps) internal pure {
        if (feeInBps > MAX_FEE_BPS || feeOutBps > MAX_FEE_BPS) revert InvalidFees(feeInBps, feeOutBps);
    }

    function _checkBand(uint256 bandBps) internal pure {
        if (bandBps < MIN_BAND_BPS || bandBps > MAX_BAND_BPS) revert InvalidBand(bandBps);
    }
}
