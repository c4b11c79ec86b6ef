import { ParError } from '@par/async';
import { describe, expect, it } from 'vitest';
import {
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  SimpleQueue,
} from '../src/index.js';
import { giveBack } from '../src/internal.js';

// A pool's child process runs a bundled copy of @par/queue, while the task module
// it runs imports the installed one: `instanceof` must hold across the copies.

/** An object shaped like an instance of another copy of the package: the brands on its prototype. */
function fromOtherCopy(base: typeof Object | typeof Error, ...brands: string[]): object {
  const OtherCopy = class extends base {};
  for (const name of brands) {
    Object.defineProperty(OtherCopy.prototype, Symbol.for(name), { value: true });
  }
  return new OtherCopy();
}

describe('@par/queue classes across copies of the package', () => {
  it.each([
    [QueueEmpty, '@par/queue.QueueEmpty'],
    [QueueFull, '@par/queue.QueueFull'],
    [QueueShutDown, '@par/queue.QueueShutDown'],
  ] as const)(
    'an error of another copy is an instance of %o here, and of ParError',
    (cls, brand) => {
      const error = fromOtherCopy(Error, '@par/async.ParError', brand);
      expect(error).toBeInstanceOf(cls);
      expect(error).toBeInstanceOf(ParError);
      expect(new Error('x')).not.toBeInstanceOf(cls);
    },
  );

  it('the queue errors of one kind are not of another', () => {
    expect(new QueueEmpty()).not.toBeInstanceOf(QueueFull);
    expect(fromOtherCopy(Error, '@par/async.ParError', '@par/queue.QueueFull')).not.toBeInstanceOf(
      QueueEmpty,
    );
  });

  it('a Queue or SimpleQueue of another copy is an instance of the class here; subclasses are Queues', () => {
    expect(fromOtherCopy(Object, '@par/queue.Queue')).toBeInstanceOf(Queue);
    expect(fromOtherCopy(Object, '@par/queue.Queue')).not.toBeInstanceOf(SimpleQueue);
    expect(fromOtherCopy(Object, '@par/queue.SimpleQueue')).toBeInstanceOf(SimpleQueue);
    expect(fromOtherCopy(Object, '@par/queue.Queue', '@par/queue.LifoQueue')).toBeInstanceOf(
      LifoQueue,
    );
    expect(new LifoQueue()).toBeInstanceOf(Queue);
    expect(new PriorityQueue()).toBeInstanceOf(Queue);
    expect(new Queue()).not.toBeInstanceOf(LifoQueue);
    expect(new SimpleQueue()).not.toBeInstanceOf(Queue);
    expect({}).not.toBeInstanceOf(Queue);
  });

  it('a subclass of your own tests by its prototype chain, as usual', () => {
    class JobQueue<T> extends Queue<T> {}
    expect(new JobQueue()).toBeInstanceOf(JobQueue);
    expect(new JobQueue()).toBeInstanceOf(Queue);
    expect(new Queue()).not.toBeInstanceOf(JobQueue);
  });

  it('giveBack is the same symbol in every copy', () => {
    expect(giveBack).toBe(Symbol.for('@par/queue.giveBack'));
  });
});
