/** A generated organisation file: every Group and User of a company in one YAML stream, as HR exports write them. */
export function orgFile(documents: number, options: { groups?: number; pad?: number } = {}): string {
  const groups = options.groups ?? Math.max(1, Math.round(documents / 10));
  const pad = options.pad ? `  description: ${'x'.repeat(options.pad)}\n` : '';
  const out: string[] = [];
  for (let g = 0; g < groups && out.length < documents; g++) {
    const parent = g === 0 ? '' : `  parent: group-${Math.floor((g - 1) / 10)}\n`;
    out.push(`apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: group-${g}\n${pad}spec:\n  type: team\n${parent}  children: []\n`);
  }
  for (let u = 0; out.length < documents; u++) {
    out.push(
      `apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: user-${u}\n  annotations:\n    github.com/user-login: user-${u}\n${pad}spec:\n  profile:\n    displayName: User Number ${u}\n    email: user-${u}@example.com\n  memberOf: [group-${u % groups}]\n`,
    );
  }
  return out.join('---\n');
}
