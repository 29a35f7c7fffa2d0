/**
 * The Slack side of `npm run bench:slack` (a child process of bench/slack.ts): the load generator,
 * the fake Web API and the response_url receiver, so the client's own work never sits on the
 * server's event loop.
 */
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startFakeSlack } from '../test/fakes/slack-api.js';
import { signSlack } from '../test/helpers/slack-sign.js';
import { DRAIN_MS, SECRET, TOKEN, plan, type ClientPhase, type ToServer, type ToSlack } from './slack-plan.js';

// node:http with keep-alive rather than fetch: at 1,000 requests/s undici's fetch cost this process
// more CPU than the server spent acknowledging, on the same two cores, and showed up as ack latency.
const agent = new Agent({ keepAlive: true, maxSockets: 512 });

function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function slackSide() {
  const send = (message: ToServer) => new Promise<void>((resolve) => process.send!(message, () => resolve()));
  const fake = await startFakeSlack({ token: TOKEN });
  const go = new Promise<ToSlack>((resolve) => process.once('message', (m) => resolve(m as ToSlack)));
  await send({ type: 'fake', apiUrl: fake.apiUrl });
  const { url, components, warm, users } = await go;
  for (const user of users) fake.addUser({ id: user.id, email: user.email, name: user.id });
  const requesters = users.slice(0, plan.requesters);

  // Hook ids carry the request number; a poller stamps when each response_url post arrived.
  const delivered = new Map<string, number>();
  let seen = 0;
  const poll = setInterval(() => {
    const now = performance.now();
    for (; seen < fake.calls.length; seen++) {
      const call = fake.calls[seen]!;
      if (call.method === 'response_url' && call.hook) delivered.set(call.hook, now);
    }
    // The fake keeps every call for tests' assertions; here that is thousands of answers' blocks,
    // and collecting them paused this process. Seen calls are dropped.
    fake.calls.splice(0, seen);
    seen = 0;
  }, 2);

  const clientLoop = monitorEventLoopDelay({ resolution: 5 });
  clientLoop.enable();
  let seq = 0;
  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
  const phases: ClientPhase[] = [];

  /**
   * Opens `count` keep-alive connections to the server before a paced phase, as Slack's senders and
   * the load balancer in front of a service hold pools of them. Without it a burst's first second
   * measured something else: libuv accepts one connection per event-loop turn, so with the loop busy
   * answering, each of a hundred new connections waited its turn (up to a second).
   */
  async function warmConnections(count: number) {
    await Promise.all(
      Array.from({ length: count }, () => new Promise<void>((resolve, reject) => request(`${url}/healthz`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject).end())),
    );
  }

  async function runPhase(name: string, total: number, schedule: { rate?: number; concurrency: number }, component: (i: number) => string) {
    if (schedule.rate) await warmConnections(schedule.concurrency);
    await send({ type: 'phase', name, at: 'start' });
    const phase: ClientPhase = { name, requests: total, seconds: 0, failures: 0, why: {}, ack: [], inline: 0, viaResponseUrl: 0, answer: [], loop: { p99: 0, max: 0 } };
    clientLoop.reset();
    const fail = (reason: string) => {
      phase.failures++;
      phase.why[reason] = (phase.why[reason] ?? 0) + 1;
    };
    const pending: Array<{ hook: string; scheduled: number }> = [];
    let inFlight = 0;
    const one = async (i: number, scheduled: number) => {
      const hook = `r${++seq}`;
      const who = pick(requesters);
      const target = component(i);
      const body = new URLSearchParams({
        token: 'legacy', team_id: 'T0BENCH', team_domain: 'bench', channel_id: 'C0BENCH', channel_name: 'bench',
        user_id: who.id, user_name: who.id, command: '/owner', text: target, api_app_id: 'A0BENCH',
        response_url: fake.responseUrl(hook), trigger_id: `t${seq}`,
      }).toString();
      inFlight++;
      try {
        const response = await post(`${url}/slack/events`, { 'content-type': 'application/x-www-form-urlencoded', 'x-bench-phase': name, ...signSlack(SECRET, body) }, body);
        const text = response.text;
        const acked = performance.now();
        phase.ack.push(acked - scheduled);
        if (response.status !== 200) {
          fail(`HTTP ${response.status}`);
        } else if (text) {
          const answer = JSON.parse(text) as { text?: string };
          if (!answer.text?.startsWith(`${target} is owned by team-`)) fail(`answer: ${answer.text?.slice(0, 60)}`);
          phase.inline++;
          phase.answer.push(acked - scheduled);
        } else {
          phase.viaResponseUrl++;
          pending.push({ hook, scheduled });
        }
      } catch (error) {
        fail(`client: ${(error as { code?: string }).code ?? (error as Error).message}`);
      } finally {
        inFlight--;
      }
    };

    const started = performance.now();
    const running: Array<Promise<void>> = [];
    if (!schedule.rate) {
      for (let i = 0; i < total; i++) {
        await one(i, performance.now());
      }
    } else {
      // Open loop: request i is due at started + i / rate, whether or not earlier ones finished.
      const interval = 1000 / schedule.rate;
      let i = 0;
      while (i < total) {
        const now = performance.now();
        // At the concurrency cap a due request waits; its latency still counts from when it was due.
        while (i < total && started + i * interval <= now && inFlight < schedule.concurrency) {
          running.push(one(i, started + i * interval));
          i++;
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await Promise.all(running);
    }
    phase.seconds = (performance.now() - started) / 1000;
    phase.loop = { p99: clientLoop.percentile(99) / 1e6, max: clientLoop.max / 1e6 };
    // Answers that went through response_url: wait (bounded) for every one of them.
    const deadline = performance.now() + DRAIN_MS;
    while (pending.some((p) => !delivered.has(p.hook)) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const p of pending) {
      const at = delivered.get(p.hook);
      if (at === undefined) fail(`no response_url post within ${DRAIN_MS / 1000} s`);
      else phase.answer.push(at - p.scheduled);
    }
    phases.push(phase);
    await send({ type: 'phase', name, at: 'end' });
  }

  try {
    await runPhase('cold', warm.length, { concurrency: 1 }, (i) => warm[i]!);
    await runPhase('sequential', plan.sequential, { concurrency: 1 }, () => pick(components));
    await runPhase('paced', plan.paced.rate * plan.paced.seconds, plan.paced, () => pick(components));
    await runPhase('burst', plan.burst.rate * plan.burst.seconds, plan.burst, () => pick(components));
    await send({ type: 'done', phases });
  } catch (error) {
    await send({ type: 'failed', error: (error as Error).stack ?? String(error) });
  } finally {
    clearInterval(poll);
    await fake.close();
  }
}
