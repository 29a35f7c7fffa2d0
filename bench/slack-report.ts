/**
 * The report of `npm run bench:slack` (bench/slack.ts): one table row per phase, from the Slack
 * side's timings and the server's own, then whether the targets were met.
 */
import { cpus, loadavg } from 'node:os';
import { ms, percentile } from './lib/stats.js';
import { ACK_BUDGET_MS, POOL_SIZE, plan, type ClientPhase } from './slack-plan.js';

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export interface ReportInput {
  entities: number;
  files: number;
  version: string;
  generateSeconds: number;
  syncSeconds: number;
  priority: string;
  loadAtStart: number[];
  done: ClientPhase[];
  serverTimes: Map<string, number[]>;
  statements: Map<string, { start: number; end: number }>;
  cpu: Map<string, { start: number; end: number }>;
  loopLag: Map<string, { p99: number; max: number }>;
}

export function formatReport({ entities, files, version, generateSeconds, syncSeconds, priority, loadAtStart, done, serverTimes, statements, cpu, loopLag }: ReportInput): string {
  const loadAtEnd = loadavg();
  const labels: Record<string, string> = {
    cold: 'first /owner per team (identity caches cold), sequential',
    sequential: 'sequential, one at a time',
    paced: `${plan.paced.rate} req/s paced, up to ${plan.paced.concurrency} concurrent`,
    burst: `${plan.burst.rate} req/s paced, up to ${plan.burst.concurrency} concurrent`,
  };
  const lines: string[] = [];
  lines.push(`Slack /owner over HTTP: ${entities.toLocaleString('en-US')} entities on PostgreSQL ${version}, pool ${POOL_SIZE}, inline budget ${ACK_BUDGET_MS} ms`);
  lines.push(`catalog generated in ${generateSeconds.toFixed(1)} s (${files} files), first sync ${syncSeconds.toFixed(1)} s; node ${process.version}, ${cpus().length} cores; ${priority}`);
  lines.push(`load average at start ${loadAtStart.map((n) => n.toFixed(2)).join(' ')}, at end ${loadAtEnd.map((n) => n.toFixed(2)).join(' ')}`);
  lines.push('');
  lines.push(row(['load', 'requests', 'req/s', 'server p50', 'server p99', 'ack p99 (client)', 'answer p99 (client)', 'via response_url', 'DB statements/req', 'server CPU/req', 'event-loop delay p99 / max (server; Slack side)', 'failed']));
  lines.push(row(['---', ...Array.from({ length: 11 }, () => '---:')]));
  const figures = new Map<string, { p99: number; ackP99: number }>();
  for (const phase of done) {
    const server = (serverTimes.get(phase.name) ?? []).sort((a, b) => a - b);
    const ack = [...phase.ack].sort((a, b) => a - b);
    const answer = [...phase.answer].sort((a, b) => a - b);
    const count = statements.get(phase.name);
    const perRequest = count ? (count.end - count.start) / phase.requests : 0;
    const used = cpu.get(phase.name);
    const cpuPerRequest = used ? (used.end - used.start) / phase.requests : 0;
    figures.set(phase.name, { p99: percentile(server, 99), ackP99: percentile(ack, 99) });
    lines.push(
      row([
        labels[phase.name] ?? phase.name,
        String(phase.requests),
        (phase.requests / phase.seconds).toFixed(0),
        ms(percentile(server, 50)),
        ms(percentile(server, 99)),
        ms(percentile(ack, 99)),
        ms(percentile(answer, 99)),
        String(phase.viaResponseUrl),
        perRequest.toFixed(1),
        ms(cpuPerRequest),
        `${loopLag.has(phase.name) ? `${ms(loopLag.get(phase.name)!.p99)} / ${ms(loopLag.get(phase.name)!.max)}` : '?'}; ${ms(phase.loop.p99)} / ${ms(phase.loop.max)}`,
        String(phase.failures),
      ]),
    );
  }
  for (const phase of done) for (const [reason, n] of Object.entries(phase.why)) lines.push(`failed in ${phase.name}: ${n} × ${reason}`);
  const paced = figures.get('paced');
  const burst = figures.get('burst');
  lines.push('');
  lines.push(`target: server p99 < 20 ms at ${plan.paced.rate} req/s: ${paced && paced.p99 < 20 ? 'met' : 'MISSED'} (${ms(paced?.p99 ?? NaN)})`);
  lines.push(`target: acknowledgement p99 < 250 ms at ${plan.burst.rate} req/s: ${burst && burst.ackP99 < 250 ? 'met' : 'MISSED'} (${ms(burst?.ackP99 ?? NaN)})`);
  return lines.join('\n');
}
