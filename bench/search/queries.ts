/**
 * The judged evaluation set: planted entities and, per query, the refs a person asking it would
 * want (judged by hand; at most five each, so recall@5 can reach 1). Kinds of query: exact names,
 * words of a title or description, stemmed and hyphenated variants, typos, prefixes, tags, types,
 * owners, systems, domains and API names, and mixes of them.
 */
import type { Planted } from './catalog.js';

export const planted: Planted[] = [
  { kind: 'Group', name: 'payments-team', title: 'Payments team' },
  { kind: 'Group', name: 'identity-guild', title: 'Identity guild' },
  { kind: 'System', name: 'identity', title: 'Identity', description: 'Sign-in, sessions and user profiles', owner: 'identity-guild', domain: 'domain-zanzan' },
  { kind: 'System', name: 'billing', title: 'Billing', description: 'Invoices, subscriptions and dunning', owner: 'payments-team', domain: 'domain-zanzan' },
  { kind: 'Component', name: 'auth-service', title: 'Auth service', description: 'OpenID Connect provider and multi-factor authentication', tags: ['security', 'go'], type: 'service', owner: 'identity-guild', system: 'identity', providesApis: ['auth-oidc'] },
  { kind: 'Component', name: 'user-profile-service', title: 'User profile service', description: 'Customer profiles, preferences and consent', tags: ['kotlin'], type: 'service', owner: 'identity-guild', system: 'identity' },
  { kind: 'Component', name: 'session-broker', description: 'Keeps sign-in sessions alive across devices', type: 'service', owner: 'identity-guild', system: 'identity' },
  { kind: 'API', name: 'auth-oidc', title: 'OIDC API', description: 'OpenID Connect discovery and token endpoints', type: 'openapi', owner: 'identity-guild', system: 'identity' },
  { kind: 'Component', name: 'notification-service', title: 'Notification service', description: 'Sends e-mail, SMS and push notifications', type: 'service', owner: 'team-3', providesApis: ['notifications'] },
  { kind: 'API', name: 'notifications', title: 'Notifications API', description: 'Send e-mail and push messages to customers', type: 'openapi', owner: 'team-3' },
  { kind: 'Component', name: 'payments-api', title: 'Payments API', description: 'Public API for card and bank payments', tags: ['pci', 'rest'], type: 'service', owner: 'payments-team', system: 'billing', providesApis: ['payments-rest'] },
  { kind: 'Component', name: 'payments-worker', description: 'Captures authorised payments and retries settlements', tags: ['pci'], type: 'service', owner: 'payments-team', system: 'billing' },
  { kind: 'Component', name: 'card-gateway-adapter', title: 'Card gateway adapter', description: 'Talks to card acquirers', tags: ['pci', 'go'], type: 'service', owner: 'payments-team', system: 'billing' },
  { kind: 'Component', name: 'refunds-service', title: 'Refunds service', description: 'Partial and full refunds and chargebacks', tags: ['pci'], type: 'service', owner: 'payments-team', system: 'billing' },
  { kind: 'Component', name: 'payments-sdk-ios', title: 'Payments SDK for iOS', description: 'Card entry for the iPhone app', tags: ['pci', 'swift'], type: 'library', owner: 'payments-team', system: 'billing' },
  { kind: 'API', name: 'payments-rest', title: 'Payments REST API', description: 'Create, capture and refund payments', type: 'openapi', owner: 'payments-team', system: 'billing' },
  { kind: 'Component', name: 'invoice-renderer', title: 'Invoice renderer', description: 'Renders PDF invoices and mails them to customers', tags: ['pdf'], type: 'service', owner: 'payments-team', system: 'billing' },
  { kind: 'Component', name: 'dunning-scheduler', description: 'Chases overdue subscriptions with reminder mails', type: 'service', owner: 'payments-team', system: 'billing' },
  { kind: 'Resource', name: 'ledger-db', title: 'Ledger database', description: 'PostgreSQL cluster holding every booking', tags: ['postgres'], type: 'database', owner: 'team-5' },
  { kind: 'Component', name: 'ledger-reconciler', description: 'Reconciles bank statements against the ledger every night', type: 'service', owner: 'team-5' },
  { kind: 'Component', name: 'search-indexer', title: 'Search indexer', description: 'Builds the product search index from catalogue updates', tags: ['elasticsearch'], type: 'service', owner: 'team-7' },
  { kind: 'Component', name: 'recommendations-engine', title: 'Recommendations engine', description: 'Suggests related products from browsing history', tags: ['python', 'ml'], type: 'service', owner: 'team-7' },
  { kind: 'Component', name: 'checkout-web', title: 'Checkout web', description: 'The cart and checkout pages of the web shop', tags: ['react'], type: 'website', owner: 'team-8' },
  { kind: 'Component', name: 'feature-flags', title: 'Feature flags', description: 'Toggles and gradual rollouts for every team', tags: ['platform'], type: 'service', owner: 'team-9' },
  { kind: 'Component', name: 'log-shipper', description: 'Ships container logs to the observability stack', tags: ['observability'], type: 'service', owner: 'team-9' },
  { kind: 'Resource', name: 'events-kafka', title: 'Events Kafka cluster', description: 'Kafka topics for domain events', tags: ['kafka'], type: 'kafka-cluster', owner: 'team-9' },
  { kind: 'Component', name: 'fraud-scorer', title: 'Fraud scorer', description: 'Scores transactions for fraud risk in real time', tags: ['ml'], type: 'service', owner: 'team-7' },
  { kind: 'Component', name: 'image-resizer', title: 'Image resizer', description: 'Resizes and crops product photos on upload', type: 'service', owner: 'team-8' },
];

