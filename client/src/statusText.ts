/** The status bar text and tooltip (pure, so it is testable without VS Code). */
export function statusText(netnsRange: string, kernel: string, machine: () => string | null): { text: string; tooltip: string } {
  let range = netnsRange.trim();
  let from = 'setting portRangeLens.netnsRange';
  if (range === 'auto') {
    const m = machine();
    range = m ?? 'auto (unreadable)';
    from = 'this machine (/proc/sys/net/ipv4/ip_local_port_range)';
  }
  const shown = range.replace(/^(\d+)\s*-\s*(\d+)$/, '$1–$2');
  return {
    text: `$(server-process) ${shown} · Linux ${kernel.trim()}`,
    tooltip: `Port Range Lens judges IP_LOCAL_PORT_RANGE against netns range ${shown} (from ${from}) and kernel ${kernel.trim()}. Click to show this machine's range.`,
  };
}
