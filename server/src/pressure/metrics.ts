/**
 * `pressure --serve HOST:PORT`: /metrics in the Prometheus text format, written by prom-client.
 * Every scrape takes a fresh sample (so a second request sees new sockets); rates are left to
 * PromQL (rate() over the gauges), as Prometheus does best.
 */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { PressureSample } from './report';

export const METRIC_PREFIX = 'port_range_lens_';

export interface MetricsView {
  registry: Registry;
  /** Replaces every series with the sample's values. */
  update(s: PressureSample): void;
}

export function createMetrics(): MetricsView {
  // Loaded on first use: every other command starts without prom-client (about 12 ms).
  const { Gauge, Registry } = require('prom-client') as typeof import('prom-client');
  const registry = new Registry();
  const dst = ['proto', 'destination'] as const;
  const g = (name: string, help: string, labelNames: readonly string[]) =>
    new Gauge({ name: METRIC_PREFIX + name, help, labelNames, registers: [registry] });
  const inUse = g('ports_in_use', 'Local ports of the ephemeral range in use toward a destination (TIME-WAIT included).', dst);
  const timeWait = g('time_wait', 'Of those, connections in TIME-WAIT.', dst);
  const capacity = g('capacity', 'Ports the kernel could hand out toward this destination (netns range minus reserved ports, sharing rules of the allocator).', dst);
  const ratio = g('used_ratio', 'ports_in_use / capacity.', dst);
  const rangeInUse = g('range_in_use', 'Ports in use inside a declared IP_LOCAL_PORT_RANGE slice.', ['lo', 'hi']);
  const rangeCapacity = g('range_capacity', 'Usable ports of a declared IP_LOCAL_PORT_RANGE slice.', ['lo', 'hi']);
  return {
    registry,
    update(s) {
      for (const m of [inUse, timeWait, capacity, ratio, rangeInUse, rangeCapacity]) m.reset();
      for (const d of s.report.destinations) {
        const l = { proto: d.proto, destination: d.destination };
        inUse.set(l, d.inUse);
        timeWait.set(l, d.timeWait);
        capacity.set(l, d.capacity);
        ratio.set(l, d.usedFraction);
      }
      for (const r of s.report.ranges) {
        const l = { lo: String(r.lo), hi: String(r.hi) };
        rangeInUse.set(l, r.inUse);
        rangeCapacity.set(l, r.capacity);
      }
    },
  };
}

/** Parses HOST:PORT ("[::1]:9464" for IPv6); null when malformed. */
export function parseListen(text: string): { host: string; port: number } | null {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const port = Number(m[3]);
  return port <= 65535 ? { host: m[1] ?? m[2]!, port } : null;
}

/**
 * Serves /metrics until SIGTERM or SIGINT; resolves when the server has closed. Rejects with a
 * clear message when the address cannot be bound (e.g. the port is taken).
 */
export function serveMetrics(listen: { host: string; port: number }, sample: () => PressureSample, onListening?: (addr: string) => void): Promise<void> {
  const view = createMetrics();
  return new Promise((resolve, reject) => {
    const server: Server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('port-range-lens: only /metrics is served\n');
        return;
      }
      try {
        view.update(sample());
      } catch (e) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`port-range-lens: ${(e as Error).message}\n`);
        return;
      }
      view.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': view.registry.contentType }).end(text),
        (e: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`port-range-lens: ${e.message}\n`),
      );
    });
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      server.close(() => resolve());
      server.closeAllConnections();
    };
    server.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'address already in use' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EADDRNOTAVAIL' ? 'no such local address' : e.message;
      reject(new Error(`cannot serve /metrics on ${listen.host}:${listen.port}: ${why}`));
    });
    server.listen(listen.port, listen.host, () => {
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      const a = server.address();
      onListening?.(typeof a === 'object' && a ? `${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}` : String(a));
    });
  });
}
