// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";

/// @title MockFlashBorrower
/// @notice ERC-3156 borrower for tests. Honest by default (returns the magic value and approves `amount + fee` to
///         the lender); can be told to return a wrong value or to skip the approval. Records what it received.
contract MockFlashBorrower is IERC3156FlashBorrower {
    enum Behaviour {
        Honest,
        WrongReturnValue,
        NoApproval
    }

    bytes32 public constant CALLBACK_SUCCESS = keccak256("ERC3156FlashBorrower.onFlashLoan");

    Behaviour public behaviour;

    // What the last callback saw.
    address public lastLender;
    address public lastInitiator;
    address public lastToken;
    uint256 public lastAmount; // [wad]
    uint256 public lastFee; // [wad]
    bytes public lastData;
    uint256 public balanceDuringLoan; // [wad] own balance of `token` inside the callback
    uint256 public calls;

    function setBehaviour(Behaviour behaviour_) external {
        behaviour = behaviour_;
    }

    /// @inheritdoc IERC3156FlashBorrower
    function onFlashLoan(
        address initiator,
        address token,
        uint256 amount,
        uint256 fee,
        bytes calldata data
    ) external returns (bytes32) {
        lastLender = msg.sender;
        lastInitiator = initiator;
        lastToken = token;
        lastAmount = amount;
        lastFee = fee;
        lastData = data;
        balanceDuringLoan = IERC20(token).balanceOf(address(this));
        ++calls;

        if (behaviour != Behaviour.NoApproval) IERC20(token).approve(msg.sender, amount + fee);
        return behaviour == Behaviour.WrongReturnValue ? bytes32(0) : CALLBACK_SUCCESS;
    }
}
