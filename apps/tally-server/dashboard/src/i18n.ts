// UI strings in three dictionaries (names of elections, lists and commissions come from the
// definition's own kk/ru/en names), the chosen language (remembered, and mirrored in <html lang>),
// and number/percent/time formatting: the API sends numbers, the page formats them here.
import { computed, effect, signal } from '@preact/signals';

export const LANGS = ['kk', 'ru', 'en'] as const;
export type Lang = (typeof LANGS)[number];

const en = {
  skipToContent: 'Skip to content',
  demoElection: 'DEMO election: its commissions’ keys are public, anyone can sign for them. These figures prove nothing.',
  elections: 'Elections',
  chooseElection: 'Choose an election',
  noElections: 'No elections are loaded yet.',
  pollingDay: 'Polling day',
  language: 'Language',
  languageName: 'English',
  loading: 'Loading…',
  notFound: 'Not found: {what}',
  live: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  reconnect: 'Reconnect',
  asOf: 'Figures as of {time} · store position {position}',
  nothingYet: 'No protocols recorded yet',
  youAreHere: 'You are here',
  precinctsReported: 'Precincts reported',
  protocolsReceived: 'Protocols received',
  xOfY: '{x} of {y}',
  turnout: 'Turnout',
  ballotsIssuedOf: '{issued} ballots issued to {registered} voters on the lists',
  turnoutByHour: 'Turnout by hour',
  turnoutChartLabel: 'Turnout by hour: {points}.',
  turnoutChartEmpty: 'Turnout by hour: nothing reported yet.',
  time: 'Time',
  precincts: 'Precincts',
  votes: 'Votes',
  share: 'Share',
  seats: 'Seats',
  party: 'Party',
  againstAll: 'Against all',
  threshold: 'Threshold',
  thresholdNote: 'Threshold {p} of {base}.',
  'base.list-votes': 'the votes for lists',
  'base.list-votes-plus-against-all': 'the votes for lists and against all',
  'base.ballots-cast': 'the ballots cast',
  'base.valid-votes': 'the valid votes',
  status: 'Status',
  'certainty.certainly-in': 'Certainly in',
  'certainty.certainly-out': 'Certainly out',
  'certainty.undecided': 'Undecided',
  runnerUp: 'admitted as runner-up',
  local: 'Local',
  contributionOf: '{p} of its votes',
  closestSeat: 'Closest seats',
  closestGain: '{list} is {n} votes from a seat more',
  closestLose: '{list} is {n} votes from a seat less',
  closestNote: 'Each list’s own votes moving alone, every other count unchanged.',
  localNote: 'Local figures of this commission: shares of its own votes, and each list’s part of its votes in the whole contest. The threshold and the seats are decided on the whole contest only.',
  barsChartLabel: '{contest}: {rows}. Threshold {p}.',
  composition: 'Provisional composition',
  seatsDecided: '{x} of {y} seats decided',
  listSeats: 'List seats',
  districtSeats: 'District seats',
  total: 'Total',
  independents: 'Independents',
  pendingSeats: 'Not yet decided',
  hemicycleLabel: '{body}, {y} seats: {parts}.',
  districts: 'Single-member districts',
  district: 'District',
  leading: 'Leading',
  candidate: 'Candidate',
  selfNominated: 'self-nominated',
  'outcome.winner': 'Leading',
  'outcome.runoff-needed': 'Runoff needed',
  'outcome.tie': 'Tie',
  'outcome.repeat-election': 'Repeat election',
  'outcome.none': 'No votes yet',
  children: 'Subordinate commissions',
  'level.central': 'Central commission',
  'level.regional': 'Regional commission',
  'level.district': 'District commission',
  'level.precinct': 'Precinct commission',
  listResults: 'Party lists',
  logHead: 'Transparency log: {size} events · root {root} · signed {time}',
  logNoHead: 'Transparency log: no signed head yet',
  explainSeats: 'Explain the seats',
  hideExplanation: 'Hide the explanation',
  explanationNote: 'The provisional seats on the protocols received so far. The seats are the allocation’s own; this shows why they fell as they did.',
  'method.hare': 'Hare quota, largest remainder',
  'method.droop': 'Droop quota, largest remainder',
  'method.dhondt': 'D’Hondt divisors (1, 2, 3, …)',
  'method.sainte-lague': 'Sainte-Laguë divisors (1, 3, 5, …)',
  quotaLine: 'Quota: {quota} votes per seat ({votes} votes of the admitted lists, {seats} seats).',
  quotaSeats: 'Whole quotas',
  remainder: 'Remainder (of a quota)',
  remainderSeats: 'By remainder',
  notAdmitted: 'not admitted',
  divisorLine: 'Each seat goes to the highest quotient votes ÷ divisor: the last seat was won at {last}; the highest quotient left without a seat is {next}.',
  seatOrder: 'Seats in the order won',
  seatRankItem: '{list}, its seat {n}',
  'stage.quota': 'a whole quota',
  'stage.remainder': 'remainder {by}',
  'stage.quotient': 'quotient {by}',
  notAllocated: 'No allocation to explain yet ({reason}).',
  precinctsBehind: 'The precincts whose protocols make these votes ({total})',
  precinct: 'Precinct',
  version: 'Version',
  previous: 'Previous',
  next: 'Next',
  pageOf: '{from}–{to} of {total}',
  showForensics: 'Forensic signals',
  hideForensics: 'Hide forensic signals',
  forensicsNote: 'Statistical signals, not verdicts: a flag asks for a look at the named precincts’ protocols, and every test can fire on a clean election.',
  fingerprintLabel: 'Election fingerprint of {n} precincts: turnout across, {leader}’s share up; most precincts at {turnout} turnout and {share} share.',
  fingerprintCaption: 'Turnout (across, 0–100%) against {leader}’s share of the valid votes (up, 0–100%); darker: more precincts.',
  'test.integer-turnout': 'Round turnout figures',
  'test.integer-leader-share': 'Round shares for the leader',
  'test.last-digit': 'Last digits of the counts',
  'test.late-arrival': 'Protocols recorded late',
  'test.corrections': 'Corrections in one commission',
  'signal.flagged': 'Flagged',
  'signal.clear': 'Clear',
  'signal.insufficient-data': 'Too little data',
  signalLine: '{name} = {value}, p = {p} ({rule}); {sample} read',
  signalNoData: '{sample} read: too few to judge',
  signalPrecincts: 'Precincts: {list} ({total} in all)',
};

