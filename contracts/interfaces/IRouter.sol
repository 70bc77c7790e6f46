// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "./IVault.sol";
import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";

/// @title IRouter
/// @notice Ballast's one-transaction router (periphery): runs a list of steps for its caller, so that a leveraged
///         open, a deleverage, a repayment from collateral or a close from collateral takes one transaction. It holds
///         no rights of its own: it pulls tokens only from its caller, acts on a position only when the caller owns it
///         (or the call opened it), as the scoped manager the owner appointed (`IVault.setManager` or a signed grant
///         submitted in the same call), returns every token the call touched to the caller and holds nothing between
///         calls.
/// @dev Units: `[token]` a token's own decimals; `[wad]` 18 decimals (synthetic amounts). Every amount is passed
///      through exactly as given (no rounding in the router); the Vault's and the venues' rounding applies (see
///      `IVault`). `BALANCE` (type(uint256).max) as a step's `amount` means "the router's whole balance of the step's
///      `token` at that moment", so a step can spend what earlier steps produced; a `Deposit`, `Repay` or `Swap` whose
///      `BALANCE` is zero does nothing (an explicit zero amount reaches the Vault or venue, which refuse it).
///
///      Why one generic struct and an enum rather than one encoding per step: the list is built off-chain
///      (sdk/router.ts) and read back in tests and reviews, and one flat shape whose fields keep the same meaning in
///      every step (`id` a position, `token` what is spent or concerned, `amount` how much of it, `tokenOut` what comes
///      back, `limit` its bound) is easier to audit than thirteen ABI encodings; `data` carries only what does not
///      fit (signatures, nested steps). Unused fields must be zero (not checked: they are ignored).
interface IRouter is IERC3156FlashBorrower {
    /// @notice What a step does. "Caller" is the account that called `execute`.
    enum Action {
        // EIP-2612 `permit(caller, router, amount, deadline, v, r, s)` on `token`; data = abi.encode(deadline, v, r, s).
        // A failed permit (front-run) is accepted when the caller's allowance to the router already covers `amount`.
        Permit,
        // Permit2 AllowanceTransfer `permit(caller, PermitSingle, signature)`; data = abi.encode(PermitSingle, bytes).
        // The PermitSingle's spender must be the router. A failed permit is accepted when Permit2's allowance of the
        // router already covers the permit's amount and has not expired.
        Permit2Permit,
        // `token.transferFrom(caller, router, amount)`.
        Pull,
        // Permit2 `transferFrom(caller, router, amount, token)` (amount < 2^160).
        Permit2Pull,
        // `vault.setManagerWithPermit(grant, signature)`; data = abi.encode(IVault.Grant, bytes). `grant.owner` must be
        // the caller. A failed grant (submitted by someone else first) is passed over: a later step without the
        // right then fails with the Vault's NotAuthorized.
        Grant,
        // `vault.open(id)` (`id` is the synthetic's id here): the router owns the new position until the end of the
        // call, then transfers it to the caller. Later steps address it as position 0.
        Open,
        // `vault.deposit(id, token, amount)` from the router's balance (approves the Vault for exactly `amount`).
        Deposit,
        // `vault.withdraw(id, token, amount, router)`. Needs WITHDRAW.
        Withdraw,
        // `vault.mint(id, amount, router)`; `token` must be the position's synthetic (checked by balance). Needs MINT.
        Mint,
        // `vault.repay(id, amount)` burning the router's `token` (the position's synthetic). Needs no right.
        Repay,
        // `vault.repayAndWithdraw(id, amount, tokenOut, limit, router)`: burns `amount` [wad] of `token` (the
        // synthetic), takes `limit` [token] of `tokenOut`. Needs REPAY_WITH_COLLATERAL.
        RepayAndWithdraw,
        // `vault.close(id, router)`: repays all from the router's synthetic, every basket asset comes to the router.
        // Needs CLOSE.
        Close,
        // `IVenue(target).swap(token, tokenOut, amount, limit, router)`: approves `target` for exactly `amount`,
        // measures what arrived (at least `limit` [token of tokenOut]) and clears the approval.
        Swap,
        // Flash-mints `amount` [wad] of synthetic `token` (ERC-3156, from the token itself) and runs the steps
        // abi.decode(data, (Step[])) inside the callback; the router must then hold `amount` + the fee.
        FlashMint
    }

    /// @notice One step. Field meanings per action are listed at `Action`.
    /// @param id A position id (0: the position most recently opened by this call); for `Open`, the synthetic id.
    /// @param token The token the step spends or concerns.
    /// @param amount [token] or [wad]; `BALANCE` = the router's whole balance of `token` (not for `FlashMint`).
    /// @param tokenOut What comes back (`Swap`, `RepayAndWithdraw`).
    /// @param limit `Swap`: the least accepted [token of tokenOut]; `RepayAndWithdraw`: the collateral taken [token].
    /// @param target `Swap`: the venue.
    /// @param data Signatures (`Permit`, `Permit2Permit`, `Grant`) or nested steps (`FlashMint`).
    struct Step {
        Action action;
        uint256 id;
        address token;
        uint256 amount;
        address tokenOut;
        uint256 limit;
        address target;
        bytes data;
    }

