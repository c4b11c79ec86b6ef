// The shared engine contract (@par/test-support/engine-contract) on in-memory workers
// that answer by themselves; @par/threads and @par/processes run the same cases on
// real workers.
import {
  type ContractCore,
  engineContract,
  type HeldCall,
  RUN_MESSAGE,
} from '@par/test-support/engine-contract';
import { expect, it } from 'vitest';
import * as core from '../src/index.js';
import { Msg } from '../src/protocol.js';
import { AutoTransport, CRASH, settle, square } from './memory-transport.js';

it("the contract knows the engine's RUN message by the tag the protocol gives it", () => {
  expect(RUN_MESSAGE).toBe(Msg.Run);
});

let transport = new AutoTransport();

engineContract({
  name: 'in-memory workers',
  // the contract is typed against the built @par/core; these are the same classes
  core: core as unknown as ContractCore,
  transport: () => {
    transport = new AutoTransport();
    return transport;
  },
  square: (value) => ({ task: square as never, args: [value] }),
  held(value): HeldCall {
    const held = transport.held;
    held.set(value, () => {});
    let released = false;
    return {
      task: square as never,
      args: [value],
      async started() {
        // a held call has started once a ready worker received it
        for (let i = 0; i < 1000; i++) {
          const worker = transport.inner.workers.find((w) =>
            w.runs().some((r) => r.args[0] === value),
          );
          if (worker !== undefined && !worker.exited) {
            await settle(); // its READY (queued when it started) has arrived
            return;
          }
          await settle();
        }
        throw new Error(`no worker received the held call ${value}`);
      },
      release() {
        if (released) return;
        released = true;
        const answer = held.get(value);
        held.delete(value);
        answer?.();
      },
    };
  },
  crashing: () => ({ task: square as never, args: [CRASH] }),
});
