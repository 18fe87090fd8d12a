import type { PopulationRates } from './synthetic-population.js';

/** A canonical record (JSON form) of one of the five identity topics, with the person it is really about. */
export interface SyntheticEvent {
  topic: string;
  value: Record<string, unknown>;
  personId: string;
  /** The noise put into this record, e.g. nameVariant, oldIdForm, invalidResidentId. */
  noise: readonly string[];
}

export interface SyntheticNoiseRates extends PopulationRates {
  /** A name in a policy or ticket typed differently: spaces, a full-width space, a homophone character. */
  nameVariant: number;
  /** A policy holder (born before 1984) recorded with the old 15-digit resident ID number. */
  oldIdForm: number;
  /** A field left empty that may be: e-mail, birth date, caller name, CRM id on a reference. */
  missingField: number;
  /** A member record whose first event carries an invalid resident ID, mobile or plate. */
  invalidIdentifier: number;
  /** A person the CRM holds twice, the copy later merged into the original. */
  crmDuplicate: number;
}
