import { accepted, refused, type IdentifierValidation } from './identifier-validation.js';

// One-character abbreviations of the provinces, municipalities and autonomous regions.
const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
// Letters on plates skip I and O, which read as 1 and 0.
const LETTER = 'A-HJ-NP-Z';
// New-energy plates mark the energy type with one of A-K (without I): D electric, F hybrid...
const ENERGY = 'A-HJ-K';

const PLATE = new RegExp(
  `^[${PROVINCES}][${LETTER}](?:` +
    // ordinary: five letters or digits, the last possibly a use mark (trailer, driving school, police, HK/Macau)
    `[${LETTER}0-9]{4}[${LETTER}0-9挂学警港澳]` +
    // new energy, small vehicles: energy letter, a letter or digit, four digits (沪AD12345)
    `|[${ENERGY}][${LETTER}0-9]\\d{4}` +
    // new energy, large vehicles: five digits, then the energy letter
    `|\\d{5}[${ENERGY}]` +
    ')$',
);

/** Whether a value is a mainland China vehicle plate: 7 characters, or 8 for new-energy vehicles (`粤B12345`, `沪AD12345`). */
export function isCnPlateNumber(value: unknown): boolean {
  return typeof value === 'string' && PLATE.test(value);
}

// Separators people write into plates: 粤B·12345, 粤B.12345, 粤B-12345, 粤B 12345.
const PLATE_SEPARATORS = /[\s.\-·•・‧∙]/g;

/** A plate in its compared form (`粤B12345`: half-width, upper case, no separators), or why it is not a plate. */
export function validatePlateNumber(raw: unknown): IdentifierValidation {
  if (typeof raw !== 'string') return refused('vehicle plate must be text');
  const compact = raw.normalize('NFKC').replace(PLATE_SEPARATORS, '').toUpperCase();
  if (compact === '') return refused('vehicle plate is empty');
  if (!PLATE.test(compact))
    return refused('vehicle plate must be a province character, a letter and 5 letters or digits (6 for new-energy vehicles)');
  return accepted(compact);
}
