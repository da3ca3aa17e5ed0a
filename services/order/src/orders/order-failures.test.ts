import { describe, expect, it } from 'vitest';
import { failureFromReason, failures } from './order-failures.js';

describe('failureFromReason', () => {
  it.each([
    failures.productNotFound(12),
    failures.outOfStock(3),
    failures.amountTooLarge,
    failures.paymentFailed,
    failures.productServiceUnavailable,
    failures.paymentServiceUnavailable,
  ])('when a cancelled order has the reason "$message", then its failure is $code again', (failure) => {
    expect(failureFromReason(failure.message)).toEqual(failure);
  });

  it.each(['Cancelled by customer', 'Order interrupted before payment; not charged', 'Product x not found'])(
    'when the reason is "%s", then it is no workflow failure',
    (reason) => {
      expect(failureFromReason(reason)).toBeNull();
    },
  );
});
