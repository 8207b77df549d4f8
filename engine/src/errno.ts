/** Linux errno names the engine can return (values are the x86-64/generic Linux numbers). */
export const ERRNO = {
  EFAULT: 14,
  EINVAL: 22,
  EAGAIN: 11,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENOPROTOOPT: 92,
  EOPNOTSUPP: 95,
  ECONNREFUSED: 111,
  EISCONN: 106,
  EBADF: 9,
  EACCES: 13,
  EAFNOSUPPORT: 97,
  ENOTCONN: 107,
  EDESTADDRREQ: 89,
  ENOENT: 2,
  EPIPE: 32,
} as const;
export type ErrnoName = keyof typeof ERRNO;

/** errno number -> name (for the values above). */
export function errnoName(n: number): ErrnoName {
  for (const k of Object.keys(ERRNO) as ErrnoName[]) if (ERRNO[k] === n) return k;
  throw new Error(`unknown errno ${n}`);
}
