// ioredis' own declarations (built/errors/*.d.ts, pulled in by @par/cluster's
// `RedisOptions`) import 'redis-errors', which ships no types: with skipLibCheck
// false and strict, TypeScript reports TS7016 "Could not find a declaration file for
// module 'redis-errors'" inside ioredis. A consumer needs this one line, as ioredis'
// own users do; nothing else in @par/cluster's, bullmq's or ioredis' types fails.
declare module 'redis-errors';
