/** Shared by the task tests: the message of the `TaskError` a task throws. */
import { expect } from "chai";
import { TaskError } from "../../sdk/system.js";

/** Runs `fn` and returns the TaskError message it throws (fails if it does not throw one). */
export async function failure(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(TaskError);
    return (e as Error).message;
  }
  return expect.fail("expected a TaskError");
}
