import { residentIdCheckCharacter } from '../../domain/identifiers/resident-id-number.js';
import { DIVISIONS, type Division } from './administrative-divisions.js';
import { FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, SURNAMES } from './chinese-names.js';
import type { SeededRandom } from './seeded-random.js';

/** One synthetic person: the ground truth the five systems' records are made from. */
export interface SyntheticPerson {
  personId: string;
  name: string;
  gender: 'MALE' | 'FEMALE';
  birthDate: string;
  division: Division;
  residentId: string;
  /** The first mobile, then the one that replaced it at phoneChangedAt. */
  mobiles: string[];
  phoneChangedAt?: number;
  email?: string;
  plate?: string;
  /** When the person first dealt with the company (ms since the epoch). */
  since: number;
  /** Shares a mobile or a plate with the other member of the household (a different person). */
  shares: ('phone' | 'plate')[];
}

export interface PopulationRates {
  /** Households of two people (spouses, parent and grown child) rather than one. */
  household: number;
  /** In a two-person household, the second person uses the first one's mobile. */
  sharedPhone: number;
  /** In a two-person household with a car, the second person insures the same car. */
  sharedPlate: number;
  /** A person who gets a new mobile number some time after first contact. */
  phoneChange: number;
  email: number;
  car: number;
  /** Share of cars that are new-energy vehicles (8-character plates). */
  newEnergy: number;
}

const DAY = 86_400_000;
// Plate letters skip I and O.
const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const MOBILE_PREFIXES = ['13', '15', '17', '18', '19'];
const EMAIL_DOMAINS = ['163.com', 'qq.com', '126.com', 'sina.com', 'example.com.cn'];

/**
 * Makes people with identifiers unique by construction — resident ID sequence numbers, mobiles and
 * plates come from counters scrambled by a multiplier coprime with their range — so that the only
 * shared identifiers are the ones a household shares on purpose, and ground truth stays exact at a
 * million people.
 */
export class SyntheticPopulation {
  private persons = 0;
  private mobiles = 0;
  private readonly sequences = new Map<string, number>();
  private readonly plates = new Map<string, number>();

  constructor(
    private readonly random: SeededRandom,
    private readonly rates: PopulationRates,
    private readonly start: number,
    private readonly end: number,
  ) {}

  /** One household: a person, or two people who may share a mobile or a car. */
  household(): SyntheticPerson[] {
    const first = this.person(this.random.int(1945, 2004), undefined);
    if (!this.random.chance(this.rates.household)) return [first];
    // A spouse of about the same age, or a grown child with the same surname.
    const child = first.birthDate < '1975' && this.random.chance(0.4);
    const birthYear = child
      ? Number(first.birthDate.slice(0, 4)) + this.random.int(22, 32)
      : Number(first.birthDate.slice(0, 4)) + this.random.int(-5, 5);
    const second = this.person(Math.min(2004, Math.max(1945, birthYear)), child ? surnameOf(first.name) : undefined, first.division);
    if (this.random.chance(this.rates.sharedPhone)) {
      second.mobiles = [first.mobiles[0] as string];
      delete second.phoneChangedAt;
      first.shares.push('phone');
      second.shares.push('phone');
    }
    if (first.plate !== undefined && this.random.chance(this.rates.sharedPlate)) {
      second.plate = first.plate;
      first.shares.push('plate');
      second.shares.push('plate');
    }
    return [first, second];
  }

  private person(birthYear: number, surname: string | undefined, division: Division = this.random.pick(DIVISIONS)): SyntheticPerson {
    const random = this.random;
    const gender = random.chance(0.5) ? 'MALE' : 'FEMALE';
    const birthDate = `${birthYear}-${pad(random.int(1, 12), 2)}-${pad(random.int(1, 28), 2)}`;
    const since = this.start + Math.floor(random.next() * (this.end - this.start - 2 * 365 * DAY));
    const index = ++this.persons;
    const person: SyntheticPerson = {
      personId: `P${pad(index, 7)}`,
      name: (surname ?? random.pick(SURNAMES)) + random.pick(gender === 'MALE' ? MALE_GIVEN_NAMES : FEMALE_GIVEN_NAMES),
      gender,
      birthDate,
      division,
      residentId: this.residentId(division, birthDate, gender),
      mobiles: [this.mobile()],
      since,
      shares: [],
    };
    if (random.chance(this.rates.phoneChange)) {
      person.mobiles.push(this.mobile());
      person.phoneChangedAt = since + Math.floor(random.next() * (this.end - since) * 0.8) + DAY;
    }
    if (random.chance(this.rates.email)) person.email = `user${pad((index * 7_368_787) % 100_000_000, 8)}@${random.pick(EMAIL_DOMAINS)}`;
    if (random.chance(this.rates.car)) person.plate = this.plate(division, random.chance(this.rates.newEnergy));
    return person;
  }

  private residentId(division: Division, birthDate: string, gender: 'MALE' | 'FEMALE'): string {
    const cell = division.code + birthDate;
    const count = this.sequences.get(cell) ?? 0;
    this.sequences.set(cell, count + 1);
    // Odd sequence numbers for men, even for women.
    const sequence = 2 * count + (gender === 'MALE' ? 1 : 2);
    const first17 = `${division.code}${birthDate.replaceAll('-', '')}${pad(sequence % 1000, 3)}`;
    return first17 + residentIdCheckCharacter(first17);
  }

  private mobile(): string {
    const n = this.mobiles++;
    // 387420489 = 3^18 is coprime with 10^9, so n -> n * 3^18 mod 10^9 never repeats below 10^9.
    return `${MOBILE_PREFIXES[n % MOBILE_PREFIXES.length]}${pad((n * 387_420_489 + 12_345) % 1_000_000_000, 9)}`;
  }

  private plate(division: Division, newEnergy: boolean): string {
    const n = this.plates.get(division.platePrefix) ?? 0;
    this.plates.set(division.platePrefix, n + 1);
    const letter = PLATE_LETTERS[Math.floor(n / 10_000) % PLATE_LETTERS.length] as string;
    const digits = pad((n * 7_919) % 10_000, 4);
    // New-energy: energy type D (electric), then a letter and four digits; ordinary: a letter and four digits.
    return newEnergy ? `${division.platePrefix}D${letter}${digits}` : `${division.platePrefix}${letter}${digits}`;
  }
}

function surnameOf(name: string): string {
  return SURNAMES.find((surname) => surname.length === 2 && name.startsWith(surname)) ?? name.slice(0, 1);
}

export function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
