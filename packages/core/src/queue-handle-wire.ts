// The operations a queue handle asks of the queue's owner, over the remote-handle
// layer (remote-wire.ts).

/** Operations a handle can ask of the owner. */
export const Op = {
  Put: 0,
  Get: 1,
  PutNowait: 2,
  GetNowait: 3,
  TaskDone: 4,
  Join: 5,
  Shutdown: 6,
  Size: 7,
  Empty: 8,
  Full: 9,
  IsShutDown: 10,
} as const;
