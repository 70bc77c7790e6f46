// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MockERC20} from "./MockERC20.sol";

/// @notice Transfers without a return value (like USDT on mainnet). Test only.
contract NoReturnToken {
    string public constant name = "No Return";
    string public constant symbol = "NRT";
    uint8 public immutable decimals;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    constructor(uint8 decimals_) {
        decimals = decimals_;
    }

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
        totalSupply += amount;
    }

    function approve(address spender, uint256 amount) external {
        allowance[msg.sender][spender] = amount;
    }

    function transfer(address to, uint256 amount) external {
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
    }

    function transferFrom(address from, address to, uint256 amount) external {
        allowance[from][msg.sender] -= amount;
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
    }
}

/// @notice Returns false instead of reverting when a transfer cannot be made. Test only.
contract FalseReturnToken is MockERC20 {
    constructor() MockERC20("False Return", "FRT", 18) {}

    function transfer(address to, uint256 amount) public override returns (bool) {
        if (balanceOf(msg.sender) < amount) return false;
        return super.transfer(to, amount);
    }

    function transferFrom(address from, address to, uint256 amount) public override returns (bool) {
        if (balanceOf(from) < amount || allowance(from, msg.sender) < amount) return false;
        return super.transferFrom(from, to, amount);
    }
}

/// @notice Takes `feeBps` of every transfer (burned), so the receiver gets less than was sent. Test only.
contract FeeOnTransferToken is MockERC20 {
    uint256 public feeBps;

    constructor(uint256 feeBps_) MockERC20("Fee On Transfer", "FOT", 18) {
        feeBps = feeBps_;
    }

    function setFee(uint256 feeBps_) external {
        feeBps = feeBps_;
    }

    function _update(address from, address to, uint256 amount) internal override {
        uint256 fee = from == address(0) || to == address(0) ? 0 : (amount * feeBps) / 10_000;
        super._update(from, to, amount - fee);
        if (fee != 0) super._update(from, address(0), fee);
    }
}

/// @notice Calls `reentryTarget` with `data` from inside every transfer (an ERC-777-style hook), once. Test only.
contract ReentrantToken is MockERC20 {
    address public reentryTarget;
    bytes public data;
    bool public lastCallOk;
    bytes public lastRevert;

    constructor() MockERC20("Reentrant", "RET", 18) {}

    function arm(address target_, bytes calldata data_) external {
        reentryTarget = target_;
        data = data_;
    }

    function _update(address from, address to, uint256 amount) internal override {
        super._update(from, to, amount);
        address t = reentryTarget;
        if (t != address(0) && from != address(0) && to != address(0)) {
            reentryTarget = address(0); // one shot
            (lastCallOk, lastRevert) = t.call(data);
        }
    }
}

/// @notice Refuses transfers to or from blocked addresses (like USDC's blocklist). Test only.
contract BlocklistToken is MockERC20 {
    mapping(address => bool) public blocked;

    error Blocked(address account);

    constructor() MockERC20("Blocklist", "BLK", 6) {}

    function setBlocked(address account, bool value) external {
        blocked[account] = value;
    }

    function _update(address from, address to, uint256 amount) internal override {
        if (blocked[from]) revert Blocked(from);
        if (blocked[to]) revert Blocked(to);
        super._update(from, to, amount);
    }
}