export type Key = keyof typeof en;
type Dict = Record<Key, string>;

const ru: Dict = {
  skipToContent: 'Перейти к содержимому',
  demoElection: 'ДЕМО-выборы: ключи комиссий публичны, подписать за них может любой. Эти цифры ничего не доказывают.',
  elections: 'Выборы',
  chooseElection: 'Выберите выборы',
  noElections: 'Выборы ещё не загружены.',
  pollingDay: 'День голосования',
  language: 'Язык',
  languageName: 'Русский',
  loading: 'Загрузка…',
  notFound: 'Не найдено: {what}',
  live: 'Онлайн',
  connecting: 'Подключение…',
  reconnecting: 'Переподключение…',
  offline: 'Нет связи',
  reconnect: 'Переподключиться',
  asOf: 'Данные на {time} · позиция журнала {position}',
  nothingYet: 'Протоколы ещё не поступали',
  youAreHere: 'Вы здесь',
  precinctsReported: 'Участков отчиталось',
  protocolsReceived: 'Протоколов получено',
  xOfY: '{x} из {y}',
  turnout: 'Явка',
  ballotsIssuedOf: 'Выдано бюллетеней: {issued} на {registered} избирателей в списках',
  turnoutByHour: 'Явка по часам',
  turnoutChartLabel: 'Явка по часам: {points}.',
  turnoutChartEmpty: 'Явка по часам: данных пока нет.',
  time: 'Время',
  precincts: 'Участки',
  votes: 'Голоса',
  share: 'Доля',
  seats: 'Мандаты',
  party: 'Партия',
  againstAll: 'Против всех',
  threshold: 'Барьер',
  thresholdNote: 'Барьер {p} от {base}.',
  'base.list-votes': 'голосов за списки',
  'base.list-votes-plus-against-all': 'голосов за списки и против всех',
  'base.ballots-cast': 'поданных бюллетеней',
  'base.valid-votes': 'действительных голосов',
  status: 'Статус',
  'certainty.certainly-in': 'Проходит',
  'certainty.certainly-out': 'Не проходит',
  'certainty.undecided': 'Не определено',
  runnerUp: 'допущена как следующая по голосам',
  local: 'Местные данные',
  contributionOf: '{p} её голосов',
  closestSeat: 'Ближайшие мандаты',
  closestGain: '{list}: {n} голосов до ещё одного мандата',
  closestLose: '{list}: потеряет мандат без {n} голосов',
  closestNote: 'Меняются только голоса самого списка, остальные данные неизменны.',
  localNote: 'Местные данные этой комиссии: доли её собственных голосов и часть голосов каждого списка во всём округе. Барьер и мандаты определяются только по всему округу.',
  barsChartLabel: '{contest}: {rows}. Барьер {p}.',
  composition: 'Предварительный состав',
  seatsDecided: 'Определено мандатов: {x} из {y}',
  listSeats: 'По спискам',
  districtSeats: 'По округам',
  total: 'Всего',
  independents: 'Самовыдвиженцы',
  pendingSeats: 'Ещё не определены',
  hemicycleLabel: '{body}, мандатов {y}: {parts}.',
  districts: 'Одномандатные округа',
  district: 'Округ',
  leading: 'Лидирует',
  candidate: 'Кандидат',
  selfNominated: 'самовыдвиженец',
  'outcome.winner': 'Лидирует',
  'outcome.runoff-needed': 'Нужен второй тур',
  'outcome.tie': 'Равенство голосов',
  'outcome.repeat-election': 'Повторные выборы',
  logHead: 'Журнал прозрачности: {size} событий · корень {root} · подписан {time}',
  logNoHead: 'Журнал прозрачности: подписанного заголовка ещё нет',
  'outcome.none': 'Голосов пока нет',
  children: 'Нижестоящие комиссии',
  'level.central': 'Центральная комиссия',
  'level.regional': 'Областная (городская) комиссия',
  'level.district': 'Районная комиссия',
  'level.precinct': 'Участковая комиссия',
  listResults: 'Партийные списки',
  explainSeats: 'Почему мандаты распределены так',
  hideExplanation: 'Скрыть объяснение',
  explanationNote: 'Предварительные мандаты по поступившим протоколам. Мандаты — результат распределения; здесь показано, почему они легли так.',
  'method.hare': 'Квота Хэйра, наибольший остаток',
  'method.droop': 'Квота Друпа, наибольший остаток',
  'method.dhondt': 'Делители д’Ондта (1, 2, 3, …)',
  'method.sainte-lague': 'Делители Сент-Лагю (1, 3, 5, …)',
  quotaLine: 'Квота: {quota} голосов за мандат ({votes} голосов допущенных списков, {seats} мандатов).',
  quotaSeats: 'Целые квоты',
  remainder: 'Остаток (доля квоты)',
  remainderSeats: 'По остатку',
  notAdmitted: 'не допущен',
  divisorLine: 'Каждый мандат получает наибольшее частное голоса ÷ делитель: последний мандат — при {last}; наибольшее частное без мандата — {next}.',
  seatOrder: 'Мандаты в порядке распределения',
  seatRankItem: '{list}, мандат {n}',
  'stage.quota': 'целая квота',
  'stage.remainder': 'остаток {by}',
  'stage.quotient': 'частное {by}',
  notAllocated: 'Распределения пока нет ({reason}).',
  precinctsBehind: 'Участки, из протоколов которых сложены эти голоса ({total})',
  precinct: 'Участок',
  version: 'Версия',
  previous: 'Назад',
  next: 'Далее',
  pageOf: '{from}–{to} из {total}',
  showForensics: 'Статистические сигналы',
  hideForensics: 'Скрыть статистические сигналы',
  forensicsNote: 'Статистические сигналы, а не вердикты: отметка — повод проверить протоколы названных участков; любой тест может сработать и на чистых выборах.',
  fingerprintLabel: 'Электоральный отпечаток {n} участков: явка по горизонтали, доля {leader} по вертикали; больше всего участков при явке {turnout} и доле {share}.',
  fingerprintCaption: 'Явка (по горизонтали, 0–100%) и доля {leader} среди действительных голосов (по вертикали, 0–100%); темнее — больше участков.',
  'test.integer-turnout': 'Круглые значения явки',
  'test.integer-leader-share': 'Круглые доли лидера',
  'test.last-digit': 'Последние цифры',
  'test.late-arrival': 'Поздние протоколы',
  'test.corrections': 'Исправления в одной комиссии',
  'signal.flagged': 'Сигнал',
  'signal.clear': 'Нет сигнала',
  'signal.insufficient-data': 'Мало данных',
  signalLine: '{name} = {value}, p = {p} ({rule}); проверено: {sample}',
  signalNoData: 'проверено: {sample} — слишком мало для вывода',
  signalPrecincts: 'Участки: {list} (всего {total})',
};

