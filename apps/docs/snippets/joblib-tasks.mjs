// Task module for the @par/joblib-style snippets: loaded by URL in each worker.
export function heavyTask(n) {
  let primes = 0;
  for (let i = 2; i < n; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) {
      if (i % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) primes++;
  }
  return primes;
}

export function square(x) {
  return x * x;
}

export function checkPositive(x) {
  if (x < 0) throw new RangeError(`negative input: ${x}`);
  return x;
}
