import { residentIdCheckCharacter } from '../../domain/identifiers/resident-id-number.js';
import { HOMOPHONES } from './chinese-names.js';
import type { SeededRandom } from './seeded-random.js';
import type { SyntheticEvent, SyntheticNoiseRates } from './synthetic-event.js';
import { pad, type SyntheticPerson } from './synthetic-population.js';

const DAY = 86_400_000;

/** An event with its time, so that a household's events can be put in order. */
export interface Timed {
  at: number;
  event: SyntheticEvent;
}

/** Makes the records of one person in each system they are in, as successive events. */
export class SyntheticRecordFactory {
  private counter = 0;

  constructor(
    private readonly random: SeededRandom,
    private readonly rates: SyntheticNoiseRates,
    private readonly end: number,
  ) {}

  eventsOf(person: SyntheticPerson): Timed[] {
    const random = this.random;
    // The CRM is where customers are onboarded: policyholders are nearly always in it; people only
    // the service desk knows are callers who never bought anything.
    const policies = random.chance(0.55);
    const crm = policies ? random.chance(0.95) : random.chance(0.7);
    const service = random.chance(0.45) || (!crm && !policies);
    const events: Timed[] = [];
    const customerId = crm ? `C${person.division.code}${pad(++this.counter, 8)}` : undefined;
    if (customerId !== undefined) {
      events.push(...this.customer(person, customerId, undefined));
      if (random.chance(this.rates.crmDuplicate))
        events.push(...this.customer(person, `C${person.division.code}${pad(++this.counter, 8)}`, customerId));
      if (random.chance(0.35)) events.push(...this.xref(person, customerId));
    }
    if (policies) {
      const count = random.int(1, 3);
      for (let index = 0; index < count; index++) {
        const motor = person.plate !== undefined && (index === 0 || random.chance(0.3));
        const policy = this.policy(person, customerId, motor);
        events.push(...policy.events);
        if (random.chance(0.35)) events.push(...this.claim(person, customerId, policy.policyNumber, policy.issuedAt, motor));
      }
    }
    if (service) for (let count = random.int(1, 3); count > 0; count--) events.push(...this.ticket(person, customerId));
    return events;
  }

  private customer(person: SyntheticPerson, customerId: string, duplicateOf: string | undefined): Timed[] {
    const random = this.random;
    const createdAt = person.since + random.int(0, 30) * DAY + random.int(0, DAY - 1);
    const times = [createdAt, ...this.later(createdAt, random.int(0, 3))];
    // People tell the CRM their new number, mostly.
    if (person.phoneChangedAt !== undefined && random.chance(0.8))
      times.push(Math.min(this.end, person.phoneChangedAt + random.int(1, 20) * DAY));
    if (duplicateOf !== undefined) times.push(this.later(createdAt, 1)[0] as number);
    times.sort((a, b) => a - b);
    const invalid = random.chance(this.rates.invalidIdentifier) ? random.pick(['invalidResidentId', 'invalidMobile'] as const) : undefined;
    const landline = random.chance(0.3) ? `${person.division.areaCode}-${pad(random.int(20_000_000, 89_999_999), 8)}` : undefined;
    const street = random.pick(person.division.streets);
    return times.map((at, index) => {
      const noise: string[] = duplicateOf === undefined ? [] : ['crmDuplicate'];
      const mobile = this.mobileAt(person, at, noise);
      let idNumber = person.residentId;
      let mobileNumber = mobile;
      if (index === 0 && invalid === 'invalidResidentId') idNumber = this.invalidResidentId(person, noise);
      if (index === 0 && invalid === 'invalidMobile') {
        mobileNumber = mobile.slice(0, 10);
        noise.push('invalidMobile');
      }
      const missingEmail = person.email !== undefined && random.chance(this.rates.missingField);
      const missingBirthDate = random.chance(this.rates.missingField);
      if (missingEmail || missingBirthDate) noise.push('missingField');
      const merged = duplicateOf !== undefined && index === times.length - 1;
      const value = {
        meta: this.meta(index === 0 ? 'CustomerCreated' : merged ? 'CustomerMerged' : 'CustomerUpdated', 'crm', at),
        customerId,
        customerType: 'PERSON',
        fullName: person.name,
        idType: 'RESIDENT_ID',
        idNumber,
        birthDate: missingBirthDate ? null : person.birthDate,
        gender: person.gender,
        phones: [
          { type: 'MOBILE', number: mobileNumber, primary: true },
          ...(landline === undefined ? [] : [{ type: 'WORK', number: landline, primary: false }]),
        ],
        email: person.email === undefined || missingEmail ? null : index % 2 === 1 ? person.email.toUpperCase() : person.email,
        addresses: [
          {
            type: 'HOME',
            province: person.division.province,
            city: person.division.city,
            district: person.division.district,
            street,
            postalCode: person.division.postalCode,
            countryCode: 'CN',
          },
        ],
        jobCategory: null,
        valueSegment: 'UNCLASSIFIED',
        status: merged ? 'MERGED' : 'ACTIVE',
        mergedIntoCustomerId: merged ? duplicateOf : null,
        createdAt: iso(createdAt),
        updatedAt: iso(at),
      };
      return this.timed(at, 'crm.customer.v1', value, person, noise);
    });
  }

