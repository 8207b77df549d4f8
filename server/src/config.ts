/**
 * The one configuration shared by the LSP server, the CLI and the simulate command.
 * Settings keys in package.json ("portRangeLens.*") map 1:1 onto these fields.
 */
import type { DiagnosticCode, Severity } from './diagnostics/codes';

export interface Config {
  /** "LO-HI", or "auto" = read /proc/sys/net/ipv4/ip_local_port_range on this machine. */
  netnsRange: string;
  /** /proc list syntax of ip_local_reserved_ports, e.g. "40000-40004,40007"; "auto" = this machine. */
  reservedPorts: string;
  /** Target kernel "X.Y" (default 6.18). */
  kernel: string;
  hostByteOrder: 'little' | 'big';
  /** small-range fires when the effective range has fewer usable ports than this. */
  smallRangeThreshold: number;
  /** Per-code severity override; "off" disables the code. */
  severity: Partial<Record<DiagnosticCode, Severity | 'off'>>;
  inlayHints: boolean;
}

export const DEFAULT_CONFIG: Config = {
  netnsRange: '32768-60999',
  reservedPorts: '',
  kernel: '6.18',
  hostByteOrder: 'little',
  smallRangeThreshold: 64,
  severity: {},
  inlayHints: true,
};
