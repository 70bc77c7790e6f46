// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {ITreasury} from "./interfaces/ITreasury.sol";
import {IVault} from "./interfaces/IVault.sol";
import {ISyntheticToken} from "./interfaces/ISyntheticToken.sol";
import {VaultReader} from "./libraries/VaultReader.sol";

/// @title Treasury
/// @notice Ballast's surplus buffer and bad-debt waterfall. See `ITreasury`.
/// @dev Holds no collateral and has no owner: its only callers with rights are the Vault's liquidation engine (pay
///      keepers, record penalties and bad debt) and anyone (absorb bad debt from the surplus). It cannot move any
///      token but the synthetics it holds.
contract Treasury is ITreasury, ReentrancyGuardTransient {
    using SafeCast for uint256;

    /// @inheritdoc ITreasury
    IVault public immutable vault;

    /// @dev `History` in three slots, each pair written together: [wad] cumulative, < 2^128 (synthetic supply bound).
    struct StoredHistory {
        uint128 keeperPay;
        uint128 keeperPayUnbacked;
        uint128 badDebt;
        uint128 absorbed;
        uint128 penalties;
    }

    mapping(uint256 synthId => StoredHistory) internal _history;

    constructor(IVault vault_) {
        vault = vault_;
    }

    modifier onlyEngine() {
        if (msg.sender != vault.liquidationEngine()) revert CallerNotLiquidationEngine(msg.sender);
        _;
    }

    /// @inheritdoc ITreasury
    function surplus(uint256 synthId) public view returns (uint256) {
        return _token(synthId).balanceOf(address(this));
    }

    /// @inheritdoc ITreasury
    function deficit(uint256 synthId) public view returns (uint256 owed) {
        owed = VaultReader.badDebt(vault, synthId);
    }

    /// @inheritdoc ITreasury
    function history(uint256 synthId) external view returns (History memory) {
        StoredHistory memory h = _history[synthId];
        return History(h.penalties, h.keeperPay, h.keeperPayUnbacked, h.badDebt, h.absorbed);
    }

    /// @inheritdoc ITreasury
    function payKeeper(uint256 synthId, address keeper, uint256 amount) external onlyEngine nonReentrant {
        uint256 at = vault.shutdownAt();
        if (at != 0) revert SystemShutdown(at);
        uint256 available = surplus(synthId);
        uint256 fromSurplus = amount < available ? amount : available;
        uint256 unbacked = amount - fromSurplus;
        StoredHistory storage h = _history[synthId];
        (h.keeperPay, h.keeperPayUnbacked) = (
            h.keeperPay + amount.toUint128(),
            h.keeperPayUnbacked + unbacked.toUint128()
        );
        emit KeeperPaid(synthId, keeper, amount, fromSurplus, unbacked);
        if (fromSurplus != 0) _token(synthId).transfer(keeper, fromSurplus);
        if (unbacked != 0) vault.mintUnbacked(synthId, keeper, unbacked);
    }

    /// @inheritdoc ITreasury
    function recordPenalty(uint256 synthId, uint256 amount) external onlyEngine nonReentrant {
        _history[synthId].penalties += amount.toUint128();
        emit PenaltyReceived(synthId, amount);
        _absorb(synthId); // a penalty is surplus: let it cover any deficit first
    }

    /// @inheritdoc ITreasury
    function recordBadDebt(uint256 synthId, uint256 amount) external onlyEngine nonReentrant {
        _history[synthId].badDebt += amount.toUint128();
        emit BadDebtRecorded(synthId, amount);
        _absorb(synthId);
    }

    /// @inheritdoc ITreasury
    function absorbBadDebt(uint256 synthId) external nonReentrant returns (uint256 covered) {
        return _absorb(synthId);
    }

    /// @dev Burns min(surplus, deficit) through the Vault.
    function _absorb(uint256 synthId) internal returns (uint256 covered) {
        uint256 owed = deficit(synthId);
        if (owed == 0) return 0;
        uint256 available = surplus(synthId);
        covered = owed < available ? owed : available;
        if (covered == 0) return 0;
        _history[synthId].absorbed += covered.toUint128();
        vault.coverBadDebt(synthId, covered);
        emit BadDebtAbsorbed(synthId, covered, owed - covered);
    }

    function _token(uint256 synthId) internal view returns (ISyntheticToken token) {
        token = VaultReader.token(vault, synthId);
    }
}
