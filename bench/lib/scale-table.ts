/** bench:sync --scale: one Markdown table of each figure at every size, and how much it grew per step. */
import type { Figures } from './figures.js';
import { ms } from './stats.js';

const seconds = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`);

export function scaleTable(all: Figures[]): void {
  const figures: [string, (f: Figures) => number, (n: number) => string][] = [
    ['first sync', (f) => f.first.ms, seconds],
    ['first sync, CPU of the syncing process', (f) => f.first.cpuMs, seconds],
    ['first sync, Postgres server CPU', (f) => f.first.serverCpuMs ?? NaN, seconds],
    ['re-sync, one file changed', (f) => f.resync.ms, seconds],
    ['exact look-up (`owner`) p50, server-side', (f) => f.lookup.serverP50, ms],
    ['exact look-up (`owner`) p99, server-side', (f) => f.lookup.serverP99, ms],
    ['exact look-up p99, round trip', (f) => f.lookup.p99, ms],
    ['peak RSS', (f) => f.peakRssMb, (n) => `${n} MB`],
  ];
  const sizes = all.map((f) => f.entities.toLocaleString('en-US'));
  const steps = all.slice(1).map((f, i) => `×${(f.entities / all[i]!.entities).toFixed(0)} entities`);
  console.log(`\n| ${all[0]!.target} | ${sizes.join(' | ')} | ${steps.map((s, i) => `growth ${sizes[i]} → ${sizes[i + 1]} (${s})`).join(' | ')} |`);
  console.log(`| --- | ${[...sizes, ...steps].map(() => '---').join(' | ')} |`);
  for (const [label, value, format] of figures) {
    const values = all.map(value);
    const growth = values.slice(1).map((v, i) => (Number.isFinite(v) && values[i]! > 0 ? `×${(v / values[i]!).toFixed(1)}` : '–'));
    console.log(`| ${label} | ${values.map((v) => (Number.isFinite(v) ? format(v) : '–')).join(' | ')} | ${growth.join(' | ')} |`);
  }
}
