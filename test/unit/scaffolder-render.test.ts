import { describe, expect, it } from 'vitest';
import { isSingleExpression, isTruthy, renderString, renderValue, type TemplateContext } from '../../src/scaffolder/render.js';
import { parseRepoUrl } from '../../src/scaffolder/filters.js';

function ctx(parameters: Record<string, unknown>, steps: TemplateContext['steps'] = {}): TemplateContext {
  return { parameters, steps, user: { ref: 'user:default/ada', entity: { metadata: { name: 'ada' } } }, context: { task: { id: 't-1' } } };
}

describe('renderValue', () => {
  it('keeps the type of a lone expression', () => {
    const c = ctx({ n: 3, b: false, list: ['a', 'b'], obj: { x: 1 }, s: '42' });
    expect(renderValue('${{ parameters.n }}', c)).toBe(3);
    expect(renderValue('${{ parameters.b }}', c)).toBe(false);
    expect(renderValue('${{ parameters.list }}', c)).toEqual(['a', 'b']);
    expect(renderValue('${{ parameters.obj }}', c)).toEqual({ x: 1 });
    // A string that looks like a number stays a string: it is dumped as JSON, then parsed.
    expect(renderValue('${{ parameters.s }}', c)).toBe('42');
    expect(renderValue('n=${{ parameters.n }}', c)).toBe('n=3');
  });

  it('drops keys whose lone expression has no value', () => {
    expect(renderValue({ a: '${{ parameters.missing }}', b: 'x' }, ctx({}))).toEqual({ b: 'x' });
  });

  it('renders nested inputs, step outputs, user and context', () => {
    const c = ctx({ name: 'pay' }, { publish: { output: { remoteUrl: 'file:///r.git' } } });
    expect(
      renderValue({ values: { name: '${{ parameters.name }}', url: "${{ steps['publish'].output.remoteUrl }}", who: '${{ user.ref }}', user: '${{ user.entity.metadata.name }}', task: '${{ context.task.id }}' }, list: ['${{ parameters.name }}-1'] }, c),
    ).toEqual({ values: { name: 'pay', url: 'file:///r.git', who: 'user:default/ada', user: 'ada', task: 't-1' }, list: ['pay-1'] });
  });

  it('supports conditionals and standard filters', () => {
    const c = ctx({ description: '', name: 'Pay API' });
    expect(renderValue("${{ parameters.description if parameters.description else parameters.name }}", c)).toBe('Pay API');
    expect(renderValue('${{ parameters.name | lower | replace(" ", "-") }}', c)).toBe('pay-api');
    expect(renderValue("${{ parameters.dryRun !== true }}", ctx({ dryRun: false }))).toBe(true);
  });

  it('treats user input as data, never as a template', () => {
    const evil = "${{ range.constructor('return process')() }}{% for x in [1] %}boom{% endfor %}";
    expect(renderValue('${{ parameters.name }}', ctx({ name: evil }))).toBe(evil);
    expect(renderValue('Hello ${{ parameters.name }}', ctx({ name: evil }))).toBe(`Hello ${evil}`);
    expect(renderString('${{ values.name }}', { values: { name: evil } })).toBe(evil);
  });

  it('fails loudly on a broken expression', () => {
    expect(() => renderValue('${{ parameters.name | noSuchFilter }}', ctx({ name: 'x' }))).toThrow(/noSuchFilter/);
  });

  it('recognises a lone expression', () => {
    expect(isSingleExpression('${{ parameters.a }}')).toBe(true);
    expect(isSingleExpression('x ${{ parameters.a }}')).toBe(false);
    expect(isSingleExpression('${{ a }}${{ b }}')).toBe(false);
  });
});

describe('if truthiness', () => {
  it('is JavaScript truthiness except that an empty array is false', () => {
    expect(isTruthy([])).toBe(false);
    expect(isTruthy([0])).toBe(true);
    expect(isTruthy('')).toBe(false);
    expect(isTruthy('false')).toBe(true);
    expect(isTruthy(0)).toBe(false);
    expect(isTruthy({})).toBe(true);
    expect(isTruthy(renderValue('${{ parameters.list }}', ctx({ list: [] })))).toBe(false);
  });
});

describe('filters', () => {
  it('parseRepoUrl', () => {
    expect(renderValue('${{ parameters.repoUrl | parseRepoUrl }}', ctx({ repoUrl: 'github.com?owner=acme&repo=pay' }))).toEqual({ host: 'github.com', owner: 'acme', repo: 'pay' });
    expect(parseRepoUrl('dev.azure.com?organization=o&project=p&repo=r')).toEqual({ host: 'dev.azure.com', organization: 'o', project: 'p', repo: 'r' });
    expect(() => parseRepoUrl('github.com?owner=acme')).toThrow(/missing repo/);
    expect(() => parseRepoUrl('github.com?repo=x')).toThrow(/missing owner/);
  });

  it('projectSlug', () => {
    expect(renderValue('${{ parameters.repoUrl | projectSlug }}', ctx({ repoUrl: 'github.com?owner=acme&repo=pay' }))).toBe('acme/pay');
  });

  it('parseEntityRef with and without defaults', () => {
    expect(renderValue('${{ parameters.owner | parseEntityRef }}', ctx({ owner: 'group:default/payments' }))).toEqual({ kind: 'group', namespace: 'default', name: 'payments' });
    expect(renderValue("${{ parameters.owner | parseEntityRef({ defaultKind: 'Group', defaultNamespace: 'ops' }) }}", ctx({ owner: 'payments' }))).toEqual({ kind: 'Group', namespace: 'ops', name: 'payments' });
    expect(renderValue("${{ parameters.owner | parseEntityRef | pick('name') }}", ctx({ owner: 'group:default/payments' }))).toBe('payments');
  });

  it('pick reaches into nested objects', () => {
    expect(renderValue("${{ parameters.o | pick('a.b') }}", ctx({ o: { a: { b: [1, 2] } } }))).toEqual([1, 2]);
  });
});
