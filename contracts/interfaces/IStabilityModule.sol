// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IVault} from "./IVault.sol";
import {IOracleAdapter} from "./IOracleAdapter.sol";
import {ISyntheticToken} from "./ISyntheticToken.sol";
import {IBallastErrors} from "./IBallastErrors.sol";

/// @title IStabilityModule
/// @notice A hard floor and ceiling for one synthetic's peg: anyone swaps a reserve token (e.g. USDC) for the
///         synthetic at par, one synthetic unit per whole reserve unit, and back, less an entry or exit fee paid to
///         the treasury in the synthetic. The units the module mints are its debt in the Vault (`IVault.ModuleLine`),
///         capped by its ceiling; the reserves it holds back them one for one, so the debt identity, the backing and
///         settlement (which pools the reserves for the synthetic's holders) stay exact.
/// @dev Units: `[token]` the reserve's own decimals (0 to 36), `[wad]` synthetic units and prices, `[bps]` fees and
///      the band. Par: `amount [token] * 1e18 / 10^decimals` synthetic units. Every conversion rounds against the
///      swapper, so the module's reserves, at par, never fall below its debt:
///      `reserves * 1e18 / 10^decimals >= debt` (`test/StabilityModule.t.sol`).
///
///      The peg guard: the reserve's price relative to the synthetic's (`pegRatio`, from the Vault's oracle) must lie
///      in `[1 - band, 1 + band]` for a swap at par. Below the band, or without a price, swapping in is refused (a
///      depegged reserve never buys units at par); above the band swapping out is refused (a reserve worth more than
///      par never leaves at par). Swapping out without a price stays open: the holder takes the reserve at par, the
///      system's debt falls by exactly what it pays, so the exit works whatever the oracle does. The guardian may
///      freeze either direction; swapping in also stops while the Vault is paused and both stop at shutdown.
interface IStabilityModule is IBallastErrors {
    /// @notice The module's parameters, in one slot.
    /// @param feeInBps [bps] Fee on swaps in, taken from the units minted. @param feeOutBps [bps] Fee on swaps out,
    ///        taken from the units handed in. @param bandBps [bps] Half-width of the peg band.
    /// @param frozenIn Guardian freeze of swaps in. @param frozenOut Guardian freeze of swaps out.
    struct Config {
        uint16 feeInBps;
        uint16 feeOutBps;
        uint16 bandBps;
        bool frozenIn;
        bool frozenOut;
    }

    /// @notice The guardian froze this direction (`swapIn` true: swaps in; false: swaps out).
    error SwapFrozen(bool swapIn);
    /// @notice The reserve's price relative to the synthetic's, `ratio` [wad], is outside `[low, high]` [wad] for
    ///         this direction.
    error ReserveOffPeg(uint256 ratio, uint256 low, uint256 high);
    /// @notice Swapping in needs the reserve's (and a priced synthetic's) price; `asset`'s failed with `failure`.
    error PegUnverified(address asset, IOracleAdapter.PriceFailure failure);
    /// @notice The swap gives `out` [wad or token], less than the `minOut` asked for.
    error SlippageExceeded(uint256 out, uint256 minOut);
    /// @notice Fees above MAX_FEE_BPS.
    error InvalidFees(uint256 feeInBps, uint256 feeOutBps);
    /// @notice A band outside [MIN_BAND_BPS, MAX_BAND_BPS].
    error InvalidBand(uint256 bandBps);
    /// @notice The reserve `asset` moved `received` [token] instead of `expected` (fee-on-transfer tokens are refused;
    ///         the Vault's error of the same name and signature).
    error TransferAmountMismatch(address asset, uint256 expected, uint256 received);
    /// @notice Only the Vault may call this; `caller` did.
    error CallerNotVault(address caller);
    /// @notice `reserve` is not a listed asset of the Vault (settlement could not pool it).
    error ReserveNotListed(address reserve);

    /// @notice `caller` paid `reserveIn` [token] and `to` received `minted` [wad]; `fee` [wad] went to the treasury.
    event SwappedIn(address indexed caller, address indexed to, uint256 reserveIn, uint256 minted, uint256 fee);
    /// @notice `caller` handed in `synthIn` [wad] and `to` received `reserveOut` [token]; `fee` [wad] of the units
    ///         went to the treasury and the rest was burned.
    event SwappedOut(address indexed caller, address indexed to, uint256 synthIn, uint256 reserveOut, uint256 fee);
    event FeesSet(uint256 feeInBps, uint256 feeOutBps);
    event BandSet(uint256 bandBps);
    event FrozenSet(bool frozenIn, bool frozenOut);
    /// @notice After shutdown: `amount` [token] of the reserve went to the settlement `to`; `kept` [token] stayed
    ///         because the token refused the transfer (released by a later call once it allows it).
    event ReservesReleased(address indexed to, uint256 amount, uint256 kept);

