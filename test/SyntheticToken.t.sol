// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20FlashMint} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20FlashMint.sol";
import {SyntheticToken} from "../contracts/SyntheticToken.sol";
import {ISyntheticToken} from "../contracts/interfaces/ISyntheticToken.sol";
import {MockFlashBorrower} from "../contracts/mocks/MockFlashBorrower.sol";
import {Artifacts} from "./utils/Artifacts.sol";

/// @dev The test contract is the Vault and the AccessManager's admin.
contract SyntheticTokenTest is Test {
    bytes32 private constant PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );
    uint64 private constant GOVERNOR_ROLE = 1;

    uint256 private constant CAP = 1_000_000e18; // [wad]
    uint16 private constant FEE_BPS = 9; // [bps] 0.09%

    AccessManager private manager;
    SyntheticToken private token;
    MockFlashBorrower private borrower;

    address private treasury = makeAddr("treasury");
    address private alice = makeAddr("alice");
    address private stranger = makeAddr("stranger");
    address private governor = makeAddr("governor");

    function setUp() public {
        manager = new AccessManager(address(this));
        token = SyntheticToken(
            Artifacts.deploy(
                "SyntheticToken.sol:SyntheticToken",
                abi.encode("Ballast USD", "bUSD", address(this), address(manager), CAP, FEE_BPS, treasury)
            )
        );
        borrower = new MockFlashBorrower();
    }

    // ---------------------------------------------------------------- constructor

    function test_constructor_setsState() public view {
        assertEq(token.vault(), address(this));
        assertEq(token.authority(), address(manager));
        assertEq(token.flashCap(), CAP);
        assertEq(token.flashFeeBps(), FEE_BPS);
        assertEq(token.feeReceiver(), treasury);
        assertEq(token.decimals(), 18);
        assertEq(token.name(), "Ballast USD");
        assertEq(token.symbol(), "bUSD");
        assertEq(token.MAX_FLASH_FEE_BPS(), 100);
    }

    function test_constructor_revertsForZeroVault() public {
        vm.expectRevert(ISyntheticToken.ZeroVault.selector);
        SyntheticToken(
            Artifacts.deploy(
                "SyntheticToken.sol:SyntheticToken",
                abi.encode("x", "x", address(0), address(manager), CAP, FEE_BPS, treasury)
            )
        );
    }

    function test_constructor_revertsForFeeAboveMax() public {
        vm.expectRevert(
            abi.encodeWithSelector(ISyntheticToken.InvalidFlashParams.selector, CAP, uint16(101), treasury)
        );
        SyntheticToken(
            Artifacts.deploy(
                "SyntheticToken.sol:SyntheticToken",
                abi.encode("x", "x", address(this), address(manager), CAP, 101, treasury)
            )
        );
    }

    function test_constructor_revertsForZeroFeeReceiver() public {
        vm.expectRevert(abi.encodeWithSelector(ISyntheticToken.InvalidFlashParams.selector, CAP, FEE_BPS, address(0)));
        SyntheticToken(
            Artifacts.deploy(
                "SyntheticToken.sol:SyntheticToken",
                abi.encode("x", "x", address(this), address(manager), CAP, FEE_BPS, address(0))
            )
        );
    }

    // ---------------------------------------------------------------- mint / burn

    function test_mint_byVault() public {
        token.mint(alice, 100e18);
        assertEq(token.balanceOf(alice), 100e18);
        assertEq(token.totalSupply(), 100e18);
    }

    function test_mint_revertsForNonVault() public {
        vm.expectRevert(abi.encodeWithSelector(ISyntheticToken.CallerNotVault.selector, stranger));
        vm.prank(stranger);
        token.mint(stranger, 1);
    }

    function test_mint_revertsForAdmin() public {
        // Even the AccessManager (and hence governance) cannot mint.
        vm.expectRevert(abi.encodeWithSelector(ISyntheticToken.CallerNotVault.selector, address(manager)));
        vm.prank(address(manager));
        token.mint(address(manager), 1);
    }

    function test_burn_byVaultWithoutAllowance() public {
        token.mint(alice, 100e18);
        assertEq(token.allowance(alice, address(this)), 0);
        token.burn(alice, 40e18);
        assertEq(token.balanceOf(alice), 60e18);
        assertEq(token.totalSupply(), 60e18);
    }

    function test_burn_revertsForNonVault() public {
        token.mint(alice, 100e18);
        vm.expectRevert(abi.encodeWithSelector(ISyntheticToken.CallerNotVault.selector, stranger));
        vm.prank(stranger);
        token.burn(alice, 1);
    }

    function test_burn_revertsForHolderBurningOwnTokens() public {
        token.mint(alice, 100e18);
        vm.expectRevert(abi.encodeWithSelector(ISyntheticToken.CallerNotVault.selector, alice));
        vm.prank(alice);
        token.burn(alice, 1);
    }

    function test_burn_revertsAboveBalance() public {
        token.mint(alice, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 1e18, 2e18));
        token.burn(alice, 2e18);
    }

    // ---------------------------------------------------------------- permit

    function _permitDigest(
        address owner,
        address spender,
        uint256 value,
        uint256 nonce,
        uint256 deadline
    ) private view returns (bytes32) {
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonce, deadline));
        return keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
    }

    function test_permit_setsAllowanceAndIncrementsNonce() public {
        (address owner, uint256 key) = makeAddrAndKey("owner");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, _permitDigest(owner, alice, 123e18, 0, deadline));

        token.permit(owner, alice, 123e18, deadline, v, r, s);

        assertEq(token.allowance(owner, alice), 123e18);
        assertEq(token.nonces(owner), 1);
    }

    function test_permit_allowanceUsableByTransferFrom() public {
        (address owner, uint256 key) = makeAddrAndKey("owner");
        token.mint(owner, 10e18);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, _permitDigest(owner, alice, 10e18, 0, deadline));
        token.permit(owner, alice, 10e18, deadline, v, r, s);

        vm.prank(alice);
        token.transferFrom(owner, alice, 10e18);
        assertEq(token.balanceOf(alice), 10e18);
        assertEq(token.allowance(owner, alice), 0);
    }

    function test_permit_revertsWhenExpired() public {
        (address owner, uint256 key) = makeAddrAndKey("owner");
        vm.warp(1_000_000);
        uint256 deadline = block.timestamp - 1;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, _permitDigest(owner, alice, 1e18, 0, deadline));

        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, deadline));
        token.permit(owner, alice, 1e18, deadline, v, r, s);
    }

    function test_permit_revertsForWrongSigner() public {
        (address owner, ) = makeAddrAndKey("owner");
        (address mallory, uint256 malloryKey) = makeAddrAndKey("mallory");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(malloryKey, _permitDigest(owner, alice, 1e18, 0, deadline));

        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, mallory, owner));
        token.permit(owner, alice, 1e18, deadline, v, r, s);
    }

    function test_permit_revertsOnReplay() public {
        (address owner, uint256 key) = makeAddrAndKey("owner");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, _permitDigest(owner, alice, 1e18, 0, deadline));
        token.permit(owner, alice, 1e18, deadline, v, r, s);

        // The nonce is now 1, so the same signature recovers to some other address.
        address recovered = ecrecover(_permitDigest(owner, alice, 1e18, 1, deadline), v, r, s);
        assertTrue(recovered != owner);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, recovered, owner));
        token.permit(owner, alice, 1e18, deadline, v, r, s);
    }

    // ---------------------------------------------------------------- flash mint

    function test_flashLoan_happyPath() public {
        uint256 amount = 1000e18;
        uint256 fee = 0.9e18; // 1000e18 * 9 / 10_000
        token.mint(address(borrower), 5e18); // enough for the fee
        uint256 supplyBefore = token.totalSupply();

        vm.prank(alice);
        bool ok = token.flashLoan(IERC3156FlashBorrower(address(borrower)), address(token), amount, "hello");

        assertTrue(ok);
        assertEq(token.balanceOf(treasury), fee, "fee to receiver");
        assertEq(token.balanceOf(address(borrower)), 5e18 - fee, "borrower nets -fee");
        assertEq(token.totalSupply(), supplyBefore, "supply restored");
        assertEq(token.allowance(address(borrower), address(token)), 0, "allowance spent");
        // What the borrower saw.
        assertEq(borrower.calls(), 1);
        assertEq(borrower.lastLender(), address(token));
        assertEq(borrower.lastInitiator(), alice);
        assertEq(borrower.lastToken(), address(token));
        assertEq(borrower.lastAmount(), amount);
        assertEq(borrower.lastFee(), fee);
        assertEq(borrower.lastData(), bytes("hello"));
        assertEq(borrower.balanceDuringLoan(), 5e18 + amount);
    }

    function test_flashLoan_atCapSucceeds() public {
        token.mint(address(borrower), 1000e18);
        token.flashLoan(IERC3156FlashBorrower(address(borrower)), address(token), CAP, "");
        assertEq(borrower.lastAmount(), CAP);
    }

    function test_flashLoan_zeroFeeBurnsNothingExtra() public {
        token.setFlashParams(CAP, 0, treasury);
        token.flashLoan(IERC3156FlashBorrower(address(borrower)), address(token), 100e18, "");
        assertEq(token.totalSupply(), 0);
        assertEq(token.balanceOf(treasury), 0);
    }

    function test_flashFee_roundsUp() public view {
        // 1 wei * 9 / 10_000 = 0.0009 -> 1 wei
        assertEq(token.flashFee(address(token), 1), 1);
        // Exact multiple: no rounding.
        assertEq(token.flashFee(address(token), 10_000), 9);
        // One over: 10_001 * 9 / 10_000 = 9.0009 -> 10
        assertEq(token.flashFee(address(token), 10_001), 10);
        assertEq(token.flashFee(address(token), 0), 0);
    }

    function test_flashLoan_oneWeiPaysOneWeiFee() public {
        token.mint(address(borrower), 1);
        token.flashLoan(IERC3156FlashBorrower(address(borrower)), address(token), 1, "");
        assertEq(borrower.lastFee(), 1);
        assertEq(token.balanceOf(treasury), 1);
        assertEq(token.balanceOf(address(borrower)), 0);
    }

    function test_flashLoan_revertsAboveCap() public {
        vm.expectRevert(abi.encodeWithSelector(ISyntheticToken.FlashCapExceeded.selector, CAP + 1, CAP));
        token.flashLoan(IERC3156FlashBorrower(address(borrower)), address(token), CAP + 1, "");
    }

    function test_flashLoan_revertsWhenCapIsZero() public {
        token.setFlashParams(0, FEE_BPS, treasury);
        vm.expectRevert(abi.encodeWithSelector(ISyntheticToken.FlashCapExceeded.selector, 1, 0));
        token.flashLoan(IERC3156FlashBorrower(address(borrower)), address(token), 1, "");
    }

    function test_flashLoan_revertsForWrongReturnValue() public {
        token.mint(address(borrower), 1e18);
        borrower.setBehaviour(MockFlashBorrower.Behaviour.WrongReturnValue);
        vm.expectRevert(abi.encodeWithSelector(ERC20FlashMint.ERC3156InvalidReceiver.selector, address(borrower)));
        token.flashLoan(IERC3156FlashBorrower(address(borrower)), address(token), 100e18, "");
    }

    function test_flashLoan_revertsWithoutApproval() public {
        token.mint(address(borrower), 1e18);
        borrower.setBehaviour(MockFlashBorrower.Behaviour.NoApproval);
        uint256 fee = token.flashFee(address(token), 100e18);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(token), 0, 100e18 + fee)
        );
        token.flashLoan(IERC3156FlashBorrower(address(borrower)), address(token), 100e18, "");
    }

    function test_flashLoan_revertsWhenBorrowerCannotPayFee() public {
        uint256 fee = token.flashFee(address(token), 100e18);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, address(borrower), 0, fee)
        );
        token.flashLoan(IERC3156FlashBorrower(address(borrower)), address(token), 100e18, "");
    }

    function test_flashLoan_revertsForOtherToken() public {
        vm.expectRevert(abi.encodeWithSelector(ERC20FlashMint.ERC3156ExceededMaxLoan.selector, 0));
        token.flashLoan(IERC3156FlashBorrower(address(borrower)), alice, 1, "");
    }

    function test_maxFlashLoan_isCapForThisToken() public view {
        assertEq(token.maxFlashLoan(address(token)), CAP);
    }

    function test_maxFlashLoan_limitedByRemainingSupply() public {
        token.setFlashParams(type(uint256).max, FEE_BPS, treasury);
        token.mint(alice, 123);
        assertEq(token.maxFlashLoan(address(token)), type(uint256).max - 123);
    }

    function test_maxFlashLoan_zeroForOtherToken() public view {
        assertEq(token.maxFlashLoan(alice), 0);
        assertEq(token.maxFlashLoan(address(0)), 0);
    }

    function test_flashFee_revertsForOtherToken() public {
        vm.expectRevert(abi.encodeWithSelector(ERC20FlashMint.ERC3156UnsupportedToken.selector, alice));
        token.flashFee(alice, 1e18);
    }

    // ---------------------------------------------------------------- setFlashParams

    function test_setFlashParams_byAdmin() public {
        address newReceiver = makeAddr("newTreasury");
        token.setFlashParams(5e18, 100, newReceiver);
        assertEq(token.flashCap(), 5e18);
        assertEq(token.flashFeeBps(), 100);
        assertEq(token.feeReceiver(), newReceiver);
        assertEq(token.maxFlashLoan(address(token)), 5e18);
    }

    function test_setFlashParams_byGrantedRole() public {
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = ISyntheticToken.setFlashParams.selector;
        manager.setTargetFunctionRole(address(token), selectors, GOVERNOR_ROLE);
        manager.grantRole(GOVERNOR_ROLE, governor, 0);

        vm.prank(governor);
        token.setFlashParams(7e18, 50, treasury);
        assertEq(token.flashCap(), 7e18);
    }

    function test_setFlashParams_revertsForUnauthorized() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        vm.prank(stranger);
        token.setFlashParams(1, 1, stranger);
    }

    function test_setFlashParams_revertsForVault() public {
        // The Vault is not governance: mint/burn rights give no say over flash parameters.
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = ISyntheticToken.setFlashParams.selector;
        manager.setTargetFunctionRole(address(token), selectors, GOVERNOR_ROLE);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, address(this)));
        token.setFlashParams(1, 1, treasury);
    }

    function test_setFlashParams_revertsForFeeAboveMax() public {
        vm.expectRevert(
            abi.encodeWithSelector(ISyntheticToken.InvalidFlashParams.selector, CAP, uint16(101), treasury)
        );
        token.setFlashParams(CAP, 101, treasury);
    }

    function test_setFlashParams_revertsForZeroReceiver() public {
        vm.expectRevert(abi.encodeWithSelector(ISyntheticToken.InvalidFlashParams.selector, CAP, FEE_BPS, address(0)));
        token.setFlashParams(CAP, FEE_BPS, address(0));
    }

    function test_setFlashParams_emitsEvent() public {
        vm.expectEmit(address(token));
        emit ISyntheticToken.FlashParamsSet(42e18, 10, alice);
        token.setFlashParams(42e18, 10, alice);
    }

    // ---------------------------------------------------------------- fuzz

    /// @dev Naive reference for ceil(amount * bps / 1e4) that cannot overflow: split amount = q * 1e4 + r.
    function _naiveFee(uint256 amount, uint256 bps) private pure returns (uint256) {
        uint256 q = amount / 10_000;
        uint256 r = amount % 10_000;
        uint256 rem = r * bps; // < 1e4 * 1e2
        return q * bps + rem / 10_000 + (rem % 10_000 == 0 ? 0 : 1);
    }

    function testFuzz_flashFee_isCeilOfAmountTimesBps(uint256 amount, uint16 bps) public {
        bps = uint16(_bound(bps, 0, token.MAX_FLASH_FEE_BPS()));
        token.setFlashParams(CAP, bps, treasury);
        assertEq(token.flashFee(address(token), amount), _naiveFee(amount, bps));
    }

    function testFuzz_flashFee_smallAmountsAgainstDirectFormula(uint128 amount, uint16 bps) public {
        bps = uint16(_bound(bps, 0, token.MAX_FLASH_FEE_BPS()));
        token.setFlashParams(CAP, bps, treasury);
        uint256 expected = (uint256(amount) * bps + 9_999) / 10_000;
        assertEq(token.flashFee(address(token), amount), expected);
    }

    function testFuzz_flashLoan_roundTripNeverGains(uint256 amount, uint16 bps, uint256 balance, uint8 mode) public {
        amount = _bound(amount, 0, CAP);
        bps = uint16(_bound(bps, 0, token.MAX_FLASH_FEE_BPS()));
        balance = _bound(balance, 0, 10_000e18);
        borrower.setBehaviour(MockFlashBorrower.Behaviour(_bound(mode, 0, 2)));
        token.setFlashParams(CAP, bps, treasury);
        token.mint(address(borrower), balance);

        uint256 supplyBefore = token.totalSupply();
        uint256 balanceBefore = token.balanceOf(address(borrower));

        try token.flashLoan(IERC3156FlashBorrower(address(borrower)), address(token), amount, "") {
            uint256 fee = _naiveFee(amount, bps);
            assertEq(token.balanceOf(address(borrower)), balanceBefore - fee);
            assertEq(token.balanceOf(treasury), fee);
        } catch {}

        assertLe(token.balanceOf(address(borrower)), balanceBefore);
        assertEq(token.totalSupply(), supplyBefore);
    }
}

