import { accepted, refused, type IdentifierValidation } from './identifier-validation.js';

const HAN = /\p{Script=Han}/u;
// The separator of transcribed minority and foreign names (买买提·艾力) comes in several look-alikes.
const NAME_DOTS = /\s*[·•・‧∙.]\s*/g;

/**
 * A person's name in its compared form: NFKC (full-width letters and spaces to half-width), trimmed,
 * inner whitespace collapsed. Chinese names carry no spaces, so any space in one (`张 伟`, typed to
 * align two-character names with three-character ones) is removed.
 */
export function validatePersonName(raw: unknown): IdentifierValidation {
  if (typeof raw !== 'string') return refused('name must be text');
  let name = raw.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (HAN.test(name)) name = name.replace(NAME_DOTS, '·').replace(/ /g, '');
  if (name === '' || name === '·') return refused('name is empty');
  return accepted(name);
}

// Two-character surnames, so that 欧阳娜 is 欧阳 + 娜 and not 欧 + 阳娜.
const COMPOUND_SURNAMES = [
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '轩辕',
  '令狐',
  '钟离',
  '端木',
  '独孤',
  '南宫',
  '西门',
];
// How a call centre writes down a caller who gave only a surname: 张先生, 王女士.
const HONORIFIC = /(先生|女士|小姐|老师|师傅)$/;

/** The surname of a normalized Chinese name. */
export function surnameOf(name: string): string {
  return COMPOUND_SURNAMES.find((surname) => name.startsWith(surname) && name.length > surname.length) ?? name.slice(0, 1);
}

/**
 * Whether two normalized names may be the same person's, as typed by different clerks: equal; or
 * Chinese names with the same surname that are a surname with an honorific (张先生) or differ in
 * one character of the given name (a homophone the input method offered: 张伟, 张玮). Names of
 * different lengths or surnames are different people's — the usual case of a household sharing a
 * phone. Names in Latin letters must be equal but for case.
 */
export function namesCompatible(a: string, b: string): boolean {
  if (a === b) return true;
  if (!HAN.test(a) || !HAN.test(b)) return a.toLowerCase() === b.toLowerCase();
  const surname = surnameOf(a);
  if (surnameOf(b) !== surname) return false;
  if (HONORIFIC.test(a.slice(surname.length)) || HONORIFIC.test(b.slice(surname.length))) return true;
  const left = [...a];
  const right = [...b];
  if (left.length !== right.length) return false;
  return left.filter((character, index) => character !== right[index]).length <= 1;
}
