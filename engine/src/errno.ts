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
} as const;
export type ErrnoName = keyof typeof ERRNO;