const c = (name: string) => `component:default/${name}`;
const api = (name: string) => `api:default/${name}`;
const res = (name: string) => `resource:default/${name}`;
const sys = (name: string) => `system:default/${name}`;
const PCI_SERVICES = [c('payments-api'), c('payments-worker'), c('card-gateway-adapter'), c('refunds-service')];

export const queries: Array<{ q: string; relevant: string[] }> = [
  // Names, exact and partial.
  { q: 'payments-api', relevant: [c('payments-api')] },
  { q: 'auth-service', relevant: [c('auth-service')] },
  { q: 'ledger-db', relevant: [res('ledger-db')] },
  { q: 'image-resizer', relevant: [c('image-resizer')] },
  { q: 'feature flags', relevant: [c('feature-flags')] },
  { q: 'log shipper', relevant: [c('log-shipper')] },
  { q: 'session broker', relevant: [c('session-broker')] },
  { q: 'fraud', relevant: [c('fraud-scorer')] },
  { q: 'recommendations', relevant: [c('recommendations-engine')] },
  { q: 'reconciler', relevant: [c('ledger-reconciler')] },
  // Prefixes.
  { q: 'recommend', relevant: [c('recommendations-engine')] },
  { q: 'notif', relevant: [c('notification-service'), api('notifications')] },
  { q: 'invoic', relevant: [c('invoice-renderer'), sys('billing')] },
  { q: 'resiz', relevant: [c('image-resizer')] },
  // Typos.
  { q: 'paymnets api', relevant: [c('payments-api'), api('payments-rest')] },
  { q: 'notifcation service', relevant: [c('notification-service')] },
  { q: 'recomendations', relevant: [c('recommendations-engine')] },
  { q: 'ledgr database', relevant: [res('ledger-db')] },
  { q: 'chekout', relevant: [c('checkout-web')] },
  { q: 'invoise renderer', relevant: [c('invoice-renderer')] },
  { q: 'idenity', relevant: [sys('identity'), c('auth-service'), c('user-profile-service'), c('session-broker'), api('auth-oidc')] },
  { q: 'kafak cluster', relevant: [res('events-kafka')] },
  // Stemming and spelling variants.
  { q: 'notification email', relevant: [c('notification-service'), api('notifications')] },
  { q: 'sends emails', relevant: [c('notification-service'), api('notifications')] },
  { q: 'rendering invoices', relevant: [c('invoice-renderer')] },
  { q: 'refunding payments', relevant: [c('refunds-service'), api('payments-rest')] },
  { q: 'resizing photos', relevant: [c('image-resizer')] },
  { q: 'reconciling bank statements', relevant: [c('ledger-reconciler')] },
  { q: 'signin sessions', relevant: [c('session-broker'), sys('identity')] },
  { q: 'rollout toggle', relevant: [c('feature-flags')] },
  // Words from descriptions.
  { q: 'overdue subscriptions', relevant: [c('dunning-scheduler')] },
  { q: 'card acquirers', relevant: [c('card-gateway-adapter')] },
  { q: 'product search index', relevant: [c('search-indexer')] },
  { q: 'browsing history', relevant: [c('recommendations-engine')] },
  { q: 'container logs', relevant: [c('log-shipper')] },
  { q: 'fraud risk transactions', relevant: [c('fraud-scorer')] },
  { q: 'multi-factor authentication', relevant: [c('auth-service')] },
  { q: 'customer profiles consent', relevant: [c('user-profile-service')] },
  { q: 'pdf', relevant: [c('invoice-renderer')] },
  // Tags, types and mixes.
  { q: 'pci service', relevant: PCI_SERVICES },
  { q: 'pci library', relevant: [c('payments-sdk-ios')] },
  { q: 'elasticsearch', relevant: [c('search-indexer')] },
  { q: 'kafka', relevant: [res('events-kafka')] },
  { q: 'postgres database', relevant: [res('ledger-db')] },
  { q: 'ml python', relevant: [c('recommendations-engine')] },
  { q: 'react website', relevant: [c('checkout-web')] },
  // Systems, owners, domains and API names.
  { q: 'identity', relevant: [sys('identity'), c('auth-service'), c('user-profile-service'), c('session-broker'), api('auth-oidc')] },
  { q: 'billing pci', relevant: [...PCI_SERVICES, c('payments-sdk-ios')] },
  { q: 'identity-guild service', relevant: [c('auth-service'), c('user-profile-service'), c('session-broker')] },
  { q: 'payments-team library', relevant: [c('payments-sdk-ios')] },
  { q: 'auth-oidc', relevant: [api('auth-oidc'), c('auth-service')] },
  { q: 'payments-rest', relevant: [api('payments-rest'), c('payments-api')] },
  { q: 'billing invoices', relevant: [sys('billing'), c('invoice-renderer')] },
  { q: 'openid connect', relevant: [c('auth-service'), api('auth-oidc')] },
  { q: 'sdk ios', relevant: [c('payments-sdk-ios')] },
  { q: 'iphone card entry', relevant: [c('payments-sdk-ios')] },
];
