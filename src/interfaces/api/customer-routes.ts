import type { CustomerView } from '../../domain/customer-view/customer-view.js';
import { renewalCsv } from '../../domain/customer-view/renewals/renewal-csv.js';
import { apiError, errorResponse, type ApiRoute } from './api-route.js';
import type { PersonalDataView } from './personal-data-view.js';
import { DATE_SCHEMA } from './request-formats.js';
import { UnknownSourceRecordError } from '../../domain/customer-view/unknown-source-record-error.js';

const object = { type: 'object' } as const;

/**
 * The single customer view over HTTP: the call-centre screen pop (lookup by any identifier), the
 * renewal list as JSON or CSV, the data steward's unmerge and the view's own status. Customers'
 * personal data is whole for operators and admins, masked for viewers (see PersonalDataView).
 */
export function customerRoutes(view: CustomerView, personal: PersonalDataView): ApiRoute[] {
  const masked = ' Personal data is masked for viewer tokens (whole for operator and admin).';
  return [
    {
      method: 'get',
      path: '/api/customers/lookup',
      operationId: 'lookupCustomer',
      summary: 'Find golden customers by any identifier',
      description: `ID number (18 or old 15 digits), mobile in any spelling, plate, e-mail, policy, claim or ticket number, \`system:id\` or any system id, or a golden id. Usually one match; several when e.g. two people share a phone.${masked}`,
      tag: 'customers',
      access: 'viewer',
      parameters: [
        { name: 'q', in: 'query', required: true, description: 'The identifier', schema: { type: 'string', minLength: 1, maxLength: 200 } },
      ],
      responses: {
        200: {
          description: 'The matching customers: golden record, merges followed, cross-references, recent events, segment and risk',
          schema: { type: 'object', properties: { matches: { type: 'array', items: object } } },
        },
        404: errorResponse('No customer is known by that identifier'),
      },
      handle: ({ query, principal }, res) => {
        const matches = view.directory.lookup(String(query.q));
        if (matches.length === 0) return apiError(res, 404, 'CUSTOMER_NOT_FOUND', 'no customer is known by that identifier');
        return res.json({ matches: personal.for(principal, matches) });
      },
    },
    {
      method: 'get',
      path: '/api/customers/{goldenId}',
      operationId: 'getCustomer',
      summary: 'A golden customer by id (a merged id answers with the survivor)',
      description: masked.trim(),
      tag: 'customers',
      access: 'viewer',
      parameters: [{ name: 'goldenId', in: 'path', description: 'Golden customer id', schema: { type: 'string', minLength: 1 } }],
      responses: { 200: { description: 'The customer profile', schema: object }, 404: errorResponse('No such golden customer') },
      handle: ({ params, principal }, res) => {
        const profile = view.directory.profile(String(params.goldenId));
        if (!profile) return apiError(res, 404, 'CUSTOMER_NOT_FOUND', `no golden customer ${String(params.goldenId)}`);
        return res.json(personal.for(principal, profile));
      },
    },
    {
      method: 'post',
      path: '/api/customers/unmerge',
      operationId: 'unmergeCustomerRecord',
      summary: 'Split a source record off its golden customer',
      description:
        "The resolver applies it in order with the source records; the record is not linked to those customers again automatically. Watch customer.identity-event.v1 for UNMERGED. A record no golden customer has (as this process's customer directory knows them) answers 404 and sends nothing.",
      tag: 'customers',
      access: 'operator',
      body: {
        description: 'The source record',
        maxBytes: 4096,
        schema: {
          type: 'object',
          additionalProperties: false,
          required: ['system', 'systemId'],
          properties: {
            system: { type: 'string', enum: ['crm', 'policy-admin', 'claims', 'service-desk', 'erp'] },
            systemId: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
      },
      responses: {
        202: {
          description: 'Accepted: the command id',
          schema: { type: 'object', properties: { commandId: { type: 'string' }, status: { type: 'string' } } },
        },
        404: errorResponse('No golden customer has that source record (CUSTOMER_RECORD_UNKNOWN): nothing was sent'),
      },
      handle: async ({ body }, res) => {
        const { system, systemId } = body as { system: string; systemId: string };
        try {
          const commandId = await view.requestUnmerge(system, systemId);
          return res.status(202).json({ commandId, status: 'accepted' });
        } catch (error) {
          if (error instanceof UnknownSourceRecordError) return apiError(res, 404, error.code, error.message);
          throw error;
        }
      },
    },
    {
      method: 'get',
      path: '/api/renewals',
      operationId: 'renewalList',
      summary: "The renewal list: in-force policies expiring soon, with the holder's contact and value segment",
      description: masked.trim(),
      tag: 'customers',
      access: 'viewer',
      parameters: [
        {
          name: 'withinDays',
          in: 'query',
          description: 'Days ahead (default: customerView.renewals.withinDays)',
          schema: { type: 'integer', minimum: 0, maximum: 366 },
        },
        {
          name: 'asOf',
          in: 'query',
          description: 'The day to count from, YYYY-MM-DD, a day of the calendar (default today, China time)',
          schema: DATE_SCHEMA,
        },
        {
          name: 'format',
          in: 'query',
          description: 'json (default) or csv (UTF-8 with BOM, for Excel)',
          schema: { type: 'string', enum: ['json', 'csv'], default: 'json' },
        },
      ],
      responses: {
        200: {
          description: 'The list; with format=csv the same rows as CSV (UTF-8 with BOM, one header line)',
          schema: {
            type: 'object',
            properties: { asOf: { type: 'string' }, withinDays: { type: 'integer' }, rows: { type: 'array', items: object } },
          },
          alsoAs: { 'text/csv': { type: 'string' } },
        },
        400: errorResponse('withinDays or asOf is invalid (asOf must be a day of the calendar)'),
      },
      handle: ({ query, principal }, res) => {
        const withinDays = typeof query.withinDays === 'number' ? query.withinDays : view.settings.renewals.withinDays;
        const list = view.renewalList(typeof query.asOf === 'string' ? query.asOf : undefined, withinDays);
        const rows = personal.for(principal, list.rows);
        if (query.format !== 'csv') return res.json({ asOf: list.asOf, withinDays: list.withinDays, rows });
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', `attachment; filename="renewals-${list.asOf}-${withinDays}d.csv"`);
        return res.send(renewalCsv(rows, { bom: true }));
      },
    },
    {
      method: 'post',
      path: '/api/renewals/run',
      operationId: 'runRenewals',
      summary: 'Publish the renewal list now, as the schedule does',
      tag: 'customers',
      access: 'operator',
      parameters: [
        {
          name: 'asOf',
          in: 'query',
          description: 'The day to count from, YYYY-MM-DD, a day of the calendar (default today)',
          schema: DATE_SCHEMA,
        },
      ],
      responses: { 200: { description: 'What was published', schema: object }, 400: errorResponse('asOf is not a day of the calendar') },
      handle: async ({ query }, res) => res.json(await view.runRenewalsNow(typeof query.asOf === 'string' ? query.asOf : undefined)),
    },
    {
      method: 'get',
      path: '/api/customer-view/status',
      operationId: 'customerViewStatus',
      summary: 'Identity resolution and analytics: active or standby, counts, last error',
      tag: 'customers',
      access: 'viewer',
      responses: { 200: { description: 'Status', schema: object } },
      handle: (_request, res) => res.json(view.status()),
    },
  ];
}
