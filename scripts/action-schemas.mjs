#!/usr/bin/env node
/**
 * Writes the input/output JSON Schemas of Backstage's own scaffolder actions to
 * src/scaffolder/actions/backstage-schemas.json, so Callsheet accepts exactly the inputs Backstage
 * accepts without re-typing them. Backstage's packages are dev dependencies: the runtime reads the
 * committed file only. `--check` prints the schemas instead of writing (the judge test compares).
 * Usage: npm run schemas:actions
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import * as core from '@backstage/plugin-scaffolder-backend';
import * as github from '@backstage/plugin-scaffolder-backend-module-github';
import * as gitlab from '@backstage/plugin-scaffolder-backend-module-gitlab';
import * as notifications from '@backstage/plugin-scaffolder-backend-module-notifications';
import * as cookiecutter from '@backstage/plugin-scaffolder-backend-module-cookiecutter';

const config = new ConfigReader({});
const integrations = ScmIntegrations.fromConfig(config);
// Only the factories' shapes matter: nothing here is ever called.
const stub = new Proxy({}, { get: () => () => undefined });
const deps = { integrations, config, reader: stub, catalogClient: stub, catalog: stub, auth: stub, notifications: stub, notificationService: stub, githubCredentialsProvider: stub, containerRunner: stub };

const packages = {
  '@backstage/plugin-scaffolder-backend': core,
  '@backstage/plugin-scaffolder-backend-module-github': github,
  '@backstage/plugin-scaffolder-backend-module-gitlab': gitlab,
  '@backstage/plugin-scaffolder-backend-module-notifications': notifications,
  '@backstage/plugin-scaffolder-backend-module-cookiecutter': cookiecutter,
};

export function collectSchemas() {
  const actions = {};
  for (const [pkg, mod] of Object.entries(packages)) {
    for (const [name, factory] of Object.entries(mod)) {
      if (!/^create\w+Action$/.test(name) || typeof factory !== 'function') continue;
      let action;
      try {
        action = factory(deps);
      } catch {
        continue; // a factory that needs a real service is not one whose schema we can read
      }
      if (!action || typeof action.id !== 'string' || !action.schema) continue;
      const schema = typeof action.schema.input === 'function' ? undefined : action.schema;
      actions[action.id] = {
        package: pkg,
        supportsDryRun: action.supportsDryRun === true,
        input: schema?.input ?? { type: 'object' },
        ...(schema?.output ? { output: schema.output } : {}),
      };
    }
  }
  return Object.fromEntries(Object.entries(actions).sort(([a], [b]) => a.localeCompare(b)));
}

const target = fileURLToPath(new URL('../src/scaffolder/actions/backstage-schemas.json', import.meta.url));
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = `${JSON.stringify(collectSchemas(), null, 2)}\n`;
  if (process.argv.includes('--check')) process.stdout.write(text);
  else {
    writeFileSync(target, text);
    process.stdout.write(`wrote ${target}\n`);
  }
}
