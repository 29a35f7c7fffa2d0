/**
 * One grammar for every face: `owner payments-api`, `/owner payments-api`, `/catalog owner x`,
 * `catalog owner x` all become { name: 'owner', args: 'payments-api' }.
 */
export interface ParsedLine {
  name: string;
  args: string;
}

/** Longest input we look at; anything longer is cut, never parsed further. */
export const MAX_LINE = 500;

export function parseLine(input: string): ParsedLine {
  let line = input.slice(0, MAX_LINE).replace(/\s+/g, ' ').trim();
  line = line.replace(/^\//, '');
  let [head = '', ...rest] = line.split(' ');
  if (head.toLowerCase() === 'catalog' || head.toLowerCase() === 'callsheet') {
    [head = '', ...rest] = rest;
    head = head.replace(/^\//, '');
  }
  return { name: head.toLowerCase(), args: rest.join(' ').trim() };
}
