import { describe, expect, it } from 'vitest';
import { matchPhrase, normalise, toGrammar } from '../../src/commands/phrase-match.js';
import { phrases } from '../../src/commands/phrases.js';

/** Sentence -> the grammar line it must become. */
const table: Array<[string, string]> = [
  ['who owns payments-api?', 'owner payments-api'],
  ['Who owns payments-api', 'owner payments-api'],
  ['who owns the payments-api service?', 'owner payments-api'],
  ["Who's the owner of ledger-db?", 'owner ledger-db'],
  ['who is responsible for checkout', 'owner checkout'],
  ['who maintains ledger-db', 'owner ledger-db'],
  ['which team owns payments-api?', 'owner payments-api'],
  ['what team owns component:default/ledger', 'owner component:default/ledger'],
  ['hey callsheet, who owns payments-api?', 'owner payments-api'],
  ['can you tell me who owns `payments-api`?', 'owner payments-api'],
  ['who do I talk to about payments-api?', 'owner payments-api'],
  ['who should i ask about "ledger-db"', 'owner ledger-db'],
  ['owner of payments-api', 'owner payments-api'],
  ['tell me about payments-api', 'owner payments-api'],
  ["what's payments-api?", 'owner payments-api'],
  ['who is ada', 'owner ada'],
  ['who is on call for payments-api', 'oncall payments-api'],
  ["who's on call for payments-api right now?", 'oncall payments-api'],
  ['Who is on-call for payments?', 'oncall payments'],
  ['who do I page for ledger-db', 'oncall ledger-db'],
  ['oncall for payments-api', 'oncall payments-api'],
  ['what does team payments own', 'team payments'],
  ['what does the payments team own?', 'team payments'],
  ['what does payments own?', 'team payments'],
  ['what is owned by group:default/payments', 'team group:default/payments'],
  ['who is on team payments?', 'team payments'],
  ['who is in the payments team', 'team payments'],
  ['members of payments', 'team payments'],
  ['what do we own?', 'team'],
  ['my teams', 'team'],
  ['what depends on ledger-db', 'deps ledger-db'],
  ['What depends on ledger-db?', 'deps ledger-db'],
  ['what uses the payments-rest api', 'deps payments-rest api'],
  ['what does payments-api depend on?', 'deps payments-api'],
  ['what breaks if ledger-db goes down?', 'deps ledger-db'],
  ['dependencies of payments-api', 'deps payments-api'],
  ['who consumes payments-rest', 'deps payments-rest'],
  ['find something that sends e-mail', 'find sends e-mail'],
  ['find a service that handles refunds', 'find handles refunds'],
  ['is there a service that sends e-mail?', 'find sends e-mail'],
  ['which service stores invoices?', 'find stores invoices'],
  ['search for ledger', 'find ledger'],
  ['look for payment gateway', 'find payment gateway'],
  ['what is in system payments?', 'system payments'],
  ['what is in the payments system', 'system payments'],
  ['what is in domain finance', 'domain finance'],
  ['what is stale?', 'stale'],
  ['what needs attention in payments?', 'stale payments'],
  ['what is stale for team payments', 'stale payments'],
  ['how is team payments doing?', 'score payments'],
  ['what can you do?', 'help'],
  ['create a new service', 'create'],
  ['i want to create a typescript-service', 'create typescript-service'],
  ['please, who owns payments-api? thanks', 'owner payments-api'],
];

/** Grammar lines pass through unchanged. */
const grammar = ['owner payments-api', 'find ledger', 'deps payments-api', 'team payments', 'stale', 'help owner', 'create typescript-service', 'system:payments', 'audit'];

describe('natural phrasings', () => {
  it(`maps ${table.length} phrasings onto the grammar`, () => {
    expect(table.length).toBeGreaterThanOrEqual(40);
    const wrong = table.filter(([sentence, line]) => toGrammar(sentence) !== line).map(([sentence, line]) => `${sentence} -> ${toGrammar(sentence)} (want ${line})`);
    expect(wrong).toEqual([]);
  });

  it('leaves grammar lines and unknown sentences alone', () => {
    for (const line of grammar) expect(toGrammar(line)).toBe(line);
    expect(matchPhrase('the weather is nice')).toBeUndefined();
    expect(matchPhrase('')).toBeUndefined();
  });

  it('runs the fallback when the phrase command is not in this build', () => {
    expect(toGrammar('who is on call for payments-api', (name) => name !== 'oncall')).toBe('owner payments-api');
  });

  it('never captures an empty or overlong subject', () => {
    expect(matchPhrase('who owns ?')).toBeUndefined();
    expect(matchPhrase(`who owns ${'x'.repeat(300)}`)).toBeUndefined();
  });

  it('normalises case, contractions, curly quotes and fillers', () => {
    expect(normalise('Hey Callsheet, Who\u2019s on call for X right now?!')).toBe('who is on call for x');
  });

  it('keeps every pattern with at most one subject, in lower case', () => {
    for (const phrase of phrases) {
      for (const pattern of phrase.patterns) {
        expect(pattern).toBe(pattern.toLowerCase());
        expect(pattern.split('{x}').length).toBeLessThanOrEqual(2);
        expect(pattern.includes('{x}')).toBe(phrase.command.includes('{x}'));
      }
    }
  });
});
