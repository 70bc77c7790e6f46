// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LiquidationFixture} from "./utils/LiquidationFixture.sol";
import {Settlement} from "../contracts/Settlement.sol";
import {ReserveLens} from "../contracts/ReserveLens.sol";
import {WiringProbe} from "../contracts/mocks/WiringProbe.sol";
import {Artifacts} from "./utils/Artifacts.sol";

/// @notice The Solidity test fixture is wired as the TypeScript deploy wires the local configuration: the same
///         parameters and links, line for line, as `WiringProbe` reads them. Both sides are compared with the same
///         committed description, test/wiring/local.json (test/wiring.test.ts checks `deploySystem(local)` against
///         it; `npm run wiring` rewrites it). Roles are left out: the fixture acts as the AccessManager's admin.
contract FixtureWiringTest is LiquidationFixture {
    function test_fixture_isWiredAsTheLocalDeploy() public {
        Settlement settlement = _wireSettlement();
        ReserveLens reserveLens = ReserveLens(Artifacts.deploy("ReserveLens.sol:ReserveLens", abi.encode(vault)));
        string[] memory lines = new WiringProbe().describe(
            vault,
            settlement,
            address(positionLens),
            address(reserveLens)
        );
        string[] memory expected = vm.parseJsonStringArray(vm.readFile("test/wiring/local.json"), ".lines");
        for (uint256 i; i < lines.length && i < expected.length; ++i) {
            assertEq(lines[i], expected[i], "the fixture's wiring differs from test/wiring/local.json");
        }
        assertEq(lines.length, expected.length, "the fixture describes more or fewer lines than the deploy");
        assertGt(lines.length, 100, "the description covers the whole system");
    }
}