  private xref(person: SyntheticPerson, customerId: string): Timed[] {
    const linkedAt = person.since + this.random.int(31, 60) * DAY;
    const erpCustomerId = `ERP-${pad(++this.counter, 8)}`;
    return [linkedAt, ...this.later(linkedAt, this.random.int(0, 1))].map((at) =>
      this.timed(
        at,
        'erp.customer-xref.v1',
        { meta: this.meta('ErpCustomerLinked', 'erp', at), customerId, erpCustomerId, erpCompany: '3100', linkedAt: iso(linkedAt) },
        person,
        [],
      ),
    );
  }

  private policy(
    person: SyntheticPerson,
    customerId: string | undefined,
    motor: boolean,
  ): { policyNumber: string; issuedAt: number; events: Timed[] } {
    const random = this.random;
    const issuedAt = this.after(person.since);
    const line = motor ? random.pick(['DAA', 'DAT']) : random.pick(['HEA', 'ACC', 'LIF']);
    const policyNumber = `P${line}${new Date(issuedAt).getUTCFullYear()}${person.division.code.slice(0, 4)}${pad(++this.counter, 10)}`;
    const oldForm = person.birthDate < '1984' && random.chance(this.rates.oldIdForm);
    const invalid = random.chance(this.rates.invalidIdentifier)
      ? motor
        ? random.pick(['invalidResidentId', 'invalidPlate'] as const)
        : 'invalidResidentId'
      : undefined;
    const linked = customerId !== undefined && !random.chance(0.3);
    const times = [issuedAt, ...this.later(issuedAt, random.int(0, 2))];
    const events = times.map((at, index) => {
      const noise: string[] = [];
      if (person.shares.includes('plate') && motor) noise.push('sharedPlate');
      let idNumber = oldForm ? person.residentId.slice(0, 6) + person.residentId.slice(8, 17) : person.residentId;
      if (oldForm) noise.push('oldIdForm');
      if (index === 0 && invalid === 'invalidResidentId') idNumber = this.invalidResidentId(person, noise);
      let plate = motor ? this.plateAsTyped(person.plate as string, noise) : undefined;
      if (index === 0 && invalid === 'invalidPlate') {
        plate = `X${(person.plate as string).slice(1, 6)}`;
        noise.push('invalidPlate');
      }
      const missingLink = linked && random.chance(this.rates.missingField);
      if (missingLink) noise.push('missingField');
      const holder = {
        customerId: linked && !missingLink ? customerId : null,
        name: this.nameAsTyped(person.name, noise),
        idType: 'RESIDENT_ID',
        idNumber,
      };
      const issued = new Date(issuedAt);
      const value = {
        meta: this.meta(index === 0 ? 'PolicyIssued' : 'PolicyUpdated', 'core-policy', at),
        policyNumber,
        productLine: motor ? 'MOTOR' : { HEA: 'HEALTH', ACC: 'ACCIDENT', LIF: 'LIFE' }[line],
        productCode: line,
        productName: motor ? '机动车商业保险' : '个人保险',
        holder,
        insured: [{ ...holder }],
        vehicle: motor ? { plate, vin: null, make: '比亚迪', model: '汉 EV', usage: 'PRIVATE' } : null,
        premium: { amount: `${random.int(800, 9000)}.00`, currency: 'CNY' },
        sumInsured: { amount: '500000.00', currency: 'CNY' },
        effectiveDate: iso(issuedAt + DAY).slice(0, 10),
        expiryDate: `${issued.getUTCFullYear() + 1}${iso(issuedAt).slice(4, 10)}`,
        issuedAt: iso(issuedAt),
        status: index === times.length - 1 && at - issuedAt > 365 * DAY ? 'EXPIRED' : 'IN_FORCE',
        channel: 'AGENT',
        agentCode: null,
      };
      return this.timed(at, 'policy.policy.v1', value, person, noise);
    });
    return { policyNumber, issuedAt, events };
  }

