/** What a step skipped in a dry run outputs (its own file: the runner and dry-run.ts both need it). */

export const placeholderOf = (stepId: string, key: string) => `<dry-run: steps.${stepId}.output.${key}>`;

/**
 * The output of a step that was skipped: any key read from it renders as a placeholder naming the
 * value a real run would have produced (our actions declare no output schema to build examples from,
 * as Backstage does with `generateExampleOutput`).
 */
export function placeholderOutput(stepId: string): Record<string, unknown> {
  return new Proxy({} as Record<string, unknown>, {
    get: (target, key) => (typeof key === 'string' && key !== 'toJSON' && key !== 'then' ? placeholderOf(stepId, key) : Reflect.get(target, key)),
  });
}