const kk: Dict = {
  skipToContent: 'Мазмұнға өту',
  demoElection: 'ДЕМО сайлау: комиссиялардың кілттері жария, олардың атынан кез келген адам қол қоя алады. Бұл сандар ештеңені дәлелдемейді.',
  elections: 'Сайлаулар',
  chooseElection: 'Сайлауды таңдаңыз',
  noElections: 'Сайлаулар әлі жүктелмеген.',
  pollingDay: 'Дауыс беру күні',
  language: 'Тіл',
  languageName: 'Қазақша',
  loading: 'Жүктелуде…',
  notFound: 'Табылмады: {what}',
  live: 'Тікелей',
  connecting: 'Қосылуда…',
  reconnecting: 'Қайта қосылуда…',
  offline: 'Байланыс жоқ',
  reconnect: 'Қайта қосылу',
  asOf: 'Деректер {time} бойынша · журнал позициясы {position}',
  nothingYet: 'Хаттамалар әлі түскен жоқ',
  youAreHere: 'Сіз осындасыз',
  precinctsReported: 'Есеп берген учаскелер',
  protocolsReceived: 'Алынған хаттамалар',
  xOfY: '{y} ішінен {x}',
  turnout: 'Сайлауға қатысу',
  ballotsIssuedOf: 'Тізімдегі {registered} сайлаушыға {issued} бюллетень берілді',
  turnoutByHour: 'Сағат бойынша қатысу',
  turnoutChartLabel: 'Сағат бойынша қатысу: {points}.',
  turnoutChartEmpty: 'Сағат бойынша қатысу: деректер әлі жоқ.',
  time: 'Уақыт',
  precincts: 'Учаскелер',
  votes: 'Дауыстар',
  share: 'Үлес',
  seats: 'Мандаттар',
  party: 'Партия',
  againstAll: 'Бәріне қарсы',
  threshold: 'Өту шегі',
  thresholdNote: 'Өту шегі: {base} {p}.',
  'base.list-votes': 'тізімдерге берілген дауыстардың',
  'base.list-votes-plus-against-all': 'тізімдерге және бәріне қарсы берілген дауыстардың',
  'base.ballots-cast': 'берілген бюллетеньдердің',
  'base.valid-votes': 'жарамды дауыстардың',
  status: 'Мәртебе',
  'certainty.certainly-in': 'Өтеді',
  'certainty.certainly-out': 'Өтпейді',
  'certainty.undecided': 'Белгісіз',
  runnerUp: 'келесі орын бойынша жіберілді',
  local: 'Жергілікті деректер',
  contributionOf: 'дауыстарының {p}',
  closestSeat: 'Ең жақын мандаттар',
  closestGain: '{list}: тағы бір мандатқа {n} дауыс жетпейді',
  closestLose: '{list}: {n} дауыс кемісе, бір мандатынан айырылады',
  closestNote: 'Тек тізімнің өз дауыстары өзгереді, қалғаны өзгеріссіз.',
  localNote: 'Осы комиссияның жергілікті деректері: өз дауыстарының үлесі және әр тізім дауыстарының бүкіл сайлаудағы бөлігі. Өту шегі мен мандаттар тек бүкіл сайлау бойынша анықталады.',
  barsChartLabel: '{contest}: {rows}. Өту шегі {p}.',
  composition: 'Алдын ала құрам',
  seatsDecided: 'Анықталған мандаттар: {y} ішінен {x}',
  listSeats: 'Тізім бойынша',
  districtSeats: 'Округтер бойынша',
  total: 'Барлығы',
  independents: 'Өзін-өзі ұсынғандар',
  pendingSeats: 'Әлі анықталмаған',
  hemicycleLabel: '{body}, {y} мандат: {parts}.',
  districts: 'Бір мандатты округтер',
  district: 'Округ',
  leading: 'Алда',
  candidate: 'Кандидат',
  selfNominated: 'өзін-өзі ұсынған',
  'outcome.winner': 'Алда',
  'outcome.runoff-needed': 'Екінші тур қажет',
  'outcome.tie': 'Дауыстар тең',
  'outcome.repeat-election': 'Қайта сайлау',
  logHead: 'Ашықтық журналы: {size} оқиға · түбір {root} · қол қойылған {time}',
  logNoHead: 'Ашықтық журналы: қол қойылған тақырып әлі жоқ',
  'outcome.none': 'Әзірге дауыс жоқ',
  children: 'Төменгі комиссиялар',
  'level.central': 'Орталық комиссия',
  'level.regional': 'Облыстық (қалалық) комиссия',
  'level.district': 'Аудандық комиссия',
  'level.precinct': 'Учаскелік комиссия',
  listResults: 'Партиялық тізімдер',
  explainSeats: 'Мандаттар неге осылай бөлінді',
  hideExplanation: 'Түсіндірмені жасыру',
  explanationNote: 'Келген хаттамалар бойынша алдын ала мандаттар. Мандаттар — бөлудің өз нәтижесі; мұнда олардың неге осылай түскені көрсетілген.',
  'method.hare': 'Хэйр квотасы, ең үлкен қалдық',
  'method.droop': 'Друп квотасы, ең үлкен қалдық',
  'method.dhondt': 'Д’Ондт бөлгіштері (1, 2, 3, …)',
  'method.sainte-lague': 'Сент-Лагю бөлгіштері (1, 3, 5, …)',
  quotaLine: 'Квота: бір мандатқа {quota} дауыс (жіберілген тізімдердің {votes} дауысы, {seats} мандат).',
  quotaSeats: 'Толық квоталар',
  remainder: 'Қалдық (квота үлесі)',
  remainderSeats: 'Қалдық бойынша',
  notAdmitted: 'жіберілмеген',
  divisorLine: 'Әр мандат ең үлкен бөліндіге (дауыс ÷ бөлгіш) беріледі: соңғы мандат {last} кезінде; мандатсыз қалған ең үлкен бөлінді — {next}.',
  seatOrder: 'Мандаттар бөліну ретімен',
  seatRankItem: '{list}, {n}-мандат',
  'stage.quota': 'толық квота',
  'stage.remainder': 'қалдық {by}',
  'stage.quotient': 'бөлінді {by}',
  notAllocated: 'Әзірге бөлу жоқ ({reason}).',
  precinctsBehind: 'Осы дауыстар хаттамаларынан құралған учаскелер ({total})',
  precinct: 'Учаске',
  version: 'Нұсқа',
  previous: 'Артқа',
  next: 'Әрі қарай',
  pageOf: '{total} ішінен {from}–{to}',
  showForensics: 'Статистикалық белгілер',
  hideForensics: 'Статистикалық белгілерді жасыру',
  forensicsNote: 'Бұл статистикалық белгілер, үкім емес: белгі аталған учаскелердің хаттамаларын тексеруге себеп; кез келген тест таза сайлауда да іске қосылуы мүмкін.',
  fingerprintLabel: '{n} учаскенің сайлау ізі: көлденеңінен келу, тігінен {leader} үлесі; учаскелердің көбі {turnout} келу мен {share} үлесте.',
  fingerprintCaption: 'Келу (көлденеңінен, 0–100%) және {leader} жарамды дауыстардағы үлесі (тігінен, 0–100%); қоюырақ — учаске көбірек.',
  'test.integer-turnout': 'Келудің дөңгелек мәндері',
  'test.integer-leader-share': 'Көшбасшының дөңгелек үлестері',
  'test.last-digit': 'Соңғы цифрлар',
  'test.late-arrival': 'Кеш келген хаттамалар',
  'test.corrections': 'Бір комиссиядағы түзетулер',
  'signal.flagged': 'Белгі бар',
  'signal.clear': 'Белгі жоқ',
  'signal.insufficient-data': 'Дерек аз',
  signalLine: '{name} = {value}, p = {p} ({rule}); тексерілді: {sample}',
  signalNoData: 'тексерілді: {sample} — қорытынды үшін тым аз',
  signalPrecincts: 'Учаскелер: {list} (барлығы {total})',
};

