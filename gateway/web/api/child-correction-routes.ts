// A local child's identity corrections (issue 11): read by everyone who sees the child, made by a bidan or
// the admin with a reason (docs/api.md). The role that corrected is taken from the login, never the body.
import type { GatewayServices } from '../../app/services.ts';
import { HttpError, validate } from '../http.ts';
import type { Route } from '../router.ts';
import { idParam, unwrap } from './routes.ts';

export function childCorrectionRoutes(services: GatewayServices): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/children/:id/identity',
      roles: ['kader', 'bidan', 'admin'],
      handler: async ({ params }) => ({
        json: unwrap(await services.childCorrections(validate(idParam, params, 'path').id)),
      }),
    },
    {
      method: 'POST',
      path: '/api/children/:id/identity',
      roles: ['bidan', 'admin'],
      handler: async ({ params, body, session }) => {
        const { id } = validate(idParam, params, 'path');
        // The body is parsed once, by the services; only the role is the route's, from the login.
        if (typeof body !== 'object' || body === null || Array.isArray(body) || 'corrected_by' in body) {
          throw new HttpError(400, 'invalid_input', 'body: an object of the fields to correct and a reason');
        }
        const correctedBy = session.role === 'admin' ? 'admin' : 'bidan';
        return { json: unwrap(await services.childCorrections(id, { ...body, corrected_by: correctedBy })) };
      },
    },
  ];
}