    /// @notice Swaps `amount` [token] of the reserve, pulled from the caller, for the synthetic at par less the
    ///         entry fee, minted to `to`.
    /// @dev gross = amount * 1e18 / 10^decimals rounded down; fee = gross * feeInBps / 1e4 rounded up; minted =
    ///      gross - fee. The module's debt grows by gross (the fee's units are minted to the treasury).
    ///      Reverts SwapFrozen, PegUnverified, ReserveOffPeg, Paused / SystemShutdown (the Vault's),
    ///      ModuleCeilingExceeded, ZeroAmount when nothing would be minted, SlippageExceeded below `minOut` [wad].
    /// @return minted [wad] Units `to` received.
    /// @return fee [wad] Units the treasury received.
    function swapIn(uint256 amount, uint256 minOut, address to) external returns (uint256 minted, uint256 fee);

    /// @notice Swaps `amount` [wad] of the synthetic, pulled from the caller, for the reserve at par less the exit
    ///         fee, sent to `to`.
    /// @dev fee = amount * feeOutBps / 1e4 rounded up; reserveOut = (amount - fee) * 10^decimals / 1e18 rounded
    ///      down; burned = reserveOut * 1e18 / 10^decimals rounded up (the units that reserve backs); the rest of
    ///      `amount` (the fee and the conversion's remainder) goes to the treasury. The module's debt falls by
    ///      `burned`. Reverts SwapFrozen, ReserveOffPeg (above the band), SystemShutdown, ExceedsModuleDebt,
    ///      ZeroAmount when no reserve would be paid, SlippageExceeded below `minOut` [token].
    /// @return reserveOut [token] Reserve `to` received.
    /// @return fee [wad] Units the treasury received.
    function swapOut(uint256 amount, uint256 minOut, address to) external returns (uint256 reserveOut, uint256 fee);

    /// @notice After shutdown: sends every reserve token the module holds to `to`. The Vault only
    ///         (`IVault.releaseModule`, called by the settlement). Never reverts on the token's refusal: then nothing is
    ///         sent (and 0 returned), so the module's debt is released whatever the reserve's issuer does.
    /// @return amount [token] Sent.
    function releaseReserves(address to) external returns (uint256 amount);

    /// @notice Sets the entry and exit fees [bps], each at most MAX_FEE_BPS. GOVERNOR.
    function setFees(uint16 feeInBps, uint16 feeOutBps) external;

    /// @notice Sets the peg band's half-width [bps], in [MIN_BAND_BPS, MAX_BAND_BPS]. GOVERNOR.
    function setBand(uint16 bandBps) external;

    /// @notice Freezes or unfreezes swaps in and out. GUARDIAN (no delay).
    function setFrozen(bool frozenIn, bool frozenOut) external;

    /// @notice The Vault (immutable).
    function vault() external view returns (IVault);

    /// @notice The synthetic's id in the Vault (immutable).
    function synthId() external view returns (uint256);

    /// @notice The synthetic's token (immutable).
    function synthetic() external view returns (ISyntheticToken);

    /// @notice The reserve token (immutable): a listed asset of the Vault.
    function reserve() external view returns (IERC20);

    /// @notice The reserve's decimals (immutable, the Vault's record of them).
    function reserveDecimals() external view returns (uint8);

    /// @notice The fees, band and freezes.
    function config() external view returns (Config memory);

    /// @notice [token] Reserve held (all of it goes to the settlement at shutdown).
    function reserves() external view returns (uint256);

    /// @notice [wad] The module's debt in the Vault, and its ceiling.
    function debt() external view returns (uint256 debt_, uint256 ceiling);

    /// @notice [wad] The reserve's price over the synthetic's (1e18: at par), rounded down, and whether both prices
    ///         are available (false: `ratio` is 0).
    function pegRatio() external view returns (uint256 ratio, bool priced);

    /// @notice What `swapIn(amount, ...)` gives now (the same rounding), without the freezes, the band or the
    ///         ceiling.
    /// @return minted [wad]
    /// @return fee [wad]
    function previewSwapIn(uint256 amount) external view returns (uint256 minted, uint256 fee);

    /// @notice What `swapOut(amount, ...)` gives now (the same rounding), without the freezes and the band.
    /// @return reserveOut [token]
    /// @return fee [wad] to the treasury (fee and remainder)
    /// @return burned [wad]
    function previewSwapOut(uint256 amount) external view returns (uint256 reserveOut, uint256 fee, uint256 burned);

    /// @notice [token] The most reserve `swapIn` accepts now: the room under the ceiling, converted down; 0 while
    ///         swapping in is refused (frozen, paused, shut down, off peg or unpriced).
    function maxSwapIn() external view returns (uint256);

    /// @notice [wad] The most units `swapOut` accepts now (the fee included) whose net of the fee is at most both
    ///         the module's debt and what its reserves back at par (a few more wei may pass the conversion's rounding);
    ///         0 while swapping out is refused (frozen, shut down, above the band).
    function maxSwapOut() external view returns (uint256);

    /// @notice Whether a swap is in progress (its reentrancy lock is held): backing readers refuse such a reading.
    function reentrancyGuardEntered() external view returns (bool);
}
