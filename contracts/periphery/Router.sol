// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC3156FlashLender} from "@openzeppelin/contracts/interfaces/IERC3156FlashLender.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IRouter} from "../interfaces/IRouter.sol";
import {IVault} from "../interfaces/IVault.sol";
import {IVenue} from "../interfaces/IVenue.sol";

/// @notice The parts of Permit2's AllowanceTransfer the router calls (declared here; Permit2 is Uniswap's canonical
///         deployment, the same address on every network).
interface IPermit2Allowance {
    function permit(address owner, IRouter.PermitSingle calldata permitSingle, bytes calldata signature) external;

    function transferFrom(address from, address to, uint160 amount, address token) external;

    function allowance(
        address owner,
        address token,
        address spender
    ) external view returns (uint160 amount, uint48 expiration, uint48 nonce);
}

/// @title Router
/// @notice Runs a caller's list of steps in one transaction (see `IRouter`). Periphery: it has no role in the system;
///         the Vault checks every right it uses.
/// @dev Safety rules, each enforced here:
///      - tokens are pulled only from `msg.sender` of `execute` (`Pull`, `Permit2Pull`; permits are the caller's);
///      - a step's position must be owned by the caller or opened by this call (`_position`), so an owner who
///        appointed the router lends its rights to nobody else;
///      - every token the call touched is listed in transient storage and the router's whole balance of each is
///        returned to the caller at the end; positions opened are transferred to the caller;
///      - `execute` is `nonReentrant` (transient lock): a venue or token calling back into it reverts;
///      - `onFlashLoan` is accepted only for the flash this call started (lender, token and amount recorded in
///        transient storage and cleared on first use, `initiator` this router);
///      - a venue is approved for exactly the swap's input and the approval is cleared after the swap.
///      Call state (caller, opened positions, touched tokens, the pending flash) lives in transient storage, so it is
///      shared with the nested flash callback and gone after the transaction.
contract Router is IRouter, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice The amount meaning "the router's whole balance of the step's token".
    uint256 public constant BALANCE = type(uint256).max;

    /// @inheritdoc IRouter
    IVault public immutable vault;
    /// @inheritdoc IRouter
    address public immutable permit2;

    bytes32 private constant CALLBACK_SUCCESS = keccak256("ERC3156FlashBorrower.onFlashLoan");
    /// @dev Transient list of touched tokens: count at the slot, entries after it. keccak256("ballast.router.touched") - 1.
    uint256 private constant TOUCHED = 0x0653d2f9a4b4612c124cb7c496200f5bc3c8b6d691c7b34e5b805886fe632722;
    /// @dev Transient list of opened positions, laid out the same way. keccak256("ballast.router.opened") - 1.
    uint256 private constant OPENED = 0x46b9bb7ad5b99a053152bb6c5cb0264fb7b4f92a34c5abc8f14ba3cac529dffb;

    /// @dev The account `execute` runs for.
    address private transient _caller;
    /// @dev The flash mint in progress: lender (the synthetic) and amount [wad]; cleared when its callback starts.
    address private transient _flashLender;
    uint256 private transient _flashAmount;

    constructor(IVault vault_, address permit2_) {
        if (address(vault_) == address(0) || permit2_ == address(0)) revert ZeroAddress();
        vault = vault_;
        permit2 = permit2_;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Entry points
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IRouter
    function execute(Step[] calldata steps, uint256 deadline) external nonReentrant {
        if (block.timestamp > deadline) revert DeadlineExpired(deadline, block.timestamp);
        if (steps.length == 0) revert NoSteps();
        _caller = msg.sender;
        _run(steps);

        uint256 opened = _count(OPENED);
        for (uint256 i; i < opened; ++i) {
            vault.transferPosition(_at(OPENED, i), msg.sender);
        }
        uint256 touched = _count(TOUCHED);
        for (uint256 i; i < touched; ++i) {
            IERC20 token = IERC20(address(uint160(_at(TOUCHED, i))));
            uint256 left = token.balanceOf(address(this));
            if (left != 0) {
                token.safeTransfer(msg.sender, left);
                emit LeftoverReturned(msg.sender, address(token), left);
            }
        }
        _clear(OPENED);
        _clear(TOUCHED);
        _caller = address(0);
        emit Executed(msg.sender, steps.length, opened);
    }

    /// @inheritdoc IRouter
    function onFlashLoan(
        address initiator,
        address token,
        uint256 amount,
        uint256 fee,
        bytes calldata data
    ) external returns (bytes32) {
        address lender = _flashLender;
        if (
            lender == address(0) ||
            msg.sender != lender ||
            initiator != address(this) ||
            token != lender ||
            amount != _flashAmount
        ) revert UntrustedFlash(msg.sender, initiator, token, amount);
        _flashLender = address(0); // one callback per flash: a second call (or a nested stranger) is refused
        _flashAmount = 0;

        _run(abi.decode(data, (Step[])));

        uint256 owed = amount + fee;
        uint256 balance = IERC20(token).balanceOf(address(this));
        if (balance < owed) revert FlashNotCovered(token, balance, owed);
        // the lender takes amount + fee back with transferFrom: this allowance is spent in full by the lender
        IERC20(token).forceApprove(msg.sender, owed);
        return CALLBACK_SUCCESS;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Steps
    // ------------------------------------------------------------------------------------------------------------

    function _run(Step[] memory steps) internal {
        for (uint256 i; i < steps.length; ++i) {
            _step(steps[i]);
        }
    }

    function _step(Step memory s) internal {
        Action a = s.action;
        address caller = _caller;
        if (a == Action.Permit) {
            _permit(s, caller);
        } else if (a == Action.Permit2Permit) {
            _permit2(s, caller);
        } else if (a == Action.Pull) {
            _touch(s.token);
            IERC20(s.token).safeTransferFrom(caller, address(this), s.amount);
        } else if (a == Action.Permit2Pull) {
            if (s.amount > type(uint160).max) revert InvalidAmount(s.amount);
            _touch(s.token);
            IPermit2Allowance(permit2).transferFrom(caller, address(this), uint160(s.amount), s.token);
        } else if (a == Action.Grant) {
            (IVault.Grant memory g, bytes memory signature) = abi.decode(s.data, (IVault.Grant, bytes));
            if (g.owner != caller) revert GrantNotCaller(g.owner, caller);
            // submitted first by someone else: the grant applied all the same, or a later step fails NotAuthorized
            try vault.setManagerWithPermit(g, signature) {} catch {} // solhint-disable-line no-empty-blocks
        } else if (a == Action.Swap) {
            _swap(s);
        } else if (a == Action.FlashMint) {
            _flash(s);
        } else {
            _positionStep(s, caller);
        }
    }

    /// @dev The Vault operations on a position: open, deposit, withdraw, mint, repay, repay with collateral, close.
    function _positionStep(Step memory s, address caller) internal {
        Action a = s.action;
        if (a == Action.Open) {
            uint256 id = vault.open(s.id);
            _push(OPENED, id);
        } else if (a == Action.Deposit) {
            uint256 id = _position(s.id, caller);
            uint256 amount = _amount(s);
            if (amount == 0 && s.amount == BALANCE) return; // nothing arrived to deposit
            _touch(s.token);
            IERC20(s.token).forceApprove(address(vault), amount); // the Vault pulls exactly this (or reverts)
            vault.deposit(id, s.token, amount);
        } else if (a == Action.Withdraw) {
            uint256 id = _position(s.id, caller);
            _touch(s.token);
            vault.withdraw(id, s.token, s.amount, address(this));
        } else if (a == Action.Mint) {
            uint256 id = _position(s.id, caller);
            _touch(s.token);
            uint256 before = IERC20(s.token).balanceOf(address(this));
            vault.mint(id, s.amount, address(this));
            uint256 received = IERC20(s.token).balanceOf(address(this)) - before;
            if (received != s.amount) revert MintedTokenMismatch(s.token, s.amount, received);
        } else if (a == Action.Repay) {
            uint256 id = _position(s.id, caller);
            uint256 amount = _amount(s);
            if (amount == 0 && s.amount == BALANCE) return; // nothing left over to repay
            _touch(s.token);
            vault.repay(id, amount);
        } else if (a == Action.RepayAndWithdraw) {
            uint256 id = _position(s.id, caller);
            _touch(s.token);
            _touch(s.tokenOut);
            vault.repayAndWithdraw(id, _amount(s), s.tokenOut, s.limit, address(this));
        } else if (a == Action.Close) {
            uint256 id = _position(s.id, caller);
            _touch(s.token);
            (, , uint256 mask) = vault.positionOf(id);
            if (mask != 0) {
                address[] memory listed = vault.assets();
                for (uint256 k; mask != 0; ++k) {
                    if (mask & 1 != 0) _touch(listed[k]);
                    mask >>= 1;
                }
            }
            vault.close(id, address(this));
        }
    }

    /// @dev EIP-2612 permit of `s.token` from the caller to the router for `s.amount`; a failure is accepted when the
    ///      allowance is already there (a front-run permit).
    function _permit(Step memory s, address caller) internal {
        (uint256 deadline, uint8 v, bytes32 r, bytes32 sig) = abi.decode(s.data, (uint256, uint8, bytes32, bytes32));
        try IERC20Permit(s.token).permit(caller, address(this), s.amount, deadline, v, r, sig) {
            // applied
        } catch {
            uint256 allowance = IERC20(s.token).allowance(caller, address(this));
            if (allowance < s.amount) revert PermitFailed(s.token, allowance, s.amount);
        }
    }

    /// @dev Permit2 AllowanceTransfer permit with the caller as owner and the router as spender; a failure is accepted
    ///      when Permit2's allowance of the router already covers it.
    function _permit2(Step memory s, address caller) internal {
        (PermitSingle memory p, bytes memory signature) = abi.decode(s.data, (PermitSingle, bytes));
        if (p.spender != address(this)) revert WrongSpender(p.spender);
        try IPermit2Allowance(permit2).permit(caller, p, signature) {
            // applied
        } catch {
            (uint160 allowed, uint48 expiration, ) = IPermit2Allowance(permit2).allowance(
                caller,
                p.details.token,
                address(this)
            );
            if (allowed < p.details.amount || expiration < block.timestamp)
                revert Permit2PermitFailed(p.details.token, allowed, expiration, p.details.amount);
        }
    }

    /// @dev Swaps through an untrusted venue: exact approval, output measured, approval cleared.
    function _swap(Step memory s) internal {
        if (s.target == address(0)) revert ZeroAddress();
        uint256 amountIn = _amount(s);
        if (amountIn == 0 && s.amount == BALANCE) return; // nothing to sell
        _touch(s.token);
        _touch(s.tokenOut);
        IERC20 tokenIn = IERC20(s.token);
        IERC20 tokenOut = IERC20(s.tokenOut);
        uint256 before = tokenOut.balanceOf(address(this));
        tokenIn.forceApprove(s.target, amountIn);
        IVenue(s.target).swap(s.token, s.tokenOut, amountIn, s.limit, address(this));
        tokenIn.forceApprove(s.target, 0);
        uint256 received = tokenOut.balanceOf(address(this)) - before;
        if (received < s.limit) revert SwapBelowMinimum(s.target, s.tokenOut, received, s.limit);
        emit Swapped(s.target, s.token, s.tokenOut, amountIn, received);
    }

    /// @dev Starts a flash mint of synthetic `s.token` whose callback runs the nested steps in `s.data`.
    function _flash(Step memory s) internal {
        if (s.amount == BALANCE) revert InvalidAmount(s.amount);
        _touch(s.token);
        _flashLender = s.token;
        _flashAmount = s.amount;
        IERC3156FlashLender(s.token).flashLoan(this, s.token, s.amount, s.data);
        // the callback clears the record on entry; a lender that never called back leaves nothing armed
        _flashLender = address(0);
        _flashAmount = 0;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internal
    // ------------------------------------------------------------------------------------------------------------

    /// @dev The position a step names: 0 is the one opened last by this call; any other must be the caller's or
    ///      opened by this call.
    function _position(uint256 id, address caller) internal view returns (uint256) {
        uint256 opened = _count(OPENED);
        if (id == 0) {
            if (opened == 0) revert NoPositionOpened();
            return _at(OPENED, opened - 1);
        }
        (address owner, , ) = vault.positionOf(id);
        if (owner == caller) return id;
        for (uint256 i; i < opened; ++i) {
            if (_at(OPENED, i) == id) return id;
        }
        revert NotPositionOwner(id, caller, owner);
    }

    /// @dev [token] The step's amount, `BALANCE` read as the router's balance of the step's token.
    function _amount(Step memory s) internal view returns (uint256) {
        return s.amount == BALANCE ? IERC20(s.token).balanceOf(address(this)) : s.amount;
    }

    /// @dev Adds `token` to the touched list once.
    function _touch(address token) internal {
        uint256 n = _count(TOUCHED);
        uint256 t = uint256(uint160(token));
        for (uint256 i; i < n; ++i) {
            if (_at(TOUCHED, i) == t) return;
        }
        _push(TOUCHED, t);
    }

    function _count(uint256 list) internal view returns (uint256 n) {
        assembly ("memory-safe") {
            n := tload(list)
        }
    }

    function _at(uint256 list, uint256 i) internal view returns (uint256 v) {
        assembly ("memory-safe") {
            v := tload(add(list, add(i, 1)))
        }
    }

    function _push(uint256 list, uint256 v) internal {
        assembly ("memory-safe") {
            let n := tload(list)
            tstore(add(list, add(n, 1)), v)
            tstore(list, add(n, 1))
        }
    }

    /// @dev Empties a list (its entries are overwritten before they are read again).
    function _clear(uint256 list) internal {
        assembly ("memory-safe") {
            tstore(list, 0)
        }
    }
}
