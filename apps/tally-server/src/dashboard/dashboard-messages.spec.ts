// The dashboard's dictionaries (apps/tally-server/dashboard/src/messages.ts) and the function that
// fills them, checked in Node with the same CLDR plural rules (Intl.PluralRules) the browser uses.
import { DICTS, en, formatMessage, LANGS, placeholders, pluralBlocks, type Key, type Lang, type MessageFormatting } from '../../dashboard/src/messages';

const formatting = (lang: Lang): MessageFormatting => {
  const plural = new Intl.PluralRules(lang);
  const int = new Intl.NumberFormat(lang === 'kk' ? 'ru' : lang);
  return { plural: (n) => plural.select(n), formatNumber: (n) => int.format(n) };
};
const say = (lang: Lang, key: Key, values: Parameters<typeof formatMessage>[1]): string => formatMessage(DICTS[lang][key], values, formatting(lang));
const KEYS = Object.keys(en) as Key[];

describe('dashboard messages: words agree with their numbers', () => {
  it('Russian takes one, few and many by the number’s last digits (CLDR), in the case the phrase needs', () => {
    const gain = (n: number) => say('ru', 'closestGain', { list: 'AMANAT', n });
    expect([1, 2, 5, 11, 21, 22, 25, 111, 1001].map(gain)).toEqual([
      'AMANAT: 1 голос до ещё одного мандата',
      'AMANAT: 2 голоса до ещё одного мандата',
      'AMANAT: 5 голосов до ещё одного мандата',
      'AMANAT: 11 голосов до ещё одного мандата',
      'AMANAT: 21 голос до ещё одного мандата',
      'AMANAT: 22 голоса до ещё одного мандата',
      'AMANAT: 25 голосов до ещё одного мандата',
      'AMANAT: 111 голосов до ещё одного мандата',
      'AMANAT: 1\u00a0001 голос до ещё одного мандата',
    ]);
    // After «без», «не хватает» and «из», the genitive: one голоса/мандата, the rest голосов/мандатов.
    expect([1, 3, 7].map((n) => say('ru', 'closestLose', { list: 'AMANAT', n }))).toEqual([
      'AMANAT: потеряет мандат без 1 голоса',
      'AMANAT: потеряет мандат без 3 голосов',
      'AMANAT: потеряет мандат без 7 голосов',
    ]);
    expect(say('ru', 'majorityLacking', { party: 'AMANAT', n: 1 })).toBe('AMANAT, крупнейшей фракции, не хватает 1 мандата до большинства');
    expect(say('ru', 'majority', { n: 22, y: 42 })).toBe('Большинство: 22 из 42 мандатов');
    expect(say('ru', 'majority', { n: 11, y: 21 })).toBe('Большинство: 11 из 21 мандата');
    expect([1, 3, 51].map((s) => say('ru', 'majorityHeld', { party: 'AMANAT', s }))).toEqual([
      'AMANAT имеет большинство: 1 мандат',
      'AMANAT имеет большинство: 3 мандата',
      'AMANAT имеет большинство: 51 мандат',
    ]);
    expect(say('ru', 'logHead', { size: 1, root: 'r', time: 't' })).toBe('Журнал прозрачности: 1 событие · корень r · подписан t');
    expect(say('ru', 'logHead', { size: 754, root: 'r', time: 't' })).toBe('Журнал прозрачности: 754 события · корень r · подписан t');
  });

  it('English takes one and other; a decimal is shown as given and agrees as a decimal', () => {
    expect(say('en', 'closestGain', { list: 'Amanat', n: 1 })).toBe('Amanat is 1 vote from a seat more');
    expect(say('en', 'closestGain', { list: 'Amanat', n: 1083 })).toBe('Amanat is 1,083 votes from a seat more');
    expect(say('en', 'majorityLacking', { party: 'Amanat', n: 1 })).toBe('Amanat, the largest, lacks 1 seat for the majority');
    expect(say('en', 'logHead', { size: 1, root: 'r', time: 't' })).toBe('Transparency log: 1 event · root r · signed t');
    const quota = { count: 12345.6789, shown: '12,345.6789' };
    expect(say('en', 'quotaLine', { quota, votes: 802_201, seats: 1 })).toBe('Quota: 12,345.6789 votes per seat (802,201 votes of the admitted lists, 1 seat).');
    expect(say('ru', 'quotaLine', { quota: { count: 12345.5, shown: '12\u00a0345,5' }, votes: 802_201, seats: 39 })).toBe(
      'Квота: 12\u00a0345,5 голоса за мандат (802\u00a0201 голос допущенных списков, 39 мандатов).',
    );
  });

  it('Kazakh nouns keep their form after a numeral', () => {
    expect(say('kk', 'closestGain', { list: 'AMANAT', n: 1 })).toBe('AMANAT: тағы бір мандатқа 1 дауыс жетпейді');
    expect(say('kk', 'closestGain', { list: 'AMANAT', n: 25 })).toBe('AMANAT: тағы бір мандатқа 25 дауыс жетпейді');
  });

  it('a value not given stays visible as its placeholder; text for a plural number takes the other form', () => {
    expect(say('en', 'closestGain', { list: 'Amanat' })).toBe('Amanat is {n, plural, one {# vote} other {# votes}} from a seat more');
    expect(say('en', 'closestGain', { n: 2 })).toBe('{list} is 2 votes from a seat more');
    expect(say('en', 'closestGain', { list: 'Amanat', n: '—' })).toBe('Amanat is — votes from a seat more');
  });
});

describe('dashboard dictionaries', () => {
  it.each(LANGS.filter((l) => l !== 'en'))('%s fills exactly the names English fills, in every message', (lang) => {
    const differing = KEYS.filter((key) => [...placeholders(DICTS[lang][key])].sort().join() !== [...placeholders(en[key])].sort().join());
    expect(differing).toEqual([]);
  });

  it.each(LANGS)('%s: every plural block names each of the language’s categories once, and a filled message keeps no brace', (lang) => {
    const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories.slice().sort();
    const problems: string[] = [];
    for (const key of KEYS) {
      const message = DICTS[lang][key];
      for (const block of pluralBlocks(message)) {
        const named = [...block.branches.keys()].sort();
        if (named.join() !== categories.join()) problems.push(`${key}: {${block.name}} names ${named.join('/')}, ${lang} has ${categories.join('/')}`);
      }
      const values = Object.fromEntries([...placeholders(message)].map((name) => [name, 7]));
      if (/[{}]/.test(formatMessage(message, values, formatting(lang)))) problems.push(`${key}: a brace is left after filling (a block the parser does not read)`);
    }
    expect(problems).toEqual([]);
  });

  it('the words that count things agree in Russian and English (the messages with a counted noun have a plural block)', () => {
    const counted: Key[] = ['ballotsIssuedOf', 'closestGain', 'closestLose', 'majority', 'majorityHeld', 'majorityLacking', 'logHead', 'quotaLine', 'fingerprintLabel'];
    for (const lang of ['ru', 'en'] as const) expect(counted.filter((key) => pluralBlocks(DICTS[lang][key]).length === 0)).toEqual([]);
  });
});
