import { Router, type Request, type Response } from 'express';
import type { BackOfficeRecord } from './back-office-simulator-options.js';
import { encodeChangeCursor } from './change-cursor.js';
import { parseChangeQuery } from './change-query.js';
import { errorCodeFor, sendError } from './error-response.js';
import type { FaultInjector } from './fault-injector.js';
import type { IdempotencyStore } from './idempotency-store.js';
import type { RecordCollection } from './record-collection.js';

export interface BackOfficeApiContext {
  name: string;
  collections: ReadonlyMap<string, RecordCollection>;
  faults: FaultInjector;
  idempotency: IdempotencyStore;
  maxPageSize: number;
}

/** The JSON API of a back office: change paging, reads by key, and upserts. */
export function backOfficeApi(context: BackOfficeApiContext): Router {
  const { name } = context;
  const router = Router();

  const collectionNamed = (collectionName: string, res: Response): RecordCollection | undefined => {
    const collection = context.collections.get(collectionName);
    if (!collection)
      sendError(res, 404, `${name}: there is no collection ${JSON.stringify(collectionName)}`, { code: 'COLLECTION_NOT_FOUND' });
    return collection;
  };

  router.get('/api/:collection', (req, res) => {
    const collection = collectionNamed(req.params.collection, res);
    if (!collection) return;
    const query = parseChangeQuery(req.query, context.maxPageSize);
    if (typeof query === 'string') {
      sendError(res, 400, `${name}: query parameter ${query}`, { code: 'INVALID_PARAMETER', details: [query] });
      return;
    }
    const page = collection.changes(query);
    res.json({ items: page.items, nextCursor: page.next ? encodeChangeCursor(page.next) : null });
  });

  router.get('/api/:collection/:key', (req, res) => {
    const collection = collectionNamed(req.params.collection, res);
    if (!collection) return;
    const record = collection.get(req.params.key);
    if (record) res.json(record);
    else sendError(res, 404, `${name}: ${collection.name} ${JSON.stringify(req.params.key)} does not exist`, { code: 'RECORD_NOT_FOUND' });
  });

  router.put('/api/:collection/:key', (req, res) => {
    const collection = collectionNamed(req.params.collection, res);
    if (collection) write(req, res, collection, req.params.key);
  });

  router.post('/api/:collection', (req, res) => {
    const collection = collectionNamed(req.params.collection, res);
    if (collection) write(req, res, collection, undefined);
  });

  function write(req: Request, res: Response, collection: RecordCollection, pathKey: string | undefined): void {
    const body: unknown = req.body;
    if (!req.is('application/json')) return sendError(res, 415, `${name}: send the record as JSON (Content-Type: application/json)`);
    if (!isRecord(body)) return sendError(res, 400, `${name}: the body must be a JSON object`);
    const idempotencyKey = req.get('idempotency-key');
    const fingerprint = `${req.method} ${req.originalUrl} ${JSON.stringify(body)}`;
    if (idempotencyKey) {
      const earlier = context.idempotency.lookup(idempotencyKey, fingerprint);
      if (earlier.kind === 'replay') {
        res.set('Idempotent-Replayed', 'true').status(earlier.response.status).json(earlier.response.body);
        return;
      }
      if (earlier.kind === 'reused')
        return sendError(res, 422, `${name}: Idempotency-Key ${idempotencyKey} was first sent with another request`, {
          code: 'IDEMPOTENCY_KEY_REUSED',
        });
    }
    const problems = collection.problems(body, pathKey);
    if (problems.length > 0)
      return sendError(res, 422, `${name}: the ${collection.name} record is not valid`, { code: 'VALIDATION_FAILED', details: problems });
    const key = collection.keyOf(body, pathKey);
    const refusal = context.faults.rejectionOf(body, { collection: collection.name, key });
    if (refusal) {
      return sendError(res, refusal, `${name}: the ${collection.name} record ${JSON.stringify(key)} was refused`, {
        code: refusal === 422 ? 'VALIDATION_FAILED' : errorCodeFor(refusal),
        details: [`${collection.keyField}: ${key} is refused by a rule of ${name}`],
      });
    }
    const result = collection.write(key, body, { at: String(res.locals.arrivedAt), requestId: String(res.locals.requestId) });
    // PUT names the resource, so it answers 200 either way; POST tells a creation apart with 201.
    const status = result.created && pathKey === undefined ? 201 : 200;
    const response = { id: result.id, version: result.version };
    if (idempotencyKey) context.idempotency.remember(idempotencyKey, fingerprint, { status, body: response });
    res.status(status).json(response);
  }

  return router;
}

function isRecord(value: unknown): value is BackOfficeRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