/// @dev Gas of `mint` and `burn` as seen from the Vault (this contract), one call per test so every account and slot
///      is cold, as in a real transaction. Includes the call overhead (cold account access, calldata). Balances set in
///      `setUp` are the "original" values of the test transaction. No ceilings asserted: under `--gas-stats` every
///      call from a test runs as its own transaction, so the same delta then includes the 21k intrinsic cost; the gas
///      snapshot (`npm run gas`) is the regression check.
contract SyntheticTokenGasTest is Test {
    SyntheticToken private token;
    address private holder = makeAddr("holder");
    address private fresh = makeAddr("fresh");

    function setUp() public {
        AccessManager manager = new AccessManager(address(this));
        token = SyntheticToken(
            Artifacts.deploy(
                "SyntheticToken.sol:SyntheticToken",
                abi.encode("Ballast USD", "bUSD", address(this), address(manager), 1e24, 9, makeAddr("t"))
            )
        );
        token.mint(holder, 100e18);
    }

    function test_gas_mint_freshHolder() public {
        uint256 g = gasleft();
        token.mint(fresh, 1e18); // balance 0 -> non-zero
        g -= gasleft();
        emit log_named_uint("gas: mint to fresh holder", g);
    }

    function test_gas_mint_existingHolder() public {
        uint256 g = gasleft();
        token.mint(holder, 1e18);
        g -= gasleft();
        emit log_named_uint("gas: mint to existing holder", g);
    }

    function test_gas_burn_partial() public {
        uint256 g = gasleft();
        token.burn(holder, 1e18);
        g -= gasleft();
        emit log_named_uint("gas: burn partial", g);
    }

    function test_gas_burn_all() public {
        uint256 g = gasleft();
        token.burn(holder, 100e18); // balance -> 0 (refund not counted by gasleft)
        g -= gasleft();
        emit log_named_uint("gas: burn whole balance", g);
    }
}
