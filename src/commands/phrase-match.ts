/**
 * Turns a natural sentence into a line of the grammar using the phrase table (phrases.ts): pure, no
 * I/O, no model. `who owns payments-api?` -> `owner payments-api`. A sentence no phrase matches is
 * returned unchanged, so grammar lines pass through as they are.
 */
import { LEADING_FILLERS, SUBJECT_ARTICLES, SUBJECT_NOUNS, TRAILING_FILLERS, phrases, type Phrase } from './phrases.js';

/** Longest subject taken from a sentence; a longer capture is not a name. */
const MAX_SUBJECT = 200;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface CompiledPattern {
  phrase: Phrase;
  regex: RegExp;
}

// Compiled once: each pattern must match the whole normalised sentence.
const compiled: CompiledPattern[] = phrases.flatMap((phrase) =>
  phrase.patterns.map((pattern) => ({ phrase, regex: new RegExp(`^${pattern.split('{x}').map(escape).join('(.+)')}$`) })),
);

const contractions: Array<[RegExp, string]> = [
  [/[\u2018\u2019\u02bc`]/g, "'"],
  [/\bwho'?s\b/g, 'who is'],
  [/\bwhat'?s\b/g, 'what is'],
  [/\bwhere'?s\b/g, 'where is'],
  [/\bwho'?re\b/g, 'who are'],
  [/\bi'm\b/g, 'i am'],
  [/\bwhat'?re\b/g, 'what are'],
];

function stripFillers(text: string): string {
  let out = text;
  for (let changed = true; changed; ) {
    changed = false;
    for (const filler of LEADING_FILLERS) {
      if (out === filler) continue;
      if (out.startsWith(`${filler} `) || out.startsWith(`${filler}, `)) {
        out = out.slice(filler.length).replace(/^,?\s+/, '');
        changed = true;
      }
    }
    for (const filler of TRAILING_FILLERS) {
      if (out !== filler && (out.endsWith(` ${filler}`) || out.endsWith(`, ${filler}`))) {
        out = out.slice(0, -filler.length).replace(/[?!.,]*\s+$/, '');
        changed = true;
      }
    }
  }
  return out;
}

/** The sentence as the patterns are written: lower case, contractions spelled out, no end punctuation. */
export function normalise(sentence: string): string {
  let text = sentence.toLowerCase().replace(/\s+/g, ' ').trim();
  for (const [from, to] of contractions) text = text.replace(from, to);
  text = text.replace(/[?!.…]+$/, '').trim();
  return stripFillers(text).replace(/[?!.,…]+$/, '').trim();
}

function cleanSubject(raw: string, command: string): string {
  let text = raw.trim().replace(/^["'`]+|["'`]+$/g, '').trim();
  const words = text.split(' ');
  if (words.length > 1 && SUBJECT_ARTICLES.includes(words[0])) words.shift();
  const team = command.startsWith('team ') || command.startsWith('stale ') || command.startsWith('score ');
  if (team && words.length > 1 && words[0] === 'team') words.shift();
  if (team && words.length > 1 && words.at(-1) === 'team') words.pop();
  if (!command.startsWith('find ') && words.length > 1 && SUBJECT_NOUNS.includes(words.at(-1)!)) words.pop();
  text = words.join(' ').replace(/^["'`]+|["'`]+$/g, '').trim();
  return text;
}

export interface PhraseMatch {
  /** The grammar line the sentence means. */
  line: string;
  /** The pattern that matched (for tests and logs). */
  pattern: string;
}

/**
 * The grammar line a sentence means, or undefined when no phrase matches. `isCommand` says which
 * command names this build knows, so a phrase for a command it lacks runs its fallback instead.
 */
export function matchPhrase(sentence: string, isCommand: (name: string) => boolean = () => true): PhraseMatch | undefined {
  const text = normalise(sentence.slice(0, 500));
  if (!text) return undefined;
  for (const { phrase, regex } of compiled) {
    const found = regex.exec(text);
    if (!found) continue;
    const wanted = isCommand(phrase.command.split(' ')[0]) || !phrase.fallback ? phrase.command : phrase.fallback;
    if (!wanted.includes('{x}')) return { line: wanted, pattern: regex.source };
    const subject = cleanSubject(found[1] ?? '', wanted);
    if (!subject || subject.length > MAX_SUBJECT) continue;
    return { line: wanted.replace('{x}', subject), pattern: regex.source };
  }
  return undefined;
}

/** The line to run: the grammar line a sentence means, or the input itself. */
export function toGrammar(line: string, isCommand?: (name: string) => boolean): string {
  return matchPhrase(line, isCommand)?.line ?? line;
}
