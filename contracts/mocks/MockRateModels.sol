// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRateModel} from "../interfaces/IRateModel.sol";

/// @notice A rate model whose answer and failure mode the test sets. Test only.
contract MockRateModel is IRateModel {
    enum Mode {
        Normal,
        Revert,
        ShortReturn,
        BurnGas,
        Heavy // spends about 60k gas, then answers
    }

    uint256 public rate; // [ray] per second
    Mode public mode;

    function set(uint256 rate_, Mode mode_) external {
        rate = rate_;
        mode = mode_;
    }

    function ratePerSecond(address, uint256, uint256) external view returns (uint256) {
        Mode m = mode;
        if (m == Mode.Revert) revert("rate model down");
        if (m == Mode.ShortReturn) {
            assembly {
                return(0, 16)
            }
        }
        if (m == Mode.BurnGas) {
            while (true) {}
        }
        if (m == Mode.Heavy) {
            uint256 x; // ~150 hashes: about 40k gas, well under RATE_MODEL_GAS
            for (uint256 i; i < 150; ++i) {
                x = uint256(keccak256(abi.encode(x, i)));
            }
            if (x == 0) return 0;
        }
        return rate;
    }
}
