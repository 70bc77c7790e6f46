// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {FixedRateModel} from "../contracts/FixedRateModel.sol";
import {IRateModel} from "../contracts/interfaces/IRateModel.sol";
import {Artifacts} from "./utils/Artifacts.sol";

contract FixedRateModelTest is Test {
    uint256 private constant RAY = 1e27;

    function test_maxRatePerSecond_is100PercentSimpleAnnual() public {
        FixedRateModel model = FixedRateModel(Artifacts.deploy("FixedRateModel.sol:FixedRateModel", abi.encode(0)));
        assertEq(model.MAX_RATE_PER_SECOND(), RAY / 365 days);
    }

    function test_constructor_acceptsMax() public {
        FixedRateModel model = FixedRateModel(
            Artifacts.deploy("FixedRateModel.sol:FixedRateModel", abi.encode(RAY / 365 days))
        );
        assertEq(model.rate(), RAY / 365 days);
    }

    function test_constructor_revertsAboveMax() public {
        uint256 max = RAY / 365 days;
        vm.expectRevert(abi.encodeWithSelector(IRateModel.RateTooHigh.selector, max + 1, max));
        FixedRateModel(Artifacts.deploy("FixedRateModel.sol:FixedRateModel", abi.encode(max + 1)));
    }

    function testFuzz_constructor_revertsAboveMax(uint256 rate) public {
        uint256 max = RAY / 365 days;
        rate = _bound(rate, max + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IRateModel.RateTooHigh.selector, rate, max));
        FixedRateModel(Artifacts.deploy("FixedRateModel.sol:FixedRateModel", abi.encode(rate)));
    }

    function testFuzz_ratePerSecond_returnsRateRegardlessOfInputs(
        uint256 rate,
        address synthetic,
        uint256 totalDebt,
        uint256 debtCeiling
    ) public {
        rate = _bound(rate, 0, RAY / 365 days);
        FixedRateModel model = FixedRateModel(Artifacts.deploy("FixedRateModel.sol:FixedRateModel", abi.encode(rate)));
        assertEq(model.rate(), rate);
        assertEq(model.ratePerSecond(synthetic, totalDebt, debtCeiling), rate);
    }

    function test_ratePerSecond_fivePercentApr() public {
        // A deployer expresses 5% simple annual as 0.05e27 / 365 days.
        uint256 rate = (5 * RAY) / 100 / 365 days;
        FixedRateModel model = FixedRateModel(Artifacts.deploy("FixedRateModel.sol:FixedRateModel", abi.encode(rate)));
        assertEq(model.ratePerSecond(address(0), 0, 0), 1_585_489_599_188_229_325);
    }
}