    /// @notice Permit2 AllowanceTransfer's `PermitDetails` (Uniswap's canonical layout).
    struct PermitDetails {
        address token;
        uint160 amount;
        uint48 expiration;
        uint48 nonce;
    }

    /// @notice Permit2 AllowanceTransfer's `PermitSingle`.
    struct PermitSingle {
        PermitDetails details;
        address spender;
        uint256 sigDeadline;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------------------------

    /// @notice `execute` was called after `deadline` [s] (block time `timestamp`).
    error DeadlineExpired(uint256 deadline, uint256 timestamp);
    /// @notice `execute` with no step.
    error NoSteps();
    /// @notice Position `id` is owned by `owner`, neither the caller nor opened by this call.
    error NotPositionOwner(uint256 id, address caller, address owner);
    /// @notice Position 0 was named before any `Open` step of this call.
    error NoPositionOpened();
    /// @notice An EIP-2612 permit failed and the caller's allowance to the router (`allowance` [token]) is below
    ///         the `amount` [token] the step needs.
    error PermitFailed(address token, uint256 allowance, uint256 amount);
    /// @notice A Permit2 permit failed and Permit2's allowance of the router (`allowance` [token], valid until
    ///         `expiration` [s]) does not cover the permit's `amount` [token].
    error Permit2PermitFailed(address token, uint256 allowance, uint256 expiration, uint256 amount);
    /// @notice A Permit2 permit names `spender`, not the router.
    error WrongSpender(address spender);
    /// @notice A signed grant is `owner`'s, not the caller's.
    error GrantNotCaller(address owner, address caller);
    /// @notice A swap through `venue` brought `received` [token] of `tokenOut`, below `minOut` [token].
    error SwapBelowMinimum(address venue, address tokenOut, uint256 received, uint256 minOut);
    /// @notice A `Mint` step's balance of `token` grew by `received` [wad], not the `amount` [wad] minted: `token` is
    ///         not the position's synthetic.
    error MintedTokenMismatch(address token, uint256 amount, uint256 received);
    /// @notice `onFlashLoan` from `lender` for (`token`, `amount`), `initiator`: not the flash this router started.
    error UntrustedFlash(address lender, address initiator, address token, uint256 amount);
    /// @notice At the end of a flash callback the router holds `balance` [wad] of `token`, below the `owed` [wad]
    ///         (amount + fee) the lender takes back.
    error FlashNotCovered(address token, uint256 balance, uint256 owed);
    /// @notice `BALANCE` was given as a `FlashMint` amount, or an amount does not fit (Permit2's 160 bits).
    error InvalidAmount(uint256 amount);
    /// @notice A zero address where one is needed (constructor, a `Swap` without venue).
    error ZeroAddress();

    // ------------------------------------------------------------------------------------------------------------
    // Events
    // ------------------------------------------------------------------------------------------------------------

    /// @notice `caller` ran `steps` top-level steps; `opened` positions were opened and transferred to it.
    event Executed(address indexed caller, uint256 steps, uint256 opened);
    /// @notice `amount` [token] of `token` left over at the end of the call went back to `caller`.
    event LeftoverReturned(address indexed caller, address indexed token, uint256 amount);
    /// @notice A swap: `amountIn` [token] of `tokenIn` through `venue` brought `amountOut` [token] of `tokenOut`.
    event Swapped(
        address indexed venue,
        address indexed tokenIn,
        address indexed tokenOut,
        uint256 amountIn,
        uint256 amountOut
    );

    // ------------------------------------------------------------------------------------------------------------
    // Entry points
    // ------------------------------------------------------------------------------------------------------------

    /// @notice Runs `steps` in order for the caller, then transfers every position the call opened to the caller and
    ///         returns to the caller the router's whole balance of every token the call touched. Reverts as a whole
    ///         when any step fails. Not reentrant.
    /// @param steps The steps (see `Action` for each one's fields).
    /// @param deadline [s] Last block timestamp at which the call may run.
    /// @dev Reverts: DeadlineExpired, NoSteps, NotPositionOwner, NoPositionOpened, PermitFailed, Permit2PermitFailed,
    ///      WrongSpender, GrantNotCaller, SwapBelowMinimum, MintedTokenMismatch, FlashNotCovered, InvalidAmount,
    ///      ZeroAddress, and whatever the Vault, a token, Permit2 or a venue reverts with.
    function execute(Step[] calldata steps, uint256 deadline) external;

    /// @notice ERC-3156 callback: accepted only from the synthetic this router asked for a flash mint in the current
    ///         call, for exactly the token and amount asked, with `initiator` the router itself; anything else
    ///         reverts UntrustedFlash. Runs the nested steps, then approves the lender for `amount` + `fee` [wad].
    /// @return keccak256("ERC3156FlashBorrower.onFlashLoan").
    function onFlashLoan(
        address initiator,
        address token,
        uint256 amount,
        uint256 fee,
        bytes calldata data
    ) external returns (bytes32);

    /// @notice The Vault the router acts on (immutable).
    function vault() external view returns (IVault);

    /// @notice The Permit2 contract (immutable; the canonical address on every network).
    function permit2() external view returns (address);
}