  private claim(person: SyntheticPerson, customerId: string | undefined, policyNumber: string, issuedAt: number, motor: boolean): Timed[] {
    const random = this.random;
    const reportedAt = this.after(issuedAt);
    const claimNumber = `R${policyNumber.slice(1, 4)}${new Date(reportedAt).getUTCFullYear()}${pad(++this.counter, 10)}`;
    const linked = customerId !== undefined && random.chance(0.5);
    const invalid = motor && random.chance(this.rates.invalidIdentifier);
    const statuses = ['REPORTED', 'REGISTERED', 'ASSESSING', 'PAID', 'CLOSED'];
    return [reportedAt, ...this.later(reportedAt, random.int(0, 2))].map((at, index) => {
      const noise: string[] = [];
      let plate = motor ? this.plateAsTyped(person.plate as string, noise) : null;
      if (index === 0 && invalid) {
        plate = (person.plate as string).slice(0, 6);
        noise.push('invalidPlate');
      }
      const value = {
        meta: this.meta(index === 0 ? 'ClaimReported' : 'ClaimUpdated', 'claims', at),
        claimNumber,
        policyNumber,
        claimantCustomerId: linked ? customerId : null,
        lossDate: iso(reportedAt).slice(0, 10),
        reportedAt: iso(reportedAt),
        lossType: motor ? 'COLLISION' : 'HOSPITALISATION',
        lossDescription: null,
        lossLocation: null,
        vehiclePlate: plate,
        status: statuses[Math.min(index * 2, statuses.length - 1)],
        reserve: { amount: `${random.int(1000, 30000)}.00`, currency: 'CNY' },
        paid: { amount: '0.00', currency: 'CNY' },
      };
      return this.timed(at, 'claims.claim.v1', value, person, noise);
    });
  }

  private ticket(person: SyntheticPerson, customerId: string | undefined): Timed[] {
    const random = this.random;
    const openedAt = this.after(person.since);
    const ticketNumber = `SR${iso(openedAt).slice(0, 10).replaceAll('-', '')}${pad(++this.counter, 8)}`;
    // The call centre looks callers up in the CRM by number and name, and mostly finds them.
    const linked = customerId !== undefined && random.chance(0.6);
    const fromLandline = random.chance(0.08);
    const invalid = !fromLandline && random.chance(this.rates.invalidIdentifier);
    const anonymous = random.chance(this.rates.missingField);
    const statuses = ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED'];
    return [openedAt, ...this.later(openedAt, random.int(0, 2))].map((at, index) => {
      const noise: string[] = [];
      let callerPhone = fromLandline
        ? `${person.division.areaCode}-${pad(random.int(20_000_000, 89_999_999), 8)}`
        : this.phoneAsTyped(this.mobileAt(person, openedAt, noise), noise);
      if (fromLandline) noise.push('landline');
      if (index === 0 && invalid) {
        callerPhone = this.mobileAt(person, openedAt, []).slice(0, 10);
        noise.push('invalidMobile');
      }
      if (anonymous) noise.push('missingField');
      const value = {
        meta: this.meta(index === 0 ? 'ServiceRequestOpened' : 'ServiceRequestUpdated', 'call-centre', at),
        ticketNumber,
        customerId: linked ? customerId : null,
        callerName: anonymous ? null : this.nameAsTyped(person.name, noise),
        callerPhone,
        product: { productCode: 'KFR-35GW/BP3DN8Y', productName: '变频空调挂机 1.5匹', serialNumber: null },
        channel: 'PHONE',
        category: random.pick(['REPAIR', 'INSTALLATION', 'INQUIRY', 'COMPLAINT']),
        priority: 'NORMAL',
        status: statuses[Math.min(index * 2, statuses.length - 1)],
        description: null,
        partsRequested: [],
        openedAt: iso(openedAt),
        slaDueAt: iso(openedAt + 2 * DAY),
        updatedAt: iso(at),
        assignedTo: null,
      };
      return this.timed(at, 'service.request.v1', value, person, noise);
    });
  }

