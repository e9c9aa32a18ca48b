import { requestHashOf } from './idempotency';

describe('requestHashOf', () => {
  it('hashes the same parameters alike whatever the key order, and other parameters apart', () => {
    expect(requestHashOf({ a: 1n, b: 'x' })).toBe(requestHashOf({ b: 'x', a: 1n }));
    expect(requestHashOf({ a: 1n, b: 'x' })).not.toBe(requestHashOf({ a: 2n, b: 'x' }));
    expect(requestHashOf({ a: 1n })).not.toBe(requestHashOf({ a: 1 }));
    expect(requestHashOf({ a: 1, b: undefined })).toBe(requestHashOf({ a: 1 }));
    expect(requestHashOf([1, 2])).not.toBe(requestHashOf([2, 1]));
  });
});
