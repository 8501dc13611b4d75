// A JSON answer whose status depends on the outcome (201 or 200, 200 or 503), which @HttpCode
// cannot express.
import type { HttpReply } from './http-request';

export function sendJson(res: HttpReply, status: number, body: unknown): void {
  res.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}
