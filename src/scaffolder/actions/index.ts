/** The built-in actions. publish:github (and any other) is added by passing it in `extra`. */
import { catalogRegisterAction, type CatalogRegistrar } from './catalog-register.js';
import { catalogWriteAction } from './catalog-write.js';
import { debugLogAction } from './debug-log.js';
import { fetchPlainAction } from './fetch-plain.js';
import { fetchTemplateFileAction } from './fetch-template-file.js';
import { fetchTemplateAction } from './fetch-template.js';
import { publishGitAction, type PublishGitOptions } from './publish-git.js';
import { createActionRegistry, type ActionRegistry, type TemplateAction } from './types.js';

export interface BuiltinActionOptions {
  registrar: CatalogRegistrar;
  publishGit: PublishGitOptions;
  extra?: TemplateAction<any>[];
}

export function builtinActions(options: BuiltinActionOptions): ActionRegistry {
  return createActionRegistry([
    fetchTemplateAction,
    fetchPlainAction,
    fetchTemplateFileAction,
    publishGitAction(options.publishGit),
    catalogRegisterAction(options.registrar),
    catalogWriteAction,
    debugLogAction,
    ...(options.extra ?? []),
  ]);
}

export type { ActionRegistry, CatalogRegistrar, TemplateAction };
