// @par/core's engine contract (@par/test-support/engine-contract) on real
// child processes: the transport ProcessPool uses.
import * as core from '@par/core';
import { engineOf } from '@par/core/internal';
import { ProcessPool } from '@par/processes';
import {
  type ContractCore,
  engineContract,
  realWorkerCalls,
} from '@par/test-support/engine-contract';
import { afterAll } from 'vitest';

// ProcessPool's transport, taken from pools that never start a worker themselves
const lenders: ProcessPool[] = [];
afterAll(async () => {
  await Promise.all(lenders.map((pool) => pool.terminate()));
});

// the built @par/core, whose classes the contract is typed against
const contractCore: ContractCore = core;

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
