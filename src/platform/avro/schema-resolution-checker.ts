import avro from 'avsc';
import { describeAvroType } from './avro-type-description.js';
import type { CompatibilityDirection, CompatibilityIssue, CompatibilityRule } from './compatibility-issue.js';
import { DecimalType } from './logical-types/decimal-type.js';
import { JsonLogicalType } from './logical-types/json-logical-type.js';

/** Which comparison is being made, so that issues can say which side cannot read which. */
export interface ResolutionContext {
  direction: CompatibilityDirection;
  /** The existing version on the other side. */
  version: number;
}

// Writer type → reader types that read it by the specification's promotion rules.
const PROMOTIONS: Readonly<Record<string, readonly string[]>> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

/**
 * Everything that stops `reader` from reading data written with `writer`, by the Avro
 * specification's schema resolution rules as avsc's `createResolver` applies them (the hub decodes
 * with avsc, so a change it cannot resolve must be reported even where other libraries are laxer):
 * names compare as full names (or a reader alias), a union reads a writer type when any branch can.
 */
export function findResolutionIssues(reader: avro.Type, writer: avro.Type, context: ResolutionContext): CompatibilityIssue[] {
  const root = (context.direction === 'BACKWARD' ? reader : writer).name;
  const path = root ? root.slice(root.lastIndexOf('.') + 1) : '(root)';
  return new ResolutionChecker(context).check(reader, writer, path, new Set());
}

class ResolutionChecker {
  private readonly readerIsNew: boolean;

  constructor(private readonly context: ResolutionContext) {
    this.readerIsNew = context.direction === 'BACKWARD';
  }

  check(reader: avro.Type, writer: avro.Type, path: string, inProgress: ReadonlySet<string>): CompatibilityIssue[] {
    if (avro.Type.isType(writer, 'union')) return this.checkWriterUnion(reader, unionBranches(writer), writer, path, inProgress);
    if (avro.Type.isType(reader, 'union')) {
      const issues = this.readIntoUnion(unionBranches(reader), writer, path, inProgress);
      return (
        issues ?? [
          this.issue('TYPE_CHANGED', path, `type changed from ${this.describeOld(reader, writer)} to ${this.describeNew(reader, writer)}`),
        ]
      );
    }
    return this.checkPlain(reader, writer, path, inProgress);
  }

  // Every branch the writer may have used must be readable; data only ever holds one of them.
  private checkWriterUnion(
    reader: avro.Type,
    writerBranches: readonly avro.Type[],
    writer: avro.Type,
    path: string,
    inProgress: ReadonlySet<string>,
  ): CompatibilityIssue[] {
    const readerBranches = avro.Type.isType(reader, 'union') ? unionBranches(reader) : [reader];
    const failures = writerBranches.map((branch) => ({ branch, issues: this.readIntoUnion(readerBranches, branch, path, inProgress) }));
    const unreadable = failures.filter((failure) => failure.issues === undefined);
    if (!avro.Type.isType(reader, 'union') && unreadable.length === writerBranches.length) {
      return [
        this.issue('TYPE_CHANGED', path, `type changed from ${this.describeOld(reader, writer)} to ${this.describeNew(reader, writer)}`),
      ];
    }
    const issues: CompatibilityIssue[] = [];
    for (const { branch, issues: branchIssues } of failures) {
      if (branchIssues) {
        issues.push(...branchIssues);
      } else if (this.readerIsNew) {
        issues.push(
          this.issue(
            'UNION_BRANCH_REMOVED',
            path,
            `lost union branch ${describeAvroType(branch)}: ${describeAvroType(writer)} in version ${this.context.version} became ${describeAvroType(reader)}`,
          ),
        );
      } else {
        issues.push(
          this.issue(
            'UNION_BRANCH_ADDED',
            path,
            `gained union branch ${describeAvroType(branch)}: ${describeAvroType(reader)} in version ${this.context.version} became ${describeAvroType(writer)}`,
          ),
        );
      }
    }
    return issues;
  }

  /**
   * Issues of reading one writer type into one of several reader types: none when some branch
   * reads it cleanly; the detailed issues of the branch meant to read it (same name or kind) when
   * that one fails; undefined when no branch is even meant to.
   */
  private readIntoUnion(
    readerBranches: readonly avro.Type[],
    writer: avro.Type,
    path: string,
    inProgress: ReadonlySet<string>,
  ): CompatibilityIssue[] | undefined {
    let counterpartIssues: CompatibilityIssue[] | undefined;
    for (const branch of readerBranches) {
      const issues = this.check(branch, writer, path, inProgress);
      if (issues.length === 0) return [];
      if (counterpartIssues === undefined && isCounterpart(branch, writer)) counterpartIssues = issues;
    }
    return counterpartIssues;
  }

