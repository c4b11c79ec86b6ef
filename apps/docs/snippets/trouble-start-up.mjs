import assert from 'node:assert/strict';
import { ProcessPool } from '@par/processes';

// Node 20 reads the certificate file named by NODE_EXTRA_CA_CERTS when a process starts,
// every child of a pool included. Children that open no TLS connections can start
// without it: a variable set to undefined in `env` is not passed on.
const pool = new ProcessPool({
  maxWorkers: 2,
  env: { ...process.env, NODE_EXTRA_CA_CERTS: undefined },
});
try {
  const seen = await pool.run(() => process.env.NODE_EXTRA_CA_CERTS ?? 'not set');
  assert.equal(seen, 'not set');
  console.log(`NODE_EXTRA_CA_CERTS in the child: ${seen}`);
} finally {
  await pool.close();
}
