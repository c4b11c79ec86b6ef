// @par/core's engine contract (packages/core/test/engine-contract.ts) on real
// child processes: the transport ProcessPool uses.
import * as core from '@par/core';
import { engineOf } from '@par/core/internal';
import { ProcessPool } from '@par/processes';
import { afterAll } from 'vitest';
import {
  type ContractCore,
  engineContract,
  realWorkerCalls,
} from '../../core/test/engine-contract.js';

// ProcessPool's transport, taken from pools that never start a worker themselves
const lenders: ProcessPool[] = [];
afterAll(async () => {
  await Promise.all(lenders.map((pool) => pool.terminate()));
});

// the built @par/core: the classes the contract describes from @par/core's source
const contractCore = core as unknown as ContractCore;

engineContract({
  name: 'child processes',
  core: contractCore,
  transport: () => {
    const lender = new ProcessPool({ maxWorkers: 1 });
    lenders.push(lender);
    return engineOf(lender).transport;
  },
  ...realWorkerCalls(contractCore),
});