  private checkPlain(reader: avro.Type, writer: avro.Type, path: string, inProgress: ReadonlySet<string>): CompatibilityIssue[] {
    const readerLogical = ownLogicalType(reader);
    const writerLogical = ownLogicalType(writer);
    if (readerLogical && writerLogical) {
      if (readerLogical.typeName !== writerLogical.typeName) {
        return [
          this.issue(
            'LOGICAL_TYPE_CHANGED',
            path,
            `logical type changed from ${this.describeOld(reader, writer)} to ${this.describeNew(reader, writer)}`,
          ),
        ];
      }
      if (!readerLogical.readsSameKind(writerLogical)) {
        return [this.decimalIssue(readerLogical, writerLogical, path)];
      }
    }
    // Logical types are read through their underlying types (adding or dropping the annotation is allowed).
    if (avro.Type.isType(reader, 'logical')) return this.check((reader as avro.types.LogicalType).underlyingType, writer, path, inProgress);
    if (avro.Type.isType(writer, 'logical')) return this.check(reader, (writer as avro.types.LogicalType).underlyingType, path, inProgress);

    if (reader.typeName !== writer.typeName) {
      if (PROMOTIONS[writer.typeName]?.includes(reader.typeName)) return [];
      return [
        this.issue('TYPE_CHANGED', path, `type changed from ${this.describeOld(reader, writer)} to ${this.describeNew(reader, writer)}`),
      ];
    }
    if (reader instanceof avro.types.RecordType) return this.checkRecord(reader, writer as avro.types.RecordType, path, inProgress);
    if (reader instanceof avro.types.EnumType) return this.checkEnum(reader, writer as avro.types.EnumType, path);
    if (reader instanceof avro.types.FixedType) return this.checkFixed(reader, writer as avro.types.FixedType, path);
    if (reader instanceof avro.types.ArrayType)
      return this.check(reader.itemsType, (writer as avro.types.ArrayType).itemsType, `${path}[]`, inProgress);
    if (reader instanceof avro.types.MapType)
      return this.check(reader.valuesType as avro.Type, (writer as avro.types.MapType).valuesType as avro.Type, `${path}{}`, inProgress);
    return [];
  }

  private checkRecord(
    reader: avro.types.RecordType,
    writer: avro.types.RecordType,
    path: string,
    inProgress: ReadonlySet<string>,
  ): CompatibilityIssue[] {
    const renamed = this.nameIssue(reader, writer, path);
    if (renamed) return [renamed];
    // A recursive record meets itself again: assume it resolves, as its fields are being checked already.
    const pair = `${reader.name ?? ''}\u0000${writer.name ?? ''}`;
    if (inProgress.has(pair)) return [];
    const inside = new Set(inProgress).add(pair);
    const issues: CompatibilityIssue[] = [];
    const writerFields = new Map(writer.fields.map((field) => [field.name, field]));
    for (const readerField of reader.fields) {
      const names = new Set([readerField.name, ...readerField.aliases]);
      const matches = [...names].filter((name) => writerFields.has(name));
      const fieldPath = `${path}.${this.readerIsNew ? readerField.name : (matches[0] ?? readerField.name)}`;
      if (matches.length > 1) {
        issues.push(
          this.issue(
            'FIELD_ALIAS_AMBIGUOUS',
            fieldPath,
            `field ${readerField.name} matches the fields ${matches.join(', ')} of ${this.readerIsNew ? `version ${this.context.version}` : 'the new schema'} through its aliases`,
          ),
        );
      } else if (matches[0] !== undefined) {
        issues.push(...this.check(readerField.type, (writerFields.get(matches[0]) as avro.types.Field).type, fieldPath, inside));
      } else if (readerField.defaultValue() === undefined) {
        const type = describeAvroType(readerField.type);
        issues.push(
          this.readerIsNew
            ? this.issue('FIELD_ADDED_WITHOUT_DEFAULT', fieldPath, `field ${readerField.name} (${type}) was added without a default`)
            : this.issue(
                'FIELD_REMOVED_WITHOUT_DEFAULT',
                fieldPath,
                `field ${readerField.name} (${type}) was removed, and version ${this.context.version} has no default for it`,
              ),
        );
      }
    }
    return issues;
  }

