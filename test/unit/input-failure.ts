/** Runs fn and returns the exit-2 MskctlError it must throw (bad input), failing the test otherwise. */
import { expect } from 'vitest';
import { MskctlError } from '../../src/output/errors.js';

export function inputFailure(fn: () => unknown): MskctlError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MskctlError);
    expect((error as MskctlError).exitCode).toBe(2);
    return error as MskctlError;
  }
  throw new Error('expected an input error');
}
