/** Where a change scan stopped: the (updatedAt, key) of the last record handed out. */
export interface ChangePosition {
  stamp: number;
  key: string;
}

/** Opaque to clients, so that they page with it instead of building positions of their own. */
export function encodeChangeCursor(position: ChangePosition): string {
  return Buffer.from(JSON.stringify([position.stamp, position.key])).toString('base64url');
}

/** The position in `cursor`, or undefined when it is not a cursor this simulator handed out. */
export function decodeChangeCursor(cursor: string): ChangePosition | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
    const [stamp, key] = decoded as unknown[];
    return typeof stamp === 'number' && Number.isFinite(stamp) && typeof key === 'string' ? { stamp, key } : undefined;
  } catch {
    return undefined;
  }
}

/** Orders changes by time, then key, so records written in the same millisecond still have one order. */
export function compareChangePositions(a: ChangePosition, b: ChangePosition): number {
  if (a.stamp !== b.stamp) return a.stamp - b.stamp;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
