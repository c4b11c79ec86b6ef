// The entry of `@par/core/remote`: the remote-handle layer, for the other @par
// packages that serve an object to their workers (a pipe Connection in
// @par/processes). Not part of the documented API; released in lockstep with
// the packages that use it.
export { registerErrorClass } from './error-codec.js';
export { RemoteClient, type RemoteRequestOptions } from './remote-client.js';
export {
  type RemoteCallContext,
  type RemoteDispatch,
  type ServeRemoteOptions,
  serveRemote,
} from './remote-host.js';
export type { RemoteOp } from './remote-wire.js';
export type { ChannelPort } from './transfer-handlers.js';
