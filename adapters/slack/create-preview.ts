/**
 * The Preview button on a create modal's last page: the answers so far are dry-run (nothing is
 * published, no task is made) and the result (steps, files, catalog-info.yaml) is pushed as a modal
 * on top of the form, which stays as it was. The view is pushed at once (the trigger id lives three
 * seconds) and filled in when the dry run ends.
 */
import type { App, BlockAction, types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../src/clock.js';
import type { Requester } from '../../src/commands/types.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import { dryRunReply } from '../../src/scaffolder/dry-run-reply.js';
import { initialValues } from '../../src/scaffolder/form-values.js';
import { previewTask } from '../../src/scaffolder/preview.js';
import type { RunnerDeps } from '../../src/scaffolder/runner.js';
import { openForm } from '../../src/scaffolder/service.js';
import type { Who } from './create-task.js';
import { loadingView, noticeView, plainText } from './create-views.js';
import { decodeState, PREVIEW_ACTION, readPage, type StateValues } from './render-form.js';
import { renderReply } from './render-reply.js';

export interface PreviewDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  web: WebClient;
  runner?: RunnerDeps;
  requesterOf(who: Who): Promise<Requester>;
}

const MAX_MODAL_BLOCKS = 100;

export function registerCreatePreview(app: App, deps: PreviewDeps): void {
  const { db, web, logger } = deps;
  app.action<BlockAction>({ action_id: PREVIEW_ACTION }, async ({ ack, body }) => {
    await ack();
    const view = body.view;
    if (!view) return;
    const pushed = await web.views.push({ trigger_id: body.trigger_id, view: loadingView('Preview') });
    const show = (next: types.ModalView) => web.views.update({ view_id: pushed.view!.id!, view: next }).catch((error) => logger.warn({ err: (error as Error).message }, 'could not show the preview'));
    try {
      if (!deps.runner) return void (await show(noticeView('Preview', 'Previews are not available here.')));
      const state = decodeState(view.private_metadata);
      const requester = await deps.requesterOf({ userId: body.user.id, teamId: body.user.team_id ?? body.team?.id });
      const opened = await openForm(db, state.t, requester);
      if (!opened.ok) return void (await show(noticeView('Preview', opened.message)));
      const read = readPage(opened.form, state.p, state.vals, view.state.values as StateValues);
      const values = { ...initialValues(opened.form), ...read.values };
      const previewed = await previewTask({ db, clock: deps.clock, runner: deps.runner }, { templateRef: state.t, requester, values });
      if (!previewed.ok) {
        const text = previewed.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('\n');
        return void (await show(noticeView('Preview', `Fix these answers first:\n${text}`)));
      }
      const blocks = renderReply(dryRunReply(opened.form.title, previewed.result)).blocks as types.KnownBlock[];
      await show({ type: 'modal', title: plainText('Preview'), close: plainText('Back'), blocks: blocks.slice(0, MAX_MODAL_BLOCKS) });
    } catch (error) {
      logger.error({ err: error }, 'create preview failed');
      await show(noticeView('Preview', 'Sorry, the preview failed.'));
    }
  });
}
