/**
 * Natural phrasings of the grammar, as data: each pattern is a normalised sentence (lower case, no
 * trailing punctuation, contractions spelled out) where `{x}` is the thing asked about. The first
 * phrase whose pattern matches the whole sentence wins, so specific phrasings come before general
 * ones ("who is on call for x" before "who is x"). No language model: adding a phrasing is adding a row.
 */
export interface Phrase {
  /** The command line the sentence means; `{x}` is replaced by what the pattern captured. */
  command: string;
  /** When the command is not known to this build (e.g. `oncall`), this line is run instead. */
  fallback?: string;
  patterns: string[];
}

/** Words in front of a question that carry no meaning for the grammar. */
export const LEADING_FILLERS = [
  'hey callsheet',
  'hi callsheet',
  'hello callsheet',
  'callsheet',
  'hey',
  'hi',
  'hello',
  'please',
  'quick question',
  'can you tell me',
  'could you tell me',
  'can you please tell me',
  'do you know',
  'does anyone know',
  'i need to know',
  'i want to know',
  'tell me',
  'so',
  'ok',
  'okay',
];

/** Words after a question that carry no meaning for the grammar. */
export const TRAILING_FILLERS = ['please', 'thanks', 'thank you', 'right now', 'at the moment', 'currently', 'today', 'now'];

/** Words in front of what was asked about: `who owns the payments-api` asks about `payments-api`. */
export const SUBJECT_ARTICLES = ['the', 'a', 'an', 'our', 'my', 'this', 'that'];

/** Generic nouns after a name that are not part of it: `the payments-api service`. */
export const SUBJECT_NOUNS = ['service', 'component', 'microservice', 'app', 'application', 'repo', 'repository', 'library', 'website'];

export const phrases: Phrase[] = [
  {
    command: 'oncall {x}',
    fallback: 'owner {x}',
    patterns: [
      'who is on call for {x}',
      'who is oncall for {x}',
      'who is on-call for {x}',
      'who is on call on {x}',
      'who is on call in {x}',
      'who is on duty for {x}',
      'who is the on call for {x}',
      'who is the on-call for {x}',
      'who do i page for {x}',
      'who do i page about {x}',
      'who should i page for {x}',
      'who should i page about {x}',
      'on call for {x}',
      'oncall for {x}',
      'who is carrying the pager for {x}',
    ],
  },
  {
    command: 'owner {x}',
    patterns: [
      'who owns {x}',
      'who is the owner of {x}',
      'who is the owner for {x}',
      'who are the owners of {x}',
      'who is responsible for {x}',
      'who maintains {x}',
      'who looks after {x}',
      'who runs {x}',
      'who built {x}',
      'who wrote {x}',
      'which team owns {x}',
      'what team owns {x}',
      'whose is {x}',
      'whose {x} is it',
      'who do i talk to about {x}',
      'who do i ask about {x}',
      'who should i talk to about {x}',
      'who should i ask about {x}',
      'who can help with {x}',
      'owner of {x}',
      'owners of {x}',
    ],
  },
  { command: 'team', patterns: ['what do we own', 'what do i own', 'what does my team own', 'my team', 'my teams', 'which teams am i in', 'which team am i in', 'what team am i on'] },
  {
    command: 'team {x}',
    patterns: [
      'what does team {x} own',
      'what does the team {x} own',
      'what does the {x} team own',
      'what does {x} team own',
      'what does {x} own',
      'what do {x} own',
      'what is owned by {x}',
      'what is owned by team {x}',
      'what belongs to {x}',
      'who is on team {x}',
      'who is in team {x}',
      'who is on the {x} team',
      'who is in the {x} team',
      'who is on {x} team',
      'who is in {x}',
      'members of {x}',
      'members of team {x}',
      'who are the members of {x}',
      'show me team {x}',
      'show team {x}',
    ],
  },
  {
    command: 'stale {x}',
    patterns: ['what is stale in {x}', 'what is stale for {x}', 'what is out of date in {x}', 'what needs attention in {x}', 'what needs attention for {x}', 'what does {x} need to fix', 'is anything stale in {x}'],
  },
  { command: 'stale', patterns: ['what is stale', 'what is out of date', 'what needs attention', 'is anything stale', 'anything stale', 'what should i fix', 'what do we need to fix'] },
  {
    command: 'deps {x}',
    patterns: [
      'what depends on {x}',
      'what relies on {x}',
      'what uses {x}',
      'who uses {x}',
      'who depends on {x}',
      'what consumes {x}',
      'who consumes {x}',
      'what calls {x}',
      'what needs {x}',
      'what breaks if {x} goes down',
      'what breaks if {x} is down',
      'what would break if {x} went down',
      'what does {x} depend on',
      'what does {x} use',
      'what does {x} need',
      'what does {x} call',
      'dependencies of {x}',
      'dependents of {x}',
      'show dependencies of {x}',
      'show me the dependencies of {x}',
    ],
  },
  {
    command: 'system {x}',
    patterns: ['what is in system {x}', 'what is in the {x} system', 'what is part of system {x}', 'what is part of the {x} system', 'what makes up {x}', 'show system {x}', 'parts of {x}'],
  },
  { command: 'domain {x}', patterns: ['what is in domain {x}', 'what is in the {x} domain', 'what is part of the {x} domain', 'show domain {x}'] },
  {
    command: 'find {x}',
    patterns: [
      'find something that {x}',
      'find something which {x}',
      'find something for {x}',
      'find something about {x}',
      'find a service that {x}',
      'find a service which {x}',
      'find a service for {x}',
      'find services that {x}',
      'find anything about {x}',
      'find anything that {x}',
      'is there a service that {x}',
      'is there a service for {x}',
      'is there something that {x}',
      'is there something for {x}',
      'is there anything that {x}',
      'is there anything for {x}',
      'which service {x}',
      'which services {x}',
      'what service {x}',
      'what handles {x}',
      'where is the code for {x}',
      'search for {x}',
      'look for {x}',
      'look up {x}',
      'search the catalog for {x}',
    ],
  },
  { command: 'create', patterns: ['create a new service', 'create something new', 'i want to create something', 'make a new service', 'start a new project', 'new service'] },
  { command: 'create {x}', patterns: ['create a new {x}', 'make a new {x}', 'i want to create a {x}', 'i want to create a new {x}', 'scaffold a {x}', 'scaffold a new {x}'] },
  { command: 'score {x}', patterns: ['how is {x} doing', 'how is team {x} doing', 'what is the score of {x}', 'what is the score for {x}'] },
  { command: 'help', patterns: ['what can you do', 'what do you do', 'how do i use you', 'how does this work', 'what do you know', 'help me', 'what are the commands', 'what commands are there'] },
  // The most general phrasings last: "what is stale" and "what is owned by x" are matched above.
  { command: 'owner {x}', patterns: ['tell me about {x}', 'what is {x}', 'who is {x}', 'what about {x}', 'about {x}'] },
];
