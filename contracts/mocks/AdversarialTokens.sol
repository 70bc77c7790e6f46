// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SyntheticToken} from "../SyntheticToken.sol";

/// @notice A share-based rebasing token (balances = shares * index), for the adversarial suite. `rebase` moves every
///         balance at once, up or down, without a transfer; a transfer moves `amount * 1e18 / index` shares, rounded
///         down, so the receiver may get a wei less than was sent. Open `mint`. Test only.
contract RebasingToken {
    string public constant name = "Rebasing";
    string public constant symbol = "RBT";
    uint8 public constant decimals = 18;

    uint256 public index = 1e18; // [wad] tokens per share
    uint256 public totalShares; // [share]
    mapping(address account => uint256) public sharesOf; // [share]
    mapping(address owner => mapping(address spender => uint256)) public allowance; // [token]

    event Transfer(address indexed from, address indexed to, uint256 amount);
    event Approval(address indexed owner, address indexed spender, uint256 amount);

    error InsufficientBalance(address account, uint256 balance, uint256 needed);
    error InsufficientAllowance(address spender, uint256 allowance, uint256 needed);

    /// @notice Sets the index [wad]: every balance scales by `newIndex / index`.
    function rebase(uint256 newIndex) external {
        index = newIndex;
    }

    function mint(address to, uint256 amount) external {
        uint256 shares = (amount * 1e18) / index;
        sharesOf[to] += shares;
        totalShares += shares;
        emit Transfer(address(0), to, amount);
    }

    function balanceOf(address account) public view returns (uint256) {
        return (sharesOf[account] * index) / 1e18;
    }

    function totalSupply() external view returns (uint256) {
        return (totalShares * index) / 1e18;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _move(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed < amount) revert InsufficientAllowance(msg.sender, allowed, amount);
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - amount;
        _move(from, to, amount);
        return true;
    }

    function _move(address from, address to, uint256 amount) internal {
        uint256 balance = balanceOf(from);
        if (balance < amount) revert InsufficientBalance(from, balance, amount);
        uint256 shares = (amount * 1e18) / index; // rounded down, as share-based tokens do
        sharesOf[from] -= shares;
        sharesOf[to] += shares;
        emit Transfer(from, to, amount);
    }
}

/// @notice A synthetic whose every balance change (mint, burn, transfer) calls `reentryTarget` with `data`, once per
///         arming: the hostile synthetic governance would never list, used to show that the Vault, the engine, the
///         Treasury and the Settlement hold their reentrancy locks even when the synthetic itself calls back. The
///         outcome of the call is recorded. Test only.
contract HookedSyntheticToken is SyntheticToken {
    address public reentryTarget;
    bytes public data;
    bool public fired;
    bool public lastCallOk;
    bytes public lastRevert;

    constructor(
        address vault_,
        address initialAuthority,
        address feeReceiver_
    ) SyntheticToken("Hooked Synthetic", "HKS", vault_, initialAuthority, 1_000_000e18, 9, feeReceiver_) {}

    uint256 public skipCount; // balance changes to let pass before the hook fires

    /// @notice The next balance change calls `target_` with `data_`.
    function arm(address target_, bytes calldata data_) external {
        _arm(target_, data_, 0);
    }

    /// @notice The balance change after the next `skip_` ones calls `target_` with `data_`.
    function armAfter(address target_, bytes calldata data_, uint256 skip_) external {
        _arm(target_, data_, skip_);
    }

    function _arm(address target_, bytes calldata data_, uint256 skip_) internal {
        (reentryTarget, data, skipCount, fired) = (target_, data_, skip_, false);
    }

    function _update(address from, address to, uint256 amount) internal override {
        super._update(from, to, amount);
        address t = reentryTarget;
        if (t == address(0)) return;
        if (skipCount != 0) {
            --skipCount;
            return;
        }
        reentryTarget = address(0); // one shot
        fired = true;
        (lastCallOk, lastRevert) = t.call(data);
    }
}
