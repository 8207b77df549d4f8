/** Numbering of port spaces, socket kinds, states and flags shared by the port tables and the allocators (spec §5.0). */
export const SPACE_TCP = 0;
export const SPACE_UDP = 1;
export const SPACE_SCTP = 2;

/** Socket kinds; MPTCP allocates in the TCP space (§5.5). */
export const K_TCP = 0;
export const K_UDP = 1;
export const K_SCTP = 2;
export const K_MPTCP = 3;
export const KIND_SPACE = [SPACE_TCP, SPACE_UDP, SPACE_SCTP, SPACE_TCP];

/** Socket states (a subset of TCP_* / SCTP_SS_* that matters for port allocation). */
export const S_FREE = 0;
export const S_OPEN = 1;
export const S_BOUND = 2;
export const S_LISTEN = 3;
export const S_CONNECTED = 4;
export const S_TIMEWAIT = 5;

/** Socket flags. */
export const F_REUSEADDR = 1; // sk_reuse == SK_CAN_REUSE
export const F_REUSEPORT = 2; // sk_reuseport
export const F_NOPORT = 4; // IP_BIND_ADDRESS_NO_PORT
export const F_CONNECT_BIND = 8; // SOCK_CONNECT_BIND / tw_connect_bind (6.18)
export const F_V6ONLY = 16; // IPV6_V6ONLY
export const F_BINDPORT_LOCK = 32; // SOCK_BINDPORT_LOCK: bind() named a port
export const F_OWNER = 64; // linked in the owners list of (space, port)
export const F_EHASH = 128; // present in ehash
export const F_BINDADDR_LOCK = 256; // SOCK_BINDADDR_LOCK: bind() named an address

/** TCP_TIMEWAIT_LEN. */
export const TIMEWAIT_MS = 60000;
/** INET_TABLE_PERTURB_ORDER = 16 (CONFIG default; this machine). */
export const PERTURB_SIZE = 1 << 16;
