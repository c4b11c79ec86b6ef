// @par/core's engine contract (@par/test-support/engine-contract) on real
// worker threads: the transport ThreadPool uses in Node.
import * as core from '@par/core';
import {
  type ContractCore,
  engineContract,
  realWorkerCalls,
} from '@par/test-support/engine-contract';
import { createTransport } from '#transport';

// the built @par/core, whose classes the contract is typed against
const contractCore: ContractCore = core;

engineContract({
  name: 'worker_threads',
  core: contractCore,
  transport: createTransport,
  ...realWorkerCalls(contractCore),
});
