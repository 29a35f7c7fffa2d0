/**
 * Who may define people, and who is an admin. ORG_SOURCES and the per-source `?kinds=` rules are
 * parsed in sources.ts; CALLSHEET_ADMINS names the Groups whose members may use admin commands.
 */
import { z } from 'zod';
import { tryRef } from '../catalog/refs.js';
import { list } from './fields.js';
import { parseSourceItem, splitSourceItems } from './sources.js';

const groupList = list('').superRefine((groups, ctx) => {
  for (const g of groups) {
    const ref = tryRef(g, { defaultKind: 'Group' });
    if (!ref || !ref.startsWith('group:')) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${g}" is not a Group ref (expected platform or group:default/platform)` });
  }
});

export const trustEnv = z.object({
  /** Groups (comma-separated refs) whose members may use admin commands such as `audit`; none: nobody. */
  CALLSHEET_ADMINS: groupList,
  /**
   * The sources people, groups and membership are read from (identity, "my teams", allowed-groups);
   * unset: every configured source allowed to declare User or Group.
   */
  ORG_SOURCES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      const items = splitSourceItems(v);
      items.forEach((item, i) => {
        try {
          parseSourceItem(item);
        } catch (e) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `item ${i + 1} ${item ? `"${item}"` : '(empty)'} ${(e as Error).message}` });
        }
      });
      return items;
    }),
});
