// @par/core's engine contract (packages/core/test/engine-contract.ts) on real
// worker threads: the transport ThreadPool uses in Node.
import * as core from '@par/core';
import { createTransport } from '#transport';
import {
  type ContractCore,
  engineContract,
  realWorkerCalls,
} from '../../core/test/engine-contract.js';

// the built @par/core: the classes the contract describes from @par/core's source
const contractCore = core as unknown as ContractCore;

engineContract({
  name: 'worker_threads',
  core: contractCore,
  transport: createTransport,
  ...realWorkerCalls(contractCore),
});
