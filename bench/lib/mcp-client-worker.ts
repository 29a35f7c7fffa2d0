/**
 * The MCP client side of `bench:mcp`, run in a worker thread: the SDK's Client parses, validates and
 * allocates as much per call as the service does, and in the service's thread its garbage
 * collections landed in the service's figures. Here it has its own heap and event loop, as a real
 * agent has its own process. Each message from the bench runs one phase and answers its client-side
 * times.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';

const { url, token, components, words } = workerData as { url: string; token: string; components: string[]; words: string[] };
const client = new Client({ name: 'bench', version: '0.0.0' });
await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));

const owner = (i: number) => client.callTool({ name: 'owner', arguments: { entity: components[(i * 7919) % components.length]! } });
const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION };
const mixed: Array<(i: number) => Promise<unknown>> = [
  owner,
  (i) => client.callTool({ name: 'find', arguments: { query: words[i % words.length]! } }),
  (i) => client.callTool({ name: 'deps', arguments: { entity: components[(i * 31) % components.length]! } }),
  (i) => client.callTool({ name: 'team', arguments: { team: `team-${i % 10}` } }),
  (i) => client.callTool({ name: 'agents_md', arguments: { entity: components[(i * 17) % components.length]! } }),
  () => client.callTool({ name: 'validate_entity', arguments: { yaml: 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  type: service\n  lifecycle: production\n  owner: team-1\n' } }),
  () => client.callTool({ name: 'list_templates', arguments: {} }),
];

async function phase(name: string, calls: number, offset: number): Promise<number[]> {
  const times: number[] = [];
  if (name === 'mixed') await client.listTools();
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    if (name === 'owner') {
      const r = await owner(i + offset);
      if (r.isError) throw new Error(`owner failed: ${JSON.stringify(r.content)}`);
    } else if (name === 'stateless') {
      // No Mcp-Session-Id, as a bare HTTP client sends it: a pooled server per token answers.
      const body = JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'owner', arguments: { entity: components[((i + offset) * 7919) % components.length]! } } });
      const r = await fetch(url, { method: 'POST', headers, body });
      if (r.status !== 200) throw new Error(`stateless owner failed: ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
    } else await mixed[i % mixed.length]!(i);
    times.push(performance.now() - t);
  }
  return times;
}

parentPort!.on('message', (m: { phase: string; calls: number; offset: number } | 'close') => {
  if (m === 'close') {
    void client.close().then(() => parentPort!.close());
    return;
  }
  phase(m.phase, m.calls, m.offset).then(
    (times) => parentPort!.postMessage({ times }),
    (err: unknown) => parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) }),
  );
});
parentPort!.postMessage({ ready: true });