const DICTS: Record<Lang, Dict> = { kk, ru, en };
const STORAGE_KEY = 'tally.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && (LANGS as readonly string[]).includes(saved)) return saved as Lang;
  } catch {
    // Storage can be disabled (privacy settings): fall through to the browser's language.
  }
  const preferred = (navigator.languages ?? [navigator.language]).map((l) => l.slice(0, 2).toLowerCase());
  return (preferred.find((l) => (LANGS as readonly string[]).includes(l)) as Lang | undefined) ?? 'ru';
}

export const lang = signal<Lang>(initialLang());

effect(() => {
  document.documentElement.lang = lang.value;
  try {
    localStorage.setItem(STORAGE_KEY, lang.value);
  } catch {
    // Not remembered, still applied.
  }
});

/** The UI string in the current language, `{name}` placeholders filled. Reading it subscribes the component. */
export function t(key: Key, values: Record<string, string | number> = {}): string {
  return DICTS[lang.value][key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}

export const languageNameOf = (l: Lang): string => DICTS[l].languageName;

/** A definition name ({kk, ru, en}) in the current language. */
export const nameOf = (name: { readonly kk: string; readonly ru: string; readonly en: string } | undefined): string => (name ? name[lang.value] : '');

// Some Chromium builds ship ICU without Kazakh data: 'kk' then formats like the root locale
// ("1,083.5", "2026 M11 23"). There, numbers follow Russian conventions (the same in Kazakhstan:
// "1 083,5") and dates are written numerically (23.11.2026), which reads the same in Kazakh.
const kkData = /[\u0400-\u04FF]/.test(new Intl.DateTimeFormat('kk', { month: 'long', timeZone: 'UTC' }).format(Date.UTC(2020, 0, 15)));
const numeric = (l: Lang): boolean => l === 'kk' && !kkData;
const locale = (l: Lang): string => (numeric(l) ? 'ru' : l);

const formats = computed(() => {
  const l = locale(lang.value);
  return {
    int: new Intl.NumberFormat(l),
    pct: new Intl.NumberFormat(l, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    pctShort: new Intl.NumberFormat(l, { style: 'percent', maximumFractionDigits: 2 }),
    dec: new Intl.NumberFormat(l, { maximumFractionDigits: 4 }),
  };
});

export const fmtInt = (n: number): string => formats.value.int.format(n);

/** A quota, a remainder or a quotient as the API's decimal (already rounded from the exact ratio); null → a dash. */
export const fmtDec = (n: number | null): string => (n === null ? '—' : formats.value.dec.format(n));

/** The API's percent (0–100, already rounded to 2 decimals from the exact ratio); null → a dash. */
export const fmtPct = (percent: number | null | undefined): string => (percent === null || percent === undefined ? '—' : formats.value.pct.format(percent / 100));

/** Percent without trailing zeros, for axis ticks and the threshold (5 %, 7.5 %). */
export const fmtPctShort = (percent: number): string => formats.value.pctShort.format(percent / 100);

export function fmtDateTime(iso: string, timeZone: string | undefined): string {
  const options: Intl.DateTimeFormatOptions = numeric(lang.value)
    ? { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone }
    : { dateStyle: 'medium', timeStyle: 'medium', timeZone };
  try {
    return new Intl.DateTimeFormat(locale(lang.value), options).format(new Date(iso));
  } catch {
    return iso;
  }
}

export function fmtDate(isoDate: string): string {
  // A calendar date, not an instant: format it at noon UTC so no time zone moves the day.
  const options: Intl.DateTimeFormatOptions = numeric(lang.value) ? { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' } : { dateStyle: 'long', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(locale(lang.value), options).format(new Date(`${isoDate}T12:00:00Z`));
}