  /** The mobile a person used at a time: the second one once they changed. */
  private mobileAt(person: SyntheticPerson, at: number, noise: string[]): string {
    if (person.shares.includes('phone')) noise.push('sharedPhone');
    if (person.phoneChangedAt !== undefined && at >= person.phoneChangedAt) {
      noise.push('phoneChanged');
      return person.mobiles[1] as string;
    }
    return person.mobiles[0] as string;
  }

  private invalidResidentId(person: SyntheticPerson, noise: string[]): string {
    noise.push('invalidResidentId');
    if (this.random.chance(0.5)) {
      const check = person.residentId[17] === '1' ? '2' : '1';
      return person.residentId.slice(0, 17) + check;
    }
    // A day that does not exist, with a check character that matches it.
    const first17 = `${person.residentId.slice(0, 6)}${person.birthDate.slice(0, 4)}0231${person.residentId.slice(14, 17)}`;
    return first17 + residentIdCheckCharacter(first17);
  }

  private nameAsTyped(name: string, noise: string[]): string {
    if (!this.random.chance(this.rates.nameVariant)) return name;
    noise.push('nameVariant');
    const variant = this.random.int(0, 2);
    if (variant === 0) return `${name.slice(0, 1)} ${name.slice(1)}`;
    if (variant === 1) return ` ${name.slice(0, 1)}\u3000${name.slice(1)}`;
    for (let index = name.length - 1; index > 0; index--) {
      const homophone = HOMOPHONES[name[index] as string];
      if (homophone !== undefined) return name.slice(0, index) + homophone + name.slice(index + 1);
    }
    return `${name} `;
  }

  private phoneAsTyped(mobile: string, noise: string[]): string {
    switch (this.random.int(0, 5)) {
      case 0:
        noise.push('phoneFormat');
        return `+86 ${mobile.slice(0, 3)} ${mobile.slice(3, 7)} ${mobile.slice(7)}`;
      case 1:
        noise.push('phoneFormat');
        return `${mobile.slice(0, 3)}-${mobile.slice(3, 7)}-${mobile.slice(7)}`;
      case 2:
        noise.push('phoneFormat');
        return `0086${mobile}`;
      default:
        return mobile;
    }
  }

  private plateAsTyped(plate: string, noise: string[]): string {
    switch (this.random.int(0, 5)) {
      case 0:
        noise.push('plateFormat');
        return `${plate.slice(0, 2)}·${plate.slice(2)}`;
      case 1:
        noise.push('plateFormat');
        return `${plate.slice(0, 2)} ${plate.slice(2).toLowerCase()}`;
      default:
        return plate;
    }
  }

  private meta(eventType: string, sourceSystem: string, at: number): Record<string, unknown> {
    return {
      eventId: this.random.uuid(),
      eventType,
      sourceSystem,
      occurredAt: iso(at),
      correlationId: `corr-${this.random.uuid().slice(0, 13)}`,
    };
  }

  private timed(at: number, topic: string, value: Record<string, unknown>, person: SyntheticPerson, noise: string[]): Timed {
    return { at, event: { topic, value, personId: person.personId, noise: [...new Set(noise)] } };
  }

  /** A time after `from` and before the end of the period. */
  private after(from: number): number {
    return from + Math.floor(this.random.next() * Math.max(DAY, this.end - from));
  }

  private later(from: number, count: number): number[] {
    return Array.from({ length: count }, () => Math.min(this.end, from + this.random.int(1, 400) * DAY + this.random.int(0, DAY - 1)));
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