  private checkEnum(reader: avro.types.EnumType, writer: avro.types.EnumType, path: string): CompatibilityIssue[] {
    const renamed = this.nameIssue(reader, writer, path);
    if (renamed) return [renamed];
    // An enum default catches every symbol the reader does not know.
    if ((reader as unknown as { default?: string }).default !== undefined) return [];
    const missing = writer.symbols.filter((symbol) => !reader.symbols.includes(symbol));
    if (missing.length === 0) return [];
    return this.readerIsNew
      ? [
          this.issue(
            'ENUM_SYMBOL_REMOVED',
            path,
            `enum ${reader.name ?? ''} lost ${plural(missing, 'symbol')} and declares no default to read ${missing.length > 1 ? 'them' : 'it'} as`,
          ),
        ]
      : [
          this.issue(
            'ENUM_SYMBOL_ADDED',
            path,
            `enum ${writer.name ?? ''} gained ${plural(missing, 'symbol')}, which version ${this.context.version} lacks and has no enum default for`,
          ),
        ];
  }

  private checkFixed(reader: avro.types.FixedType, writer: avro.types.FixedType, path: string): CompatibilityIssue[] {
    const renamed = this.nameIssue(reader, writer, path);
    if (renamed) return [renamed];
    if (reader.size === writer.size) return [];
    const [oldSize, newSize] = this.readerIsNew ? [writer.size, reader.size] : [reader.size, writer.size];
    return [this.issue('FIXED_SIZE_CHANGED', path, `fixed ${reader.name ?? ''} changed size from ${oldSize} to ${newSize} bytes`)];
  }

  // Only decimals carry parameters, so only they can differ within one logical type.
  private decimalIssue(reader: JsonLogicalType, writer: JsonLogicalType, path: string): CompatibilityIssue {
    const [oldType, newType] = this.readerIsNew ? [writer, reader] : [reader, writer];
    const rescaled = oldType instanceof DecimalType && newType instanceof DecimalType && oldType.scale !== newType.scale;
    const why = rescaled
      ? 'the same unscaled bytes would mean a different number'
      : `values with ${(writer as DecimalType).precision} digits may not fit`;
    return this.issue('DECIMAL_CHANGED', path, `changed from ${oldType.describe()} to ${newType.describe()}: ${why}`);
  }

  private nameIssue(reader: avro.Type, writer: avro.Type, path: string): CompatibilityIssue | undefined {
    if (namesMatch(reader, writer)) return undefined;
    const [oldName, newName] = this.readerIsNew ? [writer.name, reader.name] : [reader.name, writer.name];
    const remedy = this.readerIsNew
      ? `without listing ${oldName} in its aliases`
      : `which version ${this.context.version} knows only as ${oldName}`;
    return this.issue('NAME_CHANGED', path, `${reader.typeName} renamed from ${oldName} to ${newName}, ${remedy}`);
  }

  private describeOld(reader: avro.Type, writer: avro.Type): string {
    return `${describeAvroType(this.readerIsNew ? writer : reader)} in version ${this.context.version}`;
  }

  private describeNew(reader: avro.Type, writer: avro.Type): string {
    return `${describeAvroType(this.readerIsNew ? reader : writer)} in the new schema`;
  }

  private issue(rule: CompatibilityRule, path: string, detail: string): CompatibilityIssue {
    const { direction, version } = this.context;
    const who =
      direction === 'BACKWARD'
        ? `the new schema cannot read data written with version ${version}`
        : `version ${version} cannot read data written with the new schema`;
    return { path, rule, message: `${path}: ${detail}; ${who}`, direction, version };
  }
}

function unionBranches(type: avro.Type): readonly avro.Type[] {
  return (type as avro.types.UnwrappedUnionType).types;
}

function ownLogicalType(type: avro.Type): JsonLogicalType | undefined {
  return type instanceof JsonLogicalType ? type : undefined;
}

/** The reader accepts the writer's name as its own name or one of its aliases (full names, as avsc compares them). */
function namesMatch(reader: avro.Type, writer: avro.Type): boolean {
  return writer.name === undefined || reader.name === writer.name || (reader.aliases ?? []).includes(writer.name);
}

/** Whether a reader union branch is the one meant to read the writer type, so its failures are worth detailing. */
function isCounterpart(reader: avro.Type, writer: avro.Type): boolean {
  if (reader.typeName !== writer.typeName) return false;
  return reader.name === undefined || namesMatch(reader, writer);
}

function plural(symbols: readonly string[], noun: string): string {
  return `${noun}${symbols.length > 1 ? 's' : ''} ${symbols.join(', ')}`;
}
