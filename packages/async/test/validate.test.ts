import { describe, expect, test } from 'vitest';
import {
  optionMessage,
  validateFunction,
  validateInteger,
  validateNumber,
  validateOneOf,
  validateOptions,
  validateSignal,
  validateTimeout,
} from '../src/internal.js';

describe('validators', () => {
  test('optionMessage names the option, the expectation and the value with its type', () => {
    expect(optionMessage('maxsize', 'an integer >= 0 or Infinity', -1)).toBe(
      'Expected `maxsize` to be an integer >= 0 or Infinity, got `-1` (number)',
    );
    expect(optionMessage('name', 'a number', 'x')).toBe(
      'Expected `name` to be a number, got `"x"` (string)',
    );
  });

  test('validateInteger: TypeError for non-numbers, RangeError out of range', () => {
    expect(() => validateInteger('n', '1', { min: 1 })).toThrow(TypeError);
    expect(() => validateInteger('n', 0, { min: 1 })).toThrow(RangeError);
    expect(() => validateInteger('n', 1.5, { min: 1 })).toThrow(
      'Expected `n` to be a positive integer, got `1.5` (number)',
    );
    expect(validateInteger('n', Number.POSITIVE_INFINITY, { min: 1, allowInfinity: true })).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(() => validateInteger('n', Number.POSITIVE_INFINITY, { min: 1 })).toThrow(RangeError);
  });

  test('validateNumber accepts finite numbers in range', () => {
    expect(validateNumber('x', 0.5, { min: 0 })).toBe(0.5);
    expect(() => validateNumber('x', -1, { min: 0 })).toThrow(RangeError);
    expect(() => validateNumber('x', Number.NaN)).toThrow(TypeError);
  });

  test('validateTimeout allows undefined and Infinity', () => {
    expect(validateTimeout('timeout', undefined)).toBeUndefined();
    expect(validateTimeout('timeout', Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(() => validateTimeout('timeout', -5)).toThrow(RangeError);
  });

  test('validateSignal, validateFunction, validateOneOf', () => {
    const signal = new AbortController().signal;
    expect(validateSignal('signal', signal)).toBe(signal);
    expect(() => validateSignal('signal', {})).toThrow(TypeError);
    expect(() => validateFunction('fn', 1)).toThrow(TypeError);
    expect(validateOneOf('mode', 'a', ['a', 'b'])).toBe('a');
    expect(() => validateOneOf('mode', 'c', ['a', 'b'])).toThrow(RangeError);
    expect(() => validateOneOf('mode', 1, ['a', 'b'])).toThrow(TypeError);
  });

  test('validateOptions copies the object and rejects non-objects', () => {
    const original = { a: 1 };
    const copy = validateOptions<{ a: number }>('options', original);
    expect(copy).toEqual(original);
    expect(copy).not.toBe(original);
    expect(validateOptions('options', undefined)).toEqual({});
    expect(() => validateOptions('options', 5)).toThrow(TypeError);
  });
});
