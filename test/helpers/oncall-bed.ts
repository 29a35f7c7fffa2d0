/**
 * The demo catalog plus a few on-call shapes, and fakes of PagerDuty and Opsgenie that know them:
 * payments-api by service id, risk-gate by integration key only, notify by Opsgenie team, search
 * by Opsgenie component selector. Times are around NOW.
 */
import type { OnCallEnv } from '../../src/config/oncall.js';
import type { Db } from '../../src/db/client.js';
import { silentLogger } from '../../src/logger.js';
import { onCallFromConfig, type OnCallService } from '../../src/oncall/service.js';
import { startFakeOpsgenie, type FakeOpsgenie } from '../fakes/opsgenie/server.js';
import { startFakePagerDuty, type FakePagerDuty } from '../fakes/pagerduty/server.js';
import { seedCatalog } from './seed.js';

export const NOW = '2026-12-03T12:00:00Z';
export const PAYMENTS_KEY = '9f2c51e0a4b84c07b3d6e1f27a8c4d15';
export const FRAUD_KEY = 'f'.repeat(32);

const extra = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: risk-gate
  annotations:
    pagerduty.com/integration-key: ${FRAUD_KEY}
spec: { type: service, lifecycle: production, owner: payments }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: notify
  annotations:
    opsgenie.com/team: Payments Ops
spec: { type: service, lifecycle: production, owner: growth }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: search-indexer
  annotations:
    opsgenie.com/component-selector: 'tag:"service:search"'
spec: { type: service, lifecycle: production, owner: growth }
`;

export interface OnCallBed {
  pd: FakePagerDuty;
  og: FakeOpsgenie;
  env: OnCallEnv;
  service(overrides?: Partial<OnCallEnv>): OnCallService;
  close(): Promise<void>;
}

/** The demo catalog with the extra on-call shapes, and the fakes around NOW. */
export async function startOnCallBed(db: Db): Promise<OnCallBed> {
  await seedCatalog(db, { files: { 'catalog/oncall-extra.yaml': extra } });
  return startOnCallFakes(Date.parse(NOW));
}

/** The fakes alone, with shifts placed around `base` (ms): for the whole service, which keeps real time. */
export async function startOnCallFakes(base: number): Promise<OnCallBed> {
  // Hours from `base`: with base = NOW, -51 is 2026-12-01T09:00Z.
  const at = (hours: number) => new Date(base + hours * 3_600_000).toISOString();
  const pd = await startFakePagerDuty({ token: 'pd-test-token' });
  const og = await startFakeOpsgenie({ apiKey: 'og-test-key' });
  // Enough services that finding one by integration key reads more than one page.
  for (let i = 0; i < 120; i++) pd.addService({ id: `PFILL${i}`, name: `filler ${i}`, policyId: 'PFILL' });
  pd.addService({ id: 'PX7K2QD', name: 'Payments API', policyId: 'PPAY', integrationKeys: [PAYMENTS_KEY] });
  pd.addService({ id: 'PL9D0R2', name: 'Ledger', policyId: 'PLED' });
  pd.addService({ id: 'PFRAUD1', name: 'Fraud check', policyId: 'PFRA', integrationKeys: [FRAUD_KEY] });
  const user = (name: string, email: string) => ({ id: `P${name.slice(0, 4).toUpperCase()}`, name, email });
  pd.addOnCall({ policyId: 'PPAY', level: 1, user: user('Alice Nguyen', 'Alice.Nguyen@acmepay.example'), start: at(-51), end: at(117) });
  pd.addOnCall({ policyId: 'PPAY', level: 1, user: user('Bruno Costa', 'bruno.costa@acmepay.example'), start: at(117), end: at(285) });
  pd.addOnCall({ policyId: 'PPAY', level: 2, user: user('Chen Wei', 'chen.wei@acmepay.example') });
  pd.addOnCall({ policyId: 'PLED', level: 1, user: user('Zed Outsider', 'zed@contractor.example'), start: at(-4), end: at(8) });
  pd.addOnCall({ policyId: 'PFRA', level: 1, user: user('Dana Okafor', 'dana.okafor@acmepay.example') });
  og.addTeam({ id: 't-pay', name: 'Payments Ops' });
  og.addSchedule({
    id: 's-pay',
    name: 'Payments Ops primary',
    teamId: 't-pay',
    periods: [
      { user: 'julia.martins@acmepay.example', start: at(-12), end: at(12) },
      { user: 'hana.sato@acmepay.example', start: at(12), end: at(36) },
    ],
  });
  og.addSchedule({ id: 's-off', name: 'Old rota', teamId: 't-pay', enabled: false, periods: [] });
  og.addService({ id: 'svc-search', name: 'search', teamId: 't-pay', tags: ['service:search'] });
  const env: OnCallEnv = {
    PAGERDUTY_TOKEN: 'pd-test-token',
    PAGERDUTY_API_URL: pd.url,
    PAGERDUTY_EVENTS_URL: pd.url,
    OPSGENIE_API_KEY: 'og-test-key',
    OPSGENIE_API_URL: og.url,
    PAGE_ALLOWED_GROUPS: ['payments'],
    ONCALL_CACHE_TTL: 60_000,
  };
  return {
    pd,
    og,
    env,
    service: (overrides = {}) => onCallFromConfig({ ...env, ...overrides }, silentLogger()),
    async close() {
      await Promise.all([pd.close(), og.close()]);
    },
  };
}
